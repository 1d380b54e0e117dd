package web_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
)

// TestBrowserJourney drives a real, headless Chromium through the UI as a person would: log in, switch
// organization, create an API token, see it listed, revoke it, and find both in the activity trail. It
// runs the page's own JavaScript under the real Content-Security-Policy, and fails on any console error,
// which is where the browser reports what the policy blocked.
//
// Set AIMS_BROWSER=off to skip it where no browser can run; otherwise a missing browser fails the test.
// Set AIMS_SCREENSHOT_DIR to keep screenshots of the pages it visits.
func TestBrowserJourney(t *testing.T) {
	exe := requireChromium(t)
	t.Parallel()

	f := apptest.New(t)
	acme, globex := f.Org(t, "acme"), f.Org(t, "globex")
	f.User(t, "ada@example.com", acme, aims.RoleAuditor)
	if _, err := f.Accounts.AddMember(f.Ctx, globex.ID, "ada@example.com", aims.RoleAdmin); err != nil {
		t.Fatal(err)
	}

	b := newChrome(t, exe, 1280, 860, 60*time.Second)
	ctx, step, textOf, shot := b.ctx, b.step, b.text, b.shot
	base := f.Srv.URL

	step("open a page and be sent to log in",
		chromedp.Navigate(base+"/tokens"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
	)
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/login?next=%2Ftokens") {
		t.Errorf("sent to %s, want the login page with next=/tokens", loc)
	}
	shot("login")
	step("log in",
		chromedp.SendKeys(chromedp.CSS(`#email`), "ada@example.com"),
		chromedp.SendKeys(chromedp.CSS(`#password`), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.sidebar`)),
	)
	// Ada audits acme: she sees its tokens but may not create any.
	if got := textOf("main h1"); got != "API tokens" {
		t.Errorf("after login the page is titled %q, want the tokens page", got)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('form[action="/tokens"]').length`)); err != nil || n != 0 {
		t.Errorf("an auditor is offered the create form (%d, %v)", n, err)
	}

	step("go to the dashboard", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`.grid`)))
	if got := textOf("main h1"); got != acme.Name {
		t.Errorf("the dashboard is titled %q, want %q", got, acme.Name)
	}
	shot("dashboard")

	step("switch organization",
		chromedp.SetValue(chromedp.CSS(`#org-select`), globex.ID),
		chromedp.Click(chromedp.CSS(`form.org-switch button`)),
		chromedp.WaitVisible(chromedp.CSS(`.alert-ok`)),
	)
	if got := textOf(".alert-ok"); got != "You are now working in "+globex.Name+"." {
		t.Errorf("after switching the flash says %q", got)
	}
	if got := textOf("main h1"); got != globex.Name {
		t.Errorf("after switching the dashboard is titled %q, want %q", got, globex.Name)
	}
	shot("dashboard-switched")

	step("create a token",
		chromedp.Navigate(base+"/tokens"),
		chromedp.WaitVisible(chromedp.CSS(`#token-name`)),
		chromedp.SendKeys(chromedp.CSS(`#token-name`), "Browser journey"),
		chromedp.SetValue(chromedp.CSS(`#token-role`), "contributor"),
		chromedp.SetValue(chromedp.CSS(`#token-expires`), "30d"),
		chromedp.Click(chromedp.CSS(`form[action="/tokens"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#token-secret`)),
		// The copy button is hidden without JavaScript and shown by the page's script.
		chromedp.WaitVisible(chromedp.CSS(`button[data-copy="token-secret"]`)),
	)
	secret, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#token-secret`)))
	if err != nil || !secretPattern.MatchString(secret) {
		t.Fatalf("the new token's secret is %q (%v)", secret, err)
	}
	shot("token-created")

	step("see it listed",
		chromedp.Click(chromedp.CSS(`main a[href="/tokens"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.table`)),
	)
	row := textOf("table.table tbody tr")
	for _, want := range []string{"Browser journey", secret[:11], "contributor", "ada@example.com", "Active"} {
		if !strings.Contains(row, want) {
			t.Errorf("the token's row %q does not show %q", row, want)
		}
	}
	if strings.Contains(textOf("main"), secret) {
		t.Error("the token list shows the secret")
	}
	shot("tokens")

	step("revoke it",
		chromedp.Click(chromedp.CSS(`form[action$="/revoke"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.alert-ok`)),
	)
	if got := textOf(".alert-ok"); got != "The token “Browser journey” is revoked." {
		t.Errorf("after revoking the flash says %q", got)
	}
	if row := textOf("table.table tbody tr"); !strings.Contains(row, "Revoked") {
		t.Errorf("the revoked token's row says %q", row)
	}
	if dialogs := b.dialogs(); len(dialogs) != 1 || !strings.Contains(dialogs[0], "Revoke the token “Browser journey”?") {
		t.Errorf("the confirmation dialogs were %q", dialogs)
	}
	shot("tokens-revoked")

	step("see both in the activity trail",
		chromedp.Click(chromedp.CSS(`nav.sidebar a[href="/activity"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.trail`)),
	)
	if got := textOf(".banner"); !strings.HasPrefix(got, "The trail is intact.") {
		t.Errorf("the verification banner says %q", got)
	}
	entries, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll(".trail-head")].slice(0, 2).map(e => e.textContent.replace(/\s+/g, " ").trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || !strings.Contains(entries[0], "Revoke API token Browser journey") || !strings.Contains(entries[1], "Create API token Browser journey") {
		t.Errorf("the newest entries are %q, want the revocation and then the creation of the token", entries)
	}
	step("open the newest entry's before and after",
		chromedp.Click(chromedp.CSS(`.trail-details summary`)),
		chromedp.WaitVisible(chromedp.CSS(`.trail-details pre`)),
	)
	if got := textOf(".trail-details .diff"); !strings.Contains(got, `"name": "Browser journey"`) || !strings.Contains(got, `"revoked_at": null`) {
		t.Errorf("the revocation's before and after say %q", got)
	}
	shot("activity")

	step("look at the dashboard on a phone",
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`.grid`)),
		chromedp.WaitNotVisible(chromedp.CSS(`nav.sidebar`)),
	)
	shot("dashboard-phone")
	step("open the menu on a phone",
		chromedp.Click(chromedp.CSS(`label.menu-button`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.sidebar`)),
	)
	shot("dashboard-phone-menu")

	b.checkConsole()

	if os.Getenv("AIMS_SCREENSHOT_DIR") != "" {
		// A tour of the other pages, for people to look at. It shows a 404 and a refused form, which the
		// console reports as failed loads, so it comes after the console check. of the other pages, for people to look at.
		step("back to a wide screen", chromedp.EmulateViewport(1280, 860))
		for _, p := range []struct{ name, path, wait string }{
			{"members", "/members", "table.table"},
			{"settings", "/settings", "#org-name"},
			{"account", "/account", "#current-password"},
			{"totp-setup", "/account/totp", "#code"},
			{"area", "/planning", ".checklist"},
			{"not-found", "/no/such/page", ".error-page"},
		} {
			step("open "+p.path, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
			shot(p.name)
		}
		step("send a form with errors",
			chromedp.Navigate(base+"/members"),
			chromedp.WaitVisible(chromedp.CSS(`#invite-email`)),
			chromedp.SendKeys(chromedp.CSS(`#invite-email`), "nobody"),
			chromedp.Click(chromedp.CSS(`form[action="/members/invitations"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#invite-email-error`)),
		)
		shot("members-error")
		step("invite someone",
			chromedp.SetValue(chromedp.CSS(`#invite-email`), "newcomer@example.com"),
			chromedp.Click(chromedp.CSS(`form[action="/members/invitations"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#invitation-link`)),
		)
		shot("members-invited")
		link, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('invitation-link').value`))
		if err != nil || !strings.Contains(link, "/invitations/aims_inv_") {
			t.Fatalf("the invitation link is %q (%v)", link, err)
		}
		step("see the invitation", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)))
		shot("invitation")
	}

}
