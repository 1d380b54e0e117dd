package evaluation_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evaluation"
)

// TestTwoRunsAreComparedMetricByMetric: a metric that rose, one that fell, one the later run added, one
// it dropped and one that is NaN in the later run are each told apart, in the first run's order; Previous
// finds the run before of the same tool; a run of another organization is not found.
func TestTwoRunsAreComparedMetricByMetric(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	imp := func(file string) *evaluation.Run {
		t.Helper()
		r, err := f.sv.Evaluations.Import(f.contrib, f.org.ID, f.sys.ID, evaluation.Import{Body: strings.NewReader(file), Format: "lm-eval"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a := imp(`{"results": {"t": {"acc,none": 0.5, "f1,none": 0.8, "old,none": 0.1, "em,none": 0.3}}}`)
	b := imp(`{"results": {"t": {"acc,none": 0.75, "f1,none": 0.7, "em,none": NaN, "new,none": 0.2}}}`)
	c, err := f.sv.Evaluations.Compare(f.contrib, f.org.ID, a.ID, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range c.Rows {
		d := "-"
		if r.Delta != nil {
			d = strings.TrimRight(strings.TrimRight(strings.Replace(strings.TrimSpace(fmtFloat(*r.Delta)), "-0.", "-.", 1), "0"), ".")
		}
		got = append(got, r.Name+":"+r.Change+":"+d)
	}
	want := "acc,none:up:0.25 em,none:unknown:- f1,none:down:-.1 old,none:gone:- new,none:new:-"
	if strings.Join(got, " ") != want {
		t.Errorf("rows %v\nwant %s", got, want)
	}
	if c.From.ID != a.ID || c.To.ID != b.ID || c.From.Metrics != nil {
		t.Errorf("runs: %+v %+v", c.From, c.To)
	}
	if p, err := f.sv.Evaluations.Previous(f.contrib, f.org.ID, b); err != nil || p == nil || p.ID != a.ID {
		t.Errorf("the run before b: %+v, %v", p, err)
	}
	if p, err := f.sv.Evaluations.Previous(f.contrib, f.org.ID, a); err != nil || p != nil {
		t.Errorf("the run before the first: %+v, %v", p, err)
	}
	other, err := f.sv.Accounts.CreateOrganization(f.contrib, "other", "Other")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Evaluations.Compare(f.contrib, other.ID, a.ID, b.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("another organization's runs: %v", err)
	}
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', 6, 64) }
