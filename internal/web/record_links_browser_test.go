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

// TestBrowserLinkRecords drives headless Chromium through linking records: from a system's page a
// contributor finds ISO/IEC 42001's A.6.2.4, links the system as implementing it, and sees the link on
// the system's page and, the other way round, on the control's page, at desktop and phone widths.
func TestBrowserLinkRecords(t *testing.T) {
	exe := requireChromium(t)
	t.Parallel()

	f := apptest.New(t)
	lumen := f.Org(t, "lumen-labs")
	priya := f.User(t, "priya@lumen.example", lumen, aims.RoleContributor)
	s, err := f.Systems.Create(f.Member(t, priya, lumen), lumen.ID, system.Fields{Name: "TalentMatch", Purpose: "Ranks CVs for recruiters."})
	if err != nil {
		t.Fatal(err)
	}

	b := newChrome(t, exe, 1360, 900, 60*time.Second)
	step, textOf, shot := b.step, b.text, b.shot
	base := f.Srv.URL
	step("log in as a contributor",
		chromedp.Navigate(base+"/systems/"+s.ID),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "priya@lumen.example"),
		chromedp.SendKeys(chromedp.CSS(`#password`), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#record-links-title`)),
	)
	step("find A.6.2.4",
		chromedp.SetValue(chromedp.CSS(`#rl-type`), "control"),
		chromedp.SendKeys(chromedp.CSS(`#rl-find`), "A.6.2.4"),
		chromedp.Click(chromedp.CSS(`form[aria-label="Find a record to link"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#rl-target`)),
	)
	shot("links-find")
	step("link the system as implementing it",
		chromedp.SetValue(chromedp.CSS(`#rl-relationship`), "implements:from"),
		chromedp.SendKeys(chromedp.CSS(`#rl-note`), "Release checks run in CI before each deployment."),
		chromedp.Click(chromedp.CSS(`form[action="/links"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action^="/links/"]`)),
	)
	if got := textOf("#record-links"); !strings.Contains(got, "TalentMatch implements") || !strings.Contains(got, "A.6.2.4") {
		t.Errorf("the system's links say:\n%s", got)
	}
	shot("links-system")
	step("open the control from the link",
		chromedp.Click(chromedp.CSS(`#record-links a[href^="/controls/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#record-links-title`)),
	)
	if got := textOf("#record-links"); !strings.Contains(got, "is implemented by") || !strings.Contains(got, "TalentMatch") {
		t.Errorf("the control's links say:\n%s", got)
	}
	shot("links-control")
	step("look at the links on a phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/systems/"+s.ID),
		chromedp.WaitVisible(chromedp.CSS(`#record-links-title`)))
	shot("links-system-phone")
	b.checkConsole()
}
