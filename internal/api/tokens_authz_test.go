package api_test

import (
	"net/http"
	"testing"

	"github.com/aimsproject/aims"
)

func TestNonAdminsRevokeOnlyTheirOwnTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	victim := e.member(t, acme, aims.RoleAdmin)
	for _, tc := range []struct {
		role    aims.Role
		allowed bool
	}{
		{aims.RoleOwner, true},
		{aims.RoleAdmin, true},
		{aims.RoleManager, false},
		{aims.RoleContributor, false},
		{aims.RoleAuditor, false},
		{aims.RoleViewer, false},
	} {
		t.Run("a "+string(tc.role)+" revoking an admin's token", func(t *testing.T) {
			caller := e.member(t, acme, tc.role)
			_, tk := e.token(t, victim, aims.RoleAdmin, 0)
			before := e.counts(t, acme)
			res := e.do(t, "DELETE", "/api/v1/tokens/"+tk.ID, caller.Token, nil)
			cur, err := e.DB.TokenByID(e.Ctx, acme.ID, tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			if tc.allowed {
				res.want(t, http.StatusNoContent)
				if cur.RevokedAt == nil {
					t.Fatal("the token was not revoked")
				}
				return
			}
			res.wantProblem(t, 403, "forbidden", "")
			e.unchanged(t, before)
			if cur.RevokedAt != nil {
				t.Fatal("the admin's token was revoked")
			}
		})
	}
}
