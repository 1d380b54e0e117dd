package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/euact"
)

// screeningForm answers every question for a CV-screening system (Annex III 4(a), profiling) as the
// classification form posts them, with the version it replaces.
func screeningForm(version int64) url.Values {
	f := url.Values{"version": {fmt.Sprint(version)}}
	for k, v := range map[string]string{"scope_military": "no", "scope_research": "no", "scope_open_source": "no", "scope_personal": "no",
		"prohibited_intimate": "no", "annex_i_section": "none", "annex_iii_area": "4", "annex_iii_point_4": "a", "derogation_risk": "yes",
		"derogation_a": "yes", "derogation_b": "no", "derogation_c": "no", "derogation_d": "no", "profiling": "yes", "deployer_type": "private", "transparency_interacts": "no", "transparency_synthetic": "no",
		"transparency_emotion": "no", "transparency_deepfake": "no", "gpai": "no"} {
		f.Set(k, v)
	}
	for _, l := range "abcdefgh" {
		f.Set("prohibited_"+string(l), "no")
	}
	return f
}

// prepareClassification fills in the matrix's request for the classification routes: a fresh system of
// target, and for the POST a complete set of answers.
func prepareClassification(t *testing.T, f *apptest.Fixture, r *matrixRequest, route string, target *account.Organization) {
	t.Helper()
	if route != "GET /systems/{id}/classification" && route != "POST /systems/{id}/classification" {
		return
	}
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: target.ID})
	s, err := f.Systems.Create(ctx, target.ID, system.Fields{Name: "Matrix system " + aims.NewID(), Purpose: "Matrix.", EURole: "provider"})
	if err != nil {
		t.Fatal(err)
	}
	r.path = "/systems/" + s.ID + "/classification"
	if r.method == http.MethodPost {
		r.form = screeningForm(0)
		r.okLocation = r.path
	}
}

