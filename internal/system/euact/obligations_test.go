package euact_test

import (
	"testing"

	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/system/euact"
	"github.com/google/go-cmp/cmp"
)

// dated is an obligation's article and date, what these tests check by hand.
type dated struct{ Article, Date string }

func obligations(t *testing.T, dateSet, role string, r euact.Result) []dated {
	t.Helper()
	cat, err := framework.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	out := []dated{}
	for _, o := range euact.Obligations(cat, dateSet, role, r) {
		out = append(out, dated{o.Article, o.AppliesFrom})
	}
	return out
}

// TestObligationsOfRecordedClasses covers results the questionnaire does not give but a record may hold:
// a class declared by override, an unknown date set, no role. TestTheLaw covers the answers.
func TestObligationsOfRecordedClasses(t *testing.T) {
	for _, c := range []struct {
		name, dateSet, role string
		r                   euact.Result
		want                []dated
	}{
		{"declared high-risk without answers that say why is dated as Annex III", "amended", "deployer", euact.Result{Class: euact.HighRisk}, []dated{
			{"4", "2025-02-02"}, {"5", "2025-02-02"}, {"14", "2027-12-02"}, {"25", "2027-12-02"}, {"26", "2027-12-02"}, {"73", "2027-12-02"}, {"86", "2027-12-02"}}},
		{"declared minimal over high-risk answers drops the high-risk duties", "amended", "deployer",
			euact.Result{Class: euact.Minimal, AnnexIII: true, AnnexIIIPoints: []string{"4(a)"}}, []dated{{"4", "2025-02-02"}, {"5", "2025-02-02"}}},
		{"out of scope has none", "published", "provider", euact.Result{Class: euact.OutOfScope}, []dated{}},
		{"no role has none", "published", "", euact.Result{Class: euact.HighRisk, AnnexIII: true}, []dated{}},
		{"unclassified has none", "published", "provider", euact.Result{}, []dated{}},
		{"an unknown date set falls back to the one in force (amended)", "draft", "deployer",
			euact.Result{Class: euact.Prohibited, Prohibited: []string{"5(1)(ba)"}}, []dated{
				{"4", "2025-02-02"}, {"5", "2025-02-02"}, {"5(1)(ba)", "2026-12-02"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, obligations(t, c.dateSet, c.role, c.r)); diff != "" {
				t.Errorf("obligations (-want +got):\n%s", diff)
			}
		})
	}
	if got := euact.Obligations(nil, "amended", "provider", euact.Result{Class: euact.Minimal}); len(got) != 0 {
		t.Errorf("no catalog gave %v", got)
	}
}

func TestQuestionsAreWellFormed(t *testing.T) {
	q := euact.Questions()
	steps := map[string]bool{}
	for _, s := range q.Steps {
		steps[s.Key] = true
	}
	seen := map[string]bool{}
	for _, x := range q.Questions {
		if seen[x.Key] {
			t.Errorf("question %s twice", x.Key)
		}
		if !steps[x.Step] || x.Text == "" || x.Help == "" || x.Article == "" {
			t.Errorf("question %s: step %q, text, help or article missing", x.Key, x.Step)
		}
		if (x.Type == euact.YesNo) != (len(x.Options) == 0) {
			t.Errorf("question %s: type %s with %d options", x.Key, x.Type, len(x.Options))
		}
		for _, c := range x.When {
			if !seen[c.Key] {
				t.Errorf("question %s depends on %s, which is not asked before it", x.Key, c.Key)
			}
		}
		seen[x.Key] = true
	}
	for _, s := range q.Steps {
		n := 0
		for _, x := range q.Questions {
			if x.Step == s.Key {
				n++
			}
		}
		if n == 0 {
			t.Errorf("step %s has no question", s.Key)
		}
	}
	// Scope 4, Art. 5 10, Annex I 2, Annex III 1+8, Art. 6(3) 6, deployer 1, Art. 50 4, GPAI 3.
	if len(q.Questions) != 4+10+2+9+6+1+4+3 {
		t.Errorf("%d questions", len(q.Questions))
	}
}
