package api

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

func (a *API) createMapping(w http.ResponseWriter, r *http.Request) error {
	var req framework.MappingRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	m, err := a.Frameworks.CreateMapping(r.Context(), aims.ActorFrom(r.Context()).OrgID, req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, m)
}

func (a *API) deleteMapping(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Mapping")
	if err != nil {
		return err
	}
	if err := a.Frameworks.DeleteMapping(r.Context(), aims.ActorFrom(r.Context()).OrgID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
