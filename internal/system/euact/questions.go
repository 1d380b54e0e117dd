// Package euact classifies an AI system under the EU AI Act (Regulation (EU) 2024/1689): a questionnaire
// kept as data, the evaluation of its answers into a risk class with the reasons for it, and the
// obligations that follow for the organization's role. It does no I/O.
package euact

// Answer types.
const (
	YesNo  = "yes_no"
	Choice = "choice"
)

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
// them), or, with NoneOf, when it is none of NoneOf (an unanswered question is none of them).
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
	{Key: "scope", Title: "Scope", Help: "Art. 2 leaves some uses outside the Act altogether."},
	{Key: "prohibited", Title: "Prohibited practices", Help: "Art. 5(1) lists practices that may not be placed on the market, put into service or used."},
	{Key: "annex_i", Title: "Products under Annex I", Help: "Art. 6(1): AI in products regulated by the Union harmonisation legislation of Annex I."},
	{Key: "annex_iii", Title: "High-risk uses of Annex III", Help: "Art. 6(2) and Annex III: eight areas of use that make a system high-risk."},
	{Key: "derogation", Title: "Art. 6(3) exceptions", Help: "A system used in an Annex III area is not high-risk when it poses no significant risk of harm, shown by one of four conditions, unless it profiles people."},
	{Key: "transparency", Title: "Transparency", Help: "Art. 50: duties to tell people they deal with AI or with AI-made content."},
	{Key: "gpai", Title: "General-purpose AI models", Help: "Art. 3(63) and Art. 51 to 55: duties of providers of general-purpose AI models."},
}

