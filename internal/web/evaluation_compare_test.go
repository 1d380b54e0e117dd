package web_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/system"
)

// TestARunIsComparedWithTheOneBeforeInTheUI: the second run's page leads to its comparison with the first,
// which shows each metric before and after with its change; the first run's page has no such link, and
// its comparison page says there is nothing to compare with (404).
func TestARunIsComparedWithTheOneBeforeInTheUI(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme := f.Org(t, "acme")
	vera := newUser(t, f, "vera@acme.example", acme, aims.RoleViewer)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test", OrgID: acme.ID})
	s, err := f.Systems.Create(ctx, acme.ID, system.Fields{Name: "Chat", Purpose: "Answers questions."})
	if err != nil {
		t.Fatal(err)
	}
	var runs []*evaluation.Run
	for _, file := range []string{`{"results": {"mmlu": {"acc,none": 0.61}}}`, `{"results": {"mmlu": {"acc,none": 0.58, "f1,none": 0.7}}}`} {
		r, err := f.Evaluations.Import(ctx, acme.ID, s.ID, evaluation.Import{Body: bytes.NewReader([]byte(file)), Format: "lm-eval"})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	p := browserAs(t, f, vera, acme)
	if run := p.get("/evaluations/" + runs[1].ID); !bytes.Contains([]byte(run.Body), []byte(`href="/evaluations/`+runs[1].ID+`/compare"`)) {
		t.Errorf("the second run's page does not lead to its comparison")
	}
	page := p.get("/evaluations/" + runs[1].ID + "/compare")
	mustContain(t, page, "against the run before", "0 metrics rose, 1 fell, 1 are new", "mmlu", "acc,none", "0.61", "0.58", "down", "-0.03", "new")
	if first := p.get("/evaluations/" + runs[0].ID); bytes.Contains([]byte(first.Body), []byte("Compare with the run before")) {
		t.Errorf("the first run offers a comparison")
	}
	expect(t, p.get("/evaluations/"+runs[0].ID+"/compare"), http.StatusNotFound, "")
}
