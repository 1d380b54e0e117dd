package api_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
)

// seedComponent registers a fresh model in orgID.
func (e *env) seedComponent(t *testing.T, orgID string) *component.Component {
	t.Helper()
	c, err := e.Components.CreateComponent(e.Ctx, orgID, component.ComponentFields{Kind: "model", Name: "Model " + aims.NewID(), Supplier: "Acme AI"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// componentsMatrixCall returns the matrix's call of a component route, and true, or false for other routes.
func (e *env) componentsMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	callerOrg := caller.Org.ID
	switch method + " " + path {
	case "GET /api/v1/components":
		e.seedComponent(t, tg.org.ID)
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			var l struct{ Items []component.Component }
			res.decode(t, &l)
			for _, x := range l.Items {
				if _, err := e.Components.Component(e.Ctx, callerOrg, x.ID); err != nil {
					t.Errorf("listed component %s of another organization", x.ID)
				}
			}
		}, true
	case "POST /api/v1/components":
		name := "Matrix " + aims.NewID()
		c.body = map[string]any{"kind": "dataset", "name": name, "details": map[string]any{"provenance": "Bought from a broker."}}
		return c, func(t *testing.T, _ *response, changed bool) {
			cs, _, err := e.Components.Components(e.Ctx, callerOrg, component.ComponentFilter{Query: name}, pageAll)
			if err != nil || changed != (len(cs) == 1) {
				t.Errorf("components named %s in the caller's organization: %d, %v (changed %v)", name, len(cs), err, changed)
			}
		}, true
	case "GET /api/v1/components/{id}", "PATCH /api/v1/components/{id}", "DELETE /api/v1/components/{id}":
		x := e.seedComponent(t, tg.org.ID)
		c.path = "/api/v1/components/" + x.ID
		if method == "PATCH" {
			c.body = map[string]any{"component_version": "2"}
		}
		return c, func(t *testing.T, _ *response, changed bool) {
			cur, err := e.Components.Component(e.Ctx, tg.org.ID, x.ID)
			switch {
			case method == "GET":
			case !changed && (err != nil || cur.Version != 1):
				t.Errorf("a refused call changed the component: %+v, %v", cur, err)
			case changed && method == "PATCH" && (err != nil || cur.ComponentVersion != "2" || cur.Version != 2):
				t.Errorf("the component after an allowed change: %+v, %v", cur, err)
			case changed && method == "DELETE" && aims.ErrorCode(err) != aims.ENOTFOUND:
				t.Errorf("the component after an allowed deletion: %+v, %v", cur, err)
			}
		}, true
	case "GET /api/v1/systems/{id}/components", "PUT /api/v1/systems/{id}/components/{componentID}",
		"DELETE /api/v1/systems/{id}/components/{componentID}":
		s, x := e.seedSystem(t, tg.org.ID), e.seedComponent(t, tg.org.ID)
		linked := method != "PUT"
		if linked {
			if _, err := e.Components.Link(e.Ctx, tg.org.ID, s.ID, x.ID, "primary model", ""); err != nil {
				t.Fatal(err)
			}
		}
		c.path = "/api/v1/systems/" + s.ID + "/components"
		if method != "GET" {
			c.path += "/" + x.ID
		}
		if method == "PUT" {
			c.body = map[string]any{"role": "primary model"}
		}
		return c, func(t *testing.T, _ *response, changed bool) {
			cs, err := e.Components.SystemComponents(e.Ctx, tg.org.ID, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := linked
			if changed {
				want = method == "PUT"
			}
			if got := len(cs) == 1; got != want {
				t.Errorf("the system has the component: %v, want %v (changed %v)", got, want, changed)
			}
		}, true
	}
	return c, nil, false
}
