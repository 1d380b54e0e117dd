// Package euact classifies an AI system under the EU AI Act (Regulation (EU) 2024/1689): a questionnaire
// kept as data, the evaluation of its answers into a risk class with the reasons for it, and the
// obligations that follow for the organization's role. It does no I/O.
package euact

import (
	"slices"
	"strings"
)

// Answer types.
const (
	YesNo  = "yes_no"
	Choice = "choice"
	// Multi is a question with several answers: the values of the chosen options, comma-separated in the
	// options' order ("1,4"); an option valued None excludes every other.
	Multi = "multi"
)

// None is the value of the option of a choice or multi question that says "none of these".
const None = "none"

// Answer values of a yes/no question.
const (
	Yes = "yes"
	No  = "no"
)

// Step is one group of questions, asked in order.
type Step struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Help  string `json:"help"`
}

// Option is one allowed answer to a choice question.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Condition holds when the answer to question Key is one of AnyOf (an unanswered question is none of
// them), or, with NoneOf, when it is none of NoneOf (an unanswered question is none of them). For a
// multi question, AnyOf holds when any of its values is one of AnyOf, NoneOf when none of them is.
type Condition struct {
	Key    string   `json:"key"`
	AnyOf  []string `json:"any_of,omitempty"`
	NoneOf []string `json:"none_of,omitempty"`
}

// Question is one question of the questionnaire. It applies when all of When hold.
type Question struct {
	Key     string      `json:"key"`
	Step    string      `json:"step"`
	Text    string      `json:"text"`
	Help    string      `json:"help"`
	Article string      `json:"article"`
	Type    string      `json:"type"`
	Options []Option    `json:"options,omitempty"`
	When    []Condition `json:"when,omitempty"`
}

// Questionnaire is the whole questionnaire: its steps and questions in the order they are asked.
type Questionnaire struct {
	Steps     []Step     `json:"steps"`
	Questions []Question `json:"questions"`
	Classes   []Option   `json:"classes"`
}

// Steps of the questionnaire, in order.
var Steps = []Step{
	{Key: "scope", Title: "Scope", Help: "Art. 2 leaves some systems outside the Act and spares some deployers its duties."},
	{Key: "prohibited", Title: "Prohibited practices", Help: "Art. 5 lists practices that may not be placed on the market, put into service or used."},
	{Key: "annex_i", Title: "Products under Annex I", Help: "Art. 6(1): AI in products regulated by the Union harmonisation legislation of Annex I."},
	{Key: "annex_iii", Title: "High-risk uses of Annex III", Help: "Art. 6(2) and Annex III: eight areas of use that make a system high-risk."},
	{Key: "derogation", Title: "Art. 6(3) exceptions", Help: "A system used for an Annex III purpose is not high-risk when it poses no significant risk of harm and meets one of four conditions, unless it profiles people."},
	{Key: "deployer", Title: "Who deploys it", Help: "Some deployer duties (Art. 27, Art. 49(3)) depend on who the deployer is."},
	{Key: "transparency", Title: "Transparency", Help: "Art. 50: duties to tell people they deal with AI or with AI-made content."},
	{Key: "gpai", Title: "General-purpose AI models", Help: "Art. 3(63) and Art. 51 to 55: duties of providers of general-purpose AI models."},
}

// Areas of Annex III, by number.
var Areas = []Option{
	{Value: "1", Label: "1. Biometrics"},
	{Value: "2", Label: "2. Critical infrastructure"},
	{Value: "3", Label: "3. Education and vocational training"},
	{Value: "4", Label: "4. Employment, workers' management and access to self-employment"},
	{Value: "5", Label: "5. Access to and enjoyment of essential private services and essential public services and benefits"},
	{Value: "6", Label: "6. Law enforcement, by or on behalf of law enforcement authorities"},
	{Value: "7", Label: "7. Migration, asylum and border control management, by or on behalf of competent public authorities"},
	{Value: "8", Label: "8. Administration of justice and democratic processes"},
}

