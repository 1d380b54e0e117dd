package web_test

import (
	"fmt"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/system"
)

// prepareSystems fills in the matrix's request for the routes of the AI system inventory: a route with an
// {id} addresses a fresh system of target.
func prepareSystems(t *testing.T, f *apptest.Fixture, r *matrixRequest, route string, target *account.Organization) {
	t.Helper()
	newSystem := func() *system.System {
		ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: target.ID})
		s, err := f.Systems.Create(ctx, target.ID, system.Fields{Name: "Matrix system " + aims.NewID(), Purpose: "Matrix."})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	switch route {
	case "POST /systems":
		// The new system's address is not known in advance: a redirect is what success looks like.
		r.form.Set("name", "Matrix system "+aims.NewID())
		r.form.Set("purpose", "Matrix.")
	case "GET /systems/{id}":
		r.path = "/systems/" + newSystem().ID
	case "GET /systems/{id}/components":
		r.path = "/systems/" + newSystem().ID + "/components"
	case "GET /systems/{id}/edit":
		r.path = "/systems/" + newSystem().ID + "/edit"
	case "POST /systems/{id}":
		s := newSystem()
		r.path = "/systems/" + s.ID
		r.form.Set("name", s.Name)
		r.form.Set("purpose", "Matrix, changed.")
		r.form.Set("reason", "Matrix.")
		r.form.Set("version", fmt.Sprint(s.Version))
		r.okLocation = r.path
	}
}
