package api

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
)

func (a *API) getAIRoles(w http.ResponseWriter, r *http.Request) error {
	p, err := a.Controls.Profile(r.Context(), aims.ActorFrom(r.Context()).OrgID)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, p.Version, a.profileAnswer(p))
}

// profileAnswer is the profile as the API answers it: with whether its date set is the one in force.
type profileAnswer struct {
	*control.Profile
	EUDatesInForce bool `json:"eu_dates_in_force"`
}

func (a *API) profileAnswer(p *control.Profile) profileAnswer {
	return profileAnswer{Profile: p, EUDatesInForce: control.DateSetOf(a.Controls.Catalog(), p.EUDates).InForce}
}

func (a *API) putAIRoles(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var req control.ProfileUpdate
	if err := decode(w, r, &req); err != nil {
		return err
	}
	p, err := a.Controls.UpdateProfile(r.Context(), aims.ActorFrom(r.Context()).OrgID, req, version)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, p.Version, a.profileAnswer(p))
}

func (a *API) euObligations(w http.ResponseWriter, r *http.Request) error {
	o, err := a.Controls.Obligations(r.Context(), aims.ActorFrom(r.Context()).OrgID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o)
}

// coverage answers the coverage of every framework at once: one row per framework (bounded as in
// listFrameworks), not per record.
func (a *API) coverage(w http.ResponseWriter, r *http.Request) error {
	c, err := a.Controls.Coverage(r.Context(), aims.ActorFrom(r.Context()).OrgID, r.URL.Query().Get("framework"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}