// points are the uses listed under each area of Annex III.
var points = map[string][]Option{
	"1": {
		{Value: "a", Label: "(a) Remote biometric identification (not verification that a person is who they claim to be)"},
		{Value: "b", Label: "(b) Biometric categorisation by sensitive or protected attributes inferred from biometric data"},
		{Value: "c", Label: "(c) Emotion recognition"},
	},
	"2": {
		{Value: "a", Label: "(a) Safety component in the management and operation of critical digital infrastructure, road traffic, or the supply of water, gas, heating or electricity"},
	},
	"3": {
		{Value: "a", Label: "(a) Deciding access or admission to, or assigning persons to, educational and vocational training institutions"},
		{Value: "b", Label: "(b) Evaluating learning outcomes, including to steer the learning process"},
		{Value: "c", Label: "(c) Assessing the level of education a person will receive or be able to access"},
		{Value: "d", Label: "(d) Monitoring and detecting prohibited behaviour of students during tests"},
	},
	"4": {
		{Value: "a", Label: "(a) Recruitment or selection: placing targeted job adverts, analysing and filtering applications, evaluating candidates"},
		{Value: "b", Label: "(b) Decisions on work relationships: terms, promotion, termination, allocating tasks from behaviour or traits, monitoring and evaluating performance"},
	},
	"5": {
		{Value: "a", Label: "(a) Used by or on behalf of public authorities to evaluate eligibility for essential public assistance benefits and services, or to grant, reduce, revoke or reclaim them"},
		{Value: "b", Label: "(b) Evaluating creditworthiness or establishing a credit score (not detecting financial fraud)"},
		{Value: "c", Label: "(c) Risk assessment and pricing for life and health insurance"},
		{Value: "d", Label: "(d) Evaluating and classifying emergency calls, dispatching emergency services, emergency patient triage"},
	},
	"6": {
		{Value: "a", Label: "(a) Used by or on behalf of law enforcement authorities to assess the risk of a person becoming the victim of criminal offences"},
		{Value: "b", Label: "(b) Used by or on behalf of law enforcement authorities as polygraphs or similar tools"},
		{Value: "c", Label: "(c) Used by or on behalf of law enforcement authorities to evaluate the reliability of evidence"},
		{Value: "d", Label: "(d) Used by or on behalf of law enforcement authorities to assess the risk of offending or re-offending, or personality traits or past criminal behaviour, not solely on profiling"},
		{Value: "e", Label: "(e) Used by or on behalf of law enforcement authorities for profiling in the detection, investigation or prosecution of criminal offences"},
	},
	"7": {
		{Value: "a", Label: "(a) Used by or on behalf of competent public authorities as polygraphs or similar tools"},
		{Value: "b", Label: "(b) Used by or on behalf of competent public authorities to assess a security, irregular migration or health risk posed by a person entering a Member State"},
		{Value: "c", Label: "(c) Used by or on behalf of competent public authorities to examine applications for asylum, visa or residence permits and related complaints"},
		{Value: "d", Label: "(d) Used by or on behalf of competent public authorities to detect, recognise or identify persons in migration, asylum or border control (not to verify travel documents)"},
	},
	"8": {
		{Value: "a", Label: "(a) Used by or on behalf of a judicial authority (or in alternative dispute resolution) to research and interpret facts and the law and apply the law to facts"},
		{Value: "b", Label: "(b) Influencing the outcome of an election or referendum or the voting behaviour of persons (not tools that organise campaigns without reaching people directly)"},
	},
}

// Points returns the uses listed under Annex III area, or nil for an unknown area.
func Points(area string) []Option { return points[area] }

// Label returns the label of value among opts, or value itself.
func Label(opts []Option, value string) string {
	for _, o := range opts {
		if o.Value == value {
			return o.Label
		}
	}
	return value
}

// inScope holds while no exclusion of Art. 2 that takes the system out of the Act is answered yes.
var inScope = []Condition{
	{Key: "scope_military", NoneOf: []string{Yes}},
	{Key: "scope_research", NoneOf: []string{Yes}},
}

func when(extra ...Condition) []Condition { return append(append([]Condition{}, inScope...), extra...) }

// inAnnexIII holds when an area of Annex III is chosen.
var inAnnexIII = Condition{Key: "annex_iii_area", AnyOf: []string{"1", "2", "3", "4", "5", "6", "7", "8"}}

// questions is the questionnaire; built once, never changed.
var questions = buildQuestions()

