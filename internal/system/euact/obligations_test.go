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
		if o.Obligation == "" || o.ScopeLabel == "" {
			t.Errorf("article %s has no obligation text or scope label", o.Article)
		}
		out = append(out, dated{o.Article, o.AppliesFrom})
	}
	return out
}

func TestObligations(t *testing.T) {
	annexIII := euact.Result{Class: euact.HighRisk, AnnexIIIArea: "4", AnnexIIIPoint: "4(a)"}
	for _, c := range []struct {
		name, dateSet, role string
		r                   euact.Result
		want                []dated
	}{
		{"high-risk Annex III deployer, published dates", "published", "deployer", annexIII, []dated{
			{"4", "2025-02-02"}, {"5", "2025-02-02"}, {"14", "2026-08-02"}, {"25", "2026-08-02"}, {"26", "2026-08-02"},
			{"27", "2026-08-02"}, {"49", "2026-08-02"}, {"73", "2026-08-02"}, {"86", "2026-08-02"}}},
		{"high-risk Annex III deployer, amended dates", "amended", "deployer", annexIII, []dated{
			{"4", "2025-02-02"}, {"5", "2025-02-02"}, {"14", "2027-12-02"}, {"25", "2027-12-02"}, {"26", "2027-12-02"},
			{"27", "2027-12-02"}, {"49", "2027-12-02"}, {"73", "2027-12-02"}, {"86", "2027-12-02"}}},
		{"high-risk Annex I importer, published dates", "published", "importer", euact.Result{Class: euact.HighRisk, AnnexI: true}, []dated{
			{"5", "2025-02-02"}, {"23", "2027-08-02"}, {"25", "2027-08-02"}}},
		{"high-risk Annex I importer, amended dates", "amended", "importer", euact.Result{Class: euact.HighRisk, AnnexI: true}, []dated{
			{"5", "2025-02-02"}, {"23", "2028-08-02"}, {"25", "2028-08-02"}}},
		{"minimal with Art. 50(1), provider", "published", "provider", euact.Result{Class: euact.Minimal, Transparency: []string{"50(1)"}}, []dated{
			{"4", "2025-02-02"}, {"5", "2025-02-02"}, {"50", "2026-08-02"}}},
		{"minimal relying on Art. 6(3)(a), provider", "amended", "provider",
			euact.Result{Class: euact.Minimal, AnnexIIIArea: "4", Derogation: "a"}, []dated{
				{"4", "2025-02-02"}, {"5", "2025-02-02"}, {"6", "2027-12-02"}}},
		{"GPAI model with systemic risk, provider", "published", "provider",
			euact.Result{Class: euact.Minimal, GPAI: true, GPAISystemic: true}, []dated{
				{"4", "2025-02-02"}, {"5", "2025-02-02"}, {"53", "2025-08-02"}, {"54", "2025-08-02"}, {"55", "2025-08-02"}}},
		{"GPAI model without systemic risk, provider", "published", "provider", euact.Result{Class: euact.Minimal, GPAI: true}, []dated{
			{"4", "2025-02-02"}, {"5", "2025-02-02"}, {"53", "2025-08-02"}, {"54", "2025-08-02"}}},
		{"prohibited keeps only the duties of every system", "published", "provider",
			euact.Result{Class: euact.Prohibited, AnnexIIIArea: "1", Transparency: []string{"50(3)"}}, []dated{
				{"4", "2025-02-02"}, {"5", "2025-02-02"}}},
		{"minimal distributor", "published", "distributor", euact.Result{Class: euact.Minimal}, []dated{{"5", "2025-02-02"}}},
		{"out of scope has none", "published", "provider", euact.Result{Class: euact.OutOfScope}, []dated{}},
		{"no role has none", "published", "", annexIII, []dated{}},
		{"unknown date set falls back to published", "draft", "deployer", euact.Result{Class: euact.Minimal, Transparency: []string{"50(4)"}}, []dated{
			{"4", "2025-02-02"}, {"5", "2025-02-02"}, {"50", "2026-08-02"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, obligations(t, c.dateSet, c.role, c.r)); diff != "" {
				t.Errorf("obligations (-want +got):\n%s", diff)
			}
		})
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
		if (x.Type == euact.Choice) == (len(x.Options) == 0) {
			t.Errorf("question %s: type %s with %d options", x.Key, x.Type, len(x.Options))
		}
		for _, c := range x.When {
			if !seen[c.Key] {
				t.Errorf("question %s depends on %s, which is not asked before it", x.Key, c.Key)
			}
		}
		seen[x.Key] = true
	}
	if len(q.Questions) != 3+8+2+1+8+5+4+2 {
		t.Errorf("%d questions", len(q.Questions))
	}
}
