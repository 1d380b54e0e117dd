package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/system"
)

// TestRisksInTheUI: a contributor registers a risk of a system from the form (a missing source is shown
// beside its field, nothing stored), sees it in the register and its heat maps, on its page and on the
// system's, edits it; a manager saves new criteria, which lists the risk to reassess; an auditor reads
// everything and is offered no form.
func TestRisksInTheUI(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme := f.Org(t, "acme")
	maya := newUser(t, f, "maya@acme.example", acme, aims.RoleManager)
	priya := newUser(t, f, "priya@acme.example", acme, aims.RoleContributor)
	audrey := newUser(t, f, "audrey@audit.example", acme, aims.RoleAuditor)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test"})
	s, err := f.Systems.Create(ctx, acme.ID, system.Fields{Name: "TalentMatch", Purpose: "CV screening."})
	if err != nil {
		t.Fatal(err)
	}
	p := browserAs(t, f, priya, acme)
	mustContain(t, p.get("/risks"), "Risk register", "No risk is registered yet.", "Register a risk", "Inherent risk", "Residual risk")
	mustContain(t, p.get("/risks/new?system_id="+s.ID), "Register a risk", "C.3.4 Risk sources related to machine learning", "Confabulation")

	form := url.Values{"title": {"The ranker favours one group"}, "system_id": {s.ID}, "owner_id": {priya.ID},
		"inherent_likelihood": {"4"}, "inherent_individuals": {"5"}, "residual_likelihood": {"2"}, "residual_individuals": {"4"},
		"review_due": {"2020-01-31"}}
	before := activityCount(t, f, acme.ID)
	bad := p.post("/risks", form)
	if bad.Status != http.StatusBadRequest || !strings.Contains(bad.Body, `id="rk-source-error"`) {
		t.Errorf("a risk without a source: %d\n%s", bad.Status, text(bad.Body))
	}
	if n := activityCount(t, f, acme.ID); n != before {
		t.Errorf("a refused risk wrote %d activity entries", n-before)
	}
	form.Set("source", "C.3.4")
	res := p.post("/risks", form)
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/risks/") {
		t.Fatalf("registering: %d to %q\n%s", res.Status, res.Location, text(res.Body))
	}
	page := p.get(res.Location)
	mustContain(t, page, "R-1 is registered.", "The ranker favours one group", "TalentMatch", "Critical", "Medium", "overdue",
		"C.3.4 Risk sources related to machine learning", "Linked records", "Tasks", "Comments", "Edit")
	reg := p.get("/risks")
	mustContain(t, reg, "R-1 The ranker favours one group", "Medium", "Critical")
	if !strings.Contains(reg.Body, `<a href="/risks?level=critical"`) || !strings.Contains(reg.Body, `<a href="/risks?level=medium"`) {
		t.Errorf("the heat maps' cells do not lead to their risks:\n%s", reg.Body)
	}
	mustContain(t, p.get("/risks?level=low"), "No risk matches the filter.")
	if csv := p.get("/risks/export?system_id=" + s.ID); csv.Status != http.StatusOK || !strings.Contains(csv.Body, "R-1,The ranker favours one group,TalentMatch,C.3.4") {
		t.Errorf("the register as CSV: %d\n%s", csv.Status, csv.Body)
	}
	mustContain(t, p.get("/risks?overdue=true&system_id="+s.ID), "R-1")
	mustContain(t, p.get("/systems/"+s.ID), "Risks", "R-1 The ranker favours one group")

	rs, _, err := f.Risks.List(f.Ctx, acme.ID, risk.Filter{}, aims.Page{})
	if err != nil || len(rs) != 1 {
		t.Fatalf("risks: %d, %v", len(rs), err)
	}
	edit := url.Values{"version": {"1"}, "title": {"The ranker favours one group of candidates"}, "source": {"C.3.4"}, "system_id": {s.ID},
		"owner_id": {priya.ID}, "inherent_likelihood": {"4"}, "inherent_individuals": {"5"}, "status": {"treating"}}
	if res := p.post("/risks/"+rs[0].ID, edit); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, `id="rk-treatment-error"`) {
		t.Errorf("treating without a treatment: %d", res.Status)
	}
	edit.Set("treatment_option", "modify")
	edit.Set("treatment_plan", "Re-weight the training data; review every shortlist.")
	expect(t, p.post("/risks/"+rs[0].ID, edit), http.StatusSeeOther, "/risks/"+rs[0].ID)
	mustContain(t, p.get("/risks/"+rs[0].ID), "R-1 is saved.", "of candidates", "treating", "modify Re-weight the training data")
	stale := p.post("/risks/"+rs[0].ID, edit)
	if stale.Status != http.StatusPreconditionFailed {
		t.Errorf("a stale edit: %d", stale.Status)
	}

	m := browserAs(t, f, maya, acme)
	crit := m.get("/risks/criteria")
	mustContain(t, crit, "Risk criteria", "Almost certain", "Severe", "Save a new version", "Versions",
		"After 7 days the risk's owner is told; after 21 days the organization's owners are.")
	c, err := f.Risks.Criteria(f.Ctx, acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	c.Note = "Reviewed before the audit."
	c.Matrix[0][4] = "high" // rare but severe is high now: the risks are rated again
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, m.post("/risks/criteria", url.Values{"criteria": {string(b)}}), http.StatusSeeOther, "/risks/criteria")
	mustContain(t, m.get("/risks/criteria"), "Version 2 of the risk criteria is saved. To reassess: R-1; their owners have a task each.",
		"Reviewed before the audit.")
	again := m.post("/risks/criteria", url.Values{"criteria": {string(b)}})
	if again.Status != http.StatusConflict || !strings.Contains(text(again.Body), "Someone saved version 2") {
		t.Errorf("saving over a newer version: %d\n%s", again.Status, text(again.Body))
	}
	broken := m.post("/risks/criteria", url.Values{"criteria": {`{"version": 2, "levels": "many"}`}})
	if broken.Status != http.StatusBadRequest {
		t.Errorf("criteria that are not criteria: %d", broken.Status)
	}

	a := browserAs(t, f, audrey, acme)
	ar := a.get("/risks")
	mustContain(t, ar, "R-1")
	if strings.Contains(ar.Body, `href="/risks/new"`) || strings.Contains(a.get("/risks/criteria").Body, "Save a new version") ||
		strings.Contains(a.get("/risks/"+rs[0].ID).Body, `href="/risks/`+rs[0].ID+`/edit"`) {
		t.Errorf("an auditor is offered a form")
	}
}

