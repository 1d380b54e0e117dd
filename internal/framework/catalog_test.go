package framework_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
)

// reference reads a CSV from testdata/reference, the project's checked facts.
func reference(t *testing.T, name string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "reference", name))
	if err != nil {
		t.Fatalf("the reference facts must sit beside the repository (testdata/reference): %v", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, col := range recs[0] {
			m[col] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

func loadCatalog(t *testing.T) *framework.Catalog {
	t.Helper()
	c, err := framework.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func assessable(bf *framework.BuiltinFramework, kind string) map[string]*framework.Requirement {
	out := map[string]*framework.Requirement{}
	for _, r := range bf.Requirements {
		if r.Assessable && (kind == "" || r.Kind == kind) {
			out[r.Ref] = r
		}
	}
	return out
}

func TestISO42001HasExactlyTheReferenceItemsWithOurGuidance(t *testing.T) {
	c := loadCatalog(t)
	iso := c.Framework(framework.ISO42001)
	got := assessable(iso, "")
	want := 0
	for _, row := range reference(t, "iso42001-2023.csv") {
		var r *framework.Requirement
		for _, x := range iso.Requirements {
			if x.Ref == row["id"] {
				r = x
			}
		}
		if r == nil {
			t.Errorf("%s is missing", row["id"])
			continue
		}
		if r.Title != row["title"] {
			t.Errorf("%s title %q, want %q", row["id"], r.Title, row["title"])
		}
		if (row["assessable"] == "yes") != r.Assessable {
			t.Errorf("%s assessable = %v, want %s", row["id"], r.Assessable, row["assessable"])
		}
		if row["assessable"] == "yes" {
			want++
			if r.Guidance == nil || r.Guidance.Summary == "" || len(r.Guidance.Evidence) < 3 || len(r.Guidance.AuditorQuestions) < 3 {
				t.Errorf("%s lacks guidance: %+v", row["id"], r.Guidance)
			}
		}
		if row["kind"] == "control" {
			parent := row["group"]
			if row["subgroup"] != "" {
				parent = row["subgroup"][:len("A.6.1")]
			}
			if r.ParentRef != parent {
				t.Errorf("%s parent %q, want %q", row["id"], r.ParentRef, parent)
			}
		}
	}
	if want != 70 || len(got) != 70 {
		t.Fatalf("%d assessable items, reference has %d; both must be 70", len(got), want)
	}
	controls := assessable(iso, framework.ReqControl)
	if len(controls) != 38 {
		t.Fatalf("%d Annex A controls, want 38", len(controls))
	}
	for _, sg := range []string{"A.6.1", "A.6.2"} {
		found := false
		for _, r := range iso.Requirements {
			if r.Ref == sg && r.Kind == framework.ReqGroup && r.ParentRef == "A.6" {
				found = true
			}
		}
		if !found {
			t.Errorf("sub-group %s is not under A.6", sg)
		}
	}
}

func TestNISTAIRMFHasFourFunctionsNineteenCategoriesSeventyTwoSubcategories(t *testing.T) {
	c := loadCatalog(t)
	rmf := c.Framework(framework.NISTAIRMF)
	count := map[string]int{}
	for _, r := range rmf.Requirements {
		count[r.Kind]++
	}
	if count[framework.ReqFunction] != 4 || count[framework.ReqCategory] != 19 || count[framework.ReqSubcategory] != 72 {
		t.Fatalf("counts %v", count)
	}
	subs := assessable(rmf, framework.ReqSubcategory)
	for _, row := range reference(t, "nist-ai-rmf-1.0.csv") {
		r := subs[row["subcategory_id"]]
		if r == nil || r.Text != row["text"] || r.ParentRef != row["category_id"] {
			t.Errorf("%s = %+v, want text %q under %s", row["subcategory_id"], r, row["text"], row["category_id"])
		}
	}
}

func TestISO27001HasTheNinetyThreeAnnexAControls(t *testing.T) {
	c := loadCatalog(t)
	controls := assessable(c.Framework(framework.ISO27001), framework.ReqControl)
	ref := reference(t, "iso27001-2022-annex-a.csv")
	if len(controls) != 93 || len(ref) != 93 {
		t.Fatalf("%d controls, reference %d; want 93", len(controls), len(ref))
	}
	for _, row := range ref {
		if r := controls[row["id"]]; r == nil || r.Title != row["title"] {
			t.Errorf("%s = %+v, want %q", row["id"], r, row["title"])
		}
	}
}

func TestEUAIActAndNIST600MatchTheReference(t *testing.T) {
	c := loadCatalog(t)
	eu := c.Framework(framework.EUAIAct)
	for _, row := range reference(t, "eu-ai-act-articles.csv") {
		found := false
		for _, r := range eu.Requirements {
			if r.Ref == row["article"] && r.Title == row["title"] {
				found = true
			}
		}
		if !found {
			t.Errorf("article %s %q is missing", row["article"], row["title"])
		}
	}
	for _, a := range c.EUObligations.Articles {
		for _, set := range []string{"published", "amended"} {
			if (a.OnlyIn == "" || a.OnlyIn == set) && c.EUObligations.DateSets[set].Dates[a.AppliesFrom] == "" {
				t.Errorf("article %s: no %s date for %q", a.Article, set, a.AppliesFrom)
			}
		}
	}
	risks := c.Framework(framework.NIST600)
	if len(risks.Requirements) != 12 {
		t.Fatalf("%d NIST AI 600-1 risks, want 12", len(risks.Requirements))
	}
}

func TestEveryShippedMappingHasASourceAndBothEnds(t *testing.T) {
	c := loadCatalog(t)
	pairs := map[string]int{}
	for _, m := range c.Mappings {
		if m.Source == "" {
			t.Errorf("%s %s -> %s %s has no source", m.FromKey, m.FromRef, m.ToKey, m.ToRef)
		}
		if m.Source == framework.SourceAims && m.Rationale == "" {
			t.Errorf("aims mapping %s -> %s %s has no rationale", m.FromRef, m.ToKey, m.ToRef)
		}
		if !framework.ValidRelationship(m.Relationship) {
			t.Errorf("%s -> %s: relationship %q", m.FromRef, m.ToRef, m.Relationship)
		}
		pairs[m.ToKey]++
	}
	if pairs[framework.NISTAIRMF] != len(reference(t, "crosswalk-iso42001-nist-ai-rmf.csv")) || pairs[framework.NISTAIRMF] != 280 {
		t.Errorf("%d ISO/IEC 42001 - AI RMF pairs, want the 280 published", pairs[framework.NISTAIRMF])
	}
	clauses := len(reference(t, "crosswalk-iso42001-iso27001-clauses.csv"))
	if pairs[framework.ISO27001] < clauses+40 {
		t.Errorf("%d ISO/IEC 27001 pairs, want the %d clause alignments and aims's Annex A mappings", pairs[framework.ISO27001], clauses)
	}
	if pairs[framework.EUAIAct] < 50 {
		t.Errorf("%d EU AI Act pairs", pairs[framework.EUAIAct])
	}
}

func TestRoleDefaultsCoverEveryAnnexAControl(t *testing.T) {
	c := loadCatalog(t)
	for ref := range assessable(c.Framework(framework.ISO42001), framework.ReqControl) {
		d := c.RoleDefaults[ref]
		if d == nil || d.JustificationApplicable == "" || d.JustificationExcluded == "" {
			t.Errorf("%s has no role default: %+v", ref, d)
		}
	}
}

// TestTheAmendedDatesAreInForceAndTheDefault: the Digital Omnibus on AI is reported in force since 27 Jul
// 2026, so its dates are the one set in force, new organizations get them, and the published set says
// it is superseded.
func TestTheAmendedDatesAreInForceAndTheDefault(t *testing.T) {
	eu := loadCatalog(t).EUObligations
	if got := eu.InForceDates(); got != control.DatesDefault {
		t.Errorf("date set in force %q, default for new organizations %q; want the same", got, control.DatesDefault)
	}
	if !strings.HasPrefix(eu.DateSets["published"].Status, "Superseded") {
		t.Errorf("the published set's status: %q", eu.DateSets["published"].Status)
	}
}
