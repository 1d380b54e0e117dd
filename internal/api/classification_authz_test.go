package api_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
)

// outOfScope is the shortest complete set of answers: a military system, outside the Act.
var outOfScope = map[string]string{"scope_military": "yes"}

// seedClassified registers a fresh AI system in orgID, deployed by the organization, classified out of
// scope.
func (e *env) seedClassified(t *testing.T, orgID string) *system.System {
	t.Helper()
	s, err := e.Systems.Create(e.Ctx, orgID, system.Fields{Name: "System " + aims.NewID(), Purpose: "Plans routes.", EURole: "deployer"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Systems.Classify(e.Ctx, orgID, s.ID, system.ClassificationInput{Answers: outOfScope}, 0); err != nil {
		t.Fatal(err)
	}
	return s
}

// classificationMatrixCall returns the matrix's call of a classification route, and true, or false for
// other routes.
func (e *env) classificationMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	switch method + " " + path {
	case "GET /api/v1/eu-ai-act/questionnaire":
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			var q struct{ Questions []struct{ Key string } }
			res.decode(t, &q)
			if len(q.Questions) != 39 || q.Questions[0].Key != "scope_military" {
				t.Errorf("questionnaire of %d questions, first %+v", len(q.Questions), q.Questions)
			}
		}, true
	case "GET /api/v1/systems/{id}/classification", "GET /api/v1/systems/{id}/classification/history",
		"GET /api/v1/systems/{id}/obligations", "PUT /api/v1/systems/{id}/classification":
		s := e.seedClassified(t, tg.org.ID)
		c.path = "/api/v1/systems/" + s.ID + path[len("/api/v1/systems/{id}"):]
		if method == "PUT" {
			c.body = map[string]any{"answers": outOfScope, "class": "minimal", "override_justification": "Also sold for civil use."}
		}
		return c, func(t *testing.T, res *response, changed bool) {
			cur, err := e.Systems.Classification(e.Ctx, tg.org.ID, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case method == "GET":
			case !changed && (cur.Version != 1 || cur.Class != "out_of_scope"):
				t.Errorf("a refused call changed the classification: %+v", cur)
			case changed && (cur.Version != 2 || cur.Class != "minimal" || !cur.Override):
				t.Errorf("the classification after an allowed change: %+v", cur)
			}
		}, true
	}
	return c, nil, false
}
