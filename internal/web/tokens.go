package web

import (
	"context"
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// TokensPage lists the organization's API tokens, with the form to create one for roles that may.
type TokensPage struct {
	Layout
	Tokens     []TokenRow
	NextCursor string
	CanCreate  bool
	// Grantable lists the roles a new token may have: at most the visitor's own.
	Grantable []aims.Role
	Expiries  []Choice
	Create    CreateTokenForm
	// Edit is the row whose revocation failed.
	Edit *TokenEdit
}

// TokenRow is one token as listed.
type TokenRow struct {
	*account.Token
	CreatedBy string
	// Status is active, expired or revoked.
	Status    string
	CanRevoke bool
}

// CreateTokenForm is the create-token form's values and errors.
type CreateTokenForm struct {
	Name   string
	Role   aims.Role
	Expiry string
	Err    *FormError
}

// TokenEdit is a failed revocation.
type TokenEdit struct {
	ID  string
	Err *FormError
}

// Choice is an option of a select.
type Choice struct {
	Value string
	Label string
}

// expiries are the lifetimes the form offers, in account.ParseExpiry's notation.
var expiries = []Choice{{"never", "Never"}, {"30d", "30 days"}, {"90d", "90 days"}, {"365d", "1 year"}}

// EditOf returns the failed revocation of the row with id, or nil.
func (p TokensPage) EditOf(id string) *TokenEdit {
	if p.Edit != nil && p.Edit.ID == id {
		return p.Edit
	}
	return nil
}

// atMost returns the roles no higher than role, from the highest.
func atMost(role aims.Role) []aims.Role {
	var out []aims.Role
	for _, r := range aims.Roles {
		if r.AtMost(role) {
			out = append(out, r)
		}
	}
	return out
}

// tokensPage lists the tokens, newest first, 100 to a page.
func (w *Web) tokensPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderTokens(rw, r, v, http.StatusOK, r.URL.Query().Get("cursor"), CreateTokenForm{Role: aims.RoleViewer, Expiry: "90d"}, nil)
}

func (w *Web) renderTokens(rw http.ResponseWriter, r *http.Request, v *visit, status int, cursor string, create CreateTokenForm, edit *TokenEdit) error {
	ctx := r.Context()
	ts, next, err := w.Accounts.Store().ListTokens(ctx, v.org.ID, pageOf(cursor, 100))
	if err != nil {
		return err
	}
	names := w.userNames(ctx, v.org.ID)
	now := w.Now()
	canDelete := v.may(aims.ActionDelete, aims.ResToken)
	revokeAny := v.may(aims.ActionUpdate, aims.ResMember)
	rows := make([]TokenRow, 0, len(ts))
	for _, t := range ts {
		row := TokenRow{Token: t, CreatedBy: names(t.UserID), Status: "active"}
		switch {
		case t.RevokedAt != nil:
			row.Status = "revoked"
		case !t.Active(now):
			row.Status = "expired"
		}
		row.CanRevoke = row.Status == "active" && canDelete && (t.UserID == v.user.ID || revokeAny)
		rows = append(rows, row)
	}
	p := TokensPage{Layout: w.layout(rw, r, v, "API tokens", "/tokens"), Tokens: rows, NextCursor: next,
		CanCreate: v.may(aims.ActionCreate, aims.ResToken), Grantable: atMost(v.actor.Role), Expiries: expiries,
		Create: create, Edit: edit}
	return w.render(rw, r, status, "tokens", p)
}

// userNames returns a function naming a user of orgID by id: the members' names, looked up once, and for
// anyone else (a creator who has left) their stored name, or "a former member".
func (w *Web) userNames(ctx context.Context, orgID string) func(id string) string {
	names := map[string]string{}
	if ms, _, err := w.Accounts.Store().ListMembers(ctx, orgID, pageOf("", 200)); err == nil {
		for _, m := range ms {
			names[m.UserID] = m.UserName
		}
	}
	return func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		n := "a former member"
		if u, err := w.Accounts.Store().UserByID(ctx, id); err == nil {
			n = u.Name
		}
		names[id] = n
		return n
	}
}
