package web_test

import (
	"fmt"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/system"
)

// prepareGate fills in the matrix's requests of the release gate pages: a fresh system of target to
// check, and the policy form made from target's current version.
func prepareGate(t *testing.T, f *apptest.Fixture, r *matrixRequest, route string, target *account.Organization) {
	t.Helper()
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: target.ID})
	switch route {
	case "GET /systems/{id}/gate":
		s, err := f.Systems.Create(ctx, target.ID, system.Fields{Name: "Gate system " + aims.NewID(), Purpose: "Answers questions."})
		if err != nil {
			t.Fatal(err)
		}
		r.path = "/systems/" + s.ID + "/gate?stage=deployment"
	case "POST /gate-policy":
		p, err := f.Gate.Policy(ctx, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		r.form.Set("version", fmt.Sprint(p.Version))
		r.form.Add("deployment", "classification")
		r.form.Add("deployment", "risks")
		r.okLocation = "/gate-policy"
	}
}
