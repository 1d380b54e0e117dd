package api

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// meResponse tells a caller who it is.
type meResponse struct {
	ActorKind    aims.ActorKind `json:"actor_kind"`
	ActorID      string         `json:"actor_id"`
	Name         string         `json:"name"`
	UserID       string         `json:"user_id"`
	Role         aims.Role      `json:"role"`
	Organization orgRef         `json:"organization"`
}

type orgRef struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
}

func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	act := aims.ActorFrom(r.Context())
	return writeJSON(w, http.StatusOK, meResponse{ActorKind: act.Kind, ActorID: act.ID, Name: act.Name, UserID: act.UserID,
		Role: act.Role, Organization: orgRef{ID: act.OrgID, Slug: act.OrgSlug}})
}

func (a *API) getOrganization(w http.ResponseWriter, r *http.Request) error {
	o, err := a.Accounts.Store().OrganizationByID(r.Context(), aims.ActorFrom(r.Context()).OrgID)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, o.Version, o)
}

func (a *API) updateOrganization(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var req account.OrganizationUpdate
	if err := decode(w, r, &req); err != nil {
		return err
	}
	o, err := a.Accounts.UpdateOrganization(r.Context(), aims.ActorFrom(r.Context()).OrgID, req, version)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, o.Version, o)
}
