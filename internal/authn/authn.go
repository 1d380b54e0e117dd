// Package authn authenticates HTTP requests: bearer API tokens for machines and session cookies for
// people. It turns either into an aims.Actor; deciding what the actor may do is aims.Authorize's job.
package authn

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// CookieName is the session cookie. With the __Host- prefix when served over TLS, browsers refuse it
// from any other host or path.
const (
	CookieName       = "aims_session"
	SecureCookieName = "__Host-aims_session"
)

// Authenticator reads credentials from requests and writes session cookies.
type Authenticator struct {
	Accounts *account.Service
	// Secure marks cookies Secure (and __Host-); set when aims is served over TLS.
	Secure bool
	// TrustProxy takes the client address from the first X-Forwarded-For entry; set only behind a proxy
	// that overwrites that header.
	TrustProxy bool
}

// ClientAddr returns the address of the client that made r, for login throttling.
func (a *Authenticator) ClientAddr(r *http.Request) string {
	if a.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// BaseURL returns the URL people reach aims at, for links that leave aims (invitations): publicURL when
// set, otherwise the scheme and host that r was sent to.
func BaseURL(publicURL string, r *http.Request) string {
	if publicURL != "" {
		return publicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Result is an authenticated request: the actor, and for a browser session the session and user.
type Result struct {
	Actor   aims.Actor
	Session *account.Session
	User    *account.User
	Secret  string // the session cookie's value
}

// cookieName returns the name of the session cookie in use.
func (a *Authenticator) cookieName() string {
	if a.Secure {
		return SecureCookieName
	}
	return CookieName
}

// SessionSecret returns the session cookie's value, or "".
func (a *Authenticator) SessionSecret(r *http.Request) string {
	c, err := r.Cookie(a.cookieName())
	if err != nil {
		return ""
	}
	return c.Value
}

// Bearer returns the bearer token of r and whether there was an Authorization header at all.
func Bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", false
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", true
	}
	return strings.TrimSpace(tok), true
}

// Authenticate returns who makes r: the bearer token if there is an Authorization header (and then only
// it), otherwise the session cookie. It answers EUNAUTHORIZED when neither is valid, and EFORBIDDEN when
// a session's user is not a member of the session's organization.
func (a *Authenticator) Authenticate(ctx context.Context, r *http.Request) (*Result, error) {
	if tok, present := Bearer(r); present {
		actor, err := a.Accounts.AuthenticateToken(ctx, tok)
		if err != nil {
			return nil, err
		}
		return &Result{Actor: actor}, nil
	}
	secret := a.SessionSecret(r)
	if secret == "" {
		return nil, aims.Errorf(aims.EUNAUTHORIZED, "Authenticate with a bearer API token or log in.")
	}
	sess, u, err := a.Accounts.Authenticate(ctx, secret)
	if err != nil {
		return nil, err
	}
	res := &Result{Session: sess, User: u, Secret: secret}
	actor, _, err := a.Accounts.SessionActor(ctx, sess, u)
	if err != nil {
		return res, err
	}
	res.Actor = actor
	return res, nil
}

// SetSession writes the session cookie.
func (a *Authenticator) SetSession(w http.ResponseWriter, secret string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: a.cookieName(), Value: secret, Path: "/", Expires: expires,
		HttpOnly: true, Secure: a.Secure, SameSite: http.SameSiteLaxMode})
}

// ClearSession removes the session cookie.
func (a *Authenticator) ClearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: a.cookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: a.Secure, SameSite: http.SameSiteLaxMode})
}