func buildQuestions() []Question {
	qs := []Question{
		{Key: "scope_military", Step: "scope", Article: "Art. 2(3)", Type: YesNo,
			Text: "Is the system placed on the market, put into service or used only for military, defence or national security purposes?",
			Help: "Art. 2(3): the Act does not apply to such systems, whoever does it. A system that is also used for other purposes is in scope."},
		{Key: "scope_research", Step: "scope", Article: "Art. 2(6)", Type: YesNo, When: []Condition{inScope[0]},
			Text: "Is the system (or its model) developed and put into service only for scientific research and development?",
			Help: "Art. 2(6): systems and models developed and put into service for the sole purpose of scientific research and development are excluded. Testing in real-world conditions is not."},
		{Key: "scope_open_source", Step: "scope", Article: "Art. 2(12)", Type: YesNo, When: when(),
			Text: "Is the system released under a free and open-source licence?",
			Help: "Art. 2(12): the Act does not apply to such a system unless it is placed on the market or put into service as a high-risk system, or falls under Art. 5 or Art. 50. The later answers decide which; keep answering."},
		{Key: "scope_personal", Step: "scope", Article: "Art. 2(10)", Type: YesNo, When: when(),
			Text: "Are the system's deployers only natural persons using it in a purely personal, non-professional activity (for example a consumer app)?",
			Help: "Art. 2(10): such deployers owe none of the deployer duties. It spares only them: the provider keeps every duty of its own, including Art. 5 and Art. 50. An organization that uses the system itself answers no."},

		{Key: "prohibited_a", Step: "prohibited", Article: "Art. 5(1)(a)", Type: YesNo, When: when(),
			Text: "Does the system use subliminal, purposefully manipulative or deceptive techniques that materially distort people's behaviour by impairing their ability to make an informed decision, in a way that causes or is reasonably likely to cause significant harm?",
			Help: "Art. 5(1)(a)."},
		{Key: "prohibited_b", Step: "prohibited", Article: "Art. 5(1)(b)", Type: YesNo, When: when(),
			Text: "Does the system exploit vulnerabilities of a person or group due to their age, disability or a specific social or economic situation, to materially distort their behaviour in a way that causes or is reasonably likely to cause significant harm?",
			Help: "Art. 5(1)(b)."},
		{Key: "prohibited_intimate", Step: "prohibited", Article: "Art. 5(1)(ba) as amended", Type: YesNo, When: when(),
			Text: "Does the system generate or manipulate intimate images, video or audio of real people without their consent, or child sexual abuse material; or, for its provider, is such output a reasonably foreseeable result that can be reproduced without significant modification because adequate safeguards are missing?",
			Help: "The prohibition the amendment (Digital Omnibus on AI) adds to Art. 5, applying from 2 Dec 2026; it is usually cited as Art. 5(1)(ba). A general image generator with effective safeguards against such output answers no."},
		{Key: "prohibited_c", Step: "prohibited", Article: "Art. 5(1)(c)", Type: YesNo, When: when(),
			Text: "Does the system evaluate or classify people over time by their social behaviour or personal characteristics (social scoring), leading to detrimental treatment in unrelated contexts or treatment that is unjustified or disproportionate?",
			Help: "Art. 5(1)(c)."},
		{Key: "prohibited_d", Step: "prohibited", Article: "Art. 5(1)(d)", Type: YesNo, When: when(),
			Text: "Does the system assess or predict the risk that a person will commit a criminal offence based solely on profiling or on assessing their personality traits and characteristics?",
			Help: "Art. 5(1)(d). Not prohibited: systems that support a human assessment of a person's involvement in a criminal activity that is already based on objective and verifiable facts directly linked to it."},
		{Key: "prohibited_e", Step: "prohibited", Article: "Art. 5(1)(e)", Type: YesNo, When: when(),
			Text: "Does the system create or expand facial recognition databases through untargeted scraping of facial images from the internet or CCTV footage?",
			Help: "Art. 5(1)(e)."},
		{Key: "prohibited_f", Step: "prohibited", Article: "Art. 5(1)(f)", Type: YesNo, When: when(),
			Text: "Does the system infer the emotions of people at the workplace or in education institutions on the basis of their biometric data (face, voice, gait, physiological signals), for reasons other than medical or safety reasons?",
			Help: "Art. 5(1)(f) and Art. 3(39): emotion recognition works on biometric data. A tool that reads sentiment from text people write is not emotion recognition in this sense; an employment use of it is asked under Annex III 4. Emotion recognition for medical or safety reasons is not prohibited (it may still be high-risk, Annex III 1(c))."},
		{Key: "prohibited_g", Step: "prohibited", Article: "Art. 5(1)(g)", Type: YesNo, When: when(),
			Text: "Does the system categorise people individually on their biometric data to deduce or infer their race, political opinions, trade union membership, religious or philosophical beliefs, sex life or sexual orientation?",
			Help: "Art. 5(1)(g). Not prohibited: labelling or filtering lawfully acquired biometric datasets, or categorising biometric data in the area of law enforcement."},
		{Key: "prohibited_h", Step: "prohibited", Article: "Art. 5(1)(h)", Type: YesNo, When: when(),
			Text: "Is the system used for real-time remote biometric identification of people in publicly accessible spaces for the purposes of law enforcement?",
			Help: "Art. 5(1)(h): prohibited unless strictly necessary for one of three objectives, asked next."},
		{Key: "prohibited_h_exception", Step: "prohibited", Article: "Art. 5(1)(h)(i)-(iii)", Type: YesNo, When: when(Condition{Key: "prohibited_h", AnyOf: []string{Yes}}),
			Text: "Is every such use strictly necessary for one of these objectives: the targeted search for specific victims of abduction, trafficking or sexual exploitation, or of missing persons; preventing a specific, substantial and imminent threat to life or safety or a genuine threat of a terrorist attack; or locating or identifying a person suspected of a criminal offence of Annex II punishable by at least four years?",
			Help: "Art. 5(1)(h)(i) to (iii). If yes, the use is allowed only under the conditions of Art. 5(2) to (7) (prior authorisation, a fundamental rights impact assessment, registration, notifications, national law), which aims lists as obligations; the system is high-risk (Annex III 1(a))."},

		{Key: "annex_i_section", Step: "annex_i", Article: "Art. 6(1)(a), Annex I", Type: Choice, When: when(),
			Options: []Option{
				{Value: None, Label: "No: not a product, nor a safety component of a product, under Annex I"},
				{Value: "a", Label: "Section A: toys, recreational craft, lifts, equipment for explosive atmospheres, radio equipment, pressure equipment, cableways, personal protective equipment, gas appliances, medical devices, in vitro diagnostic medical devices"},
				{Value: "b", Label: "Section B: machinery (moved here by the amendment), civil aviation security, two- or three-wheel and quadricycle vehicles, agricultural and forestry vehicles, marine equipment, rail systems, motor vehicles and their trailers, civil aviation and unmanned aircraft"},
			},
			Text: "Is the system itself a product, or intended to be used as a safety component of a product, covered by the Union harmonisation legislation listed in Annex I? If so, in which section?",
			Help: "Art. 6(1)(a) and Annex I. Section A legislation follows the new legislative framework; for products of Section B, Art. 2(2) applies only Art. 6(1), Arts. 102 to 109 and Art. 112 of the Act. The amendment moved machinery from Section A to Section B."},
		{Key: "annex_i_third_party", Step: "annex_i", Article: "Art. 6(1)(b)", Type: YesNo, When: when(Condition{Key: "annex_i_section", AnyOf: []string{"a", "b"}}),
			Text: "Must that product undergo a third-party conformity assessment before it is placed on the market or put into service under that legislation?",
			Help: "Art. 6(1)(b): both conditions together make the system high-risk."},

		{Key: "annex_iii_area", Step: "annex_iii", Article: "Art. 6(2), Annex III", Type: Multi, When: when(),
			Options: append([]Option{{Value: None, Label: "None of these areas"}}, Areas...),
			Text:    "In which areas of Annex III, if any, is the system intended to be used? Choose every one that fits.",
			Help:    "Art. 6(2): a system intended for a use listed in Annex III is high-risk, unless Art. 6(3) applies. Choosing an area only asks about its uses; “none of these uses” remains an answer."},
	}
	for _, a := range Areas {
		qs = append(qs, Question{Key: "annex_iii_point_" + a.Value, Step: "annex_iii", Article: "Annex III, point " + a.Value, Type: Choice,
			Options: append(append([]Option{}, points[a.Value]...), Option{Value: None, Label: "None of these uses"}),
			When:    when(Condition{Key: "annex_iii_area", AnyOf: []string{a.Value}}),
			Text:    "Which use of area " + a.Label + " is it?",
			Help:    "Annex III, point " + a.Value + ". Choose the use that best describes the intended purpose, or none: a use of the area that is not listed does not make the system high-risk."})
	}
	qs = append(qs,
		Question{Key: "derogation_risk", Step: "derogation", Article: "Art. 6(3), first subparagraph", Type: YesNo, When: when(inAnnexIII),
			Text: "Does the system pose no significant risk of harm to the health, safety or fundamental rights of natural persons, including by not materially influencing the outcome of decision making?",
			Help: "Art. 6(3), first subparagraph: the exception is open only to such a system; the conditions (a) to (d) that follow are how it is shown. Answer no if in doubt."},
		Question{Key: "derogation_a", Step: "derogation", Article: "Art. 6(3)(a)", Type: YesNo, When: when(inAnnexIII, yesTo("derogation_risk")),
			Text: "Is the system intended only to perform a narrow procedural task?",
			Help: "Art. 6(3)(a), for example turning unstructured data into structured data or sorting incoming documents into categories."},
		Question{Key: "derogation_b", Step: "derogation", Article: "Art. 6(3)(b)", Type: YesNo, When: when(inAnnexIII, yesTo("derogation_risk")),
			Text: "Is the system intended only to improve the result of a human activity completed beforehand?",
			Help: "Art. 6(3)(b), for example improving the language of a document already drafted by a person."},
		Question{Key: "derogation_c", Step: "derogation", Article: "Art. 6(3)(c)", Type: YesNo, When: when(inAnnexIII, yesTo("derogation_risk")),
			Text: "Is the system intended only to detect decision-making patterns or deviations from prior patterns, without replacing or influencing the human assessment completed beforehand without proper human review?",
			Help: "Art. 6(3)(c), for example flagging a grading that departs from a teacher's usual pattern for a person to look at."},
		Question{Key: "derogation_d", Step: "derogation", Article: "Art. 6(3)(d)", Type: YesNo, When: when(inAnnexIII, yesTo("derogation_risk")),
			Text: "Is the system intended only to perform a task preparatory to an assessment relevant for the Annex III use?",
			Help: "Art. 6(3)(d), for example indexing, searching or translating files that a person then assesses."},
		Question{Key: "profiling", Step: "derogation", Article: "Art. 6(3), third subparagraph", Type: YesNo, When: when(inAnnexIII),
			Text: "Does the system perform profiling of natural persons (automated processing of personal data to evaluate aspects of a person's life, as Art. 4(4) GDPR defines it)?",
			Help: "Art. 6(3), third subparagraph: a system of Annex III that profiles natural persons is always high-risk; none of the conditions (a) to (d) helps it."},

		Question{Key: "deployer_type", Step: "deployer", Article: "Art. 27(1), Art. 49(3)", Type: Choice, When: when(inAnnexIII),
			Options: []Option{
				{Value: "public_body", Label: "A public authority, agency or other body governed by public law"},
				{Value: "public_service", Label: "A private entity providing public services (for example education, healthcare, housing, social services)"},
				{Value: "private", Label: "Another private organization"},
			},
			Text: "Who deploys the system (your organization when it deploys it; otherwise the deployers it is meant for)?",
			Help: "Art. 27(1): a fundamental rights impact assessment binds deployers that are bodies governed by public law or private entities providing public services, and any deployer of an Annex III 5(b) or 5(c) system; never for point 2. Art. 49(3): deployers that are public authorities register their use."},

		Question{Key: "transparency_interacts", Step: "transparency", Article: "Art. 50(1)", Type: YesNo, When: when(),
			Text: "Is the system intended to interact directly with natural persons (for example a chatbot or a voice assistant)?",
			Help: "Art. 50(1) binds the provider: design it so that people are told they are interacting with an AI system, unless that is obvious to a reasonably well-informed person."},
		Question{Key: "transparency_synthetic", Step: "transparency", Article: "Art. 50(2)", Type: YesNo, When: when(),
			Text: "Does the system generate synthetic audio, image, video or text content?",
			Help: "Art. 50(2) binds the provider: mark the outputs in a machine-readable format so that they are detectable as artificially generated or manipulated."},
		Question{Key: "transparency_emotion", Step: "transparency", Article: "Art. 50(3)", Type: YesNo, When: when(),
			Text: "Is it an emotion recognition system or a biometric categorisation system (working on biometric data)?",
			Help: "Art. 50(3) binds the deployer: inform the people exposed to it of its operation and process their personal data lawfully."},
		Question{Key: "transparency_deepfake", Step: "transparency", Article: "Art. 50(4)", Type: YesNo, When: when(),
			Text: "Does the system generate or manipulate image, audio or video content that is a deep fake, or text published to inform the public on matters of public interest?",
			Help: "Art. 50(4) binds the deployer: disclose that the content was artificially generated or manipulated (lighter duties for evidently artistic, creative or satirical works, and for text under human editorial responsibility)."},

		Question{Key: "gpai", Step: "gpai", Article: "Art. 3(63)", Type: YesNo, When: when(),
			Text: "Does this entry cover a general-purpose AI model that the organization places on the market: a model trained on a large amount of data, typically with self-supervision at scale, that shows significant generality and can competently perform a wide range of distinct tasks?",
			Help: "Art. 3(63) and Art. 53 to 54. Models used only for research, development or prototyping before they are placed on the market are not covered. A system that only uses another provider's model answers no."},
		Question{Key: "gpai_systemic", Step: "gpai", Article: "Art. 51", Type: Choice, When: when(yesTo("gpai")),
			Options: []Option{
				{Value: "no", Label: "No systemic risk"},
				{Value: "flops", Label: "Trained with more than 10^25 floating-point operations (high-impact capabilities presumed, Art. 51(2))"},
				{Value: "high_impact", Label: "High-impact capabilities shown by appropriate technical tools and benchmarks (Art. 51(1)(a))"},
				{Value: "designated", Label: "Designated by a Commission decision (Art. 51(1)(b), Annex XIII)"},
			},
			Text: "Does the model have systemic risk?",
			Help: "Art. 51: a general-purpose AI model has systemic risk when it has high-impact capabilities or the Commission designates it; Art. 52(1) and Art. 55 add duties for its provider."},
		Question{Key: "gpai_open_source", Step: "gpai", Article: "Art. 53(2), Art. 54(6)", Type: YesNo, When: when(yesTo("gpai")),
			Text: "Is the model released under a free and open-source licence that allows its access, use, modification and distribution, with its parameters (weights), architecture and usage information made publicly available?",
			Help: "Art. 53(2) and Art. 54(6): such a model without systemic risk is spared the technical documentation and downstream information duties of Art. 53(1)(a) and (b) and the authorised representative of Art. 54; the copyright policy and the training-content summary remain."},
	)
	return qs
}

