package web

import (
	"net/http"

	"github.com/aimsproject/aims"
)

// removeMember takes a member out of the organization, revoking their tokens here.
func (w *Web) removeMember(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := w.Accounts.Store().MembershipByID(r.Context(), v.org.ID, id)
	if err != nil {
		return err
	}
	if err := w.Accounts.RemoveMember(r.Context(), v.org.ID, id); err != nil {
		fe, status, ok := formError(err)
		if !ok {
			return err
		}
		return w.renderMembers(rw, r, v, status, "", InviteForm{Role: aims.RoleViewer, Expires: "7d"}, &MemberEdit{ID: id, Role: m.Role, Err: fe}, nil)
	}
	w.flash(rw, flashOK, m.UserEmail+" is no longer a member; their API tokens here are revoked.")
	target := "/members"
	if m.UserID == v.user.ID {
		target = "/"
	}
	http.Redirect(rw, r, target, http.StatusSeeOther)
	return nil
}
