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
	{"transparency_interacts", "50(1)", "Art. 50(1): the system interacts directly with natural persons; its provider designs it so that they are told they are interacting with an AI system."},
	{"transparency_synthetic", "50(2)", "Art. 50(2): the system generates synthetic audio, image, video or text; its provider marks the outputs as artificially generated in a machine-readable way."},
	{"transparency_emotion", "50(3)", "Art. 50(3): the system recognises emotions or categorises people biometrically; its deployer informs the people exposed to it."},
	{"transparency_deepfake", "50(4)", "Art. 50(4): the system produces deep fakes or text published to inform the public; its deployer discloses the content as artificially generated or manipulated."},
}

// Deployer types (answer to deployer_type).
const (
	PublicBody    = "public_body"
	PublicService = "public_service"
	Private       = "private"
)

// Result is the classification that follows from a set of answers.
type Result struct {
	Class string `json:"class"`
	// OpenSource is set when the system is released under a free and open-source licence (Art. 2(12));
	// it takes the system out of scope only when it is neither high-risk nor under Art. 5 or Art. 50.
	OpenSource bool `json:"open_source"`
	// PersonalUse is set when the system's deployers are natural persons in a purely personal,
	// non-professional activity (Art. 2(10)): deployers owe nothing, providers everything they owe.
	PersonalUse bool `json:"personal_use"`
	// Prohibited lists the Art. 5(1) practices answered yes, like "5(1)(a)"; the amendment's new
	// prohibition is "5(1)(ba)".
	Prohibited []string `json:"prohibited"`
	// PoliceRBI is set for real-time remote biometric identification for law enforcement within the
	// exceptions of Art. 5(1)(h): allowed under Art. 5(2) to (7), and high-risk (Annex III 1(a)).
	PoliceRBI bool `json:"police_rbi"`
	// AnnexI is set when the system is high-risk under Art. 6(1); AnnexISection is the section of Annex I
	// of its product ("a" or "b") whenever one was chosen.
	AnnexI        bool   `json:"annex_i"`
	AnnexISection string `json:"annex_i_section"`
	// AnnexIIIPoints lists the uses of Annex III the system is intended for, like "4(a)"; AnnexIIIAreas
	// the areas chosen, whether or not a listed use of them applies. AnnexIIIArea and AnnexIIIPoint are
	// the first of each.
	AnnexIIIAreas  []string `json:"annex_iii_areas"`
	AnnexIIIPoints []string `json:"annex_iii_points"`
	AnnexIIIArea   string   `json:"annex_iii_area"`
	AnnexIIIPoint  string   `json:"annex_iii_point"`
	// AnnexIII is set when the system is high-risk under Art. 6(2).
	AnnexIII bool `json:"annex_iii"`
	// Derogation is the condition of Art. 6(3) ("a" to "d") that takes an Annex III system out of the
	// high-risk class; empty when none does.
	Derogation string `json:"derogation"`
	Profiling  bool   `json:"profiling"`
	// DeployerType is who deploys an Annex III system: PublicBody, PublicService or Private.
	DeployerType string `json:"deployer_type"`
	// Transparency lists the Art. 50 duties, like "50(1)".
	Transparency []string `json:"transparency"`
	GPAI         bool     `json:"gpai"`
	GPAISystemic bool     `json:"gpai_systemic"`
	// GPAIThreshold is set when the model has systemic risk by high-impact capabilities (Art. 51(1)(a),
	// presumed by Art. 51(2)), which its provider notifies (Art. 52(1)); not for a designated model.
	GPAIThreshold  bool `json:"gpai_threshold"`
	GPAIOpenSource bool `json:"gpai_open_source"`
	// Unanswered lists the questions that apply but were not answered; Evaluate takes them as no.
	Unanswered []string `json:"unanswered"`
	Reasoning  []string `json:"reasoning"`
}

