package demo_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/storetest"
)

// TestTheDemoHasEvaluations: loaded twice, Lumen has its five runs once, judged against its criteria:
// Lumen Assist's January red team fails (harmful answers), its March one and its garak run pass, and the
// system meets its criteria; TalentMatch's lm-eval run fails, so a release gate stops it; Lumen Code passes.
func TestTheDemoHasEvaluations(t *testing.T) {
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
		if err := demo.LoadEvaluations(ctx, sv.Evaluations, sv.Systems, db); err != nil {
			t.Fatal(err)
		}
	}
	org, err := db.OrganizationBySlug(ctx, demo.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	rs, _, err := sv.Evaluations.List(ctx, org.ID, evaluation.Filter{}, aims.Page{})
	if err != nil || len(rs) != 5 {
		t.Fatalf("the demo runs: %d, %v", len(rs), err)
	}
	verdicts := map[string][]string{}
	systems := map[string]string{}
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i]
		verdicts[r.SystemName] = append(verdicts[r.SystemName], r.Tool+":"+r.Verdict)
		systems[r.SystemName] = r.SystemID
	}
	want := map[string][]string{"Lumen Assist": {"promptfoo:fail", "promptfoo:pass", "garak:pass"}, "TalentMatch": {"lm-eval:fail"}, "Lumen Code": {"inspect:pass"}}
	for name, w := range want {
		if got := verdicts[name]; len(got) != len(w) || got[0] != w[0] || got[len(got)-1] != w[len(w)-1] {
			t.Errorf("%s: runs %v, want %v", name, got, w)
		}
	}
	for name, w := range map[string]string{"Lumen Assist": "pass", "TalentMatch": "fail", "Lumen Code": "pass"} {
		o, err := sv.Evaluations.Overview(ctx, org.ID, systems[name])
		if err != nil || o.Verdict != w || len(o.Series) == 0 {
			t.Errorf("%s: overview %+v, %v; want verdict %s", name, o, err, w)
		}
	}
	jan, err := sv.Evaluations.Run(ctx, org.ID, rs[4].ID)
	if err != nil || !jan.RedTeam || jan.Counts.Failed != 3 || jan.Guardrails != 3 {
		t.Errorf("the January red team: %+v, %v", jan, err)
	}
}