// TestAcceptingARiskInTheUI: the risk page says a treated medium risk needs a manager's acceptance; a
// contributor is offered no form (and is refused if they post one); a manager accepts it; a change of its
// treatment voids the acceptance, which the page then lists with the reason.
func TestAcceptingARiskInTheUI(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme := f.Org(t, "acme")
	maya := newUser(t, f, "maya@acme.example", acme, aims.RoleManager)
	priya := newUser(t, f, "priya@acme.example", acme, aims.RoleContributor)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test"})
	rk, err := f.Risks.Create(ctx, acme.ID, risk.Fields{Title: "Chatbot leaks order data", Source: "C.3.4", OwnerID: priya.ID,
		TreatmentOption: risk.TreatModify, TreatmentPlan: "Filter outputs.",
		Inherent: risk.RatingInput{Likelihood: 3, Consequences: map[string]int{"individuals": 4}},
		Residual: risk.RatingInput{Likelihood: 2, Consequences: map[string]int{"individuals": 3}}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/risks/" + rk.ID
	p := browserAs(t, f, priya, acme)
	page := p.get(path)
	mustContain(t, page, "Acceptance", "Not accepted", "A Medium risk is accepted by a manager or above.")
	if strings.Contains(page.Body, "Accept the residual risk") {
		t.Error("a contributor is offered the acceptance form")
	}
	expect(t, p.post(path+"/accept", url.Values{"version": {"1"}}), http.StatusSeeOther, path)
	mustContain(t, p.get(path), "A medium risk is accepted by a manager or above; you are a contributor here.")

	m := browserAs(t, f, maya, acme)
	mustContain(t, m.get(path), "Accept the residual risk")
	expect(t, m.post(path+"/accept", url.Values{"version": {"1"}, "note": {"Filtered; what is left is tolerable."}}), http.StatusSeeOther, path)
	mustContain(t, m.get(path), "Accepted at level medium with version 1", "Accepted", "by maya@acme.example", "Filtered; what is left is tolerable.")
	if reg := m.get("/risks"); !strings.Contains(reg.Body, `title="Formally accepted">accepted</span>`) {
		t.Error("the register does not mark the accepted risk")
	}

	now, err := f.Risks.Risk(f.Ctx, acme.ID, rk.ID)
	if err != nil {
		t.Fatal(err)
	}
	fs := risk.FieldsOf(now)
	fs.TreatmentOption = risk.TreatShare
	if _, err := f.Risks.Update(ctx, acme.ID, rk.ID, fs, 0); err != nil {
		t.Fatal(err)
	}
	mustContain(t, m.get(path), "Not accepted", "Voided acceptances", "treatment modify → share", "Accept the residual risk")
}

// TestTheSoAShowsTheRiskChecks: the SoA page lists a risk above the threshold that lacks a treatment, a
// treatment with no control, and applicable controls with only aims's default reason; it compares the
// selected controls with Annex A; a control's risk count leads to the risks that select it.
func TestTheSoAShowsTheRiskChecks(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme := f.Org(t, "acme")
	maya := newUser(t, f, "maya@acme.example", acme, aims.RoleManager)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test"})
	untreated, err := f.Risks.Create(ctx, acme.ID, risk.Fields{Title: "Deepfake voices of staff", Source: "C.3.4",
		Inherent: risk.RatingInput{Likelihood: 4, Consequences: map[string]int{"society": 4}}})
	if err != nil {
		t.Fatal(err)
	}
	noControl, err := f.Risks.Create(ctx, acme.ID, risk.Fields{Title: "Chatbot leaks order data", Source: "C.3.4", TreatmentOption: risk.TreatModify,
		Inherent: risk.RatingInput{Likelihood: 3, Consequences: map[string]int{"individuals": 4}}})
	if err != nil {
		t.Fatal(err)
	}
	m := browserAs(t, f, maya, acme)
	page := m.get("/soa")
	mustContain(t, page, "2 risks above the acceptable level without a treatment or an acceptance.", "1 treatments that select no control.",
		"Compared with Annex A", "Selected by a risk's treatment")
	for _, want := range []string{`href="/risks/` + untreated.ID + `"`, `href="/risks/` + noControl.ID + `"`, `href="/risks?gap=unaccepted"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the SoA page lacks %s", want)
		}
	}
	if _, err := f.Records.Link(ctx, acme.ID, record.NewLink{Relationship: "treats", From: "control:iso42001-2023/A.6.2.4", To: "risk:" + noControl.ID}); err != nil {
		t.Fatal(err)
	}
	page = m.get("/soa")
	if strings.Contains(page.Body, "treatments that select no control") || !strings.Contains(page.Body, `href="/risks?control=iso42001-2023%2FA.6.2.4"`) {
		t.Errorf("after the treatment selected A.6.2.4:\n%s", text(page.Body))
	}
	mustContain(t, m.get("/risks?control=iso42001-2023%2FA.6.2.4"), "Only the risks whose treatment selects control iso42001-2023/A.6.2.4.", noControl.Title)
	mustContain(t, m.get("/risks?gap=unaccepted"), untreated.Title, noControl.Title)

	// A deployed system proposes the controls of deployment; applying decides the undecided ones.
	if _, err := f.Systems.Create(ctx, acme.ID, system.Fields{Name: "Lumen Assist", Purpose: "Answers customers.", Stage: "deployment"}); err != nil {
		t.Fatal(err)
	}
	mustContain(t, m.get("/soa"), "Proposed by the AI system inventory", "A.6.2.5", "Lumen Assist is deployed or in operation",
		"Decide the undecided ones as applicable")
	mustContain(t, m.get("/controls/iso42001-2023/A.6.2.5"), "What the AI system inventory suggests", "It looks applicable: Lumen Assist is deployed or in operation.")
	expect(t, m.post("/soa/system-proposals", url.Values{}), http.StatusSeeOther, "/soa#system-proposals")
	mustContain(t, m.get("/soa"), "The inventory's proposals decided 4 controls as applicable.")
	c, err := f.Controls.Control(f.Ctx, acme.ID, "iso42001-2023", "A.6.2.5")
	if err != nil || c.Applicability != "applicable" {
		t.Errorf("A.6.2.5 after applying: %+v, %v", c, err)
	}
}
