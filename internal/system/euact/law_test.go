package euact_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/system/euact"
	"github.com/google/go-cmp/cmp"
)

// The application dates, written from Art. 113 of Regulation (EU) 2024/1689 as published and from the
// amendment (Digital Omnibus on AI) as adopted, not from aims' data: "p" Chapters I and II (Art. 4, 5),
// "g" Chapter V (GPAI models), "t" general application (Art. 50, and Arts. 102-109 and 112), "3" high-risk
// systems of Annex III, "1" Art. 6(1) and Annex I, "ba" the amendment's new prohibition (none as published).
var lawDates = map[string]map[string]string{
	"published": {"p": "2025-02-02", "g": "2025-08-02", "t": "2026-08-02", "3": "2026-08-02", "1": "2027-08-02"},
	"amended":   {"p": "2025-02-02", "g": "2025-08-02", "t": "2026-08-02", "3": "2027-12-02", "1": "2028-08-02", "ba": "2026-12-02"},
}

// base answers no (or none) to every question, so that a case states only what makes it; answers to
// questions that do not apply are dropped by the questionnaire.
func base(extra map[string]string) map[string]string {
	a := map[string]string{"scope_military": "no", "scope_research": "no", "scope_open_source": "no", "scope_personal": "no",
		"prohibited_intimate": "no", "prohibited_h": "no", "prohibited_h_exception": "no", "annex_i_section": "none",
		"annex_i_third_party": "no", "annex_iii_area": "none", "derogation_risk": "no", "profiling": "no", "deployer_type": "private",
		"transparency_interacts": "no", "transparency_synthetic": "no", "transparency_emotion": "no", "transparency_deepfake": "no",
		"gpai": "no", "gpai_systemic": "no", "gpai_open_source": "no"}
	for _, l := range "abcdefg" {
		a["prohibited_"+string(l)] = "no"
	}
	for _, l := range "abcd" {
		a["derogation_"+string(l)] = "no"
	}
	for _, area := range euact.Areas {
		a["annex_iii_point_"+area.Value] = "none"
	}
	maps.Copy(a, extra)
	return a
}

// Obligation lists are "article@date key". hrProvider are the provider's duties for every high-risk
// system (Chapter III Sections 2-3, conformity, post-market monitoring, incidents), dated by key.
func hrProvider(key string, more ...string) []string {
	var out []string
	for _, a := range []string{"6", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "43", "47", "48", "72", "73"} {
		out = append(out, a+"@"+key)
	}
	return append(append([]string{"4@p", "5@p"}, out...), more...)
}

// hrDeployer are the deployer's duties for every high-risk system: oversight (Art. 14 through Art. 26),
// the value chain (Art. 25), use (Art. 26) and serious incidents (Art. 73).
func hrDeployer(key string, more ...string) []string {
	return append([]string{"4@p", "5@p", "14@" + key, "25@" + key, "26@" + key, "73@" + key}, more...)
}

var (
	none         = []string{}
	everySystem  = []string{"4@p", "5@p"}
	onlyArt5     = []string{"5@p"}
	sectionBDuty = []string{"102-109@t", "112@t"}
)

type lawCase struct {
	name    string
	answers map[string]string // on top of base
	class   string
	// roles gives, for each operator role checked, the obligations expected.
	roles map[string][]string
}

