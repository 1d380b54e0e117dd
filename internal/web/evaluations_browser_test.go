package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/evaluation"
)

// TestBrowserEvaluations drives headless Chromium through the demo's evaluations: Lumen Assist meets its
// criteria and draws its trends; its January red team's failing cases are folded under a content warning
// and open on a click; TalentMatch does not meet its criteria. Screenshots at desktop and phone widths are
// kept in AIMS_SCREENSHOT_DIR; any console error fails the test.
func TestBrowserEvaluations(t *testing.T) {
	exe := requireChromium(t)
	t.Parallel()
	f, org, owner := demoFixture(t)
	runs, _, err := f.Evaluations.List(f.Ctx, org.ID, evaluation.Filter{Tool: "promptfoo"}, aims.Page{})
	if err != nil || len(runs) != 2 {
		t.Fatalf("the demo's promptfoo runs: %d, %v", len(runs), err)
	}
	jan, assist := runs[1], runs[1].SystemID
	tm, _, err := f.Evaluations.List(f.Ctx, org.ID, evaluation.Filter{Tool: "lm-eval"}, aims.Page{})
	if err != nil || len(tm) != 1 {
		t.Fatalf("the demo's lm-eval runs: %d, %v", len(tm), err)
	}

	b := newChrome(t, exe, 1360, 900, 60*time.Second)
	base := f.Srv.URL
	b.step("log in and open Lumen Assist's evaluations",
		chromedp.Navigate(base+"/systems/"+assist+"/evaluations"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), owner.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), demo.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#standing-title`)),
	)
	if got := b.text(`#standing-title`); !strings.Contains(got, "met") || strings.Contains(got, "not met") {
		t.Errorf("Lumen Assist's standing: %q", got)
	}
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.trend-chart polyline").length`)); err != nil || n == 0 {
		t.Errorf("trend lines drawn: %d, %v", n, err)
	}
	b.shot("evaluations")
	b.step("look at them on a phone", chromedp.EmulateViewport(390, 844), chromedp.ScrollIntoView(chromedp.CSS(`#trends-title`)))
	b.shot("evaluations-phone")

	b.step("open the January red team", chromedp.EmulateViewport(1360, 900), chromedp.Navigate(base+"/evaluations/"+jan.ID),
		chromedp.WaitVisible(chromedp.CSS(`#cases-title`)))
	if got := b.text(`#cases-title + p, .alert-warn[role=note]`); !strings.Contains(got, "Content warning") {
		t.Errorf("the red team's cases open with %q", got)
	}
	open, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("details.case[open]").length`))
	if err != nil || open != 0 {
		t.Errorf("%d cases shown open (%v), want all folded", open, err)
	}
	b.step("open the first failing case", chromedp.Click(chromedp.CSS(`details.case summary`)), chromedp.WaitVisible(chromedp.CSS(`details.case[open] dl`)))
	if got := b.text(`details.case[open] dl`); !strings.Contains(got, "withheld from the demo") {
		t.Errorf("the opened case says %q", got)
	}
	b.shot("evaluation-redteam")

	b.step("open TalentMatch's evaluations", chromedp.Navigate(base+"/systems/"+tm[0].SystemID+"/evaluations"), chromedp.WaitVisible(chromedp.CSS(`#standing-title`)))
	if got := b.text(`#standing-title`); !strings.Contains(got, "not met") {
		t.Errorf("TalentMatch's standing: %q", got)
	}
	b.shot("evaluations-failing")
	b.checkConsole()
}
