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

// TestTheDemoHasARiskRegister: loaded twice, as two starts of serve --demo, Lumen has its four risks once,
// rated against the default criteria (version 1), one overdue for review, the first mitigated by A.6.2.4.
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
	if err != nil || len(rs) != 4 {
		t.Fatalf("the demo register: %d risks, %v", len(rs), err)
	}
	if rs[0].SystemName != "TalentMatch" || rs[0].Inherent.Level != "critical" || rs[0].Residual.Level != "medium" ||
		rs[0].OwnerName != "Priya Nair" || rs[0].CriteriaVersion != 1 || rs[3].SystemID != "" || !rs[3].ReviewOverdue {
		t.Errorf("the demo risks: %+v / %+v", rs[0], rs[3])
	}
	ls, _, err := sv.Records.List(ctx, org.ID, record.Filter{To: &record.Ref{Type: record.TypeRisk, ID: rs[0].ID}}, aims.Page{})
	if err != nil || len(ls) != 1 || ls[0].From.ID != "iso42001-2023/A.6.2.4" {
		t.Errorf("what mitigates %s: %+v, %v", rs[0].Ref, ls, err)
	}
}
