package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
)

// matrixBOM is a small ML-BOM: a model trained on a dataset.
const matrixBOM = `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[
 {"bom-ref":"m","type":"machine-learning-model","name":"ticket-sorter","version":"1",
  "modelCard":{"modelParameters":{"datasets":[{"ref":"d"}]}}},
 {"bom-ref":"d","type":"data","name":"tickets","data":[{"type":"dataset","name":"tickets"}]}]}`

// seedBOM registers a system in orgID and imports matrixBOM for it twice, so that there are versions 1
// and 2 and importing it again changes no component: the matrix wants one activity entry for an allowed
// import.
func (e *env) seedBOM(t *testing.T, orgID string) *system.System {
	t.Helper()
	s := e.seedSystem(t, orgID)
	for range 2 {
		if _, err := e.Components.ImportBOM(e.Ctx, orgID, s.ID, strings.NewReader(matrixBOM), "matrix.json"); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// bomMatrixCall returns the matrix's call of a BOM route, and true, or false for other routes.
func (e *env) bomMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	s := e.seedBOM(t, tg.org.ID)
	base := "/api/v1/systems/" + s.ID
	versions := func(t *testing.T, want int) {
		t.Helper()
		bs, err := e.Components.BOMs(e.Ctx, tg.org.ID, s.ID)
		if err != nil || len(bs) != want {
			t.Errorf("the system has %d BOM versions (%v), want %d", len(bs), err, want)
		}
	}
	switch method + " " + path {
	case "POST /api/v1/systems/{id}/boms":
		c.path = base + "/boms?filename=matrix.json"
		c.body = matrixBOM
		c.header = http.Header{"Content-Type": {"application/vnd.cyclonedx+json"}}
		return c, func(t *testing.T, _ *response, changed bool) {
			if changed {
				versions(t, 3)
			} else {
				versions(t, 2)
			}
		}, true
	case "GET /api/v1/systems/{id}/boms":
		c.path = base + "/boms"
		return c, func(t *testing.T, r *response, _ bool) {
			if r.status != 200 {
				return
			}
			var l struct{ Items []component.BOMImport }
			r.decode(t, &l)
			if len(l.Items) != 2 || l.Items[0].Seq != 2 || l.Items[0].Filename != "matrix.json" {
				t.Errorf("listed %+v", l.Items)
			}
		}, true
	case "GET /api/v1/systems/{id}/boms/{seq}":
		c.path = base + "/boms/1"
		return c, func(t *testing.T, r *response, _ bool) {
			if r.status == 200 && !strings.Contains(string(r.body), `"name":"ticket-sorter"`) {
				t.Errorf("version 1:\n%s", r.body)
			}
		}, true
	case "GET /api/v1/systems/{id}/boms/diff":
		c.path = base + "/boms/diff?from=1&to=2"
		return c, func(t *testing.T, r *response, _ bool) {
			if r.status == 200 && !strings.Contains(string(r.body), `"lines":[]`) {
				t.Errorf("diff of equal versions:\n%s", r.body)
			}
		}, true
	case "GET /api/v1/systems/{id}/bom":
		c.path = base + "/bom"
		return c, func(t *testing.T, r *response, _ bool) {
			if r.status == 200 && (!strings.Contains(string(r.body), `"name": "ticket-sorter"`) || !strings.Contains(string(r.body), `"name": "`+s.Name+`"`)) {
				t.Errorf("export:\n%s", r.body)
			}
		}, true
	}
	return c, nil, false
}
