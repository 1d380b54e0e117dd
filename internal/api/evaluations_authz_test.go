package api_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/aimsproject/aims/internal/evaluation"
)

// evalSample returns a file of testdata/evals.
func evalSample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "evals", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seedEvaluation imports the garak sample as a run of a fresh system of orgID.
func (e *env) seedEvaluation(t *testing.T, orgID string) *evaluation.Run {
	t.Helper()
	s := e.seedSystem(t, orgID)
	r, err := e.Evaluations.Import(e.Ctx, orgID, s.ID, evaluation.Import{Body: bytes.NewReader(evalSample(t, "garak-agg.report.jsonl"))})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// evaluationsMatrixCall returns the matrix's call of an evaluation route, and true, or false for other
// routes.
func (e *env) evaluationsMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	switch method + " " + path {
	case "GET /api/v1/evaluations":
		other := e.seedEvaluation(t, tg.org.ID)
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			var got struct{ Items []evaluation.Run }
			res.decode(t, &got)
			for _, r := range got.Items {
				if r.ID == other.ID && caller.Org.ID != tg.org.ID {
					t.Errorf("listed run %s of another organization", r.ID)
				}
			}
		}, true
	case "GET /api/v1/evaluations/{id}":
		r := e.seedEvaluation(t, tg.org.ID)
		c.path = "/api/v1/evaluations/" + r.ID
		return c, func(*testing.T, *response, bool) {}, true
	case "GET /api/v1/evaluations/{id}/compare":
		r := e.seedEvaluation(t, tg.org.ID)
		again, err := e.Evaluations.Import(e.Ctx, tg.org.ID, r.SystemID, evaluation.Import{Body: bytes.NewReader(evalSample(t, "garak-agg.report.jsonl"))})
		if err != nil {
			t.Fatal(err)
		}
		c.path = "/api/v1/evaluations/" + again.ID + "/compare"
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			var got evaluation.Comparison
			res.decode(t, &got)
			if got.From == nil || got.From.ID != r.ID || len(got.Rows) != 3 {
				t.Errorf("compared with %+v, %d rows; want the run before and 3 rows", got.From, len(got.Rows))
			}
		}, true
	case "GET /api/v1/systems/{id}/evaluations", "GET /api/v1/systems/{id}/evaluation-criteria":
		r := e.seedEvaluation(t, tg.org.ID)
		c.path = "/api/v1/systems/" + r.SystemID + path[len("/api/v1/systems/{id}"):]
		return c, func(*testing.T, *response, bool) {}, true
	case "POST /api/v1/systems/{id}/evaluations":
		s := e.seedSystem(t, tg.org.ID)
		c.path = "/api/v1/systems/" + s.ID + "/evaluations?filename=agg.report.jsonl"
		c.body = evalSample(t, "garak-agg.report.jsonl")
		c.header = http.Header{"Content-Type": {"application/octet-stream"}}
		return c, func(t *testing.T, _ *response, changed bool) {
			rs, _, err := e.Evaluations.List(e.Ctx, tg.org.ID, evaluation.Filter{SystemID: s.ID}, pageAll)
			if err != nil || changed != (len(rs) == 1) {
				t.Errorf("the system's runs after the call: %d (%v), changed %v", len(rs), err, changed)
			}
		}, true
	case "PUT /api/v1/systems/{id}/evaluation-criteria":
		r := e.seedEvaluation(t, tg.org.ID)
		c.path = "/api/v1/systems/" + r.SystemID + "/evaluation-criteria"
		c.body = map[string]any{"rules": []map[string]any{{"tool": "garak", "measure": "failure_rate", "task": "lmrc.*", "op": "<=", "threshold": 0.01}}}
		return c, func(t *testing.T, _ *response, changed bool) {
			got, err := e.Evaluations.Run(e.Ctx, tg.org.ID, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := evaluation.VerdictNone
			if changed {
				want = evaluation.OutcomePass
			}
			if got.Verdict != want {
				t.Errorf("the run's verdict after the call: %s, want %s", got.Verdict, want)
			}
		}, true
	}
	return c, nil, false
}
