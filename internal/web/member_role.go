package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// changeRole sets a member's role, unless someone changed the membership since the form was shown.
func (w *Web) changeRole(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	edit := &MemberEdit{ID: id, Role: aims.Role(r.PostFormValue("role"))}
	role, err := aims.ParseRole(string(edit.Role), "role")
	var version int64
	if err == nil {
		version, err = formVersion(r)
	}
	var m *account.Membership
	if err == nil {
		m, err = w.Accounts.ChangeRole(r.Context(), v.org.ID, id, role, version)
	}
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return err
	}
	if err != nil {
		fe, status, ok := formError(err, "role")
		if !ok {
			return err
		}
		if aims.ErrorCode(err) == aims.EPRECONDITION {
			fe.Message = "Someone else changed this membership while you were editing. The row below now carries the current version; save again to apply your choice."
		}
		edit.Err = fe
		return w.renderMembers(rw, r, v, status, "", InviteForm{Role: aims.RoleViewer, Expires: "7d"}, edit, nil)
	}
	w.flash(rw, flashOK, m.UserEmail+" is now "+string(m.Role)+".")
	http.Redirect(rw, r, "/members", http.StatusSeeOther)
	return nil
}
