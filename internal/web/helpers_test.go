package web_test

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	stdhtml "html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/authn"
)

// browser is a cookie-keeping HTTP client that does not follow redirects, so that tests see each 303.
type browser struct {
	t   testing.TB
	f   *apptest.Fixture
	hc  *http.Client
	jar *cookiejar.Jar
	// header is added to every request (cross-origin tests set Origin or Sec-Fetch-Site).
	header http.Header
}

func newBrowser(t testing.TB, f *apptest.Fixture) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &browser{t: t, f: f, hc: hc, jar: jar, header: http.Header{}}
}

// page is a response as a test sees it.
type page struct {
	Status   int
	Location string
	Header   http.Header
	Body     string
}

func (b *browser) do(method, path string, form url.Values) page {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.f.Srv.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, vs := range b.header {
		req.Header[k] = vs
	}
	res, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return page{Status: res.StatusCode, Location: res.Header.Get("Location"), Header: res.Header, Body: string(raw)}
}

func (b *browser) get(path string) page { b.t.Helper(); return b.do(http.MethodGet, path, nil) }

func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	return b.do(http.MethodPost, path, form)
}

// login logs in through the form and fails the test unless it succeeds.
func (b *browser) login(email string) {
	b.t.Helper()
	p := b.post("/login", url.Values{"email": {email}, "password": {apptest.Password}})
	if p.Status != http.StatusSeeOther || p.Location != "/" {
		b.t.Fatalf("login as %s: got %d to %q, want 303 to /\n%s", email, p.Status, p.Location, text(p.Body))
	}
}

// session returns the browser's session cookie value, or "".
func (b *browser) session() string {
	u, _ := url.Parse(b.f.Srv.URL)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == authn.CookieName {
			return c.Value
		}
	}
	return ""
}

// setSession replaces the browser's session cookie.
func (b *browser) setSession(secret string) {
	u, _ := url.Parse(b.f.Srv.URL)
	b.jar.SetCookies(u, []*http.Cookie{{Name: authn.CookieName, Value: secret, Path: "/"}})
}

// startSession makes a session for u in orgID straight in the store, skipping the password hash, which
// is slow on purpose. It returns the cookie value.
func startSession(t testing.TB, f *apptest.Fixture, u *account.User, orgID string) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	secret := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	now := f.DB.Now()
	s := &account.Session{IDHash: account.HashSecret(secret), UserID: u.ID, OrgID: orgID, CreatedAt: now,
		LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := f.DB.CreateSession(context.Background(), s); err != nil {
		t.Fatalf("cannot create session: %v", err)
	}
	return secret
}

// browserAs returns a browser logged in as u in org, without going through the login form.
func browserAs(t testing.TB, f *apptest.Fixture, u *account.User, org *account.Organization) *browser {
	t.Helper()
	b := newBrowser(t, f)
	orgID := ""
	if org != nil {
		orgID = org.ID
	}
	b.setSession(startSession(t, f, u, orgID))
	return b
}

// newUser makes a user without a password (fast) and adds them to org with role.
func newUser(t testing.TB, f *apptest.Fixture, email string, org *account.Organization, role aims.Role) *account.User {
	t.Helper()
	u, err := f.Accounts.CreateUser(f.Ctx, email, "", "")
	if err != nil {
		t.Fatalf("cannot create user %s: %v", email, err)
	}
	if org != nil {
		if _, err := f.Accounts.AddMember(f.Ctx, org.ID, email, role); err != nil {
			t.Fatalf("cannot add %s: %v", email, err)
		}
	}
	return u
}

var (
	tagPattern   = regexp.MustCompile(`(?s)<[^>]*>`)
	spacePattern = regexp.MustCompile(`\s+`)
)

// text returns the visible text of an HTML page, with runs of white space collapsed, for assertions.
func text(html string) string {
	return strings.TrimSpace(spacePattern.ReplaceAllString(stdhtml.UnescapeString(tagPattern.ReplaceAllString(html, " ")), " "))
}

// mustContain fails unless the page's text contains every want.
func mustContain(t testing.TB, p page, wants ...string) {
	t.Helper()
	body := text(p.Body)
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page (status %d) does not say %q; it says:\n%s", p.Status, w, excerpt(p))
		}
	}
}

// expect fails unless p has status and, for a redirect, goes to location.
func expect(t testing.TB, p page, status int, location string) {
	t.Helper()
	if p.Status != status || (location != "" && p.Location != location) {
		t.Fatalf("got %d to %q, want %d to %q\n%s", p.Status, p.Location, status, location, excerpt(p))
	}
}

// activityCount returns how many entries org's trail has: the sequence number of its newest entry.
func activityCount(t testing.TB, f *apptest.Fixture, orgID string) int64 {
	t.Helper()
	es, _, err := f.DB.ListActivity(context.Background(), orgID, aims.Page{Limit: 1})
	if err != nil {
		t.Fatalf("cannot read the trail: %v", err)
	}
	if len(es) == 0 {
		return 0
	}
	return es[0].Seq
}

// hidden returns the value of the first hidden input named name in the form whose action is action.
func hidden(t testing.TB, html, action, name string) string {
	t.Helper()
	i := strings.Index(html, `action="`+action+`"`)
	if i < 0 {
		t.Fatalf("no form posts to %s", action)
	}
	rest := html[i:]
	end := strings.Index(rest, "</form>")
	if end >= 0 {
		rest = rest[:end]
	}
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(rest)
	if m == nil {
		t.Fatalf("the form posting to %s has no field %s", action, name)
	}
	return m[1]
}

// pageOf asks a store list for its first page of 200.
func pageOf() aims.Page { return aims.Page{Limit: 200} }

// excerpt returns the main content of a page as text, shortened, for failure messages.
func excerpt(p page) string {
	body := p.Body
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	s := text(body)
	if len(s) > 800 {
		s = s[:800] + " …"
	}
	return s
}
