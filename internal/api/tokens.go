package api

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

func (a *API) listTokens(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	ts, next, err := a.Accounts.Store().ListTokens(r.Context(), aims.ActorFrom(r.Context()).OrgID, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*account.Token]{Items: items(ts), NextCursor: next})
}

type createTokenRequest struct {
	Name      string    `json:"name"`
	Role      aims.Role `json:"role"`
	ExpiresIn string    `json:"expires_in"`
}

// createTokenResponse carries the secret, shown this once.
type createTokenResponse struct {
	Token  *account.Token `json:"token"`
	Secret string         `json:"secret"`
}

func (a *API) createToken(w http.ResponseWriter, r *http.Request) error {
	var req createTokenRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if req.Role != "" {
		if _, err := aims.ParseRole(string(req.Role), "role"); err != nil {
			return err
		}
	}
	lifetime, err := account.ParseExpiry(req.ExpiresIn, "expires_in")
	if err != nil {
		return err
	}
	secret, t, err := a.Accounts.CreateToken(r.Context(), req.Name, req.Role, lifetime)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tokens/"+t.ID)
	return writeResource(w, http.StatusCreated, t.Version, createTokenResponse{Token: t, Secret: secret})
}

func (a *API) getToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Token")
	if err != nil {
		return err
	}
	t, err := a.Accounts.Store().TokenByID(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, t.Version, t)
}

func (a *API) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Token")
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	if _, err := a.Accounts.RevokeToken(r.Context(), id, version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
