package api_test

import (
	"strconv"
	"testing"

	"github.com/aimsproject/aims/internal/impact"
)

// seedImpact starts the impact assessment of a fresh system of orgID: a draft ready for approval.
func (e *env) seedImpact(t *testing.T, orgID string) *impact.Assessment {
	t.Helper()
	s := e.seedSystem(t, orgID)
	a, err := e.Impacts.Create(e.Ctx, orgID, s.ID, impact.Fields{Scope: "Answers to customers.",
		Affected: []impact.Party{{Name: "Customers"}},
		Impacts:  []impact.Impact{{Area: "wellbeing", Party: "Customers", Description: "Wrong advice.", Likelihood: 2, Severity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// impactMatrixCall returns the matrix's call of an impact assessment route, and true, or false for other
// routes.
func (e *env) impactMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	callerOrg := caller.Org.ID
	switch method + " " + path {
	case "GET /api/v1/impact-assessments":
		other := e.seedImpact(t, tg.org.ID)
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			var got struct{ Items []impact.Summary }
			res.decode(t, &got)
			for _, m := range got.Items {
				if m.ID == other.ID && callerOrg != tg.org.ID {
					t.Errorf("listed assessment %s of another organization", m.ID)
				}
			}
		}, true
	case "POST /api/v1/systems/{id}/impact-assessments":
		s := e.seedSystem(t, tg.org.ID)
		c.path = "/api/v1/systems/" + s.ID + "/impact-assessments"
		c.body = map[string]any{"scope": "Started by " + string(caller.Role)}
		return c, func(t *testing.T, _ *response, changed bool) {
			vs, err := e.Impacts.Versions(e.Ctx, tg.org.ID, s.ID)
			if err != nil || changed != (len(vs) == 1) {
				t.Errorf("the system's assessment after the call: %d versions, %v (changed %v)", len(vs), err, changed)
			}
		}, true
	}
	prefix := "/api/v1/systems/{id}/impact-assessments"
	if len(path) < len(prefix) || path[:len(prefix)] != prefix {
		return c, nil, false
	}
	a := e.seedImpact(t, tg.org.ID)
	c.path = "/api/v1/systems/" + a.SystemID + "/impact-assessments"
	if path != prefix {
		c.path += "/1" + path[len(prefix+"/{version}"):]
	}
	if method == "PATCH" || path == prefix+"/{version}/approve" {
		c.header = map[string][]string{"If-Match": {`"` + strconv.FormatInt(a.Rev, 10) + `"`}}
	}
	if method == "PATCH" {
		c.body = map[string]any{"scope": "Changed by " + string(caller.Role)}
	}
	if path == prefix+"/{version}/export" {
		c.path += "?format=md"
	}
	return c, func(t *testing.T, _ *response, changed bool) {
		now, err := e.Impacts.Assessment(e.Ctx, tg.org.ID, a.SystemID, 1)
		switch {
		case err != nil:
			t.Errorf("the assessment after the call: %v", err)
		case method == "PATCH" && changed != (now.Scope == "Changed by "+string(caller.Role)):
			t.Errorf("the assessment after the call: %+v (changed %v)", now, changed)
		case method == "POST" && changed != (now.Status == impact.StatusApproved):
			t.Errorf("the assessment after the call: %+v (changed %v)", now, changed)
		case method == "POST" && changed && now.ApprovedBy != caller.User.ID:
			t.Errorf("approved by %q, want the caller %s", now.ApprovedBy, caller.User.ID)
		}
	}, true
}
