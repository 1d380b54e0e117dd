package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/problem"
)

// changePassword checks the current password and sets a new one. Changing a password ends every session
// of the user, this one included, so the visitor logs in again with the new password.
func (w *Web) changePassword(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	next := r.PostFormValue("password")
	var err error
	if next != r.PostFormValue("confirm") {
		err = aims.FieldError("confirm", "The two new passwords are not the same.")
	} else {
		err = w.Accounts.ChangePassword(r.Context(), v.user.ID, r.PostFormValue("current_password"), next)
	}
	if err != nil {
		fe, status, ok := formError(err, "current_password", "password", "confirm")
		if !ok {
			return err
		}
		problem.SetRetryAfter(rw, err)
		return w.renderAccount(rw, r, v, status, AccountPage{Password: fe})
	}
	w.Auth.ClearSession(rw)
	w.flash(rw, flashOK, "Your password is changed and every session has ended. Log in with the new password.")
	http.Redirect(rw, r, "/login", http.StatusSeeOther)
	return nil
}
