package api_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
)

// seedSystem registers a fresh AI system in orgID.
func (e *env) seedSystem(t *testing.T, orgID string) *system.System {
	t.Helper()
	s, err := e.Systems.Create(e.Ctx, orgID, system.Fields{Name: "System " + aims.NewID(), Purpose: "Answers questions."})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// systemsMatrixCall returns the matrix's call of an AI system route, and true, or false for other routes.
func (e *env) systemsMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	callerOrg := caller.Org.ID
	switch method + " " + path {
	case "GET /api/v1/systems":
		e.seedSystem(t, tg.org.ID)
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			var l struct{ Items []system.System }
			res.decode(t, &l)
			for _, s := range l.Items {
				if _, err := e.Systems.System(e.Ctx, callerOrg, s.ID); err != nil {
					t.Errorf("listed system %s of another organization", s.ID)
				}
			}
		}, true
	case "POST /api/v1/systems":
		name := "Matrix " + aims.NewID()
		c.body = map[string]any{"name": name, "purpose": "Sorts tickets."}
		return c, func(t *testing.T, _ *response, changed bool) {
			ss, _, err := e.Systems.List(e.Ctx, callerOrg, system.Filter{Query: name}, pageAll)
			if err != nil || changed != (len(ss) == 1) {
				t.Errorf("systems named %s in the caller's organization: %d, %v (changed %v)", name, len(ss), err, changed)
			}
		}, true
	case "GET /api/v1/systems/{id}", "GET /api/v1/systems/{id}/history", "PATCH /api/v1/systems/{id}", "DELETE /api/v1/systems/{id}":
		s := e.seedSystem(t, tg.org.ID)
		c.path = "/api/v1/systems/" + s.ID
		if path == "/api/v1/systems/{id}/history" {
			c.path += "/history"
		}
		if method == "PATCH" {
			c.body = map[string]any{"stage": "deployment", "reason": "Goes live."}
		}
		return c, func(t *testing.T, res *response, changed bool) {
			cur, err := e.Systems.System(e.Ctx, tg.org.ID, s.ID)
			switch {
			case method == "GET":
			case !changed && (err != nil || cur.Version != 1):
				t.Errorf("a refused call changed the system: %+v, %v", cur, err)
			case changed && method == "PATCH" && (err != nil || cur.Stage != "deployment" || cur.Version != 2):
				t.Errorf("the system after an allowed change: %+v, %v", cur, err)
			case changed && method == "DELETE" && aims.ErrorCode(err) != aims.ENOTFOUND:
				t.Errorf("the system after an allowed deletion: %+v, %v", cur, err)
			}
		}, true
	}
	return c, nil, false
}
