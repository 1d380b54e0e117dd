package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
)

// TestMappedReadinessInTheUI: the home page counts the mapped frameworks by framework, as far as the
// ISO/IEC 42001 items the crosswalks map to them; their page lists every NIST AI RMF subcategory with its
// next action, and one that clause 7.2 alone meets is ready once 7.2 is; the EU AI Act's page says how to
// bring its obligations in; a framework that is not mapped is a 400.
func TestMappedReadinessInTheUI(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme := f.Org(t, "acme")
	maya := newUser(t, f, "maya@acme.example", acme, aims.RoleManager)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test"})
	if _, err := f.Controls.UpdateControl(ctx, acme.ID, framework.ISO42001, "7.2", control.Update{Applicability: control.Applicable,
		Status: control.Implemented, OwnerID: maya.ID}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Controls.AddLink(ctx, acme.ID, framework.ISO42001, "7.2", control.LinkURL, "Competence matrix", "https://wiki.example/skills"); err != nil {
		t.Fatal(err)
	}
	p := browserAs(t, f, maya, acme)
	home := p.get("/")
	mustContain(t, home, "By framework", "ISO/IEC 42001:2023", "NIST AI RMF 1.0", "6% (5 of 72)", "EU AI Act", "None in scope yet")
	if !strings.Contains(home.Body, `href="/readiness/frameworks?framework=nist-ai-rmf-1.0"`) {
		t.Errorf("the home page does not lead to the NIST AI RMF's readiness")
	}
	page := p.get("/readiness/frameworks?framework=nist-ai-rmf-1.0")
	mustContain(t, page, "Readiness through the crosswalks", "GOVERN 1.1", "MEASURE 2.2", "Decide whether A.6.2.4 applies")
	row := regexp.MustCompile(`(?s)<strong>GOVERN 2\.2</strong>.*?</tr>`).FindString(page.Body)
	if !strings.Contains(row, "ready</span> through 7.2") || !strings.Contains(text(row), maya.Email) {
		t.Errorf("GOVERN 2.2, which 7.2 alone meets, is not ready by 7.2 with its owner:\n%s", text(row))
	}
	if strings.Contains(page.Body, "More requirements") {
		t.Errorf("the NIST AI RMF's subcategories fit one page")
	}
	mustContain(t, p.get("/readiness/frameworks?framework=eu-ai-act"), "No requirement of this framework is in scope", "Declare the organization")
	expect(t, p.get("/readiness/frameworks?framework=iso42001-2023"), http.StatusBadRequest, "")
}
