package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// revokeToken revokes a token: the visitor's own, or any for an administrator.
func (w *Web) revokeToken(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	version, err := formVersion(r)
	var t *account.Token
	if err == nil {
		t, err = w.Accounts.RevokeToken(r.Context(), id, version)
	}
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return err
	}
	if err != nil {
		fe, status, ok := formError(err)
		if !ok {
			return err
		}
		return w.renderTokens(rw, r, v, status, "", CreateTokenForm{Role: aims.RoleViewer, Expiry: "90d"}, &TokenEdit{ID: id, Err: fe})
	}
	w.flash(rw, flashOK, "The token “"+t.Name+"” is revoked.")
	http.Redirect(rw, r, "/tokens", http.StatusSeeOther)
	return nil
}
