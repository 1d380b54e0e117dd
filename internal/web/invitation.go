package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// InvitationPage is where an invitation link leads. A visitor who is logged in accepts it with one button;
// anyone else logs in first, or creates an account with the invited address: the only way to create an
// account from the web.
type InvitationPage struct {
	Layout
	Invitation *account.Invitation
	Secret     string
	// User is the logged-in visitor, or nil.
	User *account.User
	// OtherAddress is set when the visitor is logged in with another address than the invited one, and
	// so cannot accept.
	OtherAddress bool
	// LoginURL logs in and comes back here.
	LoginURL string
	Name     string
	Err      *FormError
}

// invitationPage shows an invitation. A link that is malformed, unknown, used, revoked or expired gets the
// error page with a message that says which.
func (w *Web) invitationPage(rw http.ResponseWriter, r *http.Request, _ *visit) error {
	return w.renderInvitation(rw, r, http.StatusOK, "", nil)
}

func (w *Web) renderInvitation(rw http.ResponseWriter, r *http.Request, status int, name string, fe *FormError) error {
	secret := r.PathValue("token")
	inv, err := w.Accounts.OpenInvitation(r.Context(), secret)
	if err != nil {
		return err
	}
	p := InvitationPage{Layout: w.layout(rw, r, nil, "Join "+inv.OrgName, ""), Invitation: inv, Secret: secret,
		LoginURL: "/login?next=" + url.QueryEscape(account.InvitationPath(secret)), Name: name, Err: fe}
	if v, err := w.authenticate(r); err == nil {
		p.User, p.OtherAddress = v.user, !strings.EqualFold(v.user.Email, inv.Email)
	}
	return w.render(rw, r, status, "invitation", p)
}

// acceptInvitation makes the logged-in visitor a member of the inviting organization and lands them there.
// Someone logged in with another address than the invited one is refused, and the link stays usable.
func (w *Web) acceptInvitation(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	m, err := w.Accounts.AcceptInvitation(r.Context(), r.PathValue("token"), v.user.ID)
	if err != nil {
		if c := aims.ErrorCode(err); c == aims.EFORBIDDEN || c == aims.ECONFLICT {
			fe, status, ok := formError(err)
			if ok {
				return w.renderInvitation(rw, r, status, "", fe)
			}
		}
		return err
	}
	if err := w.Accounts.SwitchOrganization(r.Context(), v.sess, m.OrgID); err != nil {
		return err
	}
	w.flash(rw, flashOK, "Welcome to "+m.OrgName+": you are a member now, as "+string(m.Role)+".")
	http.Redirect(rw, r, "/", http.StatusSeeOther)
	return nil
}

// signUp creates the invitee's account with the invited address, accepts the invitation with it and logs
// the new user in, in the inviting organization.
func (w *Web) signUp(rw http.ResponseWriter, r *http.Request, _ *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	secret, name, password := r.PathValue("token"), r.PostFormValue("name"), r.PostFormValue("password")
	var err error
	if password != r.PostFormValue("confirm") {
		err = aims.FieldError("confirm", "The two passwords are not the same.")
	}
	var sessSecret string
	var sess *account.Session
	if err == nil {
		sessSecret, sess, _, err = w.Accounts.SignUpWithInvitation(r.Context(), secret, name, password)
	}
	if err != nil {
		fe, status, ok := formError(err, "name", "password", "confirm")
		if !ok {
			return err
		}
		if aims.ErrorCode(err) == aims.ENOTFOUND || aims.ErrorCode(err) == aims.ECONFLICT && aims.ErrorField(err) == "" {
			return err // the link itself is no good: the error page says why
		}
		return w.renderInvitation(rw, r, status, name, fe)
	}
	if old := w.Auth.SessionSecret(r); old != "" {
		_ = w.Accounts.Logout(r.Context(), old) // a new identity gets a new session identifier
	}
	w.Auth.SetSession(rw, sessSecret, sess.ExpiresAt)
	w.flash(rw, flashOK, "Welcome to aims: your account is ready.")
	http.Redirect(rw, r, "/", http.StatusSeeOther)
	return nil
}
