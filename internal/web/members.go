package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// MembersPage lists the organization's members; administrators also get the forms to change them.
type MembersPage struct {
	Layout
	Members    []*account.Membership
	NextCursor string
	CanManage  bool
	// Grantable lists the roles the visitor may give.
	Grantable []aims.Role
	Self      string // the visitor's user id
	Add       AddMemberForm
	// Edit is the row whose form failed, with the values that were sent.
	Edit *MemberEdit
}

// AddMemberForm is the add-member form's values and errors.
type AddMemberForm struct {
	Email string
	Role  aims.Role
	Err   *FormError
}

// MemberEdit is a failed change to one member's row.
type MemberEdit struct {
	ID   string
	Role aims.Role
	Err  *FormError
}

// Editable reports whether the visitor may change or remove m: administrators may change anyone but an
// owner, whom only an owner may change.
func (p MembersPage) Editable(m *account.Membership) bool {
	return p.CanManage && (m.Role != aims.RoleOwner || p.Role == aims.RoleOwner)
}

// EditOf returns the failed edit of the row with id, or nil.
func (p MembersPage) EditOf(id string) *MemberEdit {
	if p.Edit != nil && p.Edit.ID == id {
		return p.Edit
	}
	return nil
}

// grantable returns the roles that role may give: every role for an owner, all but owner for others.
func grantable(role aims.Role) []aims.Role {
	var out []aims.Role
	for _, r := range aims.Roles {
		if r != aims.RoleOwner || role == aims.RoleOwner {
			out = append(out, r)
		}
	}
	return out
}

// membersPage lists the members, 100 to a page.
func (w *Web) membersPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderMembers(rw, r, v, http.StatusOK, r.URL.Query().Get("cursor"), AddMemberForm{Role: aims.RoleViewer}, nil)
}

func (w *Web) renderMembers(rw http.ResponseWriter, r *http.Request, v *visit, status int, cursor string, add AddMemberForm, edit *MemberEdit) error {
	ms, next, err := w.Accounts.Store().ListMembers(r.Context(), v.org.ID, pageOf(cursor, 100))
	if err != nil {
		return err
	}
	p := MembersPage{Layout: w.layout(rw, r, v, "Members", "/members"), Members: ms, NextCursor: next,
		CanManage: v.may(aims.ActionUpdate, aims.ResMember), Grantable: grantable(v.actor.Role), Self: v.user.ID,
		Add: add, Edit: edit}
	return w.render(rw, r, status, "members", p)
}
