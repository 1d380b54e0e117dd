package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/euact"
)

// screening answers every question for a CV-screening system deployed by a private company: Annex III
// 4(a), a preparatory task (Art. 6(3)(d)) but profiling, so high-risk.
func screening() map[string]string {
	a := map[string]string{"scope_military": "no", "scope_research": "no", "scope_open_source": "no", "scope_personal": "no",
		"prohibited_intimate": "no", "annex_i_section": "none", "annex_iii_area": "4", "annex_iii_point_4": "a", "derogation_risk": "yes",
		"derogation_a": "no", "derogation_b": "no", "derogation_c": "no", "derogation_d": "yes", "profiling": "yes", "deployer_type": "private",
		"transparency_interacts": "no", "transparency_synthetic": "no", "transparency_emotion": "no", "transparency_deepfake": "no", "gpai": "no"}
	for _, l := range "abcdefgh" {
		a["prohibited_"+string(l)] = "no"
	}
	return a
}

type obligationsBody struct {
	Class          string
	Classified     bool
	DateSet        string `json:"date_set"`
	DateSetInForce bool   `json:"date_set_in_force"`
	Outdated       bool
	Obligations    []struct {
		Article     string
		AppliesFrom string `json:"applies_from"`
	}
}

func TestSystemsAreClassifiedWithReasonsOverridesAndHistory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, other := e.org(t, "acme"), e.org(t, "other")
	owner := e.member(t, acme, aims.RoleOwner)
	alice := e.member(t, acme, aims.RoleContributor)
	stranger := e.member(t, other, aims.RoleOwner)
	s, err := e.Systems.Create(e.Ctx, acme.ID, system.Fields{Name: "TalentMatch", Purpose: "Ranks CVs.", EURole: "deployer"})
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/systems/" + s.ID + "/classification"

	e.do(t, "GET", path, alice.Token, nil).wantProblem(t, 404, "not_found", "")
	var ob obligationsBody
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/obligations", alice.Token, nil).want(t, 200).decode(t, &ob)
	if ob.Classified || len(ob.Obligations) != 0 {
		t.Fatalf("obligations before classification: %+v", ob)
	}

	for _, tc := range []struct {
		name    string
		body    map[string]any
		header  []string
		status  int
		code    string
		field   string
		offSpec bool
	}{
		{"no answers is 400 on answers", map[string]any{"class": "minimal"}, nil, 400, "invalid", "answers", true},
		{"an unknown question is 400 on its key", map[string]any{"answers": map[string]string{"annex_xx": "yes"}}, nil, 400, "invalid", "annex_xx", false},
		{"an invalid answer is 400 on its key", map[string]any{"answers": map[string]string{"scope_military": "perhaps"}}, nil, 400, "invalid", "scope_military", false},
		{"a question left unanswered is 400 on its key", map[string]any{"answers": map[string]string{"scope_military": "no"}}, nil, 400, "invalid", "scope_research", false},
		{"a contradicting class without justification is 400", map[string]any{"answers": screening(), "class": "minimal"}, nil, 400, "invalid", "override_justification", false},
		{"an If-Match before any classification is 412", map[string]any{"answers": screening()}, []string{"If-Match", `"1"`}, 412, "precondition", "", false},
		{"another organization gets 404", map[string]any{"answers": screening()}, nil, 404, "not_found", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := alice.Token
			if tc.status == 404 {
				tok = stranger.Token
			}
			before := e.counts(t, acme, other)
			h := map[string][]string{}
			for i := 0; i+1 < len(tc.header); i += 2 {
				h[tc.header[i]] = []string{tc.header[i+1]}
			}
			e.send(t, call{method: "PUT", path: path, token: tok, body: tc.body, header: h, offContract: tc.offSpec}).
				wantProblem(t, tc.status, tc.code, tc.field)
			e.unchanged(t, before)
		})
	}

	res := e.do(t, "PUT", path, alice.Token, map[string]any{"answers": screening()}).want(t, 200)
	var c system.Classification
	res.decode(t, &c)
	if c.Class != "high_risk" || c.Override || c.Version != 1 || res.header.Get("ETag") != `"1"` || c.Result.AnnexIIIPoint != "4(a)" ||
		c.ClassifiedBy != alice.User.ID {
		t.Fatalf("first classification %+v", c)
	}
	if !strings.Contains(strings.Join(c.Result.Reasoning, "\n"), "profiles natural persons, so it is high-risk even though condition (d)") {
		t.Errorf("reasoning: %q", c.Result.Reasoning)
	}

	var got system.System
	e.do(t, "GET", "/api/v1/systems/"+s.ID, alice.Token, nil).want(t, 200).decode(t, &got)
	if got.RiskClass != "high_risk" || got.Version != s.Version {
		t.Errorf("the system after classification: risk class %q, version %d (was %d)", got.RiskClass, got.Version, s.Version)
	}

	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/obligations", alice.Token, nil).want(t, 200).decode(t, &ob)
	if ob.Class != "high_risk" || ob.DateSet != "amended" || !ob.DateSetInForce || len(ob.Obligations) != 7 || ob.Obligations[4].Article != "26" ||
		ob.Obligations[4].AppliesFrom != "2027-12-02" {
		t.Fatalf("obligations under the amended dates, a new organization's: %+v", ob)
	}
	e.do(t, "PUT", "/api/v1/context/ai-roles", owner.Token, map[string]any{"ai_roles": []string{}, "eu_roles": []string{"deployer"}, "eu_dates": "published"}).want(t, 200)
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/obligations", alice.Token, nil).want(t, 200).decode(t, &ob)
	if ob.DateSet != "published" || ob.DateSetInForce || ob.Obligations[4].Article != "26" || ob.Obligations[4].AppliesFrom != "2026-08-02" {
		t.Fatalf("obligations under the published dates: %+v", ob)
	}

	e.do(t, "PUT", path, alice.Token, map[string]any{"answers": screening(), "class": "minimal", "override_justification": "Advisory only."},
		"If-Match", `"2"`).wantProblem(t, 412, "precondition", "")
	res = e.do(t, "PUT", path, alice.Token, map[string]any{"answers": screening(), "class": "minimal", "override_justification": "Advisory only."},
		"If-Match", `"1"`).want(t, 200)
	res.decode(t, &c)
	if c.Class != "minimal" || !c.Override || c.Result.Class != "high_risk" || c.Version != 2 || c.Justification != "Advisory only." {
		t.Fatalf("overridden classification %+v", c)
	}
	e.do(t, "GET", path, stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", path+"/history", stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/obligations", stranger.Token, nil).wantProblem(t, 404, "not_found", "")

	var h struct{ Items []system.Classification }
	e.do(t, "GET", path+"/history", owner.Token, nil).want(t, 200).decode(t, &h)
	if len(h.Items) != 2 || h.Items[0].Version != 2 || h.Items[0].Class != "minimal" || h.Items[1].Class != "high_risk" {
		t.Fatalf("history: %+v", h.Items)
	}
	e.do(t, "GET", path, owner.Token, nil).want(t, 200).decode(t, &c)
	if c.Version != 2 || c.Answers["annex_iii_point_4"] != "a" {
		t.Fatalf("current: %+v", c)
	}

	// The inventory is filtered by risk class.
	if _, err := e.Systems.Create(e.Ctx, acme.ID, system.Fields{Name: "Unclassified", Purpose: "x"}); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{"minimal": "TalentMatch", "unclassified": "Unclassified", "high_risk": ""} {
		var l systemList
		e.do(t, "GET", "/api/v1/systems?risk_class="+q, alice.Token, nil).want(t, 200).decode(t, &l)
		got := ""
		for _, s := range l.Items {
			got += s.Name
		}
		if got != want {
			t.Errorf("risk_class=%s: %q, want %q", q, got, want)
		}
	}
	e.send(t, call{method: "GET", path: "/api/v1/systems?risk_class=limited", token: alice.Token, offContract: true}).
		wantProblem(t, 400, "invalid", "risk_class")

	var q struct {
		Steps     []struct{ Key string }
		Questions []struct {
			Key, Type string
			Options   []struct{ Value string }
		}
	}
	e.do(t, "GET", "/api/v1/eu-ai-act/questionnaire", alice.Token, nil).want(t, 200).decode(t, &q)
	if len(q.Steps) != 8 || q.Questions[len(q.Questions)-2].Key != "gpai_systemic" || len(q.Questions[len(q.Questions)-2].Options) != 4 {
		t.Fatalf("questionnaire: %+v", q)
	}
	for _, x := range q.Questions {
		if x.Key == "annex_iii_area" && (x.Type != "multi" || len(x.Options) != 9) {
			t.Errorf("the Annex III areas: %+v, want several answers among none and 8 areas", x)
		}
	}

	// Several Annex III areas are one comma-separated answer; none with an area is refused on the question.
	multi := screening()
	multi["annex_iii_area"], multi["annex_iii_point_5"] = "5, 4", "b"
	e.do(t, "PUT", path, owner.Token, map[string]any{"answers": multi}).want(t, 200).decode(t, &c)
	if c.Answers["annex_iii_area"] != "4,5" || strings.Join(c.Result.AnnexIIIPoints, " ") != "4(a) 5(b)" {
		t.Errorf("two areas: answers %v, points %v", c.Answers, c.Result.AnnexIIIPoints)
	}
	multi["annex_iii_area"] = "none,4"
	e.do(t, "PUT", path, owner.Token, map[string]any{"answers": multi}).wantProblem(t, 400, "invalid", "annex_iii_area")
}

