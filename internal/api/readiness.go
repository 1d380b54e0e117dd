package api

import (
	"net/http"

	"github.com/aimsproject/aims"
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
