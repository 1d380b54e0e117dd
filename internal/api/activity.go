package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
)

// ActivityItem is an entry of the trail with what its record is called.
type ActivityItem struct {
	*activity.Entry
	Record activity.Record `json:"record"`
}

// listActivity returns a page of the trail, newest first, filtered by actor_id, record_type, action and
// the days from and to (UTC, both included), each entry with its record's reference and name.
func (a *API) listActivity(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	f, err := activity.ParseFilter(r.URL.Query().Get)
	if err != nil {
		return err
	}
	orgID := aims.ActorFrom(r.Context()).OrgID
	es, next, err := a.Activity.FilterActivity(r.Context(), orgID, f, p)
	if err != nil {
		return err
	}
	records, err := activity.Name(es, func(ids []string) (map[string]string, error) {
		return a.Activity.SystemNames(r.Context(), orgID, ids)
	})
	if err != nil {
		return err
	}
	out := make([]ActivityItem, len(es))
	for i, e := range es {
		out[i] = ActivityItem{Entry: e, Record: records[e.ID]}
	}
	return writeJSON(w, http.StatusOK, List[ActivityItem]{Items: out, NextCursor: next})
}

// exportActivity streams the whole trail, oldest first, as JSON lines: one entry per line, with the hashes
// that let anyone re-verify the chain.
func (a *API) exportActivity(w http.ResponseWriter, r *http.Request) error {
	act := aims.ActorFrom(r.Context())
	w.Header().Set("Content-Type", "application/jsonl")
	w.Header().Set("Content-Disposition", `attachment; filename="aims-activity-`+act.OrgSlug+`.jsonl"`)
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	wrote := false
	err := a.Activity.EachActivity(r.Context(), act.OrgID, func(e *activity.Entry) error {
		wrote = true
		return enc.Encode(e)
	})
	if err != nil && wrote {
		// The status is sent already; the truncated stream fails verification, and the log says why.
		a.Log.ErrorContext(r.Context(), "activity export failed", "err", err.Error())
		return nil
	}
	return err
}

// VerifyResult reports on an organization's activity trail.
type VerifyResult struct {
	OK      bool            `json:"ok"`
	Entries int64           `json:"entries"`
	Break   *activity.Break `json:"break,omitempty"`
}

func (a *API) verifyActivity(w http.ResponseWriter, r *http.Request) error {
	n, err := a.Activity.VerifyActivity(r.Context(), aims.ActorFrom(r.Context()).OrgID)
	var br *activity.Break
	switch {
	case errors.As(err, &br):
		return writeJSON(w, http.StatusOK, VerifyResult{OK: false, Entries: n, Break: br})
	case err != nil:
		return err
	}
	return writeJSON(w, http.StatusOK, VerifyResult{OK: true, Entries: n})
}