// TestAnOutdatedClassificationIsMarked: a classification saved with the questionnaire's earlier questions
// (one no longer asked, none of the new ones) reads with outdated true, keeps its obligations from the
// saved result, and loses the mark once saved again with today's questions.
func TestAnOutdatedClassificationIsMarked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	alice := e.member(t, acme, aims.RoleContributor)
	s, err := e.Systems.Create(e.Ctx, acme.ID, system.Fields{Name: "TalentMatch", Purpose: "Ranks CVs.", EURole: "deployer"})
	if err != nil {
		t.Fatal(err)
	}
	old := &system.Classification{SystemID: s.ID, OrgID: acme.ID, Class: "high_risk", ClassifiedBy: alice.User.ID,
		Answers: map[string]string{"scope_military": "no", "annex_i_product": "no", "annex_iii_area": "4", "annex_iii_point_4": "a"},
		Result:  euact.Result{Class: "high_risk", AnnexIIIPoint: "4(a)", AnnexIII: true, Reasoning: []string{"Earlier."}}}
	if err := e.DB.SaveClassification(e.Ctx, old, 0); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/systems/" + s.ID + "/classification"
	var got struct {
		Outdated bool
		Version  int64
	}
	e.do(t, "GET", path, alice.Token, nil).want(t, 200).decode(t, &got)
	if !got.Outdated || got.Version != 1 {
		t.Fatalf("the earlier classification reads %+v, want outdated version 1", got)
	}
	var ob obligationsBody
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/obligations", alice.Token, nil).want(t, 200).decode(t, &ob)
	if !ob.Outdated || !strings.Contains(fmt.Sprint(ob.Obligations), "26") {
		t.Errorf("the outdated high-risk classification lost the deployer's obligations: %+v", ob)
	}
	e.do(t, "PUT", path, alice.Token, map[string]any{"answers": screening()}, "If-Match", `"1"`).want(t, 200).decode(t, &got)
	if got.Outdated || got.Version != 2 {
		t.Fatalf("saved with today's questions it reads %+v", got)
	}
}
