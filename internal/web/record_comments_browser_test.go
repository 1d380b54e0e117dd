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

// TestBrowserAuditorComments drives headless Chromium as an auditor: they open a system, ask a question
// that mentions its owner, and see it on the page with their role; then the owner replies and resolves
// it. Screenshots at desktop and phone widths.
func TestBrowserAuditorComments(t *testing.T) {
	exe := requireChromium(t)
	t.Parallel()

	f := apptest.New(t)
	lumen := f.Org(t, "lumen-labs")
	f.User(t, "audrey@audit.example", lumen, aims.RoleAuditor)
	priya := f.User(t, "priya@lumen.example", lumen, aims.RoleContributor)
	s, err := f.Systems.Create(f.Member(t, priya, lumen), lumen.ID, system.Fields{Name: "TalentMatch", Purpose: "Ranks CVs for recruiters."})
	if err != nil {
		t.Fatal(err)
	}
	base := f.Srv.URL
	login := func(b *chrome, email string) {
		b.step("log in as "+email,
			chromedp.Navigate(base+"/systems/"+s.ID),
			chromedp.WaitVisible(chromedp.CSS(`#email`)),
			chromedp.SendKeys(chromedp.CSS(`#email`), email),
			chromedp.SendKeys(chromedp.CSS(`#password`), apptest.Password),
			chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#record-comments-title`)),
		)
	}

	b := newChrome(t, exe, 1360, 900, 60*time.Second)
	login(b, "audrey@audit.example")
	b.step("ask a question that mentions the owner",
		chromedp.SendKeys(chromedp.CSS(`#comment-body`), "@priya which **dataset** trained release 4.2? Please link the evaluation run."),
		chromedp.Click(chromedp.CSS(`form[aria-label="Comment"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.comment-thread .comment-body strong`)),
	)
	if got := b.text("#record-comments"); !strings.Contains(got, "auditor") || !strings.Contains(got, "which dataset trained release 4.2?") {
		t.Errorf("the comments say:\n%s", got)
	}
	if got := b.text("main"); !strings.Contains(got, "It mentions priya@lumen.example.") {
		t.Errorf("the page does not confirm the mention:\n%s", got)
	}
	b.shot("comments-auditor")
	b.checkConsole()

	c := newChrome(t, exe, 1360, 900, 60*time.Second)
	c.step("use a phone", chromedp.EmulateViewport(390, 844))
	login(c, "priya@lumen.example")
	c.step("reply",
		chromedp.Click(chromedp.CSS(`.comment-reply > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`.comment-reply textarea`)),
		chromedp.SendKeys(chromedp.CSS(`.comment-reply textarea`), "The January support-tickets export; the run is linked as evidence."),
		chromedp.Click(chromedp.CSS(`.comment-reply button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.comment-replies .comment`)),
	)
	c.step("resolve",
		chromedp.Click(chromedp.CSS(`form[action$="/resolve"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.comment-status`)),
	)
	if got := c.text("#record-comments"); !strings.Contains(got, "Resolved by priya@lumen.example") {
		t.Errorf("the thread says:\n%s", got)
	}
	c.shot("comments-phone")
	c.checkConsole()
}
