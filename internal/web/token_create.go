package web

import (
	"net/http"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// TokenCreatedPage shows a new token's secret, this once.
type TokenCreatedPage struct {
	Layout
	Token  *account.Token
	Secret string
}

// createToken makes an API token for the visitor and shows its secret on the response itself: the secret
// is never stored, so there is nothing to redirect to. The page is not cached (every page is no-store).
func (w *Web) createToken(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	form := CreateTokenForm{Name: r.PostFormValue("name"), Role: aims.Role(r.PostFormValue("role")), Expiry: r.PostFormValue("expires")}
	role, err := aims.ParseRole(string(form.Role), "role")
	var lifetime time.Duration
	if err == nil {
		lifetime, err = parseExpiryChoice(form.Expiry)
	}
	var secret string
	var t *account.Token
	if err == nil {
		secret, t, err = w.Accounts.CreateToken(r.Context(), form.Name, role, lifetime)
	}
	if err != nil {
		fe, status, ok := formError(err, "name", "role", "expires")
		if !ok {
			return err
		}
		form.Err = fe
		return w.renderTokens(rw, r, v, status, "", form, nil)
	}
	p := TokenCreatedPage{Layout: w.layout(rw, r, v, "Token created", "/tokens"), Token: t, Secret: secret}
	return w.render(rw, r, http.StatusOK, "token_created", p)
}

// parseExpiryChoice accepts only the lifetimes the form offers.
func parseExpiryChoice(s string) (time.Duration, error) {
	for _, c := range expiries {
		if c.Value == s {
			return account.ParseExpiry(s, "expires")
		}
	}
	return 0, aims.FieldError("expires", "Choose one of the offered lifetimes.")
}
