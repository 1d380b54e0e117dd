package web_test

import (
	"fmt"
	stdhtml "html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/system"
)

// TestTheAISystemInventoryThroughTheUI registers an AI system through the pages: refused without a
// purpose, registered with one, listed and filtered, and changed only with a reason that its history
// keeps, and not over a version someone else has replaced.
func TestTheAISystemInventoryThroughTheUI(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "lumen")
	priya := newUser(t, f, "priya@lumen.example", org, aims.RoleContributor)
	viewer := newUser(t, f, "vic@lumen.example", org, aims.RoleViewer)
	b := browserAs(t, f, priya, org)

	p := b.get("/systems")
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "AI systems", "Register an AI system", "No AI system is registered yet.")
	if !strings.Contains(p.Body, `<a href="/systems" aria-current="page" class="active">AI systems</a>`) {
		t.Error("the sidebar does not show AI systems as the current page")
	}
	p = b.get("/systems/new")
	expect(t, p, http.StatusOK, "")
	if !strings.Contains(p.Body, `<option value="`+priya.ID+`"`) {
		t.Error("the owner select does not offer the organization's members")
	}

	form := url.Values{"name": {"Support assistant"}, "purpose": {"  "}, "intended_use": {"Answers customers' questions."},
		"ai_role": {"ai_provider"}, "eu_role": {"deployer"}, "stage": {"deployment"}, "status": {"active"}, "owner_id": {priya.ID},
		"team": {"Care"}, "markets": {"EU, UK"}, "interacts_with_people": {"on"}, "generates_content": {"on"},
		"human_oversight": {"Agents review flagged answers."}}
	var id string
	t.Run("a system without a purpose is refused beside the field and nothing is stored", func(t *testing.T) {
		before := activityCount(t, f, org.ID)
		p := b.post("/systems", form)
		expect(t, p, http.StatusBadRequest, "")
		if !strings.Contains(p.Body, `<p id="sys-purpose-error" class="field-error">`) || !strings.Contains(p.Body, `value="Support assistant"`) ||
			!strings.Contains(p.Body, `id="sys-interacts" name="interacts_with_people" type="checkbox" value="on" checked`) {
			t.Errorf("the error is not beside the purpose, or the form lost its values:\n%s", excerpt(p))
		}
		if activityCount(t, f, org.ID) != before {
			t.Error("a refused system changed something")
		}
		if ss, _, err := f.Systems.List(f.Ctx, org.ID, system.Filter{}, pageOf()); err != nil || len(ss) != 0 {
			t.Errorf("a refused system was stored: %v %v", ss, err)
		}
	})

	t.Run("a system with a purpose is registered and listed", func(t *testing.T) {
		form.Set("purpose", "Drafts answers to support tickets.")
		p := b.post("/systems", form)
		expect(t, p, http.StatusSeeOther, "")
		id = strings.TrimPrefix(p.Location, "/systems/")
		if !aims.ValidID(id) {
			t.Fatalf("registered, but sent to %q", p.Location)
		}
		p = b.get(p.Location)
		expect(t, p, http.StatusOK, "")
		mustContain(t, p, "Support assistant is registered.", "Drafts answers to support tickets.", "Deployment", "EU, UK",
			"Agents review flagged answers.", "priya@lumen.example", "Care", "Created.")
		p = b.get("/systems?stage=deployment&q=support&sort=updated")
		mustContain(t, p, "Support assistant")
		mustContain(t, b.get("/systems?stage=retirement"), "No AI system matches the filter.")
		expect(t, b.get("/systems?stage=nonsense"), http.StatusBadRequest, "")
	})

	path := "/systems/" + id
	t.Run("a change needs a reason, which the history keeps", func(t *testing.T) {
		p := b.get(path + "/edit")
		expect(t, p, http.StatusOK, "")
		version := hidden(t, p.Body, path, "version")
		form.Set("version", version)
		form.Set("stage", "operation_and_monitoring")
		before := activityCount(t, f, org.ID)
		p = b.post(path, form)
		expect(t, p, http.StatusBadRequest, "")
		if !strings.Contains(p.Body, `<p id="sys-reason-error" class="field-error">`) {
			t.Errorf("the error is not beside the reason:\n%s", excerpt(p))
		}
		if activityCount(t, f, org.ID) != before {
			t.Error("a change without a reason changed something")
		}
		form.Set("reason", "Released to all customers.")
		expect(t, b.post(path, form), http.StatusSeeOther, path)
		p = b.get(path)
		mustContain(t, p, "Support assistant is saved.", "Operation and monitoring", "Released to all customers.", "version 2")
	})

	t.Run("a change over a replaced version is refused with the values kept", func(t *testing.T) {
		form.Set("stage", "retirement")
		form.Set("reason", "Stale.")
		p := b.post(path, form) // still version 1
		expect(t, p, http.StatusPreconditionFailed, "")
		mustContain(t, p, "Someone else changed this AI system while you were editing: it is now at version 2.")
		if got := hidden(t, p.Body, path, "version"); got != "2" {
			t.Errorf("the form now carries version %s, want 2", got)
		}
		s, err := f.Systems.System(f.Ctx, org.ID, id)
		if err != nil || s.Stage != "operation_and_monitoring" {
			t.Errorf("the stale change was stored: %v %v", s, err)
		}
	})

	t.Run("the list pages with its filter kept", func(t *testing.T) {
		ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: org.ID})
		for i := 0; i < 51; i++ {
			if _, err := f.Systems.Create(ctx, org.ID, system.Fields{Name: fmt.Sprintf("Model %02d", i), Purpose: "Paging.",
				Stage: "deployment"}); err != nil {
				t.Fatal(err)
			}
		}
		p := b.get("/systems?stage=deployment")
		mustContain(t, p, "Model 00", "Next page")
		if strings.Contains(text(p.Body), "Model 50") || strings.Contains(text(p.Body), "Support assistant") {
			t.Error("the first page shows more than 50 systems, or one the filter leaves out")
		}
		m := regexp.MustCompile(`href="(/systems\?[^"]*cursor=[^"]*)">Next page`).FindStringSubmatch(p.Body)
		if m == nil || !strings.Contains(m[1], "stage=deployment") {
			t.Fatalf("the next page link is missing or loses the filter: %v", m)
		}
		p = b.get(stdhtml.UnescapeString(m[1]))
		expect(t, p, http.StatusOK, "")
		mustContain(t, p, "Model 50", "First page")
		if strings.Contains(text(p.Body), "Model 00") || strings.Contains(p.Body, ">Next page<") {
			t.Error("the second page repeats the first or offers a third")
		}
	})

	t.Run("a viewer reads but is not offered to change", func(t *testing.T) {
		vb := browserAs(t, f, viewer, org)
		p := vb.get(path)
		expect(t, p, http.StatusOK, "")
		if strings.Contains(p.Body, path+"/edit") || strings.Contains(vb.get("/systems").Body, `href="/systems/new"`) {
			t.Error("a viewer is offered to register or edit")
		}
	})
}
