package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
)

// inlineCode finds what the Content-Security-Policy would block: inline scripts, inline event handlers,
// style attributes and style elements, and scripts or styles from elsewhere.
var inlineCode = regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>\s*[^<\s]|<script(?:[^>]*\s)?src="(?:https?:)?//|\son[a-z]+\s*=|\sstyle\s*=|<style[\s>]|href="(?:https?:)?//[^"]*\.css`)

// TestEveryPageRendersForEveryRole opens every page as every role and as a user without an organization,
// checking that it renders (or is refused) cleanly, works without inline code, and shows only what the role
// may use.
func TestEveryPageRendersForEveryRole(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	newUser(t, f, "owner@example.com", org, aims.RoleOwner)
	var pages []string
	for _, rt := range f.Web.Routes() {
		// Downloads (/export) are not pages; their own tests open them.
		if rt.Method == http.MethodGet && rt.Path != "/static/{file}" && !strings.HasSuffix(rt.Path, "/export") {
			pages = append(pages, strings.TrimSuffix(rt.Path, "{$}"))
		}
	}
	pages = append(pages, "/no/such/page")

	for _, role := range aims.Roles {
		t.Run(string(role), func(t *testing.T) {
			u := newUser(t, f, string(role)+"-pages@example.com", org, role)
			f.Token(t, u, org, aims.RoleViewer)
			b := browserAs(t, f, u, org)
			for _, path := range pages {
				p := b.get(path)
				switch {
				case p.Status == http.StatusSeeOther && (path == "/login" || path == "/login/totp"):
					continue // a logged-in visitor is sent on
				case p.Status != http.StatusOK && p.Status != http.StatusForbidden && p.Status != http.StatusNotFound:
					t.Errorf("GET %s: status %d\n%s", path, p.Status, text(p.Body))
					continue
				}
				checkHTML(t, path, p)
				if p.Status == http.StatusOK && path != "/login" {
					mustContain(t, p, org.Name, u.Name)
				}
			}
		})
	}

	t.Run("a user of no organization", func(t *testing.T) {
		u := newUser(t, f, "loner@example.com", nil, "")
		b := browserAs(t, f, u, nil)
		p := b.get("/")
		expect(t, p, http.StatusForbidden, "")
		checkHTML(t, "/", p)
		mustContain(t, p, "You are not a member")
		p = b.get("/account")
		expect(t, p, http.StatusOK, "")
		checkHTML(t, "/account", p)
	})

	t.Run("a visitor who is not logged in", func(t *testing.T) {
		b := newBrowser(t, f)
		for _, path := range []string{"/login", "/no/such/page"} {
			p := b.get(path)
			checkHTML(t, path, p)
		}
		expect(t, b.get("/no/such/page"), http.StatusNotFound, "")
	})
}

// checkHTML fails when a page is not a whole document, breaks the Content-Security-Policy, or leaks a
// template error.
func checkHTML(t *testing.T, path string, p page) {
	t.Helper()
	if !strings.HasPrefix(p.Body, "<!doctype html>") || !strings.Contains(p.Body, "</html>") {
		t.Errorf("GET %s: not a whole HTML document:\n%.300s", path, p.Body)
	}
	if m := inlineCode.FindString(p.Body); m != "" {
		t.Errorf("GET %s: the page has inline code the CSP blocks: %q", path, m)
	}
	for _, leak := range []string{"ZgotmplZ", "template:", "<no value>", "%!"} {
		if strings.Contains(p.Body, leak) {
			t.Errorf("GET %s: the page shows %q", path, leak)
		}
	}
	if ct := p.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	if cc := p.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("GET %s: Cache-Control %q, want no-store", path, cc)
	}
}

