package euact

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aimsproject/aims"
)

// Risk classes.
const (
	OutOfScope = "out_of_scope"
	Prohibited = "prohibited"
	HighRisk   = "high_risk"
	Minimal    = "minimal"
)

// Classes are the risk classes, from the outcome of the first questions to that of the last.
var Classes = []string{OutOfScope, Prohibited, HighRisk, Minimal}

// ClassLabels are the classes' labels for people.
var ClassLabels = map[string]string{
	OutOfScope: "Out of scope", Prohibited: "Prohibited", HighRisk: "High-risk", Minimal: "Minimal risk",
}

// TransparencyDuty is one of the information duties of Art. 50, the question that brings it and what it
// asks, in our words.
type TransparencyDuty struct {
	Question, Duty, Why string
}

// TransparencyDuties are the duties of Art. 50(1) to (4), in order.
var TransparencyDuties = []TransparencyDuty{
	{"transparency_interacts", "50(1)", "Art. 50(1): the system interacts directly with natural persons; they must be told they are interacting with an AI system."},
	{"transparency_synthetic", "50(2)", "Art. 50(2): the system generates synthetic audio, image, video or text; its outputs must be marked as artificially generated in a machine-readable way."},
	{"transparency_emotion", "50(3)", "Art. 50(3): the system recognises emotions or categorises people biometrically; the people exposed to it must be informed."},
	{"transparency_deepfake", "50(4)", "Art. 50(4): the system produces deep fakes or text published to inform the public; the content must be disclosed as artificially generated or manipulated."},
}

// Result is the classification that follows from a set of answers.
type Result struct {
	Class string `json:"class"`
	// Prohibited lists the Art. 5(1) practices answered yes, like "5(1)(a)".
	Prohibited []string `json:"prohibited"`
	// AnnexI is set when the system is high-risk under Art. 6(1).
	AnnexI bool `json:"annex_i"`
	// AnnexIIIArea and AnnexIIIPoint give the use of Annex III, like "4" and "4(a)".
	AnnexIIIArea  string `json:"annex_iii_area"`
	AnnexIIIPoint string `json:"annex_iii_point"`
	// Derogation is the condition of Art. 6(3) ("a" to "d") that takes an Annex III system out of the
	// high-risk class; empty when none does.
	Derogation string `json:"derogation"`
	Profiling  bool   `json:"profiling"`
	// Transparency lists the Art. 50 duties, like "50(1)".
	Transparency []string `json:"transparency"`
	GPAI         bool     `json:"gpai"`
	GPAISystemic bool     `json:"gpai_systemic"`
	// Unanswered lists the questions that apply but were not answered; Evaluate takes them as no.
	Unanswered []string `json:"unanswered"`
	Reasoning  []string `json:"reasoning"`
}

// Clean checks answers against the questionnaire and returns those of the questions that apply given the
// others, in the questionnaire's terms; the answers to questions that do not apply are dropped. An
// unknown question or a value the question does not allow is EINVALID naming the question's key.
func Clean(answers map[string]string) (map[string]string, error) {
	keys := make([]string, 0, len(answers))
	for k := range answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		q := QuestionByKey(k)
		if q == nil {
			return nil, aims.FieldError(k, "There is no question %q in the EU AI Act questionnaire.", k)
		}
		v := strings.TrimSpace(answers[k])
		if v == "" {
			continue
		}
		if !q.Allows(v) {
			if q.Type == Multi {
				return nil, aims.FieldError(k, "%q is not an answer to %s; answer one or more of %s, comma-separated (%q alone excludes the others).",
					v, q.Article, strings.Join(allowed(q), ", "), None)
			}
			return nil, aims.FieldError(k, "%q is not an answer to %s; answer %s.", v, q.Article, strings.Join(allowed(q), ", "))
		}
	}
	out := map[string]string{}
	for _, q := range questions {
		v, _ := q.Canonical(answers[q.Key])
		if v != "" && q.Applies(out) {
			out[q.Key] = v
		}
	}
	return out, nil
}

