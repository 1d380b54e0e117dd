package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/system"
)

// TestBrowserSystems drives headless Chromium through the AI system inventory: it registers a system
// with the form, opens its page and its edit form, fails on any console error (such as a breach of the
// Content Security Policy), and keeps screenshots in AIMS_SCREENSHOT_DIR.
func TestBrowserSystems(t *testing.T) {
	exe := requireChromium(t)
	t.Parallel()

	f := apptest.New(t)
	lumen := f.Org(t, "lumen-labs")
	priya := f.User(t, "priya@lumen.example", lumen, aims.RoleContributor)
	if _, err := f.Systems.Create(f.Member(t, priya, lumen), lumen.ID, system.Fields{Name: "Fraud scorer",
		Purpose: "Scores card payments for fraud.", Stage: "operation_and_monitoring", AIRole: "ai_customer"}); err != nil {
		t.Fatal(err)
	}

	b := newChrome(t, exe, 1360, 900, 60*time.Second)
	step, textOf, shot := b.step, b.text, b.shot
	base := f.Srv.URL

	step("log in as a contributor",
		chromedp.Navigate(base+"/systems"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "priya@lumen.example"),
		chromedp.SendKeys(chromedp.CSS(`#password`), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/systems/new"]`)),
	)
	shot("systems")
	step("register a system",
		chromedp.Click(chromedp.CSS(`a[href="/systems/new"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#sys-name`)),
		chromedp.SendKeys(chromedp.CSS(`#sys-name`), "Support assistant"),
		chromedp.SendKeys(chromedp.CSS(`#sys-purpose`), "Drafts answers to support tickets."),
		chromedp.Click(chromedp.CSS(`#sys-interacts`)),
		chromedp.SendKeys(chromedp.CSS(`#sys-markets`), "EU, UK"),
	)
	shot("system-new")
	step("save it",
		chromedp.Click(chromedp.CSS(`form[action="/systems"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#history-title`)),
	)
	if s := textOf("main"); !strings.Contains(s, "Support assistant is registered.") || !strings.Contains(s, "EU, UK") {
		t.Errorf("the system page says:\n%s", s)
	}
	shot("system")
	step("open the edit form",
		chromedp.Click(chromedp.CSS(`a.button-primary[href$="/edit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#sys-reason`)),
	)
	shot("system-edit")
	b.checkConsole()
}
