package api

import (
	"net/http"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/gate"
)

// checkSystemGate answers GET /api/v1/systems/{id}/gate?stage=: the system checked against the
// conditions of stage (its own stage when none is given). Passing or not, the answer is 200: the result
// says which.
func (a *API) checkSystemGate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	res, err := a.Gate.Check(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, r.URL.Query().Get("stage"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// checkGate answers GET /api/v1/gate?system=NAME&stage=: the same check, naming the system as a CI
// pipeline knows it.
func (a *API) checkGate(w http.ResponseWriter, r *http.Request) error {
	orgID := aims.ActorFrom(r.Context()).OrgID
	sys, err := a.Gate.SystemNamed(r.Context(), orgID, r.URL.Query().Get("system"))
	if err != nil {
		return err
	}
	res, err := a.Gate.Check(r.Context(), orgID, sys.ID, r.URL.Query().Get("stage"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// gatePolicyAnswer is the policy with what a client needs to edit it: the conditions it may require and
// the life-cycle stages.
type gatePolicyAnswer struct {
	*gate.Policy
	Conditions []gate.ConditionInfo `json:"conditions"`
	Stages     []string             `json:"all_stages"`
}

func (a *API) getGatePolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := a.Gate.Policy(r.Context(), aims.ActorFrom(r.Context()).OrgID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, gatePolicyAnswer{p, gate.Conditions, gate.Stages()})
}

// newGatePolicy is a new version of the policy: its stages and the version it was made from.
type newGatePolicy struct {
	Stages  []gate.StageRule `json:"stages"`
	BasedOn int64            `json:"based_on"`
}

// saveGatePolicy answers POST /api/v1/gate-policy/versions: the policy saved as the next version.
func (a *API) saveGatePolicy(w http.ResponseWriter, r *http.Request) error {
	var req newGatePolicy
	if err := decode(w, r, &req); err != nil {
		return err
	}
	p, err := a.Gate.SavePolicy(r.Context(), aims.ActorFrom(r.Context()).OrgID, &gate.Policy{Stages: req.Stages}, req.BasedOn)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/gate-policy?version="+strconv.FormatInt(p.Version, 10))
	return writeResource(w, http.StatusCreated, p.Version, gatePolicyAnswer{p, gate.Conditions, gate.Stages()})
}
