package web_test

import (
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/demo"
)

// tourSkips are the GET routes the tour does not open as pages, and why.
var tourSkips = map[string]string{
	"GET /static/{file}": "static files are not pages",
	"GET /login/totp":    "needs a login waiting for its second factor; TestBrowserJourney's TOTP tests open it",
	// Links and tasks name an assessment by its record id; the page is its system's.
	"GET /impact-assessments/{id}": "redirects to the page of its system's assessment, which the tour opens",
}

// isDownload says whether a GET route sends a file rather than a page.
func isDownload(pattern string) bool {
	return strings.HasSuffix(pattern, "/export") || strings.HasSuffix(pattern, "/download")
}

// TestBrowserTourFitsTheViewport logs in as the demo organization's owner over a demo-loaded aims, opens
// every page of the UI at 1440 and at 390 px wide, keeps a full-page screenshot of each in
// AIMS_SCREENSHOT_DIR (a temporary folder when unset), and fails when a page is wider than the window,
// which on a phone means it scrolls sideways. The pages are found by following links from the dashboard,
// so a page no link reaches fails the test too.
func TestBrowserTourFitsTheViewport(t *testing.T) {
	exe := requireChromium(t)
	t.Parallel()

	f, org, owner := demoFixture(t)
	// An invitation's page is reached from the link its inviter passes on, never from another page.
	secret, _, err := f.Accounts.CreateInvitation(f.Ctx, org.ID, "new.colleague@lumenlabs.example", aims.RoleViewer, 0)
	if err != nil {
		t.Fatal(err)
	}
	pages := tourPages(t, f, browserAs(t, f, owner, org), "/invitations/"+secret)
	dir := os.Getenv("AIMS_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}

	for _, width := range []int{1440, 390} {
		b := newChrome(t, exe, width, 900, 10*time.Minute)
		b.step("set the viewport", chromedp.EmulateViewport(int64(width), 900))
		b.step("open the login page",
			chromedp.Navigate(f.Srv.URL+"/login"),
			chromedp.WaitVisible(chromedp.CSS(`#email`)),
		)
		tourCheck(t, b, dir, "login", width)
		b.step("log in as the demo owner",
			chromedp.SendKeys(chromedp.CSS(`#email`), owner.Email),
			chromedp.SendKeys(chromedp.CSS(`#password`), demo.Password),
			chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
			chromedp.WaitReady(chromedp.CSS(`nav.sidebar`)),
		)
		for _, p := range pages {
			b.step("open "+p.path,
				chromedp.Navigate(f.Srv.URL+p.path),
				chromedp.WaitReady(chromedp.CSS(`footer, main`)),
			)
			tourCheck(t, b, dir, p.name, width)
		}
		b.checkConsole()
	}
	t.Logf("screenshots of %d pages at 1440 and 390 px are in %s", len(pages)+1, dir)
}

// tourPage is one page the tour opens: a path and the name of its screenshots.
type tourPage struct{ path, name string }

var hrefPattern = regexp.MustCompile(`href="(/[^"]*)"`)

// tourPages follows the links of the UI from the dashboard and returns, for every GET route that renders a
// page, the reachable address with the most content (so that the busiest system page is the one checked).
// It fails the test for every page route no link reaches.
func tourPages(t *testing.T, f *apptest.Fixture, hb *browser, starts ...string) []tourPage {
	t.Helper()
	mux := http.NewServeMux()
	for _, rt := range f.Web.Routes() {
		mux.HandleFunc(rt.Pattern(), func(http.ResponseWriter, *http.Request) {})
	}
	patternOf := func(path string) string {
		req, err := http.NewRequest(http.MethodGet, path, nil)
		if err != nil {
			return ""
		}
		_, p := mux.Handler(req)
		return p
	}
	const perPattern = 4
	seen := map[string]bool{}
	tried := map[string]int{}
	best := map[string]tourPage{}
	size := map[string]int{}
	queue := append([]string{"/"}, starts...)
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		pat := patternOf(path)
		if seen[path] || pat == "" || tourSkips[pat] != "" || isDownload(pat) || tried[pat] >= perPattern {
			continue
		}
		seen[path] = true
		tried[pat]++
		p := hb.get(path)
		if p.Status != http.StatusOK {
			t.Errorf("GET %s (linked from a page): status %d", path, p.Status)
			continue
		}
		if len(p.Body) > size[pat] {
			size[pat] = len(p.Body)
			best[pat] = tourPage{path: path, name: shotName(path)}
		}
		for _, m := range hrefPattern.FindAllStringSubmatch(p.Body, -1) {
			link := html.UnescapeString(m[1])
			if strings.HasPrefix(link, "//") {
				continue
			}
			if i := strings.IndexByte(link, '#'); i >= 0 {
				link = link[:i]
			}
			queue = append(queue, link)
		}
	}
	var pages []tourPage
	for _, rt := range f.Web.Routes() {
		pat := rt.Pattern()
		if rt.Method != http.MethodGet || tourSkips[pat] != "" || isDownload(pat) || pat == "GET /login" {
			continue
		}
		p, ok := best[pat]
		if !ok {
			t.Errorf("no link leads to the page %s", pat)
			continue
		}
		pages = append(pages, p)
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].path < pages[j].path })
	return pages
}