func yesTo(key string) Condition { return Condition{Key: key, AnyOf: []string{Yes}} }

// Questions returns the questionnaire. The caller must not change it.
func Questions() Questionnaire {
	var cs []Option
	for _, c := range Classes {
		cs = append(cs, Option{Value: c, Label: ClassLabels[c]})
	}
	return Questionnaire{Steps: Steps, Questions: questions, Classes: cs}
}

// QuestionByKey returns the question key, or nil.
func QuestionByKey(key string) *Question {
	for i := range questions {
		if questions[i].Key == key {
			return &questions[i]
		}
	}
	return nil
}

// Applies reports whether q is asked given answers.
func (q *Question) Applies(answers map[string]string) bool {
	for _, c := range q.When {
		v, ok := answers[c.Key]
		var vs []string
		if ok {
			vs = strings.Split(v, ",")
		}
		if c.AnyOf != nil && !slices.ContainsFunc(vs, func(x string) bool { return slices.Contains(c.AnyOf, x) }) {
			return false
		}
		if c.NoneOf != nil && slices.ContainsFunc(vs, func(x string) bool { return slices.Contains(c.NoneOf, x) }) {
			return false
		}
	}
	return true
}

// Values returns the values of answer v to q: v itself, or for a multi question each value it lists.
func (q *Question) Values(v string) []string {
	if v == "" {
		return nil
	}
	if q.Type != Multi {
		return []string{v}
	}
	return strings.Split(v, ",")
}

