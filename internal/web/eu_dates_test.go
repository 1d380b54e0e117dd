package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/system"
)

const datesNotice = "The amended EU AI Act dates are in force"

// TestAnOrganizationOnSupersededDatesIsToldAndSwitchesInOneClick: a new organization plans against the
// amended dates and sees no notice; one on the published dates (as organizations older than migration
// 0026 are) sees the notice on its AI roles page and on a system's classification page. Whoever may change
// the AI roles (a manager, admin or owner) switches from either page in one click, keeping the roles,
// recorded in the trail, back on the same page; auditors and viewers see the notice without the button and
// cannot post the switch.
func TestAnOrganizationOnSupersededDatesIsToldAndSwitchesInOneClick(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "lumen")
	admin := browserAs(t, f, newUser(t, f, "ada@lumen.example", org, aims.RoleAdmin), org)
	viewer := browserAs(t, f, newUser(t, f, "vic@lumen.example", org, aims.RoleViewer), org)
	manager := browserAs(t, f, newUser(t, f, "max@lumen.example", org, aims.RoleManager), org)
	auditor := browserAs(t, f, newUser(t, f, "grace@lumen.example", org, aims.RoleAuditor), org)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: org.ID})
	s, err := f.Systems.Create(ctx, org.ID, system.Fields{Name: "TalentMatch", Purpose: "Ranks CVs.", EURole: "deployer"})
	if err != nil {
		t.Fatal(err)
	}
	classification := "/systems/" + s.ID + "/classification"

	p := admin.get("/context/ai-roles")
	expect(t, p, http.StatusOK, "")
	if strings.Contains(text(p.Body), datesNotice) || !strings.Contains(p.Body, `value="amended" checked`) {
		t.Fatalf("a new organization is not on the amended dates, or is told to switch:\n%s", excerpt(p))
	}
	mustContain(t, p, "In force: Regulation (EU) 2024/1689 as amended", "Superseded")

	if _, err := f.Controls.UpdateProfile(ctx, org.ID, control.ProfileUpdate{AIRoles: []string{"ai_customer"}, EURoles: []string{"deployer"},
		EUDates: control.DatesPublished}, 0); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/context/ai-roles", classification} {
		p = admin.get(path)
		mustContain(t, p, datesNotice, "which are superseded", "Switch to: As amended (Digital Omnibus on AI)")
		if got := hidden(t, p.Body, "/context/ai-roles/dates", "next"); got != path {
			t.Errorf("the switch on %s returns to %q", path, got)
		}
		if p = manager.get(path); !strings.Contains(p.Body, `action="/context/ai-roles/dates"`) {
			t.Errorf("%s does not offer the switch to a manager, who may change the AI roles and dates", path)
		}
		for _, b := range []*browser{viewer, auditor} {
			p = b.get(path)
			mustContain(t, p, datesNotice, "A manager, admin or owner can switch")
			if strings.Contains(p.Body, `action="/context/ai-roles/dates"`) {
				t.Errorf("%s offers the switch to someone who may not make it", path)
			}
		}
	}

	before := activityCount(t, f, org.ID)
	for _, b := range []*browser{viewer, auditor} {
		expect(t, b.post("/context/ai-roles/dates", url.Values{"version": {"2"}, "next": {classification}}), http.StatusForbidden, "")
	}
	expect(t, admin.post("/context/ai-roles/dates", url.Values{"version": {"1"}, "next": {classification}}), http.StatusSeeOther, classification)
	p = admin.get(classification)
	mustContain(t, p, "Someone else changed the AI roles or dates meanwhile", datesNotice)
	if activityCount(t, f, org.ID) != before {
		t.Fatal("a refused switch changed something")
	}

	p = admin.get(classification)
	version := hidden(t, p.Body, "/context/ai-roles/dates", "version")
	expect(t, admin.post("/context/ai-roles/dates", url.Values{"version": {version}, "next": {classification}}), http.StatusSeeOther, classification)
	p = admin.get(classification)
	mustContain(t, p, "You now plan against the EU AI Act dates in force: As amended (Digital Omnibus on AI).")
	if strings.Contains(text(p.Body), datesNotice) {
		t.Errorf("the notice stays after the switch:\n%s", excerpt(p))
	}
	prof, err := f.Controls.Profile(f.Ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if prof.EUDates != control.DatesAmended || prof.Version != 3 || strings.Join(prof.AIRoles, ",") != "ai_customer" ||
		strings.Join(prof.EURoles, ",") != "deployer" {
		t.Errorf("the profile after the switch: %+v", prof)
	}
	if activityCount(t, f, org.ID) != before+1 {
		t.Errorf("the switch left %d entries in the trail, want 1", activityCount(t, f, org.ID)-before)
	}

	t.Run("the switch returns only to a page of aims", func(t *testing.T) {
		if _, err := f.Controls.UpdateProfile(ctx, org.ID, control.ProfileUpdate{AIRoles: []string{}, EURoles: []string{},
			EUDates: control.DatesPublished}, 0); err != nil {
			t.Fatal(err)
		}
		expect(t, admin.post("/context/ai-roles/dates", url.Values{"version": {"4"}, "next": {"https://evil.example/"}}),
			http.StatusSeeOther, "/context/ai-roles")
	})
}