func lawCases() []lawCase {
	cs := []lawCase{
		// Art. 2: scope, by role.
		{"Art. 2(3): a targeting system used only for defence is outside the Act", map[string]string{"scope_military": "yes"}, euact.OutOfScope,
			map[string][]string{"provider": none, "deployer": none}},
		{"Art. 2(6): a model built only for scientific research is outside the Act", map[string]string{"scope_research": "yes"}, euact.OutOfScope,
			map[string][]string{"provider": none}},
		{"Art. 2(10): a consumer face-swap app's provider keeps Art. 4, 5 and 50(2); its personal users owe nothing",
			map[string]string{"scope_personal": "yes", "transparency_synthetic": "yes", "transparency_deepfake": "yes"}, euact.Minimal,
			map[string][]string{"provider": {"4@p", "5@p", "50(2)@t"}, "deployer": none}},
		{"Art. 2(12): an MIT-licensed spam filter is outside the Act", map[string]string{"scope_open_source": "yes"}, euact.OutOfScope,
			map[string][]string{"provider": none, "deployer": none}},
		{"Art. 2(12): an open-source chatbot stays in scope through Art. 50", map[string]string{"scope_open_source": "yes", "transparency_interacts": "yes"},
			euact.Minimal, map[string][]string{"provider": {"4@p", "5@p", "50(1)@t"}, "deployer": everySystem}},
		{"Art. 2(12): an open-source CV screener placed on the market as high-risk stays in scope",
			map[string]string{"scope_open_source": "yes", "annex_iii_area": "4", "annex_iii_point_4": "a", "profiling": "yes"}, euact.HighRisk,
			map[string][]string{"provider": hrProvider("3", "49(1)@3")}},

		// Art. 5: the new prohibition, (h) with its exceptions, (f) only on biometric data.
		{"Art. 5(1)(ba) as amended: a nudifier app is prohibited from 2 Dec 2026, also for its consumer users' sake",
			map[string]string{"prohibited_intimate": "yes", "scope_personal": "yes", "transparency_synthetic": "yes"}, euact.Prohibited,
			map[string][]string{"provider": {"4@p", "5@p", "5(1)(ba)@ba"}, "deployer": none, "distributor": {"5@p", "5(1)(ba)@ba"}}},
		{"Art. 5(1)(ba) as amended binds a business deploying or importing such a tool",
			map[string]string{"prohibited_intimate": "yes"}, euact.Prohibited,
			map[string][]string{"deployer": {"4@p", "5@p", "5(1)(ba)@ba"}, "importer": {"5@p", "5(1)(ba)@ba"}}},
		{"Art. 5(1)(h): real-time remote identification in public for policing outside the exceptions is prohibited",
			map[string]string{"prohibited_h": "yes"}, euact.Prohibited, map[string][]string{"deployer": everySystem, "provider": everySystem}},
		{"Art. 5(1)(h)(i)-(iii), 5(2)-(7): within the exceptions it is high-risk (Annex III 1(a)) and the police need authorisation, FRIA and registration",
			map[string]string{"prohibited_h": "yes", "prohibited_h_exception": "yes"}, euact.HighRisk,
			map[string][]string{"deployer": hrDeployer("3", "5(2)-(7)@p", "27@3", "49(3)@3", "86@3"), "provider": hrProvider("3", "49(1)@3")}},
		{"Art. 5(1)(f), 3(39): reading the sentiment of employees' chat text is not emotion recognition; as a 4(b) use it is high-risk",
			map[string]string{"annex_iii_area": "4", "annex_iii_point_4": "b", "profiling": "yes"}, euact.HighRisk,
			map[string][]string{"deployer": hrDeployer("3", "86@3")}},

		// Annex III: several areas, none of the points, deployer type (Art. 27, 49(3), 86, point 2).
		{"Annex III 5 with none of its uses: fraud detection is not high-risk", map[string]string{"annex_iii_area": "5", "annex_iii_point_5": "none"},
			euact.Minimal, map[string][]string{"provider": everySystem, "deployer": everySystem}},
		{"Annex III 4 none and 5(b): a bank's credit scoring is high-risk and its private deployer assesses fundamental rights (Art. 27)",
			map[string]string{"annex_iii_area": "4,5", "annex_iii_point_4": "none", "annex_iii_point_5": "b", "profiling": "yes"}, euact.HighRisk,
			map[string][]string{"deployer": hrDeployer("3", "27@3", "86@3"), "provider": hrProvider("3", "49(1)@3")}},
		{"Annex III 5(c): a private insurer's pricing model needs Art. 27, not Art. 49(3)",
			map[string]string{"annex_iii_area": "5", "annex_iii_point_5": "c"}, euact.HighRisk,
			map[string][]string{"deployer": hrDeployer("3", "27@3", "86@3")}},
		{"Annex III 4(a): a private company screening CVs owes Art. 26, not Art. 27 or 49(3)",
			map[string]string{"annex_iii_area": "4", "annex_iii_point_4": "a", "profiling": "yes"}, euact.HighRisk,
			map[string][]string{"deployer": hrDeployer("3", "86@3"), "importer": {"5@p", "23@3", "25@3"}, "distributor": {"5@p", "24@3", "25@3"},
				"authorised_representative": {"5@p", "22@3"}}},
		{"Annex III 5(a): a benefits agency (public body) owes Art. 27, 49(3) and 86",
			map[string]string{"annex_iii_area": "5", "annex_iii_point_5": "a", "deployer_type": "public_body"}, euact.HighRisk,
			map[string][]string{"deployer": hrDeployer("3", "27@3", "49(3)@3", "86@3")}},
		{"Annex III 3(a): a private school admitting pupils provides a public service and owes Art. 27, not 49(3)",
			map[string]string{"annex_iii_area": "3", "annex_iii_point_3": "a", "deployer_type": "public_service"}, euact.HighRisk,
			map[string][]string{"deployer": hrDeployer("3", "27@3", "86@3")}},
		{"Annex III 2(a): a public water utility's safety component: never Art. 27, 49(3) or 86; the provider registers nationally (49(1), 49(5))",
			map[string]string{"annex_iii_area": "2", "annex_iii_point_2": "a", "deployer_type": "public_body"}, euact.HighRisk,
			map[string][]string{"deployer": hrDeployer("3"), "provider": hrProvider("3", "49(1)@3")}},

		// Annex I Sections A and B.
		{"Annex I Section A with third-party assessment: a medical device is high-risk on the Annex I date, without Art. 27, 49 or 86",
			map[string]string{"annex_i_section": "a", "annex_i_third_party": "yes"}, euact.HighRisk,
			map[string][]string{"provider": hrProvider("1"), "deployer": hrDeployer("1"), "importer": {"5@p", "23@1", "25@1"}}},
		{"Annex I Section A without third-party assessment is not high-risk", map[string]string{"annex_i_section": "a"}, euact.Minimal,
			map[string][]string{"provider": everySystem}},
		{"Annex I Section B (Art. 2(2)): a car's driver-assistance system gets only Art. 6(1), 102-109 and 112",
			map[string]string{"annex_i_section": "b", "annex_i_third_party": "yes", "transparency_interacts": "yes"}, euact.HighRisk,
			map[string][]string{"provider": append([]string{"6(1)@1"}, sectionBDuty...), "deployer": sectionBDuty, "importer": sectionBDuty,
				"distributor": sectionBDuty}},
		{"Annex I Section A and Annex III 4(a): the Annex III date governs",
			map[string]string{"annex_i_section": "a", "annex_i_third_party": "yes", "annex_iii_area": "4", "annex_iii_point_4": "a"}, euact.HighRisk,
			map[string][]string{"provider": hrProvider("3", "49(1)@3"), "deployer": hrDeployer("3", "86@3")}},

		// Art. 6(3): opening condition, conditions (a)-(d), profiling override.
		{"Art. 6(3)(a) with no significant risk: a document sorter in an HR team is not high-risk; the provider documents (6(4)) and registers (49(2))",
			map[string]string{"annex_iii_area": "4", "annex_iii_point_4": "a", "derogation_risk": "yes", "derogation_a": "yes"}, euact.Minimal,
			map[string][]string{"provider": {"4@p", "5@p", "6(4)@3", "49(2)@3"}, "deployer": everySystem}},
		{"Art. 6(3): a condition without the opening condition does not exempt",
			map[string]string{"annex_iii_area": "3", "annex_iii_point_3": "b", "derogation_risk": "no", "derogation_d": "yes"}, euact.HighRisk,
			map[string][]string{"provider": hrProvider("3", "49(1)@3")}},
		{"Art. 6(3): no significant risk but none of (a)-(d) is still high-risk",
			map[string]string{"annex_iii_area": "3", "annex_iii_point_3": "b", "derogation_risk": "yes"}, euact.HighRisk,
			map[string][]string{"provider": hrProvider("3", "49(1)@3")}},
		{"Art. 6(3), third subparagraph: profiling overrides condition (b)",
			map[string]string{"annex_iii_area": "4", "annex_iii_point_4": "b", "derogation_risk": "yes", "derogation_b": "yes", "profiling": "yes"}, euact.HighRisk,
			map[string][]string{"provider": hrProvider("3", "49(1)@3"), "deployer": hrDeployer("3", "86@3")}},

		// Art. 50 by paragraph and role.
		{"Art. 50(1): a customer chatbot: its provider discloses the AI, its deployer owes no Art. 50 duty",
			map[string]string{"transparency_interacts": "yes"}, euact.Minimal, map[string][]string{"provider": {"4@p", "5@p", "50(1)@t"}, "deployer": everySystem}},
		{"Art. 50(2): an image generator's provider marks its outputs", map[string]string{"transparency_synthetic": "yes"}, euact.Minimal,
			map[string][]string{"provider": {"4@p", "5@p", "50(2)@t"}, "deployer": everySystem}},
		{"Art. 50(3): a shop's age-and-mood camera: its deployer informs people (and 1(c) makes it high-risk)",
			map[string]string{"transparency_emotion": "yes", "annex_iii_area": "1", "annex_iii_point_1": "c"}, euact.HighRisk,
			map[string][]string{"deployer": hrDeployer("3", "50(3)@t", "86@3"), "provider": hrProvider("3", "49(1)@3")}},
		{"Art. 50(4): a newsroom publishing AI-written articles discloses them", map[string]string{"transparency_deepfake": "yes", "transparency_synthetic": "yes"},
			euact.Minimal, map[string][]string{"deployer": {"4@p", "5@p", "50(4)@t"}, "provider": {"4@p", "5@p", "50(2)@t"}}},

		// GPAI models: systemic risk, notification, open source.
		{"GPAI model without systemic risk", map[string]string{"gpai": "yes"}, euact.Minimal,
			map[string][]string{"provider": {"4@p", "5@p", "53(1)(a)-(b)@g", "53(1)(c)-(d)@g", "54@g"}, "authorised_representative": {"5@p", "54@g"}}},
		{"GPAI model over 10^25 FLOP: systemic risk, notified within two weeks (Art. 52(1))", map[string]string{"gpai": "yes", "gpai_systemic": "flops"},
			euact.Minimal, map[string][]string{"provider": {"4@p", "5@p", "52(1)@g", "53(1)(a)-(b)@g", "53(1)(c)-(d)@g", "54@g", "55@g"}}},
		{"GPAI model with high-impact capabilities (Art. 51(1)(a)) is notified too", map[string]string{"gpai": "yes", "gpai_systemic": "high_impact"},
			euact.Minimal, map[string][]string{"provider": {"4@p", "5@p", "52(1)@g", "53(1)(a)-(b)@g", "53(1)(c)-(d)@g", "54@g", "55@g"}}},
		{"GPAI model designated by the Commission has nothing to notify", map[string]string{"gpai": "yes", "gpai_systemic": "designated"},
			euact.Minimal, map[string][]string{"provider": {"4@p", "5@p", "53(1)(a)-(b)@g", "53(1)(c)-(d)@g", "54@g", "55@g"}}},
		{"Art. 53(2), 54(6): an open-weights model without systemic risk keeps only the copyright policy and training summary",
			map[string]string{"gpai": "yes", "gpai_open_source": "yes"}, euact.Minimal,
			map[string][]string{"provider": {"4@p", "5@p", "53(1)(c)-(d)@g"}, "authorised_representative": onlyArt5}},
		{"Art. 53(2): open weights do not exempt a model with systemic risk",
			map[string]string{"gpai": "yes", "gpai_open_source": "yes", "gpai_systemic": "flops"}, euact.Minimal,
			map[string][]string{"provider": {"4@p", "5@p", "52(1)@g", "53(1)(a)-(b)@g", "53(1)(c)-(d)@g", "54@g", "55@g"}}},

		{"Art. 5 outranks everything: a prohibited practice with high-risk answers keeps only Art. 4 and 5",
			map[string]string{"prohibited_a": "yes", "annex_iii_area": "4", "annex_iii_point_4": "a", "transparency_interacts": "yes"}, euact.Prohibited,
			map[string][]string{"provider": everySystem, "deployer": everySystem, "importer": onlyArt5}},
		{"a code assistant used in-house is minimal risk", nil, euact.Minimal,
			map[string][]string{"provider": everySystem, "deployer": everySystem, "importer": onlyArt5, "distributor": onlyArt5}},
	}
	// Each practice of Art. 5(1) on its own.
	for _, l := range "abcdefg" {
		cs = append(cs, lawCase{"Art. 5(1)(" + string(l) + ") alone is prohibited", map[string]string{"prohibited_" + string(l): "yes"}, euact.Prohibited,
			map[string][]string{"provider": everySystem, "deployer": everySystem}})
	}
	// Each area of Annex III, with each of its points and with none of them.
	for _, area := range euact.Areas {
		for _, p := range euact.Points(area.Value) {
			if p.Value == euact.None {
				continue
			}
			cs = append(cs, lawCase{"Annex III " + area.Value + "(" + p.Value + ") is high-risk",
				map[string]string{"annex_iii_area": area.Value, "annex_iii_point_" + area.Value: p.Value}, euact.HighRisk,
				map[string][]string{"provider": hrProvider("3", "49(1)@3")}})
		}
		cs = append(cs, lawCase{"Annex III area " + area.Value + " with none of its uses is not high-risk",
			map[string]string{"annex_iii_area": area.Value}, euact.Minimal, map[string][]string{"provider": everySystem}})
	}
	return cs
}

