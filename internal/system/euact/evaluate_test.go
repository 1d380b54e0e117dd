package euact_test

import (
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system/euact"
	"github.com/google/go-cmp/cmp"
)

// want is the part of a Result a case checks by hand.
type want struct {
	class        string
	prohibited   []string
	annexI       bool
	area, point  string
	derogation   string
	transparency []string
	gpai, sys    bool
	reason       string // a reasoning line that must appear (substring)
}

func check(t *testing.T, answers map[string]string, w want) {
	t.Helper()
	r, err := euact.Evaluate(answers)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if w.prohibited == nil {
		w.prohibited = []string{}
	}
	if w.transparency == nil {
		w.transparency = []string{}
	}
	got := want{class: r.Class, prohibited: r.Prohibited, annexI: r.AnnexI, area: r.AnnexIIIArea, point: r.AnnexIIIPoint,
		derogation: r.Derogation, transparency: r.Transparency, gpai: r.GPAI, sys: r.GPAISystemic, reason: w.reason}
	if diff := cmp.Diff(w, got, cmp.AllowUnexported(want{})); diff != "" {
		t.Errorf("result (-want +got):\n%s\nreasoning:\n%s", diff, strings.Join(r.Reasoning, "\n"))
	}
	if w.reason != "" && !strings.Contains(strings.Join(r.Reasoning, "\n"), w.reason) {
		t.Errorf("reasoning lacks %q:\n%s", w.reason, strings.Join(r.Reasoning, "\n"))
	}
}

func TestEvaluateAnnexIIIAreas(t *testing.T) {
	for _, c := range []struct {
		area, point, wantPoint, reason string
	}{
		{"1", "a", "1(a)", "Annex III, point 1(a) Remote biometric identification"},
		{"2", "a", "2(a)", "Annex III, point 2(a) Safety component"},
		{"3", "d", "3(d)", "Annex III, point 3(d) Monitoring and detecting prohibited behaviour"},
		{"4", "a", "4(a)", "Annex III, point 4(a) Recruitment or selection"},
		{"5", "b", "5(b)", "Annex III, point 5(b) Evaluating creditworthiness"},
		{"6", "c", "6(c)", "Annex III, point 6(c) Evaluating the reliability of evidence"},
		{"7", "c", "7(c)", "Annex III, point 7(c) Examining applications for asylum"},
		{"8", "b", "8(b)", "Annex III, point 8(b) Influencing the outcome of an election"},
	} {
		t.Run("area "+c.area+" is high-risk", func(t *testing.T) {
			check(t, map[string]string{"annex_iii_area": c.area, "annex_iii_point_" + c.area: c.point},
				want{class: "high_risk", area: c.area, point: c.wantPoint, reason: c.reason})
		})
	}
}

func TestEvaluateProhibitedPractices(t *testing.T) {
	// Each practice is prohibited even with everything else that would make the system high-risk,
	// transparent or a GPAI model: prohibition wins.
	for _, l := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		t.Run("5(1)("+l+") is prohibited", func(t *testing.T) {
			check(t, map[string]string{"prohibited_" + l: "yes", "annex_i_product": "yes", "annex_i_third_party": "yes",
				"annex_iii_area": "4", "annex_iii_point_4": "a", "transparency_interacts": "yes", "gpai": "yes", "gpai_systemic": "no"},
				want{class: "prohibited", prohibited: []string{"5(1)(" + l + ")"}, annexI: true, area: "4", point: "4(a)",
					transparency: []string{"50(1)"}, gpai: true, reason: "Art. 5(1): the system is a prohibited practice under Art. 5(1)(" + l + ")"})
		})
	}
	t.Run("several practices are all listed", func(t *testing.T) {
		check(t, map[string]string{"prohibited_c": "yes", "prohibited_h": "yes"},
			want{class: "prohibited", prohibited: []string{"5(1)(c)", "5(1)(h)"}, reason: "Art. 5(1)(c), Art. 5(1)(h)"})
	})
	t.Run("the exception of (h) is answered no and stays high-risk under 1(a)", func(t *testing.T) {
		check(t, map[string]string{"prohibited_h": "no", "annex_iii_area": "1", "annex_iii_point_1": "a"},
			want{class: "high_risk", area: "1", point: "1(a)", reason: "Art. 5(1): none of the prohibited practices (a) to (h) applies."})
	})
}

func TestEvaluateDerogations(t *testing.T) {
	for _, c := range []struct{ l, reason string }{
		{"a", "Art. 6(3)(a): the system performs only a narrow procedural task"},
		{"b", "Art. 6(3)(b): the system only improves the result of a human activity completed beforehand"},
		{"c", "Art. 6(3)(c): the system only detects decision-making patterns"},
		{"d", "Art. 6(3)(d): the system only performs a task preparatory to an assessment"},
	} {
		t.Run("6(3)("+c.l+") is not high-risk", func(t *testing.T) {
			check(t, map[string]string{"annex_iii_area": "4", "annex_iii_point_4": "a", "derogation_" + c.l: "yes", "profiling": "no"},
				want{class: "minimal", area: "4", point: "4(a)", derogation: c.l, reason: c.reason})
		})
		t.Run("6(3)("+c.l+") with profiling is high-risk", func(t *testing.T) {
			check(t, map[string]string{"annex_iii_area": "4", "annex_iii_point_4": "a", "derogation_" + c.l: "yes", "profiling": "yes"},
				want{class: "high_risk", area: "4", point: "4(a)",
					reason: "the system profiles natural persons, so it is high-risk even though condition (" + c.l + ") of Art. 6(3) was answered yes"})
		})
	}
	t.Run("a derogation does not help an Annex I product", func(t *testing.T) {
		check(t, map[string]string{"annex_i_product": "yes", "annex_i_third_party": "yes", "annex_iii_area": "5", "annex_iii_point_5": "d", "derogation_d": "yes"},
			want{class: "high_risk", annexI: true, area: "5", point: "5(d)", derogation: "d", reason: "Art. 6(1)"})
	})
}

