package euact_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system/euact"
	"github.com/google/go-cmp/cmp"
)

func TestEvaluateRefusesBadAnswers(t *testing.T) {
	for _, c := range []struct {
		name    string
		answers map[string]string
		field   string
	}{
		{"unknown question", map[string]string{"annex_iv": "yes"}, "annex_iv"},
		{"yes/no answered otherwise", map[string]string{"prohibited_a": "maybe"}, "prohibited_a"},
		{"unknown area", map[string]string{"annex_iii_area": "9"}, "annex_iii_area"},
		{"unknown point", map[string]string{"annex_iii_area": "2", "annex_iii_point_2": "b"}, "annex_iii_point_2"},
		{"none with an area", map[string]string{"annex_iii_area": "none,4"}, "annex_iii_area"},
		{"no area at all", map[string]string{"annex_iii_area": " , "}, "annex_iii_area"},
		{"an unknown area among known ones", map[string]string{"annex_iii_area": "4,9"}, "annex_iii_area"},
		{"unknown Annex I section", map[string]string{"annex_i_section": "c"}, "annex_i_section"},
		{"unknown deployer type", map[string]string{"annex_iii_area": "4", "deployer_type": "ngo"}, "deployer_type"},
		{"unknown systemic risk", map[string]string{"gpai": "yes", "gpai_systemic": "yes"}, "gpai_systemic"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := euact.Evaluate(c.answers)
			if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != c.field {
				t.Fatalf("got %v, want EINVALID on %s", err, c.field)
			}
		})
	}
}

// full answers every question for a recruitment screening system: Annex III 4(a), profiling.
func full() map[string]string {
	return base(map[string]string{"annex_iii_area": "4", "annex_iii_point_4": "a", "profiling": "yes"})
}

// TestMultiAnswersAreCanonical: several Annex III areas may be given in any order and spacing, with
// repeats; they are kept in the options' order, once each, and every chosen area asks its uses.
func TestMultiAnswersAreCanonical(t *testing.T) {
	a, err := euact.Clean(map[string]string{"annex_iii_area": " 5, 4,5", "annex_iii_point_4": "none", "annex_iii_point_5": "b", "annex_iii_point_6": "a"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"annex_iii_area": "4,5", "annex_iii_point_4": "none", "annex_iii_point_5": "b"}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("cleaned (-want +got):\n%s", diff)
	}
	r, err := euact.Evaluate(a)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"4", "5"}, r.AnnexIIIAreas); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]string{"5(b)"}, r.AnnexIIIPoints); diff != "" {
		t.Error(diff)
	}
	if r.AnnexIIIArea != "4" || r.AnnexIIIPoint != "5(b)" || r.Class != euact.HighRisk {
		t.Errorf("first area %q, first point %q, class %s", r.AnnexIIIArea, r.AnnexIIIPoint, r.Class)
	}
}

// TestAnswersSavedBeforeTheRewrite: a classification saved with a single Annex III area still reads.
func TestAnswersSavedBeforeTheRewrite(t *testing.T) {
	r, err := euact.Evaluate(map[string]string{"annex_iii_area": "4", "annex_iii_point_4": "a"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Class != euact.HighRisk || r.AnnexIIIPoint != "4(a)" {
		t.Errorf("got %s %s", r.Class, r.AnnexIIIPoint)
	}
	if _, err := euact.Evaluate(map[string]string{"annex_i_product": "yes"}); aims.ErrorCode(err) != aims.EINVALID {
		t.Errorf("the removed question annex_i_product: %v, want EINVALID", err)
	}
}

func TestDecide(t *testing.T) {
	t.Run("agreeing class needs no justification", func(t *testing.T) {
		d, err := euact.Decide(full(), "high_risk", "")
		if err != nil {
			t.Fatal(err)
		}
		if d.Class != "high_risk" || d.Override {
			t.Fatalf("got class %s override %v, want high_risk without override", d.Class, d.Override)
		}
	})
	t.Run("no declared class takes the evaluated one", func(t *testing.T) {
		d, err := euact.Decide(full(), "", "")
		if err != nil || d.Class != "high_risk" || d.Override {
			t.Fatalf("got %+v, %v", d, err)
		}
	})
	for _, declared := range []string{"minimal", "prohibited", "out_of_scope"} {
		t.Run("contradicting "+declared+" is refused without justification", func(t *testing.T) {
			_, err := euact.Decide(full(), declared, "  ")
			if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "override_justification" {
				t.Fatalf("got %v, want EINVALID on override_justification", err)
			}
		})
		t.Run("contradicting "+declared+" is accepted with justification", func(t *testing.T) {
			d, err := euact.Decide(full(), declared, "Legal opinion of 3 March: the screening is advisory only.")
			if err != nil {
				t.Fatal(err)
			}
			if d.Class != declared || !d.Override || d.Result.Class != "high_risk" {
				t.Fatalf("got class %s override %v evaluated %s", d.Class, d.Override, d.Result.Class)
			}
		})
	}
	t.Run("unknown declared class", func(t *testing.T) {
		_, err := euact.Decide(full(), "limited", "x")
		if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "class" {
			t.Fatalf("got %v, want EINVALID on class", err)
		}
	})
	t.Run("an unanswered question that applies is refused", func(t *testing.T) {
		a := full()
		delete(a, "derogation_risk")
		_, err := euact.Decide(a, "", "")
		if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "derogation_risk" {
			t.Fatalf("got %v, want EINVALID on derogation_risk", err)
		}
	})
	t.Run("out of scope needs no further answers", func(t *testing.T) {
		d, err := euact.Decide(map[string]string{"scope_military": "yes"}, "", "")
		if err != nil || d.Class != "out_of_scope" {
			t.Fatalf("got %+v, %v", d, err)
		}
		if diff := cmp.Diff(map[string]string{"scope_military": "yes"}, d.Answers); diff != "" {
			t.Error(diff)
		}
	})
}
