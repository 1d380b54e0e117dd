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