func TestClassifyingASystemThroughTheUI(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "lumen")
	priya := newUser(t, f, "priya@lumen.example", org, aims.RoleContributor)
	viewer := newUser(t, f, "vic@lumen.example", org, aims.RoleViewer)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: org.ID})
	s, err := f.Systems.Create(ctx, org.ID, system.Fields{Name: "TalentMatch", Purpose: "Ranks CVs.", EURole: "provider"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Systems.Create(ctx, org.ID, system.Fields{Name: "Lumen Code", Purpose: "Suggests code."}); err != nil {
		t.Fatal(err)
	}
	b := browserAs(t, f, priya, org)
	path := "/systems/" + s.ID + "/classification"

	p := b.get("/systems/" + s.ID)
	expect(t, p, http.StatusOK, "")
	if !strings.Contains(p.Body, `<a href="`+path+`">Classify</a>`) {
		t.Errorf("the system page does not offer to classify it:\n%s", excerpt(p))
	}
	p = b.get(path)
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "Not classified", "Step 1. Scope", "Step 2. Prohibited practices", "Step 8. General-purpose AI models",
		"Art. 5(1)(h)", "Answer only if the answer at Art. 6(2), Annex III is “4. Employment", "Save the classification")

	t.Run("an unanswered question is refused beside it with the answers kept", func(t *testing.T) {
		before := activityCount(t, f, org.ID)
		form := screeningForm(0)
		form.Del("profiling")
		p := b.post(path, form)
		expect(t, p, http.StatusBadRequest, "")
		if !strings.Contains(p.Body, `<p id="q-profiling-error" class="field-error">Answer this question`) ||
			!strings.Contains(p.Body, `id="q-derogation_a-yes" name="derogation_a" value="yes" checked`) ||
			!strings.Contains(p.Body, `id="q-annex_iii_area-4" name="annex_iii_area" value="4" checked`) {
			t.Errorf("the error is not beside the question, or the answers were lost:\n%s", excerpt(p))
		}
		if activityCount(t, f, org.ID) != before {
			t.Error("a refused classification changed something")
		}
	})
	t.Run("a class contradicting the answers is refused without a justification", func(t *testing.T) {
		before := activityCount(t, f, org.ID)
		form := screeningForm(0)
		form.Set("class", "minimal")
		p := b.post(path, form)
		expect(t, p, http.StatusBadRequest, "")
		mustContain(t, p, "The answers make the system High-risk, not Minimal risk: say why the class differs, or change the answers.",
			"What these answers give")
		if !strings.Contains(p.Body, `<p id="cls-justification-error" class="field-error">`) || !strings.Contains(p.Body, `<option value="minimal" selected>`) {
			t.Errorf("the error is not beside the justification, or the class was lost:\n%s", excerpt(p))
		}
		if activityCount(t, f, org.ID) != before {
			t.Error("a refused classification changed something")
		}
	})

	p = b.post(path, screeningForm(0))
	expect(t, p, http.StatusSeeOther, path)
	p = b.get(path)
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "The classification is saved: High-risk.", "High-risk", "Annex III, point 4(a)",
		"the system profiles natural persons, so it is high-risk even though condition (a) of Art. 6(3) was answered yes",
		"Obligations", "Art. 9", "2027-12-02", "Run a risk management system")
	if !strings.Contains(p.Body, `<input type="hidden" name="version" value="1">`) {
		t.Errorf("the form does not carry version 1:\n%s", excerpt(p))
	}

	t.Run("the organization's date set dates the obligations", func(t *testing.T) {
		owner := newUser(t, f, "olga@lumen.example", org, aims.RoleOwner)
		ob := browserAs(t, f, owner, org)
		expect(t, ob.post("/context/ai-roles", url.Values{"eu_dates": {"published"}, "version": {"1"}}), http.StatusSeeOther, "/context/ai-roles")
		p := b.get(path)
		mustContain(t, p, "2026-08-02", "As published", "The amended EU AI Act dates are in force")
	})

	t.Run("a stale version is refused with the answers kept", func(t *testing.T) {
		p := b.post(path, screeningForm(0)) // 0 is "any"; 7 is stale
		expect(t, p, http.StatusSeeOther, path)
		form := screeningForm(7)
		p = b.post(path, form)
		expect(t, p, http.StatusPreconditionFailed, "")
		mustContain(t, p, "Someone else saved a classification of this system")
	})

	form := screeningForm(2)
	form.Set("class", "minimal")
	form.Set("override_justification", "Advisory ranking only; people read every CV.")
	expect(t, b.post(path, form), http.StatusSeeOther, path)
	p = b.get(path)
	mustContain(t, p, "Minimal risk", "Overridden: the answers give High-risk", "Advisory ranking only; people read every CV.")
	p = b.get("/systems/" + s.ID)
	mustContain(t, p, "Minimal risk (overridden)")
	if !strings.Contains(p.Body, `<a href="`+path+`">Classification</a>`) {
		t.Errorf("the system page does not link its classification:\n%s", excerpt(p))
	}
	hist, err := f.Systems.ClassificationHistory(f.Ctx, org.ID, s.ID)
	if err != nil || len(hist) != 3 || hist[0].ClassifiedBy != priya.ID {
		t.Fatalf("history %v, %v", hist, err)
	}

	p = b.get("/systems?risk_class=minimal")
	mustContain(t, p, "TalentMatch")
	if strings.Contains(p.Body, "Lumen Code") {
		t.Error("the risk class filter kept an unclassified system")
	}
	p = b.get("/systems?risk_class=unclassified")
	mustContain(t, p, "Lumen Code")
	if strings.Contains(p.Body, ">TalentMatch<") {
		t.Error("the unclassified filter kept a classified system")
	}

	vb := browserAs(t, f, viewer, org)
	p = vb.get(path)
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "Contributors and above classify AI systems.")
	expect(t, vb.post(path, screeningForm(3)), http.StatusForbidden, "")

	t.Run("several areas are ticked, and none of an area's uses is an answer", func(t *testing.T) {
		form := screeningForm(3)
		form["annex_iii_area"] = []string{"5", "4"}
		form.Set("annex_iii_point_5", "none")
		expect(t, b.post(path, form), http.StatusSeeOther, path)
		p := b.get(path)
		for _, want := range []string{`id="q-annex_iii_area-4" name="annex_iii_area" value="4" checked`,
			`id="q-annex_iii_area-5" name="annex_iii_area" value="5" checked`, `<option value="none" selected>None of these uses</option>`} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("the saved form lacks %s:\n%s", want, excerpt(p))
			}
		}
		if strings.Contains(p.Body, `value="none" checked`) {
			t.Error("the saved form ticks “None of these areas” as well")
		}
		c, err := f.Systems.Classification(f.Ctx, org.ID, s.ID)
		if err != nil || c.Answers["annex_iii_area"] != "4,5" || c.Class != "high_risk" || len(c.Result.AnnexIIIPoints) != 1 {
			t.Fatalf("saved %+v, %v", c, err)
		}

		before := activityCount(t, f, org.ID)
		form = screeningForm(4)
		form["annex_iii_area"] = []string{"none", "4"}
		p = b.post(path, form)
		expect(t, p, http.StatusBadRequest, "")
		if !strings.Contains(p.Body, `<p id="q-annex_iii_area-error" class="field-error">`) {
			t.Errorf("“none” with an area is not refused beside the question:\n%s", excerpt(p))
		}
		if activityCount(t, f, org.ID) != before {
			t.Error("a refused classification changed something")
		}
	})
}

