package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/control"
)

// TestBrowserSwitchToTheDatesInForce drives headless Chromium: an admin of an organization on the
// superseded published dates sees the notice on the AI roles page (kept as screenshots at desktop and
// phone widths), switches in one click and lands back on the page, with the amended dates chosen and no
// notice left.
func TestBrowserSwitchToTheDatesInForce(t *testing.T) {
	exe := requireChromium(t)
	t.Parallel()

	f := apptest.New(t)
	lumen := f.Org(t, "lumen-labs")
	ada := f.User(t, "ada@lumen.example", lumen, aims.RoleAdmin)
	if _, err := f.Controls.UpdateProfile(f.Member(t, ada, lumen), lumen.ID, control.ProfileUpdate{AIRoles: []string{"ai_customer"},
		EURoles: []string{"deployer"}, EUDates: control.DatesPublished}, 0); err != nil {
		t.Fatal(err)
	}

	b := newChrome(t, exe, 1360, 900, 60*time.Second)
	ctx, step, textOf, shot := b.ctx, b.step, b.text, b.shot
	step("log in as the admin",
		chromedp.Navigate(f.Srv.URL+"/context/ai-roles"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "ada@lumen.example"),
		chromedp.SendKeys(chromedp.CSS(`#password`), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#dates-notice`)),
	)
	if got := textOf("#dates-notice"); !strings.Contains(got, "The amended EU AI Act dates are in force") || !strings.Contains(got, "superseded") {
		t.Errorf("the notice says %q", got)
	}
	shot("eu-dates-notice")
	step("look at the notice on a phone", chromedp.EmulateViewport(390, 844), chromedp.WaitVisible(chromedp.CSS(`#dates-notice button`)))
	shot("eu-dates-notice-phone")
	step("switch in one click",
		chromedp.EmulateViewport(1360, 900),
		chromedp.Click(chromedp.CSS(`#dates-notice button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.alert-ok`)),
	)
	if got := textOf(".alert-ok"); !strings.Contains(got, "You now plan against the EU AI Act dates in force") {
		t.Errorf("after the switch the page says %q", got)
	}
	state, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[location.pathname, String(document.querySelector("#dates-notice") === null), String(document.querySelector("#dates-amended").checked)]`))
	if err != nil || strings.Join(state, " ") != "/context/ai-roles true true" {
		t.Errorf("after the switch (path, notice gone, amended chosen) = %q, %v", state, err)
	}
	shot("eu-dates-switched")
}
