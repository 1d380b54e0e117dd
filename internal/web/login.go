package web

import (
	"net/http"
	"net/url"

	"github.com/aimsproject/aims/internal/problem"
)

// LoginPage is the login form.
type LoginPage struct {
	Layout
	Email string
	Next  string
	Err   *FormError
}

// loginPage shows the login form, or sends a visitor who is logged in already where they were going.
func (w *Web) loginPage(rw http.ResponseWriter, r *http.Request, _ *visit) error {
	next := nextPath(r.URL.Query().Get("next"))
	if secret := w.Auth.SessionSecret(r); secret != "" {
		if _, _, err := w.Accounts.Authenticate(r.Context(), secret); err == nil {
			http.Redirect(rw, r, next, http.StatusSeeOther)
			return nil
		}
	}
	p := LoginPage{Layout: w.layout(rw, r, nil, "Log in", "/login"), Next: next}
	return w.render(rw, r, http.StatusOK, "login", p)
}

// login checks the email and password and starts a session, ending the one the browser had before so that
// the session identifier changes on login. A user with a second factor goes on to /login/totp. A login the
// throttle refuses, or that the server is too busy to check, shows the form again with a "try again"
// message, status 429 and a Retry-After header.
func (w *Web) login(rw http.ResponseWriter, r *http.Request, _ *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	email, next := r.PostFormValue("email"), nextPath(r.PostFormValue("next"))
	secret, sess, err := w.Accounts.Login(r.Context(), email, r.PostFormValue("password"), w.Auth.ClientAddr(r), w.Auth.SessionSecret(r))
	if err != nil {
		fe, status, ok := formError(err, "email", "password")
		if !ok {
			return err
		}
		problem.SetRetryAfter(rw, err)
		p := LoginPage{Layout: w.layout(rw, r, nil, "Log in", "/login"), Email: email, Next: next, Err: fe}
		return w.render(rw, r, status, "login", p)
	}
	w.Auth.SetSession(rw, secret, sess.ExpiresAt)
	if sess.MFAPending {
		http.Redirect(rw, r, "/login/totp?next="+url.QueryEscape(next), http.StatusSeeOther)
		return nil
	}
	http.Redirect(rw, r, next, http.StatusSeeOther)
	return nil
}
