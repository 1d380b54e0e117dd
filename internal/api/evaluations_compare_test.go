package api_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evaluation"
)

// TestComparingARunWithTheOneBefore: a viewer compares the newest run with the run before it (by default)
// and with a named one; the first run has none before it (404); a bad with is a 400.
func TestComparingARunWithTheOneBefore(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	viewer := e.member(t, acme, aims.RoleViewer)
	s := e.seedSystem(t, acme.ID)
	imp := func(file string) *evaluation.Run {
		t.Helper()
		r, err := e.Evaluations.Import(e.Ctx, acme.ID, s.ID, evaluation.Import{Body: bytes.NewReader([]byte(file)), Format: "lm-eval"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a := imp(`{"results": {"t": {"acc,none": 0.5}}}`)
	b := imp(`{"results": {"t": {"acc,none": 0.4, "f1,none": NaN}}}`)
	var c evaluation.Comparison
	e.do(t, "GET", "/api/v1/evaluations/"+b.ID+"/compare", viewer.Token, nil).want(t, 200).decode(t, &c)
	if c.From.ID != a.ID || c.To.ID != b.ID || len(c.Rows) != 2 || c.Rows[0].Change != evaluation.ChangeDown ||
		c.Rows[1].Change != evaluation.ChangeNew || c.Rows[1].To == nil || c.Rows[1].To.String() != "NaN" {
		t.Errorf("compared: %+v", c)
	}
	c = evaluation.Comparison{}
	e.do(t, "GET", "/api/v1/evaluations/"+a.ID+"/compare?with="+b.ID, viewer.Token, nil).want(t, 200).decode(t, &c)
	if c.From.ID != b.ID || len(c.Rows) != 2 || c.Rows[0].Change != evaluation.ChangeUp || c.Rows[1].Change != evaluation.ChangeGone {
		t.Errorf("compared with a named run: %+v", c)
	}
	res := e.do(t, "GET", "/api/v1/evaluations/"+a.ID+"/compare", viewer.Token, nil).want(t, 404)
	if !strings.Contains(string(res.body), "No earlier lm-eval run") {
		t.Errorf("no run before: %s", res.body)
	}
	e.do(t, "GET", "/api/v1/evaluations/"+a.ID+"/compare?with=nonsense", viewer.Token, nil).want(t, 400)
}