// shotName turns a path into a file name: /systems/abc/card -> systems-abc-card.
func shotName(path string) string {
	if u, err := url.Parse(path); err == nil {
		path = u.Path
	}
	name := strings.Trim(regexp.MustCompile(`[^A-Za-z0-9.]+`).ReplaceAllString(path, "-"), "-")
	if name == "" {
		name = "dashboard"
	}
	return name
}

// tourCheck keeps a screenshot of the open page as name-width.png in dir, and fails the test when the page
// is wider than the window, naming the elements that stick out.
func tourCheck(t *testing.T, b *chrome, dir, name string, width int) {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("cannot take a screenshot of %s: %v", name, err)
	}
	file := filepath.Join(dir, name+"-"+strconv.Itoa(width)+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	type overflow struct {
		ScrollWidth int      `json:"scrollWidth"`
		InnerWidth  int      `json:"innerWidth"`
		Culprits    []string `json:"culprits"`
		OutOfCard   []string `json:"outOfCard"`
		Unmarked    int      `json:"unmarked"`
	}
	o, err := chromedp.Run(b.ctx, chromedp.Evaluate[overflow](`(() => {
		const w = window.innerWidth, out = [], loose = [];
		const describe = e => {
			let s = e.tagName.toLowerCase();
			if (e.id) s += "#" + e.id;
			if (e.className && typeof e.className === "string") s += "." + e.className.trim().split(/\s+/).join(".");
			return s;
		};
		for (const e of document.querySelectorAll("body *")) {
			const r = e.getBoundingClientRect();
			const right = Math.max(r.right, r.left + e.scrollWidth);
			if (right > w + 1 && out.length < 8 && !e.closest(".table-wrap, pre")) {
				out.push(describe(e) + " (right edge " + Math.round(right) + ")");
			}
		}
		// A fact list's terms and values stay inside their card.
		for (const e of document.querySelectorAll(".card .facts > *")) {
			const card = e.closest(".card").getBoundingClientRect(), r = e.getBoundingClientRect();
			const right = Math.max(r.right, r.left + e.scrollWidth);
			if (right > card.right + 1 && loose.length < 5) {
				loose.push(describe(e) + " " + JSON.stringify(e.textContent.trim().slice(0, 40)) +
					" ends at " + Math.round(right) + ", its card at " + Math.round(card.right));
			}
		}
		// A table that scrolls sideways says so: the script puts a visible hint above it.
		let unmarked = 0;
		for (const e of document.querySelectorAll(".table-wrap")) {
			const hint = e.previousElementSibling;
			if (e.scrollWidth > e.clientWidth + 1 && !(hint && hint.matches(".scroll-hint") && hint.offsetHeight > 0)) {
				unmarked++;
			}
		}
		return {scrollWidth: document.documentElement.scrollWidth, innerWidth: w, culprits: out, outOfCard: loose, unmarked};
	})()`))
	if err != nil {
		t.Fatalf("cannot measure %s: %v", name, err)
	}
	if o.ScrollWidth > o.InnerWidth {
		t.Errorf("%s at %d px: the page is %d px wide in a %d px window (see %s); sticking out: %s",
			name, width, o.ScrollWidth, o.InnerWidth, file, strings.Join(o.Culprits, ", "))
	}
	if o.Unmarked > 0 {
		t.Errorf("%s at %d px: %d tables scroll sideways with no hint that they do (see %s)", name, width, o.Unmarked, file)
	}
	if len(o.OutOfCard) > 0 {
		t.Errorf("%s at %d px: facts stick out of their card (see %s): %s", name, width, file, strings.Join(o.OutOfCard, "; "))
	}
}
