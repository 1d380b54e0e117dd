package web

import (
	"net/http"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/authn"
)

// InviteForm is the invite form's values and errors.
type InviteForm struct {
	Email   string
	Role    aims.Role
	Expires string
	Err     *FormError
}

// CreatedInvitation is an invitation just made, with its link: shown this once, since only the hash of
// its secret is kept.
type CreatedInvitation struct {
	Invitation *account.Invitation
	Link       string
}

// invitationExpiries are the lifetimes the invite form offers.
var invitationExpiries = []Choice{{"1d", "1 day"}, {"7d", "7 days"}, {"30d", "30 days"}}

// invite makes an invitation and shows its link on the members page itself: aims sends no email, so the
// administrator passes the link on. The answer is the same whether or not the address has an account.
func (w *Web) invite(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	form := InviteForm{Email: r.PostFormValue("email"), Role: aims.Role(r.PostFormValue("role")), Expires: r.PostFormValue("expires")}
	role, err := aims.ParseRole(string(form.Role), "role")
	var lifetime time.Duration
	if err == nil {
		lifetime, err = parseInvitationExpiry(form.Expires)
	}
	var secret string
	var inv *account.Invitation
	if err == nil {
		secret, inv, err = w.Accounts.CreateInvitation(r.Context(), v.org.ID, form.Email, role, lifetime)
	}
	if err != nil {
		fe, status, ok := formError(err, "email", "role", "expires")
		if !ok {
			return err
		}
		form.Err = fe
		return w.renderMembers(rw, r, v, status, "", form, nil, nil)
	}
	created := &CreatedInvitation{Invitation: inv, Link: account.InvitationLink(authn.BaseURL(w.PublicURL, r), secret)}
	return w.renderMembers(rw, r, v, http.StatusOK, "", InviteForm{Role: aims.RoleViewer, Expires: "7d"}, nil, created)
}

func parseInvitationExpiry(s string) (time.Duration, error) {
	for _, c := range invitationExpiries {
		if c.Value == s {
			return account.ParseInvitationLifetime(s, "expires")
		}
	}
	return 0, aims.FieldError("expires", "Choose one of the offered lifetimes.")
}

// revokeInvitation withdraws a pending invitation: its link stops working.
func (w *Web) revokeInvitation(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	version, err := formVersion(r)
	if err != nil {
		return err
	}
	inv, err := w.Accounts.RevokeInvitation(r.Context(), v.org.ID, id, version)
	if err != nil {
		return err
	}
	w.flash(rw, flashOK, "The invitation for "+inv.Email+" was revoked; its link no longer works.")
	http.Redirect(rw, r, "/members", http.StatusSeeOther)
	return nil
}
