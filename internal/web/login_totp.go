package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/problem"
)

// LoginTOTPPage asks for the second factor.
type LoginTOTPPage struct {
	Layout
	Next string
	Err  *FormError
}

// loginTOTPPage asks a session whose password was right for its authenticator code.
func (w *Web) loginTOTPPage(rw http.ResponseWriter, r *http.Request, _ *visit) error {
	next := nextPath(r.URL.Query().Get("next"))
	sess, _, err := w.Accounts.PendingSession(r.Context(), w.Auth.SessionSecret(r))
	if err != nil {
		if aims.ErrorCode(err) == aims.EUNAUTHORIZED {
			http.Redirect(rw, r, "/login", http.StatusSeeOther)
			return nil
		}
		return err
	}
	if !sess.MFAPending {
		http.Redirect(rw, r, next, http.StatusSeeOther)
		return nil
	}
	p := LoginTOTPPage{Layout: w.layout(rw, r, nil, "Two-factor authentication", "/login/totp"), Next: next}
	return w.render(rw, r, http.StatusOK, "login_totp", p)
}

// loginTOTP checks the code and replaces the pending session with a complete one under a new identifier.
func (w *Web) loginTOTP(rw http.ResponseWriter, r *http.Request, _ *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	next := nextPath(r.PostFormValue("next"))
	secret, sess, err := w.Accounts.CompleteTOTP(r.Context(), w.Auth.SessionSecret(r), r.PostFormValue("code"))
	if aims.ErrorCode(err) == aims.EUNAUTHORIZED {
		w.flash(rw, flashWarn, "Your login has expired; please log in again.")
		http.Redirect(rw, r, "/login", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		fe, status, ok := formError(err, "code")
		if !ok {
			return err
		}
		problem.SetRetryAfter(rw, err)
		p := LoginTOTPPage{Layout: w.layout(rw, r, nil, "Two-factor authentication", "/login/totp"), Next: next, Err: fe}
		return w.render(rw, r, status, "login_totp", p)
	}
	w.Auth.SetSession(rw, secret, sess.ExpiresAt)
	http.Redirect(rw, r, next, http.StatusSeeOther)
	return nil
}
