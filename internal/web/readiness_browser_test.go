package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
)

// TestBrowserEvidenceMovesReadiness drives headless Chromium as the AIMS manager: clause 4.1 is owned and
// implemented but not evidenced, so the home page lists it as a gap; she uploads a file as evidence of it
// from the evidence page, and the home page then counts one more item ready and no longer lists 4.1's
// gap. Screenshots at desktop and phone widths are kept in AIMS_SCREENSHOT_DIR; any console error fails
// the test.
func TestBrowserEvidenceMovesReadiness(t *testing.T) {
	exe := requireChromium(t)
	t.Parallel()

	f := apptest.New(t)
	lumen := f.Org(t, "lumen-labs")
	maya := f.User(t, "maya@lumen.example", lumen, aims.RoleOwner)
	ctx := f.Member(t, maya, lumen)
	if _, err := f.Controls.UpdateControl(ctx, lumen.ID, framework.ISO42001, "4.1", control.Update{Applicability: control.Applicable,
		Status: control.Implemented, OwnerID: maya.ID}, 0); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "context-analysis.pdf")
	if err := os.WriteFile(file, []byte("%PDF-1.4\n% Lumen Labs: internal and external issues, 2026\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	b := newChrome(t, exe, 1360, 900, 60*time.Second)
	step, textOf, shot := b.step, b.text, b.shot
	base := f.Srv.URL
	step("log in and open the home page",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "maya@lumen.example"),
		chromedp.SendKeys(chromedp.CSS(`#password`), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#readiness-title`)),
	)
	before := textOf(`#readiness-title`) + " " + textOf(`.readiness .lead`)
	if !strings.Contains(before, "0 of ") || !strings.Contains(textOf(`#next-title`), "What to do next") {
		t.Fatalf("the home page before: %q", before)
	}
	if next := textOf(`section[aria-labelledby="next-title"]`); !strings.Contains(next, "Attach evidence an auditor can sample to 4.1") {
		t.Errorf("4.1's gap is not the next step: %q", next)
	}
	shot("readiness-before-1360")

	step("upload a file as evidence of 4.1",
		chromedp.Navigate(base+"/evidence"),
		chromedp.WaitVisible(chromedp.CSS(`#ev-title`)),
		chromedp.SetValue(chromedp.CSS(`#ev-kind`), "file"),
		chromedp.SendKeys(chromedp.CSS(`#ev-title`), "Context analysis 2026"),
		chromedp.SendKeys(chromedp.CSS(`#ev-control`), "4.1"),
		chromedp.SetUploadFiles(chromedp.CSS(`#ev-file`), []string{file}),
		chromedp.Click(chromedp.CSS(`form[action="/evidence"][method="post"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
	)
	if h := textOf(`h1`); !strings.Contains(h, "Context analysis 2026") {
		t.Fatalf("after the upload the page is %q", h)
	}

	step("open the home page again", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`#readiness-title`)))
	after := textOf(`.readiness .lead`)
	if !strings.Contains(after, "1 of ") {
		t.Errorf("the home page after the upload: %q (before: %q)", after, before)
	}
	if next := textOf(`section[aria-labelledby="next-title"]`); strings.Contains(next, "Attach evidence an auditor can sample to 4.1") {
		t.Errorf("4.1 is still listed as lacking evidence: %q", next)
	}
	shot("readiness-after-1360")
	step("look at it on a phone", chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#readiness-title`)))
	shot("readiness-after-390")
	b.checkConsole()
}
