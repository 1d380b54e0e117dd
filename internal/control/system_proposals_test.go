package control_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/system"
)

// TestTheInventoryProposesApplicability: a deployed high-risk system that processes personal data makes
// the controls of impact assessment, deployment and data apply, each with the system named in the
// reason; applying them decides only undecided controls, and an excluded one stays excluded, shown as a
// conflict, never overwritten.
func TestTheInventoryProposesApplicability(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, ctx, _ := f.org(t, "acme")
	if ps, err := f.svc.SystemProposals(ctx, o.ID); err != nil || len(ps) != 0 {
		t.Fatalf("proposals without systems: %v, %v", ps, err)
	}
	sys := system.NewService(f.db)
	s, err := sys.Create(ctx, o.ID, system.Fields{Name: "TalentMatch", Purpose: "CV screening", Stage: "deployment", PersonalData: true})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := f.db.Pools()
	if _, err := w.ExecContext(context.Background(), `UPDATE systems SET risk_class = 'high_risk' WHERE id = '`+s.ID+`'`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UpdateControl(ctx, o.ID, framework.ISO42001, "A.7.4", control.Update{Applicability: control.Excluded,
		Justification: "We hold no data of our own.", Status: control.NotStarted}, 0); err != nil {
		t.Fatal(err)
	}
	ps, err := f.svc.SystemProposals(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]control.SystemProposal{}
	for _, p := range ps {
		by[p.Ref] = p
	}
	for _, ref := range []string{"A.5.2", "A.5.4", "A.6.2.5", "A.6.2.6", "A.7.2", "A.7.4"} {
		if _, ok := by[ref]; !ok {
			t.Errorf("no proposal for %s: %+v", ref, ps)
		}
	}
	if p := by["A.5.2"]; len(p.Reasons) != 1 || p.Reasons[0] != "TalentMatch is high-risk under the EU AI Act" || p.Conflict {
		t.Errorf("A.5.2: %+v", p)
	}
	if p := by["A.7.4"]; !p.Conflict || p.Applicability != control.Excluded {
		t.Errorf("A.7.4, excluded: %+v", p)
	}
	if _, ok := by["A.10.3"]; ok {
		t.Error("a proposal for A.10.3, which no trait suggests")
	}
	before := f.entries(t, o.ID)
	decided, err := f.svc.ApplySystemProposals(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(decided) != len(ps)-1 || f.entries(t, o.ID) != before+len(decided) {
		t.Errorf("decided %d of %d proposals, %d entries", len(decided), len(ps), f.entries(t, o.ID)-before)
	}
	c, err := f.svc.Control(ctx, o.ID, framework.ISO42001, "A.7.4")
	if err != nil || c.Applicability != control.Excluded || c.Justification != "We hold no data of our own." {
		t.Errorf("the excluded control after applying: %+v, %v", c, err)
	}
	c, err = f.svc.Control(ctx, o.ID, framework.ISO42001, "A.6.2.5")
	if err != nil || c.Applicability != control.Applicable || !strings.Contains(c.Justification, "TalentMatch is deployed or in operation") {
		t.Errorf("A.6.2.5 after applying: %+v, %v", c, err)
	}
	ps, err = f.svc.SystemProposals(ctx, o.ID)
	if err != nil || len(ps) != 1 || ps[0].Ref != "A.7.4" {
		t.Errorf("left after applying: %+v, %v", ps, err)
	}
	if _, err := sys.Create(ctx, o.ID, system.Fields{Name: "Lumen Assist", Purpose: "Answers customers", PersonalData: true}); err != nil {
		t.Fatal(err)
	}
	ps, err = f.svc.SystemProposals(ctx, o.ID)
	if err != nil || len(ps) != 1 || !slices.Contains(ps[0].Reasons, "Lumen Assist and TalentMatch process personal data") {
		t.Errorf("a reason of two systems: %+v, %v", ps, err)
	}
}
