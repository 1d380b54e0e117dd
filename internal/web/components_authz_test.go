package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
)

// prepareComponents fills in the matrix's request for the routes of components, their links to systems,
// and the import and export of systems: a route with an {id} addresses fresh records of target.
func prepareComponents(t *testing.T, f *apptest.Fixture, r *matrixRequest, route string, target *account.Organization) {
	t.Helper()
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: target.ID})
	newSystem := func() *system.System {
		s, err := f.Systems.Create(ctx, target.ID, system.Fields{Name: "Matrix system " + aims.NewID(), Purpose: "Matrix."})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	newComponent := func() *component.Component {
		c, err := f.Components.CreateComponent(ctx, target.ID, component.ComponentFields{Kind: "model", Name: "Matrix model " + aims.NewID()})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	switch route {
	case "POST /systems/import":
		// The matrix posts a plain form, which the handler refuses for want of a file: reaching it is what
		// "allowed" means here; the scenario tests upload files.
		r.okStatus = http.StatusBadRequest
	case "POST /systems/{id}/components":
		s, c := newSystem(), newComponent()
		r.path = "/systems/" + s.ID + "/components"
		r.form.Set("component_id", c.ID)
		r.form.Set("role", "primary model")
		r.okLocation = "/systems/" + s.ID
	case "POST /systems/{id}/components/{componentID}/remove":
		s, c := newSystem(), newComponent()
		if _, err := f.Components.Link(ctx, target.ID, s.ID, c.ID, "", ""); err != nil {
			t.Fatal(err)
		}
		r.path = "/systems/" + s.ID + "/components/" + c.ID + "/remove"
		r.okLocation = "/systems/" + s.ID
	case "POST /components":
		r.form.Set("kind", "dataset")
		r.form.Set("name", "Matrix data "+aims.NewID())
		r.form.Set("detail_provenance", "Bought.")
	case "GET /components/{id}":
		r.path = "/components/" + newComponent().ID
	case "GET /components/{id}/edit":
		r.path = "/components/" + newComponent().ID + "/edit"
	case "POST /components/{id}":
		c := newComponent()
		r.path = "/components/" + c.ID
		r.form.Set("kind", c.Kind)
		r.form.Set("name", c.Name)
		r.form.Set("supplier", "Matrix")
		r.form.Set("version", fmt.Sprint(c.Version))
		r.okLocation = r.path
	case "POST /components/{id}/delete":
		r.path = "/components/" + newComponent().ID + "/delete"
		r.okLocation = "/components"
	}
}