// SectionBOnly reports whether the system is high-risk only as a product (or safety component) of
// Annex I Section B, for which Art. 2(2) applies only Art. 6(1), Arts. 102 to 109 and Art. 112.
func (r Result) SectionBOnly() bool {
	return r.Class == HighRisk && r.AnnexI && r.AnnexISection == "b" && !r.AnnexIII
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

// Complete gives r's lists that are missing (a result saved before they existed) their empty value, so
// that a result reads the same whenever it was saved.
func (r *Result) Complete() {
	for _, l := range []*[]string{&r.Prohibited, &r.AnnexIIIAreas, &r.AnnexIIIPoints, &r.Transparency, &r.Unanswered, &r.Reasoning} {
		if *l == nil {
			*l = []string{}
		}
	}
}

// Evaluate classifies a system from its answers: out of scope when Art. 2(3) or 2(6) excludes it;
// otherwise prohibited when any practice of Art. 5(1) is answered yes (for real-time remote biometric
// identification by law enforcement, outside its exceptions); otherwise high-risk under Art. 6(1)
// (Annex I, with third-party conformity assessment) or Art. 6(2) (a listed use of Annex III, unless Art.
// 6(3) applies: no significant risk of harm, one of its conditions, and no profiling); otherwise minimal,
// or out of scope for an open-source system with no Art. 50 duty (Art. 2(12)). Transparency duties and
// general-purpose AI model flags are reported whatever the class (except out of scope). Unanswered
// questions count as no; invalid answers are an error, as Clean says.
func Evaluate(answers map[string]string) (Result, error) {
	a, err := Clean(answers)
	if err != nil {
		return Result{}, err
	}
	r := Result{Prohibited: []string{}, AnnexIIIAreas: []string{}, AnnexIIIPoints: []string{}, Transparency: []string{},
		Unanswered: Missing(a), Reasoning: []string{}}
	say := func(format string, args ...any) { r.Reasoning = append(r.Reasoning, fmt.Sprintf(format, args...)) }
	yes := func(k string) bool { return a[k] == Yes }

	for _, s := range []struct{ key, why string }{
		{"scope_military", "Art. 2(3): the system is used only for military, defence or national security purposes, so the Act does not apply to it."},
		{"scope_research", "Art. 2(6): the system is developed and put into service only for scientific research and development, so the Act does not apply to it."},
	} {
		if yes(s.key) {
			r.Class = OutOfScope
			say("%s", s.why)
			return r, nil
		}
	}
	say("Art. 2(3) and 2(6): the system is neither only military nor only for research; the Act applies to it.")
	if yes("scope_personal") {
		r.PersonalUse = true
		say("Art. 2(10): its deployers are natural persons in a purely personal, non-professional activity, so they owe no deployer duties; the provider keeps all of its own.")
	}
	r.OpenSource = yes("scope_open_source")

	for _, p := range []struct{ key, ref string }{
		{"prohibited_a", "5(1)(a)"}, {"prohibited_b", "5(1)(b)"}, {"prohibited_intimate", "5(1)(ba)"}, {"prohibited_c", "5(1)(c)"},
		{"prohibited_d", "5(1)(d)"}, {"prohibited_e", "5(1)(e)"}, {"prohibited_f", "5(1)(f)"}, {"prohibited_g", "5(1)(g)"},
	} {
		if yes(p.key) {
			r.Prohibited = append(r.Prohibited, p.ref)
		}
	}
	if yes("prohibited_h") {
		if yes("prohibited_h_exception") {
			r.PoliceRBI = true
			say("Art. 5(1)(h)(i) to (iii): the real-time remote biometric identification for law enforcement serves one of the objectives the Act allows, so it is not prohibited, but each use needs the authorisation and safeguards of Art. 5(2) to (7).")
		} else {
			r.Prohibited = append(r.Prohibited, "5(1)(h)")
		}
	}
	if len(r.Prohibited) > 0 {
		say("Art. 5(1): the system is a prohibited practice under Art. %s; it may not be placed on the market, put into service or used in the Union.",
			strings.Join(r.Prohibited, ", Art. "))
		if slices.Contains(r.Prohibited, "5(1)(ba)") {
			say("Art. 5(1)(ba): the prohibition of non-consensual intimate imagery and child sexual abuse material was added by the amendment (Digital Omnibus on AI) and applies from 2 Dec 2026.")
		}
	} else {
		say("Art. 5(1): none of the prohibited practices applies.")
	}

	switch sec := a["annex_i_section"]; {
	case sec == "a" || sec == "b":
		r.AnnexISection = sec
		if yes("annex_i_third_party") {
			r.AnnexI = true
			say("Art. 6(1): the system is, or is a safety component of, a product under the Union harmonisation legislation of Annex I Section %s that needs a third-party conformity assessment, so it is high-risk.", strings.ToUpper(sec))
			if sec == "b" {
				say("Art. 2(2): for products of Annex I Section B, only Art. 6(1), Arts. 102 to 109 and Art. 112 of the Act apply; the requirements reach the product through its own legislation. (Machinery is in Section B as amended; the Regulation as first published had it in Section A.)")
			}
		} else {
			say("Art. 6(1): the product of Annex I needs no third-party conformity assessment, so Art. 6(1) does not make the system high-risk.")
		}
	}

	listed := false
	for _, area := range (&Question{Type: Multi}).Values(a["annex_iii_area"]) {
		if area == None {
			continue
		}
		r.AnnexIIIAreas = append(r.AnnexIIIAreas, area)
		p := a["annex_iii_point_"+area]
		switch p {
		case "":
			say("Annex III, area %s: no use of the area was chosen, so it does not make the system high-risk.", Label(Areas, area))
		case None:
			say("Annex III, area %s: none of the area's listed uses is the system's intended purpose, so the area does not make it high-risk.", Label(Areas, area))
		default:
			listed = true
			point := area + "(" + p + ")"
			r.AnnexIIIPoints = append(r.AnnexIIIPoints, point)
			say("Art. 6(2) and Annex III, point %s %s: the intended use is listed in Annex III.", point,
				strings.TrimSpace(strings.TrimPrefix(Label(points[area], p), "("+p+")")))
		}
	}
	if r.PoliceRBI && !slices.Contains(r.AnnexIIIPoints, "1(a)") {
		r.AnnexIIIPoints = append([]string{"1(a)"}, r.AnnexIIIPoints...)
		if !slices.Contains(r.AnnexIIIAreas, "1") {
			r.AnnexIIIAreas = append([]string{"1"}, r.AnnexIIIAreas...)
		}
		say("Annex III, point 1(a): remote biometric identification is a listed use.")
	}
	if r.PoliceRBI {
		listed = true
	}
	if len(r.AnnexIIIAreas) > 0 {
		r.AnnexIIIArea = r.AnnexIIIAreas[0]
	}
	if len(r.AnnexIIIPoints) > 0 {
		r.AnnexIIIPoint = r.AnnexIIIPoints[0]
	}
	if listed {
		var conds []string
		for _, l := range "abcd" {
			if yes("derogation_" + string(l)) {
				conds = append(conds, string(l))
			}
		}
		r.Profiling = yes("profiling")
		switch {
		case r.PoliceRBI:
			r.AnnexIII = true
			say("Art. 6(2): remote biometric identification for law enforcement is high-risk; the Art. 6(3) exception is not for it.")
		case r.Profiling:
			r.AnnexIII = true
			if len(conds) > 0 {
				say("Art. 6(3), third subparagraph: the system profiles natural persons, so it is high-risk even though condition (%s) of Art. 6(3) was answered yes.", strings.Join(conds, "), ("))
			} else {
				say("Art. 6(3), third subparagraph: the system profiles natural persons, so it is always high-risk.")
			}
		case !yes("derogation_risk"):
			r.AnnexIII = true
			say("Art. 6(3): the system may pose a significant risk of harm to health, safety or fundamental rights, or materially influence decisions, so the exception is closed and the system is high-risk.")
		case len(conds) > 0:
			r.Derogation = conds[0]
			say("Art. 6(3)(%s): the system poses no significant risk of harm and %s, so it is not high-risk under Annex III.", conds[0], derogationWhy[conds[0]])
			say("Art. 6(4) and Art. 49(2): the provider documents this assessment before placing the system on the market and registers the system in the EU database; a national authority may ask for the assessment.")
		default:
			r.AnnexIII = true
			say("Art. 6(3): none of the conditions (a) to (d) applies, so the system is high-risk.")
		}
		if r.AnnexIII {
			r.DeployerType = a["deployer_type"]
			if r.PoliceRBI && r.DeployerType == "" {
				r.DeployerType = PublicBody
				say("Art. 3(45): law enforcement authorities are public authorities, so their deployer duties of Art. 27 and Art. 49(3) apply (Art. 5(2) requires both).")
			}
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
			r.GPAISystemic, r.GPAIThreshold = true, true
			say("Art. 51(2): the model was trained with more than 10^25 floating-point operations, so it is presumed to have high-impact capabilities and has systemic risk (Art. 55); its provider notifies the Commission within two weeks (Art. 52(1)).")
		case "high_impact":
			r.GPAISystemic, r.GPAIThreshold = true, true
			say("Art. 51(1)(a): the model has high-impact capabilities, so it has systemic risk (Art. 55); its provider notifies the Commission within two weeks (Art. 52(1)).")
		case "designated":
			r.GPAISystemic = true
			say("Art. 51(1)(b): the Commission designated the model as having systemic risk (Art. 55).")
		}
		r.GPAIOpenSource = yes("gpai_open_source")
		switch {
		case r.GPAIOpenSource && !r.GPAISystemic:
			say("Art. 53(2) and Art. 54(6): the model is released as open source without systemic risk, so the technical documentation and downstream information of Art. 53(1)(a) and (b) and the authorised representative of Art. 54 are not required; the copyright policy and training-content summary are.")
		case r.GPAIOpenSource:
			say("Art. 53(2): the open-source exemption does not cover a model with systemic risk.")
		}
	}

	switch {
	case len(r.Prohibited) > 0:
		r.Class = Prohibited
		say("Class: prohibited (Art. 5), whatever the other answers.")
	case r.AnnexI || r.AnnexIII:
		r.Class = HighRisk
		if r.SectionBOnly() {
			say("Class: high-risk (Art. 6(1)); under Art. 2(2) only Art. 6(1), Arts. 102 to 109 and Art. 112 apply.")
		} else {
			say("Class: high-risk (Art. 6); Chapter III applies.")
		}
	case r.OpenSource && len(r.Transparency) == 0 && !r.GPAI:
		r.Class = OutOfScope
		say("Art. 2(12): the system is released under a free and open-source licence and is neither high-risk nor under Art. 5 or Art. 50, so the Act does not apply to it.")
	default:
		r.Class = Minimal
		if r.OpenSource && len(r.Transparency) > 0 {
			say("Art. 2(12): the open-source exemption does not apply, because the system falls under Art. 50.")
		}
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
