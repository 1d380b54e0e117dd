package web

import (
	"net/http"
	"time"

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
	// CanInvite is set for administrators, who invite people and see the invitations.
	CanInvite bool
	Invite    InviteForm
	Expiries  []Choice
	// Created is the invitation just made, whose link is shown this once.
	Created *CreatedInvitation
	// Invitations are the newest invitations, pending ones with a revoke button.
	Invitations []*account.Invitation
	// Now tells pending invitations from expired ones.
	Now time.Time
	// Edit is the row whose form failed, with the values that were sent.
	Edit *MemberEdit
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

// membersPage lists the members, 100 to a page, and for administrators the 20 newest invitations.
func (w *Web) membersPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderMembers(rw, r, v, http.StatusOK, r.URL.Query().Get("cursor"), InviteForm{Role: aims.RoleViewer, Expires: "7d"}, nil, nil)
}

func (w *Web) renderMembers(rw http.ResponseWriter, r *http.Request, v *visit, status int, cursor string, invite InviteForm, edit *MemberEdit, created *CreatedInvitation) error {
	ms, next, err := w.Accounts.Store().ListMembers(r.Context(), v.org.ID, pageOf(cursor, 100))
	if err != nil {
		return err
	}
	p := MembersPage{Layout: w.layout(rw, r, v, "Members", "/members"), Members: ms, NextCursor: next,
		CanManage: v.may(aims.ActionUpdate, aims.ResMember), Grantable: grantable(v.actor.Role), Self: v.user.ID,
		CanInvite: v.may(aims.ActionCreate, aims.ResInvitation), Invite: invite, Expiries: invitationExpiries,
		Created: created, Now: w.Accounts.Now(), Edit: edit}
	if p.CanInvite {
		if p.Invitations, _, err = w.Accounts.ListInvitations(r.Context(), v.org.ID, aims.Page{Limit: 20}); err != nil {
			return err
		}
	}
	return w.render(rw, r, status, "members", p)
}

// Revocable reports whether the visitor may revoke inv: it is pending, and only an owner revokes an
// invitation to be owner.
func (p MembersPage) Revocable(inv *account.Invitation) bool {
	return p.CanInvite && inv.Status(p.Now) == account.InvitationPending && (inv.Role != aims.RoleOwner || p.Role == aims.RoleOwner)
}
