package authn_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/authn"
	"github.com/aimsproject/aims/internal/storetest"
)

func TestBearer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		header      string // "" sends no Authorization header
		wantToken   string
		wantPresent bool
	}{
		{"no header", "", "", false},
		{"a bearer token", "Bearer aims_abc", "aims_abc", true},
		{"the scheme in lower case", "bearer aims_abc", "aims_abc", true},
		{"the scheme in capitals", "BEARER aims_abc", "aims_abc", true},
		{"extra spaces around the token", "Bearer   aims_abc  ", "aims_abc", true},
		{"basic authentication", "Basic dXNlcjpwYXNz", "", true},
		{"a token without a scheme", "aims_abc", "", true},
		{"the scheme without a token", "Bearer", "", true},
		{"the scheme and a space", "Bearer ", "", true},
		{"a scheme that starts like Bearer", "Bearerx aims_abc", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api/v1/organization", nil)
			if tc.header != "" {
				r.Header.Set("Authorization", tc.header)
			}
			tok, present := authn.Bearer(r)
			if tok != tc.wantToken || present != tc.wantPresent {
				t.Fatalf("Bearer(%q) = %q, %v; want %q, %v", tc.header, tok, present, tc.wantToken, tc.wantPresent)
			}
		})
	}
}

func TestClientAddr(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		trustProxy bool
		remote     string
		xff        string
		want       string
	}{
		{"the peer address without its port", false, "192.0.2.7:51234", "", "192.0.2.7"},
		{"an IPv6 peer", false, "[2001:db8::1]:443", "", "2001:db8::1"},
		{"a peer address without a port", false, "192.0.2.7", "", "192.0.2.7"},
		{"X-Forwarded-For is ignored when the proxy is not trusted", false, "192.0.2.7:1", "203.0.113.9", "192.0.2.7"},
		{"a spoofed list is ignored when the proxy is not trusted", false, "192.0.2.7:1", "10.0.0.1, 203.0.113.9", "192.0.2.7"},
		{"the first forwarded address behind a trusted proxy", true, "10.0.0.2:1", "203.0.113.9, 10.0.0.1", "203.0.113.9"},
		{"a forwarded IPv6 address is canonicalised", true, "10.0.0.2:1", "2001:DB8:0::1", "2001:db8::1"},
		{"a malformed forwarded address falls back to the peer", true, "10.0.0.2:1", "not-an-ip", "10.0.0.2"},
		{"a forwarded address with a port falls back to the peer", true, "10.0.0.2:1", "203.0.113.9:5555", "10.0.0.2"},
		{"no forwarded header behind a trusted proxy", true, "10.0.0.2:1", "", "10.0.0.2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := &authn.Authenticator{TrustProxy: tc.trustProxy}
			r := httptest.NewRequest("POST", "/login", nil)
			r.RemoteAddr = tc.remote
			if tc.xff != "" {
				r.Header.Set("X-Forwarded-For", tc.xff)
			}
			if got := a.ClientAddr(r); got != tc.want {
				t.Fatalf("ClientAddr = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	expires := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		secure   bool
		wantName string
	}{
		{false, "aims_session"},
		{true, "__Host-aims_session"},
	} {
		name := "over plain HTTP"
		if tc.secure {
			name = "over TLS"
		}
		t.Run(name, func(t *testing.T) {
			a := &authn.Authenticator{Secure: tc.secure}
			rec := httptest.NewRecorder()
			a.SetSession(rec, "the-secret", expires)
			cs := rec.Result().Cookies()
			if len(cs) != 1 {
				t.Fatalf("SetSession wrote %d cookies, want 1", len(cs))
			}
			c := cs[0]
			if c.Name != tc.wantName || c.Value != "the-secret" || c.Path != "/" || c.Domain != "" ||
				!c.HttpOnly || c.Secure != tc.secure || c.SameSite != http.SameSiteLaxMode || !c.Expires.Equal(expires) {
				t.Fatalf("SetSession cookie = %+v; want %s=the-secret, Path=/, no Domain, HttpOnly, Secure=%v, SameSite=Lax, Expires=%v",
					c, tc.wantName, tc.secure, expires)
			}
			raw := rec.Header().Get("Set-Cookie")
			for _, attr := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
				if !strings.Contains(raw, attr) {
					t.Errorf("Set-Cookie %q lacks %s", raw, attr)
				}
			}
			if strings.Contains(raw, "Secure") != tc.secure {
				t.Errorf("Set-Cookie %q: Secure present = %v, want %v", raw, !tc.secure, tc.secure)
			}

			rec = httptest.NewRecorder()
			a.ClearSession(rec)
			cs = rec.Result().Cookies()
			if len(cs) != 1 || cs[0].Name != tc.wantName || cs[0].Value != "" || cs[0].MaxAge >= 0 ||
				!cs[0].HttpOnly || cs[0].Secure != tc.secure || cs[0].Path != "/" {
				t.Fatalf("ClearSession cookies = %+v; want %s emptied with Max-Age<0", cs, tc.wantName)
			}

			r := httptest.NewRequest("GET", "/", nil)
			r.AddCookie(&http.Cookie{Name: authn.CookieName, Value: "plain"})
			r.AddCookie(&http.Cookie{Name: authn.SecureCookieName, Value: "host"})
			want := map[bool]string{false: "plain", true: "host"}[tc.secure]
			if got := a.SessionSecret(r); got != want {
				t.Fatalf("SessionSecret = %q, want %q (the cookie named %s)", got, want, tc.wantName)
			}
			if got := a.SessionSecret(httptest.NewRequest("GET", "/", nil)); got != "" {
				t.Fatalf("SessionSecret without a cookie = %q", got)
			}
		})
	}
}

// authFixture is an Authenticator over a real store with one organization and one member, Ada (admin).
type authFixture struct {
	auth    *authn.Authenticator
	orgID   string
	userID  string
	token   string // an API token of Ada's, role viewer
	session string // a session cookie value of Ada's
}

func newAuthFixture(t *testing.T) *authFixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	svc := account.NewService(db, db.Now)
	org, err := svc.CreateOrganization(ctx, "acme", "Acme")
	if err != nil {
		t.Fatal(err)
	}
	const password = "a long enough password"
	u, err := svc.CreateUser(ctx, "ada@example.com", "Ada", password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddMember(ctx, org.ID, u.Email, aims.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	actx := aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: org.ID, Role: aims.RoleAdmin})
	tok, _, err := svc.CreateToken(actx, "ci", aims.RoleViewer, 0)
	if err != nil {
		t.Fatal(err)
	}
	sess, _, err := svc.Login(ctx, u.Email, password, "192.0.2.1", "")
	if err != nil {
		t.Fatal(err)
	}
	return &authFixture{auth: &authn.Authenticator{Accounts: svc}, orgID: org.ID, userID: u.ID, token: tok, session: sess}
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t)
	ctx := context.Background()
	request := func(authorization, cookie string) *http.Request {
		r := httptest.NewRequest("GET", "/api/v1/organization", nil)
		if authorization != "" {
			r.Header.Set("Authorization", authorization)
		}
		if cookie != "" {
			r.AddCookie(&http.Cookie{Name: authn.CookieName, Value: cookie})
		}
		return r
	}

	t.Run("a bearer token authenticates as the token with its role", func(t *testing.T) {
		res, err := f.auth.Authenticate(ctx, request("Bearer "+f.token, ""))
		if err != nil {
			t.Fatal(err)
		}
		if res.Actor.Kind != aims.ActorToken || res.Actor.Role != aims.RoleViewer || res.Actor.UserID != f.userID ||
			res.Actor.OrgID != f.orgID || res.Session != nil || res.User != nil {
			t.Fatalf("Authenticate(token) = %+v", res)
		}
	})
	t.Run("a session cookie authenticates as the user with the membership's role", func(t *testing.T) {
		res, err := f.auth.Authenticate(ctx, request("", f.session))
		if err != nil {
			t.Fatal(err)
		}
		if res.Actor.Kind != aims.ActorUser || res.Actor.Role != aims.RoleAdmin || res.Actor.ID != f.userID ||
			res.Session == nil || res.User == nil || res.Secret != f.session {
			t.Fatalf("Authenticate(cookie) = %+v", res)
		}
	})
	for _, tc := range []struct {
		name          string
		authorization string
		cookie        bool
	}{
		{"no credentials", "", false},
		{"a wrong bearer token", "Bearer aims_" + strings.Repeat("a", 52), false},
		{"a malformed bearer token", "Bearer nope", false},
		{"another scheme", "Basic dXNlcjpwYXNz", false},
		{"a bad bearer token even with a good cookie (the header alone counts)", "Bearer nope", true},
		{"another scheme even with a good cookie", "Basic dXNlcjpwYXNz", true},
	} {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			cookie := ""
			if tc.cookie {
				cookie = f.session
			}
			_, err := f.auth.Authenticate(ctx, request(tc.authorization, cookie))
			if aims.ErrorCode(err) != aims.EUNAUTHORIZED {
				t.Fatalf("Authenticate = %v, want EUNAUTHORIZED", err)
			}
		})
	}
	t.Run("refuses a session cookie that is not a session", func(t *testing.T) {
		_, err := f.auth.Authenticate(ctx, request("", strings.Repeat("a", 52)))
		if aims.ErrorCode(err) != aims.EUNAUTHORIZED {
			t.Fatalf("Authenticate = %v, want EUNAUTHORIZED", err)
		}
	})
	t.Run("ignores the cookie of the other name", func(t *testing.T) {
		secure := &authn.Authenticator{Accounts: f.auth.Accounts, Secure: true}
		_, err := secure.Authenticate(ctx, request("", f.session)) // sent as aims_session, expected __Host-aims_session
		if aims.ErrorCode(err) != aims.EUNAUTHORIZED {
			t.Fatalf("Authenticate = %v, want EUNAUTHORIZED", err)
		}
	})
}

