package demo_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/storetest"
)

// TestTheDemoHasARiskRegister: loaded twice, as two starts of serve --demo, Lumen has its risks once (about
// 25 over its three systems and the organization), rated against the default criteria (version 1), one
// overdue for review, the first mitigated by A.6.2.4; most are treated with controls and accepted, one
// action is overdue, and the SoA's risk checks have something to show.
func TestTheDemoHasARiskRegister(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	sv, err := app.NewServices(db, app.ServiceOptions{Catalog: storetest.Catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for range 2 {
		if _, err := demo.Load(ctx, sv.Accounts, db); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadSystems(ctx, sv.Systems, sv.Components, db); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadRisks(ctx, sv.Risks, sv.Records, sv.Systems, db); err != nil {
			t.Fatal(err)
		}
	}
	org, err := db.OrganizationBySlug(ctx, demo.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	rs, _, err := sv.Risks.List(ctx, org.ID, risk.Filter{Sort: "ref"}, aims.Page{Limit: 100})
	if err != nil || len(rs) < 24 {
		t.Fatalf("the demo register: %d risks, %v", len(rs), err)
	}
	if rs[0].SystemName != "TalentMatch" || rs[0].Inherent.Level != "critical" || rs[0].Residual.Level != "medium" ||
		rs[0].OwnerName != "Priya Nair" || rs[0].CriteriaVersion != 1 || rs[3].SystemID != "" || !rs[3].ReviewOverdue || rs[0].Controls != 3 {
		t.Errorf("the demo risks: %+v / %+v", rs[0], rs[3])
	}
	ls, _, err := sv.Records.List(ctx, org.ID, record.Filter{To: &record.Ref{Type: record.TypeRisk, ID: rs[0].ID}, Relationship: record.RelMitigates}, aims.Page{})
	if err != nil || len(ls) != 1 || ls[0].From.ID != "iso42001-2023/A.6.2.4" {
		t.Errorf("what mitigates %s: %+v, %v", rs[0].Ref, ls, err)
	}
	accepted, systems := 0, map[string]bool{}
	for _, r := range rs {
		if r.Accepted {
			accepted++
		}
		systems[r.SystemName] = true
	}
	if accepted < 12 || len(systems) != 4 {
		t.Errorf("accepted %d, systems %v", accepted, systems)
	}
	overdue, _, err := sv.Records.Tasks(ctx, org.ID, record.TaskFilter{Record: &record.Ref{Type: record.TypeRisk, ID: rs[0].ID}}, aims.Page{})
	if err != nil || len(overdue) != 1 || !overdue[0].Overdue {
		t.Errorf("the overdue action: %+v, %v", overdue, err)
	}
	soa, err := sv.Controls.SoA(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	selected := 0
	for _, r := range soa.Rows {
		if r.Risks > 0 {
			selected++
		}
	}
	if g := soa.Checks.Risks; g.UnacceptedCount < 2 || g.NoControlCount < 1 || selected < 15 {
		t.Errorf("the SoA's risk checks: %+v; %d controls selected", g, selected)
	}
}