// TestAClassificationSavedWithEarlierQuestionsSaysSo: a classification saved before the questionnaire was
// corrected (it answers a question no longer asked, and none of the new ones) is shown with its saved
// result and a notice to answer again; once saved with today's questions the notice is gone.
func TestAClassificationSavedWithEarlierQuestionsSaysSo(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "lumen")
	priya := newUser(t, f, "priya@lumen.example", org, aims.RoleContributor)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: org.ID})
	s, err := f.Systems.Create(ctx, org.ID, system.Fields{Name: "TalentMatch", Purpose: "Ranks CVs.", EURole: "deployer"})
	if err != nil {
		t.Fatal(err)
	}
	old := &system.Classification{SystemID: s.ID, OrgID: org.ID, Class: "high_risk", ClassifiedBy: priya.ID,
		Answers: map[string]string{"scope_military": "no", "scope_research": "no", "scope_personal": "no", "annex_i_product": "no",
			"annex_iii_area": "4", "annex_iii_point_4": "a", "profiling": "yes"},
		Result: euact.Result{Class: "high_risk", AnnexIIIArea: "4", AnnexIIIPoint: "4(a)", AnnexIII: true, Profiling: true,
			Reasoning: []string{"Saved under the earlier questionnaire."}}}
	if err := f.DB.SaveClassification(ctx, old, 0); err != nil {
		t.Fatal(err)
	}
	b := browserAs(t, f, priya, org)
	path := "/systems/" + s.ID + "/classification"
	p := b.get(path)
	expect(t, p, http.StatusOK, "")
	if !strings.Contains(p.Body, `id="outdated-notice"`) {
		t.Errorf("no notice:\n%s", excerpt(p))
	}
	mustContain(t, p, "saved with an earlier version of the questionnaire", "Saved under the earlier questionnaire.",
		"Art. 26")
	form := screeningForm(1)
	form.Set("derogation_risk", "no")
	for _, k := range []string{"derogation_a", "derogation_b", "derogation_c", "derogation_d"} {
		form.Del(k)
	}
	expect(t, b.post(path, form), http.StatusSeeOther, path)
	p = b.get(path)
	if strings.Contains(p.Body, `id="outdated-notice"`) {
		t.Errorf("the notice stays after saving with today's questions:\n%s", excerpt(p))
	}
	mustContain(t, p, "Art. 26")
}