func allowed(q *Question) []string {
	if q.Type == YesNo {
		return []string{Yes, No}
	}
	var vs []string
	for _, o := range q.Options {
		vs = append(vs, o.Value)
	}
	return vs
}

// Missing returns the keys of the questions that apply given answers (cleaned) but are not answered.
func Missing(answers map[string]string) []string {
	out := []string{}
	for _, q := range questions {
		if _, ok := answers[q.Key]; !ok && q.Applies(answers) {
			out = append(out, q.Key)
		}
	}
	return out
}

// Evaluate classifies a system from its answers: out of scope when an exclusion of Art. 2 applies;
// otherwise prohibited when any practice of Art. 5(1) is answered yes; otherwise high-risk under Art. 6(1)
// (Annex I) or Art. 6(2) (Annex III, unless a condition of Art. 6(3) applies and the system does not
// profile people); otherwise minimal. Transparency duties and general-purpose AI model flags are
// reported whatever the class (except out of scope). Unanswered questions count as no; invalid answers
// are an error, as Clean says.
func Evaluate(answers map[string]string) (Result, error) {
	a, err := Clean(answers)
	if err != nil {
		return Result{}, err
	}
	r := Result{Prohibited: []string{}, Transparency: []string{}, Unanswered: Missing(a), Reasoning: []string{}}
	say := func(format string, args ...any) { r.Reasoning = append(r.Reasoning, fmt.Sprintf(format, args...)) }
	yes := func(k string) bool { return a[k] == Yes }

	for _, s := range []struct{ key, why string }{
		{"scope_military", "Art. 2(3): the system is used only for military, defence or national security purposes, so the Act does not apply to it."},
		{"scope_research", "Art. 2(6): the system is developed and put into service only for scientific research and development, so the Act does not apply to it."},
		{"scope_personal", "Art. 2(10): the system is used only in a purely personal, non-professional activity, so the Act's duties do not apply."},
	} {
		if yes(s.key) {
			r.Class = OutOfScope
			say("%s", s.why)
			return r, nil
		}
	}
	say("Art. 2: no exclusion applies; the system is within the scope of the Act.")

	for _, l := range "abcdefgh" {
		if yes("prohibited_" + string(l)) {
			r.Prohibited = append(r.Prohibited, "5(1)("+string(l)+")")
		}
	}
	if len(r.Prohibited) > 0 {
		say("Art. 5(1): the system is a prohibited practice under Art. %s; it may not be placed on the market, put into service or used in the Union.",
			strings.Join(r.Prohibited, ", Art. "))
	} else {
		say("Art. 5(1): none of the prohibited practices (a) to (h) applies.")
	}

	if yes("annex_i_product") && yes("annex_i_third_party") {
		r.AnnexI = true
		say("Art. 6(1): the system is, or is a safety component of, a product under the Union harmonisation legislation of Annex I that needs a third-party conformity assessment, so it is high-risk.")
	} else if yes("annex_i_product") {
		say("Art. 6(1): the product of Annex I needs no third-party conformity assessment, so Art. 6(1) does not make the system high-risk.")
	}

	highIII := false
	if area := a["annex_iii_area"]; area != "" && area != "none" {
		r.AnnexIIIArea = area
		use := "area " + Label(Areas, area)
		if p := a["annex_iii_point_"+area]; p != "" {
			r.AnnexIIIPoint = area + "(" + p + ")"
			use = "point " + r.AnnexIIIPoint + " " + strings.TrimSpace(strings.TrimPrefix(Label(points[area], p), "("+p+")"))
		}
		say("Art. 6(2) and Annex III, %s: the intended use is listed in Annex III.", use)
		var conds []string
		for _, l := range "abcd" {
			if yes("derogation_" + string(l)) {
				conds = append(conds, string(l))
			}
		}
		r.Profiling = yes("profiling")
		switch {
		case r.Profiling && len(conds) > 0:
			highIII = true
			say("Art. 6(3), third subparagraph: the system profiles natural persons, so it is high-risk even though condition (%s) of Art. 6(3) was answered yes.", strings.Join(conds, "), ("))
		case r.Profiling:
			highIII = true
			say("Art. 6(3), third subparagraph: the system profiles natural persons, so it is always high-risk.")
		case len(conds) > 0:
			r.Derogation = conds[0]
			say("Art. 6(3)(%s): %s, so the system is not high-risk under Annex III.", conds[0], derogationWhy[conds[0]])
			say("Art. 6(4): the provider documents this assessment before placing the system on the market and registers the system (Art. 49(2)); a market surveillance authority may ask for it.")
		default:
			highIII = true
			say("Art. 6(3): none of the conditions (a) to (d) applies, so the system is high-risk.")
		}
	}

	for _, t := range TransparencyDuties {
		if yes(t.Question) {
			r.Transparency = append(r.Transparency, t.Duty)
			say("%s", t.Why)
		}
	}

	if yes("gpai") {
		r.GPAI = true
		say("Art. 3(63) and Art. 53: the entry covers a general-purpose AI model placed on the market by the organization.")
		switch a["gpai_systemic"] {
		case "flops":
			r.GPAISystemic = true
			say("Art. 51(2): the model was trained with more than 10^25 floating-point operations, so it is presumed to have high-impact capabilities and has systemic risk (Art. 55).")
		case "high_impact":
			r.GPAISystemic = true
			say("Art. 51(1)(a): the model has high-impact capabilities, so it has systemic risk (Art. 55).")
		case "designated":
			r.GPAISystemic = true
			say("Art. 51(1)(b): the Commission designated the model as having systemic risk (Art. 55).")
		}
	}

	switch {
	case len(r.Prohibited) > 0:
		r.Class = Prohibited
		say("Class: prohibited (Art. 5), whatever the other answers.")
	case r.AnnexI || highIII:
		r.Class = HighRisk
		say("Class: high-risk (Art. 6); Chapter III applies.")
	default:
		r.Class = Minimal
		say("Class: minimal risk; no high-risk requirements apply (Art. 95 invites voluntary codes of conduct).")
	}
	if len(r.Unanswered) > 0 {
		say("Unanswered, taken as no: %s.", strings.Join(r.Unanswered, ", "))
	}
	return r, nil
}