// Allows reports whether v is a valid answer to q (for a multi question, in any order and spacing; see
// Canonical).
func (q *Question) Allows(v string) bool {
	_, ok := q.Canonical(v)
	return ok
}

// Canonical returns answer v to q in its one written form: trimmed, and for a multi question its values
// without repeats, in the options' order, comma-separated. It reports false when v is not an answer to q:
// a value q does not offer, no value at all, or None together with another value.
func (q *Question) Canonical(v string) (string, bool) {
	v = strings.TrimSpace(v)
	switch q.Type {
	case YesNo:
		return v, v == Yes || v == No
	case Multi:
		chosen := map[string]bool{}
		for _, x := range strings.Split(v, ",") {
			x = strings.TrimSpace(x)
			if x == "" {
				continue
			}
			if !slices.ContainsFunc(q.Options, func(o Option) bool { return o.Value == x }) {
				return "", false
			}
			chosen[x] = true
		}
		if len(chosen) == 0 || (chosen[None] && len(chosen) > 1) {
			return "", false
		}
		var out []string
		for _, o := range q.Options {
			if chosen[o.Value] {
				out = append(out, o.Value)
			}
		}
		return strings.Join(out, ","), true
	}
	return v, slices.ContainsFunc(q.Options, func(o Option) bool { return o.Value == v })
}
