package demo_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/impact"
	"github.com/aimsproject/aims/internal/storetest"
)

// TestTheDemoHasImpactAssessments: loaded twice, Lumen has an assessment of each of its four systems,
// once: TalentMatch's, Lumen Assist's and Lumen Credit's approved (TalentMatch's without FRIA elements:
// Lumen deploys it as a private company, so Art. 27 does not apply; Lumen Credit's with all of them, as
// Art. 27 binds every deployer of an Annex III 5(b) system), Lumen Code's a draft; TalentMatch's first
// impact is addressed by the register's bias risk.
func TestTheDemoHasImpactAssessments(t *testing.T) {
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
		if err := demo.LoadImpacts(ctx, sv.Impacts, sv.Risks, sv.Systems, db); err != nil {
			t.Fatal(err)
		}
	}
	org, err := db.OrganizationBySlug(ctx, demo.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	ms, _, err := sv.Impacts.List(ctx, org.ID, impact.Filter{}, aims.Page{})
	if err != nil || len(ms) != 4 {
		t.Fatalf("the demo assessments: %+v, %v", ms, err)
	}
	got := map[string]*impact.Summary{}
	for _, m := range ms {
		got[m.SystemName] = m
	}
	if got["TalentMatch"].Approved != 1 || got["Lumen Assist"].Approved != 1 || got["Lumen Code"].Approved != 0 ||
		got["Lumen Code"].LatestStatus != impact.StatusDraft || got["TalentMatch"].Stale || got["Lumen Credit"].Approved != 1 {
		t.Errorf("the demo assessments: %+v %+v %+v", got["TalentMatch"], got["Lumen Assist"], got["Lumen Code"])
	}
	a, err := sv.Impacts.Assessment(ctx, org.ID, got["TalentMatch"].SystemID, 0)
	if err != nil || a.FRIARequired || a.FRIA != nil || len(a.Impacts) != 3 || len(a.Impacts[0].Mitigations) != 2 {
		t.Errorf("TalentMatch's assessment: %+v, %v", a, err)
	}
	c, err := sv.Impacts.Assessment(ctx, org.ID, got["Lumen Credit"].SystemID, 0)
	if err != nil || !c.FRIARequired || c.FRIA == nil || c.Status != impact.StatusApproved {
		t.Fatalf("Lumen Credit's assessment: %+v, %v", c, err)
	}
	for _, f := range impact.FRIAFields {
		if c.FRIA.Get(f.Field) == "" {
			t.Errorf("Lumen Credit's FRIA lacks Art. %s", f.Point)
		}
	}
}
