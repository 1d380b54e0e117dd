package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/system"
)

// TestImpactAssessmentsInTheUI: a contributor starts a system's assessment from the system's page (the
// intended use comes from the record; an unknown mitigation is shown beside its field and nothing is
// stored); a manager approves it; an edit of the approved version makes version 2; a change of the
// system's purpose shows the stale banner with the reason; the list filters stale ones; exports download;
// the FRIA section shows only where Art. 27 applies; an auditor reads and is offered no form.
func TestImpactAssessmentsInTheUI(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme := f.Org(t, "acme")
	maya := newUser(t, f, "maya@acme.example", acme, aims.RoleManager)
	priya := newUser(t, f, "priya@acme.example", acme, aims.RoleContributor)
	audrey := newUser(t, f, "audrey@audit.example", acme, aims.RoleAuditor)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test"})
	s, err := f.Systems.Create(ctx, acme.ID, system.Fields{Name: "Chat", Purpose: "Answers questions.", IntendedUse: "Customer support answers",
		OwnerID: priya.ID})
	if err != nil {
		t.Fatal(err)
	}
	p := browserAs(t, f, priya, acme)
	mustContain(t, p.get("/systems/"+s.ID), "Impact assessment", "Start the impact assessment")
	mustContain(t, p.get("/systems/"+s.ID+"/impact"), "Chat has no impact assessment yet.", "Start the assessment")
	edit := p.get("/systems/" + s.ID + "/impact/edit")
	mustContain(t, edit, "Start the impact assessment of Chat", "Customer support answers", "Fundamental rights (individuals)")
	if strings.Contains(edit.Body, "Art. 27") {
		t.Errorf("the form offers the FRIA elements where Art. 27 does not apply")
	}

	form := url.Values{"scope": {"Support answers."}, "intended_use": {"Customer support answers"}, "owner_id": {priya.ID},
		"party_name_0": {"Customers"}, "party_vulnerable_0": {"on"}, "party_note_0": {""}, "party_name_1": {""}, "party_note_1": {""},
		"impact_area_0": {"wellbeing"}, "impact_party_0": {"Customers"}, "impact_description_0": {"Wrong advice."},
		"impact_likelihood_0": {"2"}, "impact_severity_0": {"3"}, "impact_mitigations_0": {"risk:" + aims.NewID()}, "impact_note_0": {""},
		"impact_area_1": {""}, "impact_party_1": {""}, "impact_description_1": {""}, "impact_likelihood_1": {"0"}, "impact_severity_1": {"0"},
		"impact_mitigations_1": {""}, "impact_note_1": {""}}
	before := activityCount(t, f, acme.ID)
	bad := p.post("/systems/"+s.ID+"/impact", form)
	if bad.Status != http.StatusBadRequest || !strings.Contains(bad.Body, "No risk") {
		t.Errorf("an unknown mitigation: %d\n%s", bad.Status, text(bad.Body))
	}
	if n := activityCount(t, f, acme.ID); n != before {
		t.Errorf("a refused assessment wrote %d activity entries", n-before)
	}
	form.Set("impact_mitigations_0", "control:iso42001-2023/A.5.4")
	res := p.post("/systems/"+s.ID+"/impact", form)
	if res.Status != http.StatusSeeOther || res.Location != "/systems/"+s.ID+"/impact" {
		t.Fatalf("starting: %d to %q\n%s", res.Status, res.Location, text(res.Body))
	}
	page := p.get(res.Location)
	mustContain(t, page, "Version 1 is saved.", "Support answers.", "Customers", "vulnerable", "Wrong advice.", "2 Possible", "3 Serious",
		"A.5.4", "A manager, admin or owner approves", "Download as PDF", "Linked records")
	if strings.Contains(page.Body, "Approve version") {
		t.Errorf("a contributor is offered the approval")
	}

	m := browserAs(t, f, maya, acme)
	page = m.get("/systems/" + s.ID + "/impact")
	mustContain(t, page, "Approve version 1")
	rev := regexpValue(t, page.Body, `name="version" value="([0-9]+)"`)
	res = m.post("/systems/"+s.ID+"/impact/approve", url.Values{"assessment_version": {"1"}, "version": {rev}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("approving: %d\n%s", res.Status, text(res.Body))
	}
	mustContain(t, m.get(res.Location), "Version 1 is approved", "Approved by", "in force")

	edit = p.get("/systems/" + s.ID + "/impact/edit")
	mustContain(t, edit, "Version 1 is approved and does not change", "Save as version 2")
	form.Set("scope", "Every support answer.")
	form.Set("version", regexpValue(t, edit.Body, `name="version" value="([0-9]+)"`))
	res = p.post("/systems/"+s.ID+"/impact", form)
	mustContain(t, p.get(res.Location), "your change is version 2, a draft", "Every support answer.", "Version 1 is in force")
	mustContain(t, p.get("/systems/"+s.ID+"/impact?version=1"), "Support answers.", "A newer version exists")

	sf := system.FieldsOf(s)
	sf.Purpose = "Answers questions and books appointments."
	if _, err := f.Systems.Update(ctx, acme.ID, s.ID, sf, 0, "More."); err != nil {
		t.Fatal(err)
	}
	mustContain(t, p.get("/systems/"+s.ID+"/impact"), "Version 1, in force, is stale.", "its purpose changed")
	mustContain(t, p.get("/systems/"+s.ID), "Stale:", "its purpose changed")
	mustContain(t, p.get("/impact-assessments?filter=stale"), "Chat", "stale")
	mustContain(t, p.get("/impact-assessments"), "Chat", "2", "draft")
	dl := p.get("/systems/" + s.ID + "/impact/export?format=md&version=1")
	if dl.Status != 200 || !strings.Contains(dl.Body, "# AI system impact assessment: Chat") {
		t.Errorf("markdown download: %d %s", dl.Status, dl.Body)
	}
	if dl := p.get("/systems/" + s.ID + "/impact/export?format=pdf"); dl.Status != 200 || !strings.HasPrefix(dl.Body, "%PDF-") {
		t.Errorf("pdf download: %d", dl.Status)
	}

	a := browserAs(t, f, audrey, acme)
	page = a.get("/systems/" + s.ID + "/impact")
	mustContain(t, page, "Every support answer.")
	if strings.Contains(page.Body, `/impact/edit"`) || strings.Contains(page.Body, "Approve version") {
		t.Errorf("the auditor is offered a change")
	}
}

// TestTheDemoImpactAssessments: TalentMatch's approved assessment shows its impacts and mitigations, and no
// FRIA section (Art. 27 does not apply to a private deployer of an Annex III 4(a) system).
func TestTheDemoImpactAssessments(t *testing.T) {
	t.Parallel()
	f, org, maya := demoFixture(t)
	b := browserAs(t, f, maya, org)
	list := b.get("/impact-assessments")
	mustContain(t, list, "TalentMatch", "Lumen Assist", "Lumen Code", "current", "Not approved yet")
	href := regexpValue(t, list.Body, `href="(/systems/[0-9a-z]+/impact)"><strong>TalentMatch`)
	page := b.get(href)
	mustContain(t, page, "Impact assessment of TalentMatch", "Applicants", "vulnerable", "Indirect discrimination", "The ranker scores candidates")
	if strings.Contains(page.Body, "Article 27 applies") {
		t.Errorf("TalentMatch's page shows the FRIA section")
	}
}

// regexpValue returns the first group of the first match of pattern in body.
func regexpValue(t *testing.T, body, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no match for %s", pattern)
	}
	return m[1]
}
