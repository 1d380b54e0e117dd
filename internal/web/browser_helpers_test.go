package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromium returns the path of the browser the tests drive: Debian's chromium package.
func chromium() string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// requireChromium returns the browser to drive. With AIMS_BROWSER=off it skips the test, knowingly;
// otherwise a missing browser fails it.
func requireChromium(t *testing.T) string {
	t.Helper()
	if os.Getenv("AIMS_BROWSER") == "off" {
		t.Skip("AIMS_BROWSER=off: the browser test is turned off")
	}
	exe := chromium()
	if exe == "" {
		t.Fatal("chromium is not installed: install it with `apt-get install -y chromium`, or set AIMS_BROWSER=off to skip the browser test")
	}
	return exe
}

// chrome is a headless Chromium tab for one test. It records console errors (where the browser reports
// what the Content-Security-Policy blocked) and accepts, and records, the confirmation dialogs pages show
// before destructive actions.
type chrome struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	console  []string
	dialogTx []string
}

// newChrome starts exe with a window of width x height for at most timeout, closed when t ends. The flags
// are those a root user with no internet needs.
func newChrome(t *testing.T, exe string, width, height int, timeout time.Duration) *chrome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("cannot start %s: %v", exe, err)
	}
	b := &chrome{t: t, ctx: ctx}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.console = append(b.console, m.String())
				b.mu.Unlock()
			}
		}
	}()
	go func() {
		for ev, err := range chromedp.Events(ctx, cdppage.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogTx = append(b.dialogTx, ev.Message)
			b.mu.Unlock()
			if _, err := chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: true}); err != nil {
				return
			}
		}
	}()
	return b
}

// step runs actions, failing the test with the page's address and text when one fails.
func (b *chrome) step(name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		body, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("body")))
		b.t.Fatalf("%s: %v\nat %s\n%.2000s", name, err, loc, body)
	}
}

// text returns the text of the first element matching sel.
func (b *chrome) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("cannot read %s: %v", sel, err)
	}
	return s
}

// shot keeps a full-page screenshot as name.png in AIMS_SCREENSHOT_DIR, when it is set.
func (b *chrome) shot(name string) {
	b.t.Helper()
	dir := os.Getenv("AIMS_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("cannot take a screenshot: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// dialogs returns the messages of the dialogs accepted so far.
func (b *chrome) dialogs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.dialogTx...)
}

// forgetConsole drops the console errors recorded so far that contain expected (a refused form's status,
// which the browser reports as a failed load).
func (b *chrome) forgetConsole(expected string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	kept := b.console[:0]
	for _, e := range b.console {
		if !strings.Contains(e, expected) {
			kept = append(kept, e)
		}
	}
	b.console = kept
}

// checkConsole fails the test for every console error recorded so far.
func (b *chrome) checkConsole() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.console {
		b.t.Errorf("browser console: %s", e)
	}
}
