package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// addMember gives an existing user a role in the organization.
func (w *Web) addMember(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	form := AddMemberForm{Email: r.PostFormValue("email"), Role: aims.Role(r.PostFormValue("role"))}
	role, err := aims.ParseRole(string(form.Role), "role")
	var m *account.Membership
	if err == nil {
		m, err = w.Accounts.AddMember(r.Context(), v.org.ID, form.Email, role)
	}
	if err != nil {
		fe, status, ok := formError(err, "email", "role")
		if !ok {
			return err
		}
		form.Err = fe
		return w.renderMembers(rw, r, v, status, "", form, nil)
	}
	w.flash(rw, flashOK, m.UserEmail+" is now a member, as "+string(m.Role)+".")
	http.Redirect(rw, r, "/members", http.StatusSeeOther)
	return nil
}