// TestTheLaw runs every case through the questionnaire (the answers must be complete) and checks the
// class and, for each role, the obligations and their dates under both date sets.
func TestTheLaw(t *testing.T) {
	cat, err := framework.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, c := range lawCases() {
		t.Run(c.name, func(t *testing.T) {
			d, err := euact.Decide(base(c.answers), "", "")
			if err != nil {
				t.Fatalf("Decide: %v", err)
			}
			r := d.Result
			if r.Class != c.class {
				t.Fatalf("class %s, want %s; reasoning:\n%s", r.Class, c.class, strings.Join(r.Reasoning, "\n"))
			}
			for _, role := range slices.Sorted(maps.Keys(c.roles)) {
				for _, set := range []string{"published", "amended"} {
					want := []string{}
					for _, w := range c.roles[role] {
						art, key, _ := strings.Cut(w, "@")
						if date := lawDates[set][key]; date != "" {
							want = append(want, art+" "+date)
						}
					}
					got := []string{}
					for _, o := range euact.Obligations(cat, set, role, r) {
						got = append(got, o.Article+" "+o.AppliesFrom)
						covered[o.Article+" "+role] = true
						if o.Obligation == "" || o.ScopeLabel == "" || o.Title == "" {
							t.Errorf("%s: Art. %s lacks its text, scope label or title: %+v", set, o.Article, o)
						}
					}
					slices.Sort(want)
					slices.Sort(got)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("%s, %s dates (-want +got):\n%s\nreasoning:\n%s", role, set, diff, strings.Join(r.Reasoning, "\n"))
					}
				}
			}
		})
	}
	// Every obligation in the data, for every role it names, is met by some case above.
	for _, a := range cat.EUObligations.Articles {
		for _, role := range a.Roles {
			if !covered[a.Ref()+" "+role] && role != "authorised_representative" {
				t.Errorf("no case gives Art. %s to a %s", a.Ref(), role)
			}
		}
	}
}

