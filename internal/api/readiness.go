package api

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/readiness"
)

// getReadiness answers GET /api/v1/readiness: how far the organization is from its certification
// audit, with the gaps and what to do next.
func (a *API) getReadiness(w http.ResponseWriter, r *http.Request) error {
	res, err := a.Readiness.Compute(r.Context(), aims.ActorFrom(r.Context()).OrgID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// listReadinessSystems answers GET /api/v1/readiness/systems: the roll-up by AI system, a page of the
// systems by name, each against the release gate of its next stage.
func (a *API) listReadinessSystems(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	ss, next, err := a.Readiness.SystemsPage(r.Context(), aims.ActorFrom(r.Context()).OrgID, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[readiness.SystemState]{Items: items(ss), NextCursor: next})
}

// mappedReadiness is a page of a mapped framework's readiness.
type mappedReadiness struct {
	*readiness.MappedReadiness
	NextCursor string `json:"next_cursor,omitempty"`
}

// getMappedReadiness answers GET /api/v1/readiness/mapped?framework=KEY: the readiness of a mapped
// framework (the NIST AI RMF, the EU AI Act's obligations) through the crosswalks, with a page of its
// requirements, each as far as the furthest ISO/IEC 42001 item mapped to it.
func (a *API) getMappedReadiness(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	m, next, err := a.Readiness.MappedPage(r.Context(), aims.ActorFrom(r.Context()).OrgID, r.URL.Query().Get("framework"), p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, mappedReadiness{MappedReadiness: m, NextCursor: next})
}
