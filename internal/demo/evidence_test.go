package demo_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/evidence"
	"github.com/aimsproject/aims/internal/storetest"
)

// TestTheDemoHasEvidence: loaded twice, Lumen has its four pieces of evidence once: Lumen Assist's
// evaluation report on A.6.2.4 and its reviewed red-team summary on A.6.2.6 (about to lapse),
// TalentMatch's bias audit (expired), and the AI policy as a link; the files read back verified.
func TestTheDemoHasEvidence(t *testing.T) {
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
		if err := demo.LoadEvidence(ctx, sv.Evidence, sv.Systems, db); err != nil {
			t.Fatal(err)
		}
	}
	org, err := db.OrganizationBySlug(ctx, demo.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	es, _, err := sv.Evidence.List(ctx, org.ID, evidence.Filter{}, aims.Page{Limit: 50})
	if err != nil || len(es) != 4 {
		t.Fatalf("evidence = %d, %v; want 4", len(es), err)
	}
	byTitle := map[string]*evidence.Evidence{}
	for _, e := range es {
		byTitle[e.Title] = e
	}
	audit := byTitle["TalentMatch bias audit 2025"]
	if audit == nil || !audit.Expired {
		t.Errorf("the bias audit = %+v, want expired", audit)
	}
	rt := byTitle["Lumen Assist red-team summary, Q3"]
	if rt == nil || rt.Status != evidence.StatusApproved || rt.Expired {
		t.Errorf("the red-team summary = %+v, want approved and valid", rt)
	}
	if p := byTitle["AI policy (version 2)"]; p == nil || p.Kind != evidence.KindLink {
		t.Errorf("the AI policy = %+v", p)
	}
	a624, _, err := sv.Evidence.List(ctx, org.ID, evidence.Filter{Control: "iso42001-2023/A.6.2.4"}, aims.Page{})
	if err != nil || len(a624) != 2 {
		t.Errorf("evidence of A.6.2.4 = %d, %v; want 2", len(a624), err)
	}
	_, r, err := sv.Evidence.Content(ctx, org.ID, byTitle["Lumen Assist 3.2 evaluation report"].ID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	r.Close()
	if err != nil || !strings.Contains(string(b), `"answer_accuracy":0.931`) {
		t.Fatalf("the report = %q, %v", b, err)
	}
}