// TestReasoningSaysWhy: the reasoning names the article that decides each branch, so a reader can check it.
func TestReasoningSaysWhy(t *testing.T) {
	for _, c := range []struct {
		answers map[string]string
		line    string
	}{
		{map[string]string{"scope_personal": "yes"}, "Art. 2(10): its deployers are natural persons"},
		{map[string]string{"scope_open_source": "yes"}, "Art. 2(12): the system is released under a free and open-source licence"},
		{map[string]string{"scope_open_source": "yes", "transparency_interacts": "yes"}, "the open-source exemption does not apply, because the system falls under Art. 50"},
		{map[string]string{"prohibited_intimate": "yes"}, "applies from 2 Dec 2026"},
		{map[string]string{"prohibited_h": "yes", "prohibited_h_exception": "yes"}, "Art. 5(2) to (7)"},
		{map[string]string{"annex_i_section": "b", "annex_i_third_party": "yes"}, "Art. 2(2): for products of Annex I Section B"},
		{map[string]string{"annex_iii_area": "5", "annex_iii_point_5": "none"}, "none of the area's listed uses"},
		{map[string]string{"annex_iii_area": "4", "annex_iii_point_4": "a", "derogation_a": "yes"}, "the exception is closed"},
		{map[string]string{"annex_iii_area": "4", "annex_iii_point_4": "a", "derogation_risk": "yes", "derogation_c": "yes"}, "Art. 6(4) and Art. 49(2)"},
		{map[string]string{"gpai": "yes", "gpai_systemic": "flops"}, "notifies the Commission within two weeks (Art. 52(1))"},
		{map[string]string{"gpai": "yes", "gpai_open_source": "yes"}, "Art. 53(2) and Art. 54(6)"},
	} {
		r, err := euact.Evaluate(base(c.answers))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(r.Reasoning, "\n"), c.line) {
			t.Errorf("%v: reasoning lacks %q:\n%s", c.answers, c.line, strings.Join(r.Reasoning, "\n"))
		}
	}
}
