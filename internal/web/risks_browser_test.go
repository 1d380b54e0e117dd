package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/system"
)

// TestBrowserRiskTreatmentAcceptanceAndSoA drives headless Chromium through the risk journey: the AIMS
// manager registers a high risk of Lumen Assist treated by modifying it, sees the SoA's checks list it
// (no control, no acceptance), links the control its treatment selects from the risk page, accepts what
// is left, sees both checks cleared and the control's risk count on the SoA, then starts Lumen Assist's
// impact assessment with the risk as the mitigation of its impact and signs it off. Screenshots at
// desktop and phone widths are kept in AIMS_SCREENSHOT_DIR; any console error fails the test.
func TestBrowserRiskTreatmentAcceptanceSoAAndImpact(t *testing.T) {
	exe := requireChromium(t)
	t.Parallel()

	f := apptest.New(t)
	lumen := f.Org(t, "lumen-labs")
	maya := f.User(t, "maya@lumen.example", lumen, aims.RoleOwner)
	ctx0 := f.Member(t, maya, lumen)
	if _, err := f.Controls.UpdateProfile(ctx0, lumen.ID, control.ProfileUpdate{AIRoles: []string{"ai_provider", "ai_producer"},
		EURoles: []string{"provider"}, EUDates: control.DatesAmended}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Controls.ApplyProposals(ctx0, lumen.ID); err != nil {
		t.Fatal(err)
	}
	assist, err := f.Systems.Create(ctx0, lumen.ID, system.Fields{Name: "Lumen Assist", Purpose: "Answers customers' questions about their orders.",
		Stage: "deployment", InteractsWithPeople: true})
	if err != nil {
		t.Fatal(err)
	}

	b := newChrome(t, exe, 1360, 900, 60*time.Second)
	step, textOf, shot := b.step, b.text, b.shot
	base := f.Srv.URL
	step("log in and open the form of a new risk",
		chromedp.Navigate(base+"/risks/new"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "maya@lumen.example"),
		chromedp.SendKeys(chromedp.CSS(`#password`), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#rk-title`)),
	)
	step("register a high risk, treated by modifying it",
		chromedp.SendKeys(chromedp.CSS(`#rk-title`), "Chatbot discloses another customer's orders"),
		chromedp.SetValue(chromedp.CSS(`#rk-system`), assist.ID),
		chromedp.SetValue(chromedp.CSS(`#rk-source`), "C.3.4"),
		chromedp.SetValue(chromedp.CSS(`#rk-inherent-likelihood`), "4"),
		chromedp.SetValue(chromedp.CSS(`#rk-inherent-individuals`), "4"),
		chromedp.SetValue(chromedp.CSS(`#rk-residual-likelihood`), "2"),
		chromedp.SetValue(chromedp.CSS(`#rk-residual-individuals`), "4"),
		chromedp.SetValue(chromedp.CSS(`#rk-treatment`), "modify"),
		chromedp.SendKeys(chromedp.CSS(`#rk-plan`), "Scope every answer to the asking customer's records; red-team each release."),
		chromedp.Click(chromedp.CSS(`form[action="/risks"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#risk-acceptance-title`)),
	)
	if got := textOf(`#acceptance`); !strings.Contains(got, "Not accepted") || !strings.Contains(got, "accepted by a manager or above") {
		t.Errorf("the acceptance card of a new risk says %q", got)
	}
	riskURL, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}

	step("open the SoA", chromedp.Navigate(base+"/soa"), chromedp.WaitVisible(chromedp.CSS(`#checks`)))
	checks := textOf(`#checks`)
	for _, want := range []string{"1 risks above the acceptable level without a treatment or an acceptance.", "1 treatments that select no control."} {
		if !strings.Contains(checks, want) {
			t.Errorf("the SoA's checks do not say %q: %s", want, checks)
		}
	}
	shot("risk-soa-checks")

	step("find control A.6.2.4 from the risk page",
		chromedp.Navigate(riskURL),
		chromedp.WaitVisible(chromedp.CSS(`#rl-type`)),
		chromedp.SetValue(chromedp.CSS(`#rl-type`), "control"),
		chromedp.SendKeys(chromedp.CSS(`#rl-find`), "A.6.2.4"),
		chromedp.Click(chromedp.CSS(`form[role=search] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#rl-relationship`)),
	)
	step("link it as treating the risk",
		chromedp.SetValue(chromedp.CSS(`#rl-relationship`), "treats:to"),
		chromedp.Click(chromedp.CSS(`form[action="/links"] button[type=submit]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#rl-relationship`)),
		chromedp.WaitVisible(chromedp.CSS(`#accept-note`)),
	)
	if got := textOf(`main`); !strings.Contains(got, "Control A.6.2.4 AI system verification and validation treats Risk R-1") {
		t.Errorf("the risk page does not show A.6.2.4 treating it:\n%s", got)
	}
	step("accept what is left",
		chromedp.SendKeys(chromedp.CSS(`#accept-note`), "Scoped answers; the residual medium risk is tolerable."),
		chromedp.Click(chromedp.CSS(`form[action$="/accept"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#acceptance .badge-ready`)),
	)
	if got := textOf(`#acceptance`); !strings.Contains(got, "Accepted at level medium by") || !strings.Contains(got, "version 1 of the criteria") {
		t.Errorf("the acceptance card after accepting says %q", got)
	}
	shot("risk-accepted")
	step("look at the accepted risk on a phone", chromedp.EmulateViewport(390, 844), chromedp.ScrollIntoView(chromedp.CSS(`#acceptance`)))
	shot("risk-accepted-phone")

	step("open the SoA again", chromedp.EmulateViewport(1360, 900), chromedp.Navigate(base+"/soa"), chromedp.WaitVisible(chromedp.CSS(`#checks`)))
	if checks := textOf(`#checks`); strings.Contains(checks, "without a treatment or an acceptance") || strings.Contains(checks, "select no control") {
		t.Errorf("the risk checks are not cleared: %s", checks)
	}
	risks, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll(".soa-table tr")].filter(r => r.querySelector(".ref") && r.querySelector(".ref").textContent.trim() == "A.6.2.4").map(r => r.querySelector("a[href^='/risks?control']").textContent.trim()).join()`))
	if err != nil || risks != "1" {
		t.Errorf("A.6.2.4's risk count on the SoA: %q, %v", risks, err)
	}
	shot("risk-soa-cleared")
	step("look at the comparison with Annex A on a phone", chromedp.EmulateViewport(390, 844), chromedp.ScrollIntoView(chromedp.CSS(`#comparison`)))
	shot("risk-soa-comparison-phone")

	step("start Lumen Assist's impact assessment",
		chromedp.EmulateViewport(1360, 900),
		chromedp.Navigate(base+"/systems/"+assist.ID+"/impact/edit"),
		chromedp.WaitVisible(chromedp.CSS(`#ia-scope`)),
		chromedp.SendKeys(chromedp.CSS(`#ia-scope`), "Lumen Assist as deployed to customers in the EU."),
		chromedp.SendKeys(chromedp.CSS(`#ia-party-0`), "Customers"),
		chromedp.SetValue(chromedp.CSS(`#ia-area-0`), "fundamental_rights"),
		chromedp.SendKeys(chromedp.CSS(`#ia-on-0`), "Customers"),
		chromedp.SetValue(chromedp.CSS(`#ia-lik-0`), "2"),
		chromedp.SetValue(chromedp.CSS(`#ia-sev-0`), "3"),
		chromedp.SendKeys(chromedp.CSS(`#ia-desc-0`), "A customer's order history is shown to another customer: their privacy is breached."),
		chromedp.SendKeys(chromedp.CSS(`#ia-mit-0`), "risk:R-1"),
		chromedp.Click(chromedp.CSS(`form[action$="/impact"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/impact/approve"] button`)),
	)
	if got := textOf("main"); !strings.Contains(got, "R-1 Chatbot discloses another customer's orders") {
		t.Errorf("the draft assessment does not name the risk that mitigates its impact:\n%s", got)
	}
	step("sign it off",
		chromedp.Click(chromedp.CSS(`form[action$="/impact/approve"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/impact/approve"]`)),
	)
	if got := textOf("main"); !strings.Contains(got, "Approved by maya@lumen.example") || !strings.Contains(got, "in force") {
		t.Errorf("the signed-off assessment says:\n%.1500s", got)
	}
	shot("impact-approved")
	step("look at the assessment on a phone", chromedp.EmulateViewport(390, 844))
	shot("impact-approved-phone")
	b.checkConsole()
}
