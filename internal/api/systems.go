package api

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
)

func (a *API) listSystems(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := system.Filter{Stage: q.Get("stage"), Status: q.Get("status"), OwnerID: q.Get("owner_id"), AIRole: q.Get("ai_role"),
		Query: q.Get("q"), Sort: q.Get("sort")}
	f.RiskClass = q.Get("risk_class")
	f.Supplier, f.Model = q.Get("supplier"), q.Get("model")
	ss, next, err := a.Systems.List(r.Context(), aims.ActorFrom(r.Context()).OrgID, f, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*system.System]{Items: items(ss), NextCursor: next})
}

func (a *API) createSystem(w http.ResponseWriter, r *http.Request) error {
	var f system.Fields
	if err := decode(w, r, &f); err != nil {
		return err
	}
	s, err := a.Systems.Create(r.Context(), aims.ActorFrom(r.Context()).OrgID, f)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/systems/"+s.ID)
	return writeResource(w, http.StatusCreated, s.Version, s)
}

func (a *API) getSystem(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	s, err := a.Systems.System(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, s.Version, s)
}

// systemUpdate is a PATCH of a system: the fields sent replace the stored ones, and reason says why.
type systemUpdate struct {
	system.Fields
	Reason string `json:"reason"`
}

func (a *API) updateSystem(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	// Read and check the body first, then lay it over the stored fields: those it leaves out are kept.
	var raw json.RawMessage
	if err := decode(w, r, &raw); err != nil {
		return err
	}
	if err := DecodeJSON(bytes.NewReader(raw), &systemUpdate{}); err != nil {
		return err
	}
	orgID := aims.ActorFrom(r.Context()).OrgID
	cur, err := a.Systems.System(r.Context(), orgID, id)
	if err != nil {
		return err
	}
	req := systemUpdate{Fields: system.FieldsOf(cur)}
	if err := DecodeJSON(bytes.NewReader(raw), &req); err != nil {
		return err
	}
	s, err := a.Systems.Update(r.Context(), orgID, id, req.Fields, version, req.Reason)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, s.Version, s)
}

func (a *API) deleteSystem(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	if err := a.Systems.Delete(r.Context(), aims.ActorFrom(r.Context()).OrgID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) systemHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	p, err := page(r)
	if err != nil {
		return err
	}
	cs, next, err := a.Systems.HistoryPage(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*system.Change]{Items: items(cs), NextCursor: next})
}