var derogationWhy = map[string]string{
	"a": "the system performs only a narrow procedural task",
	"b": "the system only improves the result of a human activity completed beforehand",
	"c": "the system only detects decision-making patterns or deviations without replacing or influencing the human assessment",
	"d": "the system only performs a task preparatory to an assessment relevant for the Annex III use",
}

// Decision is a classification as recorded: the answers (cleaned), what follows from them, the class
// declared for the system, and the justification of a declared class that differs from the result.
type Decision struct {
	Answers       map[string]string
	Result        Result
	Class         string
	Override      bool
	Justification string
}

// Decide evaluates answers for a record. Every question that applies must be answered (EINVALID naming
// the first that is not). declared is the class the record gives (empty: the evaluated class); one that
// contradicts the evaluation is EINVALID on override_justification unless justification says why.
func Decide(answers map[string]string, declared, justification string) (*Decision, error) {
	a, err := Clean(answers)
	if err != nil {
		return nil, err
	}
	if m := Missing(a); len(m) > 0 {
		q := QuestionByKey(m[0])
		return nil, aims.FieldError(q.Key, "Answer this question (%s): %s", q.Article, q.Text)
	}
	r, err := Evaluate(a)
	if err != nil {
		return nil, err
	}
	justification = strings.TrimSpace(justification)
	if err := aims.CheckText(justification, "override_justification", 4000, true); err != nil {
		return nil, err
	}
	declared = strings.TrimSpace(declared)
	if declared != "" && !slices.Contains(Classes, declared) {
		return nil, aims.FieldError("class", "Choose one of %s.", strings.Join(Classes, ", "))
	}
	d := &Decision{Answers: a, Result: r, Class: r.Class, Justification: justification}
	if declared != "" && declared != r.Class {
		if justification == "" {
			return nil, aims.FieldError("override_justification",
				"The answers make the system %s, not %s: say why the class differs, or change the answers.",
				ClassLabels[r.Class], ClassLabels[declared])
		}
		d.Class, d.Override = declared, true
	}
	return d, nil
}
