package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	f.User(t, "ada@example.com", org, aims.RoleAdmin)

	cases := []struct {
		name     string
		form     url.Values
		status   int
		location string
		says     []string
	}{
		{name: "the right password starts a session and goes to the dashboard",
			form:   url.Values{"email": {"ada@example.com"}, "password": {apptest.Password}},
			status: http.StatusSeeOther, location: "/"},
		{name: "the email is matched whatever its case",
			form:   url.Values{"email": {"  Ada@Example.com "}, "password": {apptest.Password}},
			status: http.StatusSeeOther, location: "/"},
		{name: "a wrong password is refused beside the password field, keeping the email",
			form:   url.Values{"email": {"ada@example.com"}, "password": {"wrong password!"}},
			status: http.StatusUnauthorized, says: []string{"The email or password is not right."}},
		{name: "an unknown email gets the same answer as a wrong password",
			form:   url.Values{"email": {"nobody@example.com"}, "password": {apptest.Password}},
			status: http.StatusUnauthorized, says: []string{"The email or password is not right."}},
		{name: "next goes back to a local page",
			form:   url.Values{"email": {"ada@example.com"}, "password": {apptest.Password}, "next": {"/members?cursor=x"}},
			status: http.StatusSeeOther, location: "/members?cursor=x"},
		{name: "next to another site is refused",
			form:   url.Values{"email": {"ada@example.com"}, "password": {apptest.Password}, "next": {"https://evil.example/"}},
			status: http.StatusSeeOther, location: "/"},
		{name: "next to a scheme-relative address is refused",
			form:   url.Values{"email": {"ada@example.com"}, "password": {apptest.Password}, "next": {"//evil.example/x"}},
			status: http.StatusSeeOther, location: "/"},
		{name: "next with a backslash is refused",
			form:   url.Values{"email": {"ada@example.com"}, "password": {apptest.Password}, "next": {`/\evil.example`}},
			status: http.StatusSeeOther, location: "/"},
		{name: "next with a javascript URL is refused",
			form:   url.Values{"email": {"ada@example.com"}, "password": {apptest.Password}, "next": {"javascript:alert(1)"}},
			status: http.StatusSeeOther, location: "/"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newBrowser(t, f)
			p := b.post("/login", c.form)
			expect(t, p, c.status, c.location)
			mustContain(t, p, c.says...)
			if c.status == http.StatusUnauthorized {
				if b.session() != "" {
					t.Error("a failed login set a session cookie")
				}
				if !strings.Contains(p.Body, `value="`+strings.TrimSpace(c.form.Get("email"))+`"`) {
					t.Error("the email was not kept in the form")
				}
				if !strings.Contains(p.Body, `aria-describedby="password-error"`) {
					t.Error("the error is not tied to the password field")
				}
			}
		})
	}
}

func TestLoginIsRateLimited(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	f.User(t, "ada@example.com", org, aims.RoleViewer)
	b := newBrowser(t, f)
	for i := 0; i < 5; i++ {
		p := b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"not the password"}})
		expect(t, p, http.StatusUnauthorized, "")
	}
	p := b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {apptest.Password}})
	expect(t, p, http.StatusTooManyRequests, "")
	mustContain(t, p, "Too many failed logins for this account", "try again in 15 minutes")
	if ra, err := strconv.Atoi(p.Header.Get("Retry-After")); err != nil || ra <= 0 || ra > 900 {
		t.Errorf("Retry-After = %q, want the seconds left of the 15-minute window", p.Header.Get("Retry-After"))
	}
	if b.session() != "" {
		t.Error("a refused login set a session cookie")
	}
}

func TestUnauthenticatedVisitors(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	f.User(t, "ada@example.com", org, aims.RoleOwner)

	cases := []struct {
		name     string
		method   string
		path     string
		cookie   string
		location string
	}{
		{"a page asks to log in and comes back afterwards", http.MethodGet, "/members", "", "/login?next=%2Fmembers"},
		{"the query string is kept for afterwards", http.MethodGet, "/activity?cursor=abc", "", "/login?next=%2Factivity%3Fcursor%3Dabc"},
		{"the dashboard asks to log in without a next", http.MethodGet, "/", "", "/login"},
		{"a form action asks to log in", http.MethodPost, "/tokens", "", "/login"},
		{"a forged cookie is not a session", http.MethodGet, "/settings", strings.Repeat("a", 52), "/login?next=%2Fsettings"},
		{"a malformed cookie is not a session", http.MethodGet, "/settings", "<script>", "/login?next=%2Fsettings"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newBrowser(t, f)
			if c.cookie != "" {
				b.setSession(c.cookie)
			}
			var p page
			if c.method == http.MethodGet {
				p = b.get(c.path)
			} else {
				p = b.post(c.path, url.Values{"name": {"x"}})
			}
			expect(t, p, http.StatusSeeOther, c.location)
			if c.cookie != "" && b.session() != "" {
				t.Error("the forged cookie was not removed")
			}
			login := b.get(p.Location)
			expect(t, login, http.StatusOK, "")
			mustContain(t, login, "Log in", "Email", "Password")
		})
	}

	t.Run("a bearer token does not open the web interface", func(t *testing.T) {
		u := f.User(t, "ada@example.com", nil, "")
		b := newBrowser(t, f)
		b.header.Set("Authorization", "Bearer "+f.Token(t, u, org, aims.RoleOwner))
		expect(t, b.get("/members"), http.StatusSeeOther, "/login?next=%2Fmembers")
	})
}