func TestNavigationShowsWhatTheRoleMayOpen(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	links := []string{`href="/members"`, `href="/tokens"`, `href="/activity"`, `href="/settings"`, `href="/planning"`}
	cases := []struct {
		role aims.Role
		// shows says, for each of links, whether the sidebar has it.
		shows []bool
	}{
		{aims.RoleOwner, []bool{true, true, true, true, true}},
		{aims.RoleAdmin, []bool{true, true, true, true, true}},
		{aims.RoleManager, []bool{true, true, true, true, true}},
		{aims.RoleContributor, []bool{true, true, true, true, true}},
		{aims.RoleAuditor, []bool{true, true, true, true, true}},
		{aims.RoleViewer, []bool{true, false, false, true, true}},
	}
	for _, c := range cases {
		t.Run(string(c.role), func(t *testing.T) {
			b := browserAs(t, f, newUser(t, f, string(c.role)+"@example.com", org, c.role), org)
			p := b.get("/")
			expect(t, p, http.StatusOK, "")
			nav := p.Body[strings.Index(p.Body, `<nav class="sidebar"`):strings.Index(p.Body, "</nav>")]
			for i, l := range links {
				if strings.Contains(nav, l) != c.shows[i] {
					t.Errorf("sidebar has %s: %v, want %v", l, !c.shows[i], c.shows[i])
				}
			}
			mustContain(t, p, "Context", "Leadership", "Planning", "Support", "Operation", "Performance evaluation", "Improvement",
				"You are "+string(c.role)+" here.")
		})
	}
}

func TestAreaPagesSayWhatTheyWillHold(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	b := browserAs(t, f, newUser(t, f, "v@example.com", org, aims.RoleViewer), org)
	cases := []struct{ path, says string }{
		{"/context", "The scope of the management system"},
		{"/leadership", "The AI policy"},
		{"/planning", "Statement of Applicability"},
		{"/support", "Competence, training and awareness records"},
		{"/operation", "Evaluation results"},
		{"/performance", "Internal audits"},
		{"/improvement", "Corrective actions"},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			p := b.get(c.path)
			expect(t, p, http.StatusOK, "")
			badge := "Not yet available"
			if c.path == "/context" || c.path == "/planning" || c.path == "/operation" || c.path == "/support" {
				badge = "Partly available" // the AI roles, the Statement of Applicability, the AI systems and evidence are built
			}
			mustContain(t, p, badge, c.says)
			if !strings.Contains(p.Body, `href="`+c.path+`" aria-current="page"`) {
				t.Error("the sidebar does not mark the page as current")
			}
		})
	}
}

func TestStaticFiles(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	b := newBrowser(t, f)
	login := b.get("/login")
	css := regexp.MustCompile(`href="(/static/app\.[0-9a-f]{8}\.css)"`).FindStringSubmatch(login.Body)
	js := regexp.MustCompile(`src="(/static/app\.[0-9a-f]{8}\.js)"`).FindStringSubmatch(login.Body)
	if css == nil || js == nil {
		t.Fatalf("the login page does not link content-hashed app.css and app.js:\n%s", login.Body)
	}
	cases := []struct {
		path, contentType string
		status            int
	}{
		{css[1], "text/css; charset=utf-8", http.StatusOK},
		{js[1], "text/javascript; charset=utf-8", http.StatusOK},
		{"/static/app.css", "", http.StatusNotFound},
		{"/static/app.00000000.css", "", http.StatusNotFound},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			p := b.get(c.path)
			expect(t, p, c.status, "")
			if c.status == http.StatusOK {
				if got := p.Header.Get("Content-Type"); got != c.contentType {
					t.Errorf("Content-Type %q, want %q", got, c.contentType)
				}
				if got := p.Header.Get("Cache-Control"); !strings.Contains(got, "max-age=31536000") || !strings.Contains(got, "immutable") {
					t.Errorf("Cache-Control %q, want a year and immutable", got)
				}
			}
		})
	}
}

func TestFlashIsShownOnce(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	b := browserAs(t, f, newUser(t, f, "o@example.com", org, aims.RoleOwner), org)
	expect(t, b.post("/settings", url.Values{"name": {"Acme AI"}, "version": {"1"}}), http.StatusSeeOther, "/settings")
	mustContain(t, b.get("/settings"), "The settings are saved.")
	if strings.Contains(b.get("/settings").Body, "The settings are saved.") {
		t.Error("the flash message was shown twice")
	}
}
