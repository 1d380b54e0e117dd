package risk_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/notify"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/risk"
)

// treat links control (framework/ref) to r as treating it, acting as ctx.
func (f *fixture) treat(t *testing.T, ctx context.Context, orgID, ctrl string, r *risk.Risk) *record.Link {
	t.Helper()
	l, err := f.sv.Records.Link(ctx, orgID, record.NewLink{Relationship: "treats", From: "control:" + ctrl, To: "risk:" + r.ID})
	if err != nil {
		t.Fatalf("treating %s by %s: %v", r.Ref, ctrl, err)
	}
	return l
}

func (f *fixture) risk(t *testing.T, orgID, id string) *risk.Risk {
	t.Helper()
	r, err := f.sv.Risks.Risk(context.Background(), orgID, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// approvals returns the titles of the approval tasks on risk id.
func (f *fixture) approvals(t *testing.T, id string) []string {
	t.Helper()
	ts, _, err := f.sv.Records.Tasks(context.Background(), f.org.ID, record.TaskFilter{Record: &record.Ref{Type: record.TypeRisk, ID: id},
		Kind: record.TaskApproval}, aims.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tk := range ts {
		out = append(out, tk.Title)
	}
	return out
}

// TestAcceptanceNeedsTheAuthorityAndIsVoidedByAMaterialChange: a treated risk is accepted by someone whose
// role the criteria let accept its level, recording who, when, the criteria version and a snapshot with
// the controls; a contributor cannot accept a high risk; a change of level, of the treatment, or of the
// controls that treat it voids the acceptance and gives the owner an approval task; other edits do not.
func TestAcceptanceNeedsTheAuthorityAndIsVoidedByAMaterialChange(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	maya, _ := f.member(t, f.org, "maya@lumen.example", aims.RoleManager)
	priya, priyaID := f.member(t, f.org, "priya@lumen.example", aims.RoleContributor)
	ada, adaID := f.member(t, f.org, "ada@lumen.example", aims.RoleAdmin)
	r, err := f.sv.Risks.Create(maya, f.org.ID, risk.Fields{Title: "Biased ranking of candidates", Source: "C.3.4", OwnerID: priyaID,
		Inherent: rating(4, map[string]int{"individuals": 4}), Residual: rating(3, map[string]int{"individuals": 4})})
	if err != nil {
		t.Fatal(err)
	}
	if r.Residual.Level != "high" {
		t.Fatalf("residual level %q, want high", r.Residual.Level)
	}
	if _, err := f.sv.Risks.Accept(ada, f.org.ID, r.ID, "", 0); aims.ErrorCode(err) != aims.ECONFLICT || !strings.Contains(err.Error(), "treated") {
		t.Errorf("accepting an untreated risk: %v", err)
	}
	f.treat(t, maya, f.org.ID, "iso42001-2023/A.7.4", r)
	r = f.risk(t, f.org.ID, r.ID)
	if r.Controls != 1 {
		t.Errorf("controls counted: %d", r.Controls)
	}
	fs := risk.FieldsOf(r)
	fs.TreatmentOption, fs.TreatmentPlan, fs.Status = risk.TreatModify, "Rebalance the training data; audit rankings monthly.", risk.StatusTreating
	if r, err = f.sv.Risks.Update(maya, f.org.ID, r.ID, fs, r.Version); err != nil {
		t.Fatal(err)
	}

	before := f.trail(t)
	_, err = f.sv.Risks.Accept(priya, f.org.ID, r.ID, "", 0)
	if aims.ErrorCode(err) != aims.EFORBIDDEN || !strings.Contains(err.Error(), "A high risk is accepted by an admin or above; you are a contributor here.") {
		t.Errorf("a contributor accepting a high risk: %v", err)
	}
	if _, err := f.sv.Risks.Accept(maya, f.org.ID, r.ID, "", 0); aims.ErrorCode(err) != aims.EFORBIDDEN {
		t.Errorf("a manager accepting a high risk: %v", err)
	}
	if _, err := f.sv.Risks.Accept(ada, f.org.ID, r.ID, "", r.Version-1); aims.ErrorCode(err) != aims.EPRECONDITION {
		t.Errorf("accepting an old version: %v", err)
	}
	if n := f.trail(t); n != before {
		t.Errorf("refused acceptances wrote %d entries", n-before)
	}
	a, err := f.sv.Risks.Accept(ada, f.org.ID, r.ID, "Residual bias monitored monthly.", r.Version)
	if err != nil {
		t.Fatal(err)
	}
	var snap risk.Snapshot
	if err := json.Unmarshal(a.Snapshot, &snap); err != nil {
		t.Fatal(err)
	}
	if a.AcceptedByID != adaID || a.Role != aims.RoleAdmin || a.CriteriaVersion != 1 || a.Level != "high" || !a.Standing() ||
		snap.Risk.TreatmentPlan != fs.TreatmentPlan || len(snap.Controls) != 1 || snap.Controls[0] != "iso42001-2023/A.7.4" {
		t.Errorf("acceptance: %+v, snapshot %+v", a, snap)
	}
	if n := f.trail(t); n != before+1 {
		t.Errorf("an acceptance wrote %d entries, want 1", n-before)
	}
	r = f.risk(t, f.org.ID, r.ID)
	if !r.Accepted || r.Acceptance == nil || r.Acceptance.ID != a.ID {
		t.Errorf("the risk's standing acceptance: %+v", r.Acceptance)
	}
	if _, err := f.sv.Risks.Accept(ada, f.org.ID, r.ID, "", 0); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Errorf("accepting twice: %v", err)
	}

	// Editing the description is not material.
	fs = risk.FieldsOf(r)
	fs.Description = "Rankings of shortlisted candidates."
	if r, err = f.sv.Risks.Update(maya, f.org.ID, r.ID, fs, 0); err != nil || !r.Accepted {
		t.Fatalf("a description edit: accepted %v, %v", r.Accepted, err)
	}
	// Another control treating it is.
	l := f.treat(t, maya, f.org.ID, "iso42001-2023/A.5.4", r)
	r = f.risk(t, f.org.ID, r.ID)
	if r.Accepted || r.Controls != 2 {
		t.Fatalf("after a control was added: accepted %v, controls %d", r.Accepted, r.Controls)
	}
	if ts := f.approvals(t, r.ID); len(ts) != 1 || !strings.Contains(ts[0], "Have R-1 accepted again") || !strings.Contains(ts[0], "A.5.4") {
		t.Errorf("approval tasks: %q", ts)
	}
	as, _, err := f.sv.Risks.Acceptances(context.Background(), f.org.ID, r.ID, aims.Page{})
	if err != nil || len(as) != 1 || as[0].Standing() || !strings.Contains(as[0].VoidReason, "now treats") {
		t.Fatalf("acceptances: %+v, %v", as, err)
	}

	// Accepted again, then a lower residual level voids it, and so does removing a control.
	if _, err := f.sv.Risks.Accept(ada, f.org.ID, r.ID, "", 0); err != nil {
		t.Fatal(err)
	}
	fs = risk.FieldsOf(f.risk(t, f.org.ID, r.ID))
	fs.Residual = rating(2, map[string]int{"individuals": 4})
	if r, err = f.sv.Risks.Update(maya, f.org.ID, r.ID, fs, 0); err != nil || r.Accepted {
		t.Fatalf("after the residual level changed: accepted %v, %v", r.Accepted, err)
	}
	as, _, _ = f.sv.Risks.Acceptances(context.Background(), f.org.ID, r.ID, aims.Page{})
	if len(as) != 2 || !strings.Contains(as[0].VoidReason, "residual level high → medium") {
		t.Errorf("voided for: %q", as[0].VoidReason)
	}
	if _, err := f.sv.Risks.Accept(maya, f.org.ID, r.ID, "A manager may accept a medium risk.", 0); err != nil {
		t.Fatalf("a manager accepting a medium risk: %v", err)
	}
	if err := f.sv.Records.Unlink(maya, f.org.ID, l.ID); err != nil {
		t.Fatal(err)
	}
	if r = f.risk(t, f.org.ID, r.ID); r.Accepted || r.Controls != 1 {
		t.Errorf("after a control was removed: accepted %v, controls %d", r.Accepted, r.Controls)
	}
}

// TestATreatmentSelectsOnlyTheOrganizationsControls: a control of another organization (its own control)
// is not found for a treatment, and nothing is written.
func TestATreatmentSelectsOnlyTheOrganizationsControls(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	maya, _ := f.member(t, f.org, "maya@lumen.example", aims.RoleManager)
	other, err := f.sv.Accounts.CreateOrganization(context.Background(), "other", "Other Ltd")
	if err != nil {
		t.Fatal(err)
	}
	theirs, _ := f.member(t, other, "owen@other.example", aims.RoleOwner)
	c, err := f.sv.Controls.AddToSoA(theirs, other.ID, control.OwnKey, "VRB-1", "Vendor model review board")
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.sv.Risks.Create(maya, f.org.ID, risk.Fields{Title: "Unvetted vendor model", Source: "C.3.6"})
	if err != nil {
		t.Fatal(err)
	}
	before := f.trail(t)
	_, err = f.sv.Records.Link(maya, f.org.ID, record.NewLink{Relationship: "treats", From: "control:" + c.Framework + "/" + c.Ref, To: "risk:" + r.ID})
	if aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("treating by another organization's control: %v", err)
	}
	if n := f.trail(t); n != before {
		t.Errorf("the refused link wrote %d entries", n-before)
	}
	// The same reference names the control in its own organization.
	own, err := f.sv.Risks.Create(theirs, other.ID, risk.Fields{Title: "Unvetted vendor model", Source: "C.3.6"})
	if err != nil {
		t.Fatal(err)
	}
	f.treat(t, theirs, other.ID, c.Framework+"/"+c.Ref, own)
	if r = f.risk(t, f.org.ID, r.ID); r.Controls != 0 {
		t.Errorf("controls counted: %d", r.Controls)
	}
}

// TestOverdueActionsEscalate: an action on a risk overdue for the criteria's days reaches the risk's owner,
// then the AIMS owners, once each per due date; the action's owner is not told twice.
func TestOverdueActionsEscalate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	maya, mayaID := f.member(t, f.org, "maya@lumen.example", aims.RoleManager)
	_, priyaID := f.member(t, f.org, "priya@lumen.example", aims.RoleContributor)
	_, owenID := f.member(t, f.org, "owen@lumen.example", aims.RoleOwner)
	r, err := f.sv.Risks.Create(maya, f.org.ID, risk.Fields{Title: "Prompt injection", Source: "C.3.4", OwnerID: mayaID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Records.CreateTask(maya, f.org.ID, record.NewTask{Record: "risk:" + r.ID, OwnerID: priyaID, Due: "2027-03-01",
		Title: "Add an input filter"}); err != nil {
		t.Fatal(err)
	}
	day := func(d int) time.Time { return time.Date(2027, 3, d, 6, 0, 0, 0, time.UTC) }
	heard := &capture{}
	f.sv.Risks.Events = heard
	outbox := func() map[string]int {
		n := map[string]int{}
		for _, e := range heard.events {
			if e.Type == risk.EventActionEscalated && strings.Contains(e.Subject, "R-1") {
				for _, p := range e.People {
					n[p]++
				}
			}
		}
		return n
	}
	for _, tc := range []struct {
		day  int
		sent int
		want map[string]int
	}{
		{5, 0, map[string]int{}},                      // 4 days: the reminders only
		{8, 1, map[string]int{mayaID: 1}},             // 7 days: the risk's owner
		{9, 0, map[string]int{mayaID: 1}},             // once
		{22, 1, map[string]int{mayaID: 2, owenID: 1}}, // 21 days: the AIMS owners, and the risk's owner again
		{30, 0, map[string]int{mayaID: 2, owenID: 1}}, // once
	} {
		n, err := f.sv.Risks.EscalateActions(context.Background(), f.db, day(tc.day))
		if err != nil {
			t.Fatal(err)
		}
		if got := outbox(); n != tc.sent || len(got) != len(tc.want) || got[mayaID] != tc.want[mayaID] || got[owenID] != tc.want[owenID] || got[priyaID] != 0 {
			t.Errorf("day %d: sent %d, outbox %v, want %d, %v", tc.day, n, got, tc.sent, tc.want)
		}
	}
}

// TestCriteriaChangesThatRateAlikeAskForNoReassessment: a new version that only changes the escalation or
// the lists rates risks as before: no reassessment tasks.
func TestCriteriaChangesThatRateAlikeAskForNoReassessment(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	maya, mayaID := f.member(t, f.org, "maya@lumen.example", aims.RoleManager)
	if _, err := f.sv.Risks.Create(maya, f.org.ID, risk.Fields{Title: "Drift", Source: "C.3.6", OwnerID: mayaID,
		Inherent: rating(3, map[string]int{"organization": 3})}); err != nil {
		t.Fatal(err)
	}
	c := risk.Default()
	c.Escalation = risk.Escalation{RiskOwnerDays: 3, AIMSOwnerDays: 10}
	c.Sources = append(c.Sources, risk.Option{Key: "vendor", Name: "Vendor models"})
	re, err := f.sv.Risks.SaveCriteria(maya, f.org.ID, c, 1)
	if err != nil || re.Criteria.Version != 2 || len(re.Risks) != 0 || len(re.Tasks) != 0 {
		t.Fatalf("reassessment: %+v, %v", re, err)
	}
	c = risk.Default()
	c.Escalation = risk.Escalation{RiskOwnerDays: 10, AIMSOwnerDays: 10}
	if _, err := f.sv.Risks.SaveCriteria(maya, f.org.ID, c, 2); aims.ErrorField(err) != "escalation.aims_owner_days" {
		t.Errorf("AIMS owners before the risk owner: %v", err)
	}
}

// capture keeps the events published.
type capture struct{ events []notify.Event }

func (c *capture) Publish(_ context.Context, _ string, e notify.Event) error {
	c.events = append(c.events, e)
	return nil
}
