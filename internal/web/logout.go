package web

import "net/http"

// logout ends the browser's session, whatever state it is in, and forgets the cookie.
func (w *Web) logout(rw http.ResponseWriter, r *http.Request, _ *visit) error {
	if secret := w.Auth.SessionSecret(r); secret != "" {
		if err := w.Accounts.Logout(r.Context(), secret); err != nil {
			return err
		}
	}
	w.Auth.ClearSession(rw)
	w.flash(rw, flashOK, "You have logged out.")
	// An invitation page logs out someone with the wrong address and comes back, to log in as the invitee.
	target := "/login"
	if next := r.PostFormValue("next"); next != "" {
		target = nextPath(next)
	}
	http.Redirect(rw, r, target, http.StatusSeeOther)
	return nil
}

// logoutEverywhere ends every session of the user, on every device, this one included.
func (w *Web) logoutEverywhere(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := w.Accounts.LogoutEverywhere(r.Context(), v.user.ID); err != nil {
		return err
	}
	w.Auth.ClearSession(rw)
	w.flash(rw, flashOK, "You have logged out on every device.")
	http.Redirect(rw, r, "/login", http.StatusSeeOther)
	return nil
}
