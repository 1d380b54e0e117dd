package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/system"
)

// TestTheReleaseGateInTheUI: a system's page shows its gate for the next stage, closed, with what is
// unmet; the gate page lists every condition with what would satisfy it and the CI command; a manager
// untick conditions on the policy page and the gate opens; a stale form is refused and nothing saved; a
// contributor reads the grid but is offered no save.
func TestTheReleaseGateInTheUI(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme := f.Org(t, "acme")
	maya := newUser(t, f, "maya@acme.example", acme, aims.RoleManager)
	priya := newUser(t, f, "priya@acme.example", acme, aims.RoleContributor)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test"})
	s, err := f.Systems.Create(ctx, acme.ID, system.Fields{Name: "Chat", Purpose: "Answers questions.", Stage: "verification_and_validation"})
	if err != nil {
		t.Fatal(err)
	}
	p := browserAs(t, f, priya, acme)
	mustContain(t, p.get("/systems/"+s.ID), "Release gate", "closed for “Deployment”: 6 of 6 conditions unmet.")
	page := p.get("/systems/" + s.ID + "/gate")
	mustContain(t, page, "Release gate of Chat", "Closed. 6 of 6 conditions are unmet", "Impact assessment approved and current",
		"To satisfy it: Assess Chat's impacts", `aims gate --server`, `--system "Chat" --stage deployment`)
	mustContain(t, p.get("/systems/"+s.ID+"/gate?stage=inception"), "Open. The policy sets no condition for this stage.")
	if res := p.get("/systems/" + s.ID + "/gate?stage=launch"); res.Status != http.StatusNotFound {
		t.Errorf("an unknown stage: %d", res.Status)
	}
	grid := p.get("/gate-policy")
	mustContain(t, grid, "Release gate", "the default, not saved yet", "Managers and the organization's owners change the gate policy.")
	if strings.Contains(grid.Body, "Save the gate policy") {
		t.Errorf("a contributor is offered the save")
	}

	m := browserAs(t, f, maya, acme)
	before := activityCount(t, f, acme.ID)
	bad := m.post("/gate-policy", url.Values{"version": {"3"}, "deployment": {"classification"}})
	if bad.Status != http.StatusConflict || !strings.Contains(bad.Body, "version 0 now, not 3") {
		t.Errorf("a stale form: %d\n%s", bad.Status, text(bad.Body))
	}
	if bad = m.post("/gate-policy", url.Values{"version": {"0"}, "deployment": {"wishes"}}); bad.Status != http.StatusBadRequest ||
		!strings.Contains(bad.Body, "Unknown condition") {
		t.Errorf("an unknown condition: %d\n%s", bad.Status, text(bad.Body))
	}
	if n := activityCount(t, f, acme.ID); n != before {
		t.Errorf("refused saves wrote %d activity entries", n-before)
	}
	if bad = m.post("/gate-policy", url.Values{"version": {"0"}, "deployment": {"risks"}, "evidence_deployment": {"A.6.2.6"}}); bad.Status != http.StatusBadRequest ||
		!strings.Contains(bad.Body, "names evidence but does not require it") {
		t.Errorf("evidence without the condition: %d\n%s", bad.Status, text(bad.Body))
	}
	res := m.post("/gate-policy", url.Values{"version": {"0"}, "verification_and_validation": {"classification"},
		"deployment": {"evidence"}, "evidence_deployment": {"A.6.2.6, A.6.2.4"}, "max_age_deployment": {"30"}})
	if res.Status != http.StatusSeeOther || res.Location != "/gate-policy" {
		t.Fatalf("saving: %d to %q\n%s", res.Status, res.Location, text(res.Body))
	}
	saved := m.get("/gate-policy")
	mustContain(t, saved, "Version 1 of the release gate policy is saved.", "version 1, saved")
	if !strings.Contains(saved.Body, `value="iso42001-2023/A.6.2.6, iso42001-2023/A.6.2.4"`) || !strings.Contains(saved.Body, `name="max_age_deployment" value="30"`) {
		t.Errorf("the saved evidence list is not in the form:\n%s", excerpt(saved))
	}
	mustContain(t, m.get("/systems/"+s.ID+"/gate"), "Closed. 1 of 1 conditions are unmet", "Evidence of A.6.2.6 for Chat")
	mustContain(t, m.get("/systems/"+s.ID+"/gate?stage=operation_and_monitoring"), "Open. The policy sets no condition for this stage.")
	mustContain(t, m.get("/systems/"+s.ID+"/gate?stage=verification_and_validation"), "Closed. 1 of 1 conditions are unmet",
		"EU AI Act classification recorded and current")
}

// TestReadinessBySystemInTheUI: the home page leads to every system against its gate, paged by name,
// each with the conditions it meets and the first it does not; a viewer reads it too.
func TestReadinessBySystemInTheUI(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme := f.Org(t, "acme")
	vera := newUser(t, f, "vera@acme.example", acme, aims.RoleViewer)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test"})
	var fs []system.Fields
	for i := range 60 {
		fs = append(fs, system.Fields{Name: fmt.Sprintf("System %02d", i), Purpose: "Answers questions.", Stage: "design_and_development"})
	}
	if _, err := f.Systems.Import(ctx, acme.ID, fs); err != nil {
		t.Fatal(err)
	}
	p := browserAs(t, f, vera, acme)
	mustContain(t, p.get("/"), "AI systems and their release gate", "System 00", "0 of 3 met", "Every AI system against its gate")
	page := p.get("/readiness/systems")
	mustContain(t, page, "AI systems against their release gate", "System 00", "System 49", "Verification and validation",
		"0 of 3", "EU AI Act classification", "More systems")
	if strings.Contains(page.Body, "System 50") {
		t.Errorf("the first page holds more than 50 systems")
	}
	next := regexp.MustCompile(`href="(/readiness/systems\?cursor=[^"]+)"`).FindStringSubmatch(page.Body)
	if next == nil {
		t.Fatal("no link to the next page")
	}
	page = p.get(html.UnescapeString(next[1]))
	mustContain(t, page, "System 50", "System 59")
	if strings.Contains(page.Body, "More systems") || strings.Contains(page.Body, "System 49") {
		t.Errorf("the second page:\n%s", text(page.Body))
	}
}
