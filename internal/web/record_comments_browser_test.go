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
// that mentions its owner, and see it on the page with their role; a manager gives the owner a task on
// the system; the owner, on a phone, finds it on "My work", overdue, marks it done, and replies to the
// question and resolves it. Screenshots at desktop and phone widths.
func TestBrowserAuditorComments(t *testing.T) {
	exe := requireChromium(t)
	t.Parallel()

	f := apptest.New(t)
	lumen := f.Org(t, "lumen-labs")
	f.User(t, "audrey@audit.example", lumen, aims.RoleAuditor)
	f.User(t, "maya@lumen.example", lumen, aims.RoleManager)
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

	m := newChrome(t, exe, 1360, 900, 60*time.Second)
	login(m, "maya@lumen.example")
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
	m.step("give the owner a task",
		chromedp.SendKeys(chromedp.CSS(`#task-title`), "Link the evaluation run of release 4.2"),
		chromedp.SetValue(chromedp.CSS(`#task-owner`), priya.ID),
		chromedp.SetValue(chromedp.CSS(`#task-due`), yesterday),
		chromedp.Click(chromedp.CSS(`form[action="/tasks"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#record-tasks tr[id^="task-"]`)),
	)
	if got := m.text("#record-tasks"); !strings.Contains(got, "Link the evaluation run") || !strings.Contains(got, "overdue") {
		t.Errorf("the system's tasks say:\n%s", got)
	}
	m.shot("tasks-system")
	m.checkConsole()

	c := newChrome(t, exe, 1360, 900, 60*time.Second)
	c.step("use a phone", chromedp.EmulateViewport(390, 844))
	login(c, "priya@lumen.example")
	c.step("open My work",
		chromedp.Navigate(base+"/my-work"),
		chromedp.WaitVisible(chromedp.CSS(`#my-tasks-title`)),
	)
	if got := c.text("main"); !strings.Contains(got, "Link the evaluation run of release 4.2") || !strings.Contains(got, "1 task is overdue") ||
		!strings.Contains(got, "TalentMatch") {
		t.Errorf("My work says:\n%s", got)
	}
	c.shot("my-work-phone")
	c.step("mark it done",
		chromedp.Click(chromedp.CSS(`button[aria-label^="Mark Link the evaluation run"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.alert`)),
	)
	if got := c.text("main"); !strings.Contains(got, "Nothing is waiting for you.") {
		t.Errorf("My work after marking it done says:\n%s", got)
	}
	c.step("back to the system", chromedp.Navigate(base+"/systems/"+s.ID), chromedp.WaitVisible(chromedp.CSS(`#record-comments-title`)))
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
