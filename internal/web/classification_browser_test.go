package web_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/system"
)

// TestBrowserClassifyAsAPrivateDeployer drives headless Chromium through the questionnaire as a
// contributor of a private company that deploys a bought CV-screening system: it ticks two Annex III
// areas (employment, and essential services, where none of the listed uses fits), answers the rest, and
// sees the class high-risk with the deployer's duties of Art. 26, but neither the fundamental rights
// impact assessment of Art. 27 (public bodies, public services and Annex III 5(b)/(c) only) nor any
// provider duty. Screenshots are kept at desktop and phone widths.
func TestBrowserClassifyAsAPrivateDeployer(t *testing.T) {
	exe := requireChromium(t)
	t.Parallel()

	f := apptest.New(t)
	acme := f.Org(t, "acme-retail")
	f.User(t, "omar@acme.example", acme, aims.RoleContributor)
	s, err := f.Systems.Create(f.Ctx, acme.ID, system.Fields{Name: "CV screener", Purpose: "Ranks job applications for our recruiters.",
		EURole: "deployer"})
	if err != nil {
		t.Fatal(err)
	}

	b := newChrome(t, exe, 1360, 900, 60*time.Second)
	ctx, step, textOf, shot := b.ctx, b.step, b.text, b.shot
	step("log in as a contributor and open the classification",
		chromedp.Navigate(f.Srv.URL+"/systems/"+s.ID+"/classification"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "omar@acme.example"),
		chromedp.SendKeys(chromedp.CSS(`#password`), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#questions-title`)),
	)
	// Only the questions that the answers so far ask are shown: no use of an area before the area is
	// ticked, no Art. 6(3) step before an Annex III area, and nothing after a scope exclusion.
	shown := func() string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`["#q-annex_iii_point_4", "#q-annex_iii_point_5", "#step-derogation",
			"#step-deployer", "#q-prohibited_a", "#q-gpai_systemic"].map(s => s + "=" + !document.querySelector(s).hidden)`))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(got, " ")
	}
	if got, want := shown(), "#q-annex_iii_point_4=false #q-annex_iii_point_5=false #step-derogation=false #step-deployer=false #q-prohibited_a=true #q-gpai_systemic=false"; got != want {
		t.Errorf("before any answer the questionnaire shows %s, want %s", got, want)
	}
	step("answer that the system is only for military purposes", chromedp.Click(chromedp.CSS(`#q-scope_military-yes`)))
	if got, want := shown(), "#q-annex_iii_point_4=false #q-annex_iii_point_5=false #step-derogation=false #step-deployer=false #q-prohibited_a=false #q-gpai_systemic=false"; got != want {
		t.Errorf("after a scope exclusion the questionnaire shows %s, want %s", got, want)
	}
	step("take it back, and tick area 4", chromedp.Click(chromedp.CSS(`#q-scope_military-no`)), chromedp.Click(chromedp.CSS(`#q-annex_iii_area-4`)))
	if got, want := shown(), "#q-annex_iii_point_4=true #q-annex_iii_point_5=false #step-derogation=true #step-deployer=true #q-prohibited_a=true #q-gpai_systemic=false"; got != want {
		t.Errorf("with area 4 ticked the questionnaire shows %s, want %s", got, want)
	}
	answers := []chromedp.Action[chromedp.Void]{
		chromedp.SetValue(chromedp.CSS(`#q-annex_i_section-select`), "none"),
		chromedp.Click(chromedp.CSS(`#q-annex_iii_area-5`)),
		chromedp.SetValue(chromedp.CSS(`#q-annex_iii_point_4-select`), "a"),
		chromedp.SetValue(chromedp.CSS(`#q-annex_iii_point_5-select`), "none"),
		chromedp.Click(chromedp.CSS(`#q-profiling-yes`)),
		chromedp.SetValue(chromedp.CSS(`#q-deployer_type-select`), "private"),
	}
	answers = append(answers, clickNo(cvScreenerNos)...)
	step("answer the questionnaire", answers...)
	shot("classification-deployer-answers")
	step("save the class the answers give",
		chromedp.Click(chromedp.CSS(`form[action$="/classification"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#obligations-title`)),
	)
	if got := textOf(`#risk-class`); got != "High-risk" {
		t.Errorf("the recorded class is %q, want High-risk", got)
	}
	if got := textOf(`section[aria-labelledby="result-title"]`); !strings.Contains(got, "Annex III, point 4(a)") {
		t.Errorf("the reasoning does not name point 4(a):\n%s", got)
	}
	arts, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('section[aria-labelledby="obligations-title"] tbody tr td:first-child')).map(e => e.firstChild.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(arts, "Art. 26") {
		t.Errorf("a private deployer of a high-risk system is not shown Art. 26; the obligations are %q", arts)
	}
	for _, a := range arts {
		if a == "Art. 27" || a == "Art. 9" || a == "Art. 16" || strings.HasPrefix(a, "Art. 49") || strings.HasPrefix(a, "Art. 50") {
			t.Errorf("a private deployer of a CV screener is shown %s; the obligations are %q", a, arts)
		}
	}
	// The answers are kept as given: both areas ticked, the point of area 5 "none".
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[
		String(document.querySelector("#q-annex_iii_area-4").checked),
		String(document.querySelector("#q-annex_iii_area-5").checked),
		String(document.querySelector("#q-annex_iii_area-none").checked),
		document.querySelector("#q-annex_iii_point_5-select").value,
		document.querySelector("#q-deployer_type-select").value]`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "true true false none private"; strings.Join(kept, " ") != want {
		t.Errorf("the saved form shows (area 4, area 5, no area, point 5, deployer) %q, want %q", kept, want)
	}
	shot("classification-deployer")
	step("look at the obligations on a phone",
		chromedp.EmulateViewport(390, 844),
		chromedp.ScrollIntoView(chromedp.CSS(`#obligations-title`)),
	)
	shot("classification-deployer-phone")
}

// cvScreenerNos are the yes/no questions a CV screener answers no: it is in scope, no practice of Art. 5,
// no claim that it poses no significant risk (so no condition of Art. 6(3) is asked), no Art. 50 duty,
// not a GPAI model.
var cvScreenerNos = []string{"scope_military", "scope_research", "scope_open_source", "scope_personal",
	"prohibited_a", "prohibited_b", "prohibited_intimate", "prohibited_c", "prohibited_d", "prohibited_e", "prohibited_f",
	"prohibited_g", "prohibited_h", "derogation_risk",
	"transparency_interacts", "transparency_synthetic", "transparency_emotion", "transparency_deepfake", "gpai"}

// clickNo answers no to each of the questionnaire's questions keys.
func clickNo(keys []string) []chromedp.Action[chromedp.Void] {
	var out []chromedp.Action[chromedp.Void]
	for _, q := range keys {
		out = append(out, chromedp.Click(chromedp.CSS(`#q-`+q+`-no`)))
	}
	return out
}