// Areas of Annex III, by number.
var Areas = []Option{
	{Value: "1", Label: "1. Biometrics"},
	{Value: "2", Label: "2. Critical infrastructure"},
	{Value: "3", Label: "3. Education and vocational training"},
	{Value: "4", Label: "4. Employment, workers management and access to self-employment"},
	{Value: "5", Label: "5. Access to essential private and public services and benefits"},
	{Value: "6", Label: "6. Law enforcement"},
	{Value: "7", Label: "7. Migration, asylum and border control management"},
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
		{Value: "a", Label: "(a) Evaluating eligibility for essential public assistance benefits and services, or granting, reducing, revoking or reclaiming them"},
		{Value: "b", Label: "(b) Evaluating creditworthiness or establishing a credit score (not detecting financial fraud)"},
		{Value: "c", Label: "(c) Risk assessment and pricing for life and health insurance"},
		{Value: "d", Label: "(d) Evaluating and classifying emergency calls, dispatching emergency services, emergency patient triage"},
	},
	"6": {
		{Value: "a", Label: "(a) Assessing the risk of a person becoming the victim of criminal offences"},
		{Value: "b", Label: "(b) Polygraphs or similar tools"},
		{Value: "c", Label: "(c) Evaluating the reliability of evidence"},
		{Value: "d", Label: "(d) Assessing the risk of offending or re-offending, or personality traits or past criminal behaviour, not solely on profiling"},
		{Value: "e", Label: "(e) Profiling in the detection, investigation or prosecution of criminal offences"},
	},
	"7": {
		{Value: "a", Label: "(a) Polygraphs or similar tools"},
		{Value: "b", Label: "(b) Assessing a security, irregular migration or health risk posed by a person entering a Member State"},
		{Value: "c", Label: "(c) Examining applications for asylum, visa or residence permits and related complaints"},
		{Value: "d", Label: "(d) Detecting, recognising or identifying persons in migration, asylum or border control (not verifying travel documents)"},
	},
	"8": {
		{Value: "a", Label: "(a) Assisting a judicial authority (or alternative dispute resolution) in researching and interpreting facts and the law and applying the law to facts"},
		{Value: "b", Label: "(b) Influencing the outcome of an election or referendum or the voting behaviour of persons"},
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

// inScope holds while no exclusion of Art. 2 is answered yes.
var inScope = []Condition{
	{Key: "scope_military", NoneOf: []string{Yes}},
	{Key: "scope_research", NoneOf: []string{Yes}},
	{Key: "scope_personal", NoneOf: []string{Yes}},
}

func when(extra ...Condition) []Condition { return append(append([]Condition{}, inScope...), extra...) }

// inAnnexIII holds when an area of Annex III is chosen.
var inAnnexIII = Condition{Key: "annex_iii_area", NoneOf: []string{"none"}}

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
		{Key: "scope_personal", Step: "scope", Article: "Art. 2(10)", Type: YesNo, When: inScope[:2],
			Text: "Is the system used only by natural persons in a purely personal, non-professional activity?",
			Help: "Art. 2(10): the duties of deployers do not apply to natural persons using AI in a purely personal, non-professional activity."},

		{Key: "prohibited_a", Step: "prohibited", Article: "Art. 5(1)(a)", Type: YesNo, When: when(),
			Text: "Does the system use subliminal, purposefully manipulative or deceptive techniques that materially distort people's behaviour by impairing their ability to make an informed decision, in a way that causes or is reasonably likely to cause significant harm?",
			Help: "Art. 5(1)(a)."},
		{Key: "prohibited_b", Step: "prohibited", Article: "Art. 5(1)(b)", Type: YesNo, When: when(),
			Text: "Does the system exploit vulnerabilities of a person or group due to their age, disability or a specific social or economic situation, to materially distort their behaviour in a way that causes or is reasonably likely to cause significant harm?",
			Help: "Art. 5(1)(b)."},
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
			Text: "Does the system infer the emotions of people at the workplace or in education institutions, for reasons other than medical or safety reasons?",
			Help: "Art. 5(1)(f). Emotion recognition for medical or safety reasons is not prohibited (it may still be high-risk, Annex III 1(c))."},
		{Key: "prohibited_g", Step: "prohibited", Article: "Art. 5(1)(g)", Type: YesNo, When: when(),
			Text: "Does the system categorise people individually on their biometric data to deduce or infer their race, political opinions, trade union membership, religious or philosophical beliefs, sex life or sexual orientation?",
			Help: "Art. 5(1)(g). Not prohibited: labelling or filtering lawfully acquired biometric datasets, or categorising biometric data in the area of law enforcement."},
		{Key: "prohibited_h", Step: "prohibited", Article: "Art. 5(1)(h)", Type: YesNo, When: when(),
			Text: "Is the system used for real-time remote biometric identification in publicly accessible spaces for law enforcement, outside the exceptions of Art. 5(1)(h)?",
			Help: "Art. 5(1)(h). Answer no if the use is strictly necessary for one of the objectives of Art. 5(1)(h)(i) to (iii) (targeted search for victims of abduction, trafficking or sexual exploitation and missing persons; preventing a specific, substantial and imminent threat to life or a terrorist attack; locating or identifying a suspect of a serious offence of Annex II) and is authorised and safeguarded as Art. 5(2) to (7) require. Such a use remains high-risk (Annex III 1(a))."},

		{Key: "annex_i_product", Step: "annex_i", Article: "Art. 6(1)(a)", Type: YesNo, When: when(),
			Text: "Is the system itself a product, or intended to be used as a safety component of a product, covered by the Union harmonisation legislation listed in Annex I (for example machinery, toys, lifts, radio equipment, medical devices, in vitro diagnostics, vehicles, civil aviation)?",
			Help: "Art. 6(1)(a) and Annex I."},
		{Key: "annex_i_third_party", Step: "annex_i", Article: "Art. 6(1)(b)", Type: YesNo, When: when(Condition{Key: "annex_i_product", AnyOf: []string{Yes}}),
			Text: "Must that product undergo a third-party conformity assessment before it is placed on the market or put into service under that legislation?",
			Help: "Art. 6(1)(b): both conditions together make the system high-risk."},

		{Key: "annex_iii_area", Step: "annex_iii", Article: "Art. 6(2), Annex III", Type: Choice, When: when(),
			Options: append([]Option{{Value: "none", Label: "None of these areas"}}, Areas...),
			Text:    "In which area of Annex III, if any, is the system intended to be used?",
			Help:    "Art. 6(2): a system intended for a use listed in Annex III is high-risk, unless Art. 6(3) applies."},
	}
	for _, a := range Areas {
		qs = append(qs, Question{Key: "annex_iii_point_" + a.Value, Step: "annex_iii", Article: "Annex III, point " + a.Value, Type: Choice,
			Options: points[a.Value], When: when(Condition{Key: "annex_iii_area", AnyOf: []string{a.Value}}),
			Text: "Which use of area " + a.Label + " is it?",
			Help: "Annex III, point " + a.Value + ". Choose the use that best describes the intended purpose."})
	}
	qs = append(qs,
		Question{Key: "derogation_a", Step: "derogation", Article: "Art. 6(3)(a)", Type: YesNo, When: when(inAnnexIII),
			Text: "Is the system intended only to perform a narrow procedural task?",
			Help: "Art. 6(3)(a), for example turning unstructured data into structured data or sorting incoming documents into categories."},
		Question{Key: "derogation_b", Step: "derogation", Article: "Art. 6(3)(b)", Type: YesNo, When: when(inAnnexIII),
			Text: "Is the system intended only to improve the result of a human activity completed beforehand?",
			Help: "Art. 6(3)(b), for example improving the language of a document already drafted by a person."},
		Question{Key: "derogation_c", Step: "derogation", Article: "Art. 6(3)(c)", Type: YesNo, When: when(inAnnexIII),
			Text: "Is the system intended only to detect decision-making patterns or deviations from prior patterns, without replacing or influencing the human assessment completed beforehand without proper human review?",
			Help: "Art. 6(3)(c), for example flagging a grading that departs from a teacher's usual pattern for a person to look at."},
		Question{Key: "derogation_d", Step: "derogation", Article: "Art. 6(3)(d)", Type: YesNo, When: when(inAnnexIII),
			Text: "Is the system intended only to perform a task preparatory to an assessment relevant for the Annex III use?",
			Help: "Art. 6(3)(d), for example indexing, searching or translating files that a person then assesses."},
		Question{Key: "profiling", Step: "derogation", Article: "Art. 6(3), third subparagraph", Type: YesNo, When: when(inAnnexIII),
			Text: "Does the system perform profiling of natural persons (automated processing of personal data to evaluate aspects of a person's life, as Art. 4(4) GDPR defines it)?",
			Help: "Art. 6(3), third subparagraph: a system of Annex III that profiles natural persons is always high-risk; none of the conditions (a) to (d) helps it."},

		Question{Key: "transparency_interacts", Step: "transparency", Article: "Art. 50(1)", Type: YesNo, When: when(),
			Text: "Is the system intended to interact directly with natural persons (for example a chatbot or a voice assistant)?",
			Help: "Art. 50(1): the provider designs it so that people are told they are interacting with an AI system, unless that is obvious to a reasonably well-informed person."},
		Question{Key: "transparency_synthetic", Step: "transparency", Article: "Art. 50(2)", Type: YesNo, When: when(),
			Text: "Does the system generate synthetic audio, image, video or text content?",
			Help: "Art. 50(2): the provider marks the outputs in a machine-readable format and makes them detectable as artificially generated or manipulated."},
		Question{Key: "transparency_emotion", Step: "transparency", Article: "Art. 50(3)", Type: YesNo, When: when(),
			Text: "Is it an emotion recognition system or a biometric categorisation system?",
			Help: "Art. 50(3): the deployer informs the people exposed to it of its operation and processes their personal data lawfully."},
		Question{Key: "transparency_deepfake", Step: "transparency", Article: "Art. 50(4)", Type: YesNo, When: when(),
			Text: "Does the system generate or manipulate image, audio or video content that is a deep fake, or text published to inform the public on matters of public interest?",
			Help: "Art. 50(4): the deployer discloses that the content was artificially generated or manipulated (lighter duties for evidently artistic, creative or satirical works, and for text under human editorial responsibility)."},

		Question{Key: "gpai", Step: "gpai", Article: "Art. 3(63)", Type: YesNo, When: when(),
			Text: "Does this entry cover a general-purpose AI model that the organization places on the market: a model trained on a large amount of data, typically with self-supervision at scale, that shows significant generality and can competently perform a wide range of distinct tasks?",
			Help: "Art. 3(63) and Art. 53 to 54. Models used only for research, development or prototyping before they are placed on the market are not covered. A system that only uses another provider's model answers no."},
		Question{Key: "gpai_systemic", Step: "gpai", Article: "Art. 51", Type: Choice, When: when(Condition{Key: "gpai", AnyOf: []string{Yes}}),
			Options: []Option{
				{Value: "no", Label: "No systemic risk"},
				{Value: "flops", Label: "Trained with more than 10^25 floating-point operations (high-impact capabilities presumed, Art. 51(2))"},
				{Value: "high_impact", Label: "High-impact capabilities shown by appropriate technical tools and benchmarks (Art. 51(1)(a))"},
				{Value: "designated", Label: "Designated by a Commission decision (Art. 51(1)(b), Annex XIII)"},
			},
			Text: "Does the model have systemic risk?",
			Help: "Art. 51: a general-purpose AI model has systemic risk when it has high-impact capabilities or the Commission designates it; Art. 55 adds duties for its provider."},
	)
	return qs
}

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
		if c.AnyOf != nil && !(ok && contains(c.AnyOf, v)) {
			return false
		}
		if c.NoneOf != nil && ok && contains(c.NoneOf, v) {
			return false
		}
	}
	return true
}

// Allows reports whether v is a valid answer to q.
func (q *Question) Allows(v string) bool {
	if q.Type == YesNo {
		return v == Yes || v == No
	}
	for _, o := range q.Options {
		if o.Value == v {
			return true
		}
	}
	return false
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