func TestAuthenticateRefusesASessionOutsideItsOrganization(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	svc := account.NewService(db, db.Now)
	org, err := svc.CreateOrganization(ctx, "acme", "Acme")
	if err != nil {
		t.Fatal(err)
	}
	const password = "a long enough password"
	u, err := svc.CreateUser(ctx, "bob@example.com", "Bob", password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddMember(ctx, org.ID, u.Email, aims.RoleOwner); err != nil {
		t.Fatal(err)
	}
	// A second owner, so that Bob can be removed.
	if _, err := svc.CreateUser(ctx, "carol@example.com", "Carol", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddMember(ctx, org.ID, "carol@example.com", aims.RoleOwner); err != nil {
		t.Fatal(err)
	}
	secret, _, err := svc.Login(ctx, u.Email, password, "192.0.2.1", "")
	if err != nil {
		t.Fatal(err)
	}
	m, err := db.MembershipOf(ctx, org.ID, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.RemoveMember(ctx, org.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	auth := &authn.Authenticator{Accounts: svc}
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(&http.Cookie{Name: authn.CookieName, Value: secret})
	res, err := auth.Authenticate(ctx, r)
	if aims.ErrorCode(err) != aims.EFORBIDDEN {
		t.Fatalf("Authenticate = %+v, %v; want EFORBIDDEN", res, err)
	}
	if res == nil || res.User == nil || res.User.ID != u.ID || res.Actor.Kind != "" {
		t.Fatalf("Authenticate result = %+v; want the session's user and no actor, so the UI can offer to switch", res)
	}
}
