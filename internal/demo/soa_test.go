package demo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/storetest"
)

// TestTheDemoSoAIsLoadedOnce loads Lumen Labs twice and checks the story of its SoA: the AI roles, a
// partly implemented SoA with exclusions and an overdue control, version 1 approved by the CTO, and
// work done since.
func TestTheDemoSoAIsLoadedOnce(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := context.Background()
	accts := account.NewService(db, db.Now)
	ctl := control.NewService(db, storetest.Catalog(t), db.Now)
	for range 2 {
		if _, err := demo.Load(ctx, accts, db); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadSoA(ctx, ctl, db); err != nil {
			t.Fatal(err)
		}
	}
	org, err := db.OrganizationBySlug(ctx, demo.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ctl.Profile(ctx, org.ID)
	if err != nil || strings.Join(p.AIRoles, " ") != "ai_provider ai_producer ai_customer" || strings.Join(p.EURoles, " ") != "provider deployer" {
		t.Fatalf("profile %+v, %v", p, err)
	}
	vs, _, err := ctl.Versions(ctx, org.ID, aims.Page{Limit: 10})
	if err != nil || len(vs) != 1 || vs[0].ApprovedByName != "Daniel Reyes" {
		t.Fatalf("versions %+v, %v", vs, err)
	}
	s, err := ctl.SoA(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Summary.Controls != 40 || s.Summary.Excluded != 2 || s.Summary.Undecided != 0 || s.Summary.Implemented < 5 {
		t.Errorf("summary %+v", s.Summary)
	}
	if len(s.Checks.Overdue) != 1 || s.Checks.Overdue[0].Ref != "A.8.4" || len(s.Checks.NoOwner) == 0 {
		t.Errorf("checks: overdue %+v, %d without owner", s.Checks.Overdue, len(s.Checks.NoOwner))
	}
	d, err := ctl.Diff(ctx, org.ID, "1", control.Live)
	if err != nil || len(d.Changes) != 1 || d.Changes[0].Ref != "A.6.2.6" {
		t.Errorf("changes since version 1: %+v, %v", d, err)
	}
	c, err := ctl.Control(ctx, org.ID, framework.ISO42001, "A.6.2.4")
	if err != nil || c.OwnerName != "Priya Nair" || len(c.Links) != 1 {
		t.Errorf("A.6.2.4: %+v, %v", c, err)
	}
	if _, err := db.VerifyActivity(ctx, org.ID); err != nil {
		t.Errorf("the activity trail: %v", err)
	}
}
