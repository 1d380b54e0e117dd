package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
)

// matrixCard is a small model card whose model is named name.
func matrixCard(name string) string {
	return "---\nlicense: mit\nmodel-index:\n- name: " + name + "\n  results:\n  - task: {type: text-classification}\n" +
		"    dataset: {type: tickets, name: Tickets}\n    metrics:\n    - {type: accuracy, value: 0.91}\n---\n# " + name + "\n\nSorts tickets.\n"
}

// seedModelCard registers a system in orgID and imports a model card for it.
func (e *env) seedModelCard(t *testing.T, orgID string) (*system.System, *component.ModelCardResult) {
	t.Helper()
	s := e.seedSystem(t, orgID)
	res, err := e.Components.ImportModelCard(e.Ctx, orgID, s.ID, strings.NewReader(matrixCard("model-"+strings.ToLower(aims.NewID()))), component.ModelCardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s, res
}

// modelCardMatrixCall returns the matrix's call of a model card route, and true, or false for other routes.
func (e *env) modelCardMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	switch method + " " + path {
	case "POST /api/v1/systems/{id}/model-cards":
		// The card was imported once already, so that importing it again adds only its second version:
		// the matrix wants one activity entry for an allowed change.
		s, first := e.seedModelCard(t, tg.org.ID)
		mc, err := e.Components.ModelCard(e.Ctx, tg.org.ID, first.Card.ID)
		if err != nil {
			t.Fatal(err)
		}
		c.path = "/api/v1/systems/" + s.ID + "/model-cards"
		c.body = mc.Markdown
		c.header = http.Header{"Content-Type": {"text/markdown; charset=utf-8"}}
		return c, func(t *testing.T, _ *response, changed bool) {
			versions, err := e.Components.ComponentModelCards(e.Ctx, tg.org.ID, first.Component.ID)
			want := 1
			if changed {
				want = 2
			}
			if err != nil || len(versions) != want {
				t.Errorf("the component has %d model cards (%v), want %d", len(versions), err, want)
			}
		}, true
	case "GET /api/v1/components/{id}/model-cards":
		_, res := e.seedModelCard(t, tg.org.ID)
		c.path = "/api/v1/components/" + res.Component.ID + "/model-cards"
		return c, func(t *testing.T, r *response, _ bool) {
			if r.status != 200 {
				return
			}
			var l struct{ Items []component.ModelCard }
			r.decode(t, &l)
			if len(l.Items) != 1 || l.Items[0].ID != res.Card.ID {
				t.Errorf("listed %+v", l.Items)
			}
		}, true
	case "GET /api/v1/model-cards/{id}":
		_, res := e.seedModelCard(t, tg.org.ID)
		c.path = "/api/v1/model-cards/" + res.Card.ID
		return c, func(t *testing.T, r *response, _ bool) {
			if r.status != 200 {
				return
			}
			var mc component.ModelCard
			r.decode(t, &mc)
			if mc.ID != res.Card.ID || !strings.Contains(mc.Markdown, "Sorts tickets.") {
				t.Errorf("read %+v", mc)
			}
		}, true
	case "GET /api/v1/systems/{id}/card":
		s, _ := e.seedModelCard(t, tg.org.ID)
		c.path = "/api/v1/systems/" + s.ID + "/card"
		return c, func(t *testing.T, r *response, _ bool) {
			if r.status == 200 && (!strings.Contains(string(r.body), "# System card: "+s.Name) || !strings.Contains(string(r.body), "| 0.91 |")) {
				t.Errorf("card:\n%s", r.body)
			}
		}, true
	}
	return c, nil, false
}
