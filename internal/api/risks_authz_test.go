package api_test

import (
	"strconv"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/risk"
)

// seedRisk registers a rated organization-wide risk of orgID (saving the default criteria first, when
// the organization has none).
func (e *env) seedRisk(t *testing.T, orgID string) *risk.Risk {
	t.Helper()
	r, err := e.Risks.Create(e.Ctx, orgID, risk.Fields{Title: "Drift of " + aims.NewID(), Source: "C.3.6",
		Inherent: risk.RatingInput{Likelihood: 3, Consequences: map[string]int{"organization": 3}}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// risksMatrixCall returns the matrix's call of a risk route, and true, or false for other routes.
func (e *env) risksMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	callerOrg := caller.Org.ID
	switch method + " " + path {
	case "GET /api/v1/risk-criteria", "GET /api/v1/risk-criteria/versions", "GET /api/v1/risks/heatmap", "GET /api/v1/risks/export":
		e.seedRisk(t, tg.org.ID)
		return c, func(t *testing.T, res *response, _ bool) {}, true
	case "GET /api/v1/risk-criteria/versions/{version}":
		e.seedRisk(t, tg.org.ID)
		e.seedRisk(t, callerOrg)
		c.path = "/api/v1/risk-criteria/versions/1"
		return c, func(t *testing.T, res *response, _ bool) {}, true
	case "POST /api/v1/risk-criteria/versions":
		e.seedRisk(t, callerOrg) // saves version 1, which the change is made from
		cur, err := e.Risks.Criteria(e.Ctx, callerOrg)
		if err != nil {
			t.Fatal(err)
		}
		body := *risk.Default()
		body.Note = "Changed by " + string(caller.Role)
		c.body = map[string]any{"likelihood": body.Likelihood, "consequence": body.Consequence, "axes": body.Axes, "levels": body.Levels,
			"matrix": body.Matrix, "acceptable": body.Acceptable, "sources": body.Sources, "objectives": body.Objectives, "note": body.Note,
			"based_on": cur.Version}
		return c, func(t *testing.T, _ *response, changed bool) {
			now, err := e.Risks.Criteria(e.Ctx, callerOrg)
			if err != nil || changed != (now.Version == cur.Version+1 && now.Note == body.Note) {
				t.Errorf("the caller's criteria after the call: version %d, %v (changed %v)", now.Version, err, changed)
			}
		}, true
	case "GET /api/v1/risks":
		other := e.seedRisk(t, tg.org.ID)
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			var got struct{ Items []risk.Risk }
			res.decode(t, &got)
			for _, r := range got.Items {
				if r.ID == other.ID && callerOrg != tg.org.ID {
					t.Errorf("listed risk %s of another organization", r.ID)
				}
			}
		}, true
	case "POST /api/v1/risks":
		e.seedRisk(t, callerOrg) // the criteria exist: the call writes the risk's entry alone
		title := "Registered by " + string(caller.Role) + " " + aims.NewID()
		c.body = map[string]any{"title": title, "source": "C.3.1"}
		return c, func(t *testing.T, _ *response, changed bool) {
			rs, _, err := e.Risks.List(e.Ctx, callerOrg, risk.Filter{Query: title}, pageAll)
			if err != nil || changed != (len(rs) == 1) {
				t.Errorf("the caller's risks titled %q: %d, %v (changed %v)", title, len(rs), err, changed)
			}
		}, true
	case "GET /api/v1/risks/{id}", "PATCH /api/v1/risks/{id}", "DELETE /api/v1/risks/{id}":
		r := e.seedRisk(t, tg.org.ID)
		c.path = "/api/v1/risks/" + r.ID
		if method == "PATCH" {
			c.body = map[string]any{"status": "treating", "treatment_option": "modify"}
			c.header = map[string][]string{"If-Match": {`"` + strconv.FormatInt(r.Version, 10) + `"`}}
		}
		return c, func(t *testing.T, _ *response, changed bool) {
			now, err := e.Risks.Risk(e.Ctx, tg.org.ID, r.ID)
			switch method {
			case "PATCH":
				if err != nil || changed != (now.Status == risk.StatusTreating) {
					t.Errorf("the risk after the call: %+v, %v (changed %v)", now, err, changed)
				}
			case "DELETE":
				if changed != (aims.ErrorCode(err) == aims.ENOTFOUND) {
					t.Errorf("the risk after the call: %v (changed %v)", err, changed)
				}
			}
		}, true
	case "POST /api/v1/risks/{id}/acceptance":
		// A low risk, retained: a contributor may accept it.
		r, err := e.Risks.Create(e.Ctx, tg.org.ID, risk.Fields{Title: "Typos in answers " + aims.NewID(), Source: "C.3.6",
			Inherent: risk.RatingInput{Likelihood: 1, Consequences: map[string]int{"organization": 2}}, TreatmentOption: risk.TreatRetain})
		if err != nil {
			t.Fatal(err)
		}
		c.path = "/api/v1/risks/" + r.ID + "/acceptance"
		c.body = map[string]any{"note": "Retained by " + string(caller.Role)}
		return c, func(t *testing.T, _ *response, changed bool) {
			now, err := e.Risks.Risk(e.Ctx, tg.org.ID, r.ID)
			if err != nil || changed != now.Accepted {
				t.Errorf("the risk after the call: accepted %v, %v (changed %v)", now.Accepted, err, changed)
			}
		}, true
	case "GET /api/v1/risks/{id}/acceptances":
		r := e.seedRisk(t, tg.org.ID)
		c.path = "/api/v1/risks/" + r.ID + "/acceptances"
		return c, func(t *testing.T, _ *response, _ bool) {}, true
	}
	return c, nil, false
}