func TestEvaluateOtherBranches(t *testing.T) {
	for _, c := range []struct {
		name    string
		answers map[string]string
		want    want
	}{
		{"Annex I product with third-party assessment is high-risk", map[string]string{"annex_i_product": "yes", "annex_i_third_party": "yes"},
			want{class: "high_risk", annexI: true, reason: "Art. 6(1): the system is, or is a safety component of, a product"}},
		{"Annex I product without third-party assessment is minimal", map[string]string{"annex_i_product": "yes", "annex_i_third_party": "no"},
			want{class: "minimal", reason: "needs no third-party conformity assessment"}},
		{"50(1) interacts with people", map[string]string{"transparency_interacts": "yes"},
			want{class: "minimal", transparency: []string{"50(1)"}, reason: "Art. 50(1): the system interacts directly with natural persons"}},
		{"50(2) synthetic content", map[string]string{"transparency_synthetic": "yes"},
			want{class: "minimal", transparency: []string{"50(2)"}, reason: "Art. 50(2): the system generates synthetic"}},
		{"50(3) emotion recognition", map[string]string{"transparency_emotion": "yes"},
			want{class: "minimal", transparency: []string{"50(3)"}, reason: "Art. 50(3)"}},
		{"50(4) deep fakes", map[string]string{"transparency_deepfake": "yes"},
			want{class: "minimal", transparency: []string{"50(4)"}, reason: "Art. 50(4)"}},
		{"high-risk with transparency duties keeps both", map[string]string{"annex_iii_area": "1", "annex_iii_point_1": "c", "transparency_emotion": "yes"},
			want{class: "high_risk", area: "1", point: "1(c)", transparency: []string{"50(3)"}, reason: "Art. 6(3): none of the conditions (a) to (d) applies"}},
		{"GPAI model", map[string]string{"gpai": "yes", "gpai_systemic": "no"},
			want{class: "minimal", gpai: true, reason: "Art. 3(63) and Art. 53"}},
		{"GPAI model over 10^25 FLOP", map[string]string{"gpai": "yes", "gpai_systemic": "flops"},
			want{class: "minimal", gpai: true, sys: true, reason: "Art. 51(2)"}},
		{"GPAI model with high-impact capabilities", map[string]string{"gpai": "yes", "gpai_systemic": "high_impact"},
			want{class: "minimal", gpai: true, sys: true, reason: "Art. 51(1)(a)"}},
		{"GPAI model designated by the Commission", map[string]string{"gpai": "yes", "gpai_systemic": "designated"},
			want{class: "minimal", gpai: true, sys: true, reason: "Art. 51(1)(b)"}},
		{"systemic risk without GPAI is dropped", map[string]string{"gpai": "no", "gpai_systemic": "flops"},
			want{class: "minimal"}},
		{"military use is out of scope", map[string]string{"scope_military": "yes", "prohibited_a": "yes"},
			want{class: "out_of_scope", reason: "Art. 2(3)"}},
		{"research only is out of scope", map[string]string{"scope_military": "no", "scope_research": "yes", "annex_iii_area": "4"},
			want{class: "out_of_scope", reason: "Art. 2(6)"}},
		{"personal use is out of scope", map[string]string{"scope_personal": "yes"},
			want{class: "out_of_scope", reason: "Art. 2(10)"}},
		{"nothing applies: minimal", map[string]string{"scope_military": "no", "prohibited_a": "no", "annex_iii_area": "none"},
			want{class: "minimal", reason: "Class: minimal risk"}},
		{"a point of another area is dropped", map[string]string{"annex_iii_area": "3", "annex_iii_point_4": "a"},
			want{class: "high_risk", area: "3"}},
	} {
		t.Run(c.name, func(t *testing.T) { check(t, c.answers, c.want) })
	}
}

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

// full answers every question for a recruitment screening system: Annex III 4(a), no derogation.
func full() map[string]string {
	a := map[string]string{"scope_military": "no", "scope_research": "no", "scope_personal": "no",
		"annex_i_product": "no", "annex_iii_area": "4", "annex_iii_point_4": "a", "derogation_a": "no", "derogation_b": "no",
		"derogation_c": "no", "derogation_d": "no", "profiling": "yes", "transparency_interacts": "no",
		"transparency_synthetic": "no", "transparency_emotion": "no", "transparency_deepfake": "no", "gpai": "no"}
	for _, l := range "abcdefgh" {
		a["prohibited_"+string(l)] = "no"
	}
	return a
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
		delete(a, "profiling")
		_, err := euact.Decide(a, "", "")
		if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "profiling" {
			t.Fatalf("got %v, want EINVALID on profiling", err)
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
