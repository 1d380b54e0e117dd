package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
)

// systemsIOMatrixCall returns the matrix's call of the import and export of systems and of the systems of
// a component, and true, or false for other routes.
func (e *env) systemsIOMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	callerOrg := caller.Org.ID
	switch method + " " + path {
	case "POST /api/v1/systems/import":
		name := "Matrix " + aims.NewID()
		c.body, c.header = "name,purpose\n"+name+",Sorts tickets.\n", http.Header{"Content-Type": {"text/csv"}}
		return c, func(t *testing.T, _ *response, changed bool) {
			ss, _, err := e.Systems.List(e.Ctx, callerOrg, system.Filter{Query: name}, pageAll)
			if err != nil || changed != (len(ss) == 1) {
				t.Errorf("systems named %s in the caller's organization: %d, %v (changed %v)", name, len(ss), err, changed)
			}
		}, true
	case "GET /api/v1/systems/export":
		s := e.seedSystem(t, tg.org.ID)
		c.path += "?format=csv"
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status == 200 && (strings.Contains(string(res.body), s.Name) != (callerOrg == tg.org.ID)) {
				t.Errorf("the export of organization %s has system %s of %s: %v", callerOrg, s.Name, tg.org.ID, !(callerOrg == tg.org.ID))
			}
		}, true
	case "GET /api/v1/components/{id}/systems":
		s, x := e.seedSystem(t, tg.org.ID), e.seedComponent(t, tg.org.ID)
		if _, err := e.Components.Link(e.Ctx, tg.org.ID, s.ID, x.ID, "primary model", ""); err != nil {
			t.Fatal(err)
		}
		c.path = "/api/v1/components/" + x.ID + "/systems"
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			var l struct{ Items []component.SystemRef }
			res.decode(t, &l)
			if len(l.Items) != 1 || l.Items[0].ID != s.ID || l.Items[0].Role != "primary model" {
				t.Errorf("systems of the component: %+v", l.Items)
			}
		}, true
	}
	return c, nil, false
}
