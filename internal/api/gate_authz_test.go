package api_test

import (
	"net/url"
	"testing"

	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/readiness"
	"github.com/aimsproject/aims/internal/system"
)

// gateMatrixCall returns the matrix's call of a release gate route, and true, or false for other routes.
func (e *env) gateMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	callerOrg := caller.Org.ID
	switch method + " " + path {
	case "GET /api/v1/systems/{id}/gate":
		s := e.seedSystem(t, tg.org.ID)
		c.path = "/api/v1/systems/" + s.ID + "/gate?stage=deployment"
		return c, func(t *testing.T, res *response, _ bool) {}, true
	case "GET /api/v1/gate":
		// Both organizations have a system of that name: the check is of the caller's own.
		s := e.seedSystem(t, tg.org.ID)
		own := s
		if callerOrg != tg.org.ID {
			var err error
			if own, err = e.Systems.Create(e.Ctx, callerOrg, system.Fields{Name: s.Name, Purpose: "Answers questions."}); err != nil {
				t.Fatal(err)
			}
		}
		c.path = "/api/v1/gate?system=" + url.QueryEscape(s.Name)
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			var got gate.Result
			res.decode(t, &got)
			if got.SystemID != own.ID {
				t.Errorf("checked system %s, want the caller's own %s", got.SystemID, own.ID)
			}
		}, true
	case "GET /api/v1/readiness/systems":
		// The target organization's system is not among the caller's.
		s := e.seedSystem(t, tg.org.ID)
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			var got struct{ Items []readiness.SystemState }
			res.decode(t, &got)
			for _, it := range got.Items {
				if it.ID == s.ID && callerOrg != tg.org.ID {
					t.Errorf("another organization's system %s is listed", s.Name)
				}
			}
		}, true
	case "GET /api/v1/readiness/mapped":
		c.path += "?framework=nist-ai-rmf-1.0"
		return c, func(t *testing.T, res *response, _ bool) {}, true
	case "GET /api/v1/gate-policy", "GET /api/v1/readiness", "GET /api/v1/audit-pack":
		return c, func(t *testing.T, res *response, _ bool) {}, true
	case "POST /api/v1/gate-policy/versions":
		cur, err := e.Gate.Policy(e.Ctx, callerOrg)
		if err != nil {
			t.Fatal(err)
		}
		c.body = map[string]any{"stages": []map[string]any{{"stage": "deployment", "require": []string{gate.CondRisks}}}, "based_on": cur.Version}
		return c, func(t *testing.T, _ *response, changed bool) {
			now, err := e.Gate.Policy(e.Ctx, callerOrg)
			if err != nil || changed != (now.Version == cur.Version+1 && len(now.Stages) == 1) {
				t.Errorf("the caller's gate policy after the call: %+v, %v (changed %v)", now, err, changed)
			}
		}, true
	}
	return c, nil, false
}