func TestLoginRotatesTheSession(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	f.User(t, "ada@example.com", org, aims.RoleOwner)
	b := newBrowser(t, f)
	b.login("ada@example.com")
	first := b.session()
	expect(t, b.get("/"), http.StatusOK, "")

	b.login("ada@example.com")
	second := b.session()
	if second == "" || second == first {
		t.Fatalf("logging in again kept the session identifier")
	}
	old := newBrowser(t, f)
	old.setSession(first)
	expect(t, old.get("/"), http.StatusSeeOther, "/login")
	expect(t, b.get("/"), http.StatusOK, "")
}

func TestLoginWithTOTP(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	u := f.User(t, "ada@example.com", org, aims.RoleOwner)
	setup, err := f.Accounts.BeginTOTP(u)
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(setup.Secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Accounts.EnableTOTP(f.Ctx, u.ID, setup.Secret, code); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, f)
	p := b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {apptest.Password}, "next": {"/members"}})
	expect(t, p, http.StatusSeeOther, "/login/totp?next=%2Fmembers")
	pending := b.session()

	t.Run("a session that owes its second factor opens no page", func(t *testing.T) {
		expect(t, b.get("/members"), http.StatusSeeOther, "/login?next=%2Fmembers")
		b.setSession(pending)
	})
	t.Run("the code page asks for the code", func(t *testing.T) {
		p := b.get("/login/totp?next=%2Fmembers")
		expect(t, p, http.StatusOK, "")
		mustContain(t, p, "Two-factor authentication", "Code")
	})
	t.Run("a wrong code is refused beside the code field", func(t *testing.T) {
		p := b.post("/login/totp", url.Values{"code": {"000000"}, "next": {"/members"}})
		expect(t, p, http.StatusBadRequest, "")
		mustContain(t, p, "The code is not right")
		if !strings.Contains(p.Body, `aria-describedby="code-error"`) {
			t.Error("the error is not tied to the code field")
		}
	})
	t.Run("the right code completes the login under a new session", func(t *testing.T) {
		// The next step's code: the current one turned the second factor on, and each code works once.
		code, err := totp.GenerateCode(setup.Secret, time.Now().Add(30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		p := b.post("/login/totp", url.Values{"code": {code}, "next": {"/members"}})
		expect(t, p, http.StatusSeeOther, "/members")
		if b.session() == pending {
			t.Error("completing the second factor kept the pending session's identifier")
		}
		expect(t, b.get("/members"), http.StatusOK, "")
		old := newBrowser(t, f)
		old.setSession(pending)
		expect(t, old.get("/login/totp"), http.StatusSeeOther, "/login")
	})
	t.Run("without a pending session the code page sends to login", func(t *testing.T) {
		expect(t, newBrowser(t, f).get("/login/totp"), http.StatusSeeOther, "/login")
	})
}

func TestLogout(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	u := f.User(t, "ada@example.com", org, aims.RoleViewer)

	t.Run("logging out ends this session only", func(t *testing.T) {
		one, two := browserAs(t, f, u, org), browserAs(t, f, u, org)
		secret := one.session()
		p := one.post("/logout", nil)
		expect(t, p, http.StatusSeeOther, "/login")
		mustContain(t, one.get("/login"), "You have logged out.")
		stale := newBrowser(t, f)
		stale.setSession(secret)
		expect(t, stale.get("/"), http.StatusSeeOther, "/login")
		expect(t, two.get("/"), http.StatusOK, "")
	})
	t.Run("logging out everywhere ends every session of the user", func(t *testing.T) {
		one, two := browserAs(t, f, u, org), browserAs(t, f, u, org)
		p := one.post("/logout/everywhere", nil)
		expect(t, p, http.StatusSeeOther, "/login")
		mustContain(t, one.get("/login"), "You have logged out on every device.")
		expect(t, one.get("/"), http.StatusSeeOther, "/login")
		expect(t, two.get("/"), http.StatusSeeOther, "/login")
	})
	t.Run("the login page sends a logged-in visitor on", func(t *testing.T) {
		b := browserAs(t, f, u, org)
		expect(t, b.get("/login?next=%2Fsettings"), http.StatusSeeOther, "/settings")
		expect(t, b.get("/login?next=https%3A%2F%2Fevil.example"), http.StatusSeeOther, "/")
	})
}
