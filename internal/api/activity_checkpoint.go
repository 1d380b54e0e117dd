package api

import (
	"net/http"
	"path/filepath"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
)

// CheckpointStatus tells whether the organization's trail extends the latest checkpoint the server wrote.
type CheckpointStatus struct {
	// Configured is false when the server writes no checkpoints (no --checkpoint-dir).
	Configured bool `json:"configured"`
	// File is the base name of the latest checkpoint file; empty when there is none yet.
	File       string               `json:"file,omitempty"`
	Checkpoint *activity.Checkpoint `json:"checkpoint,omitempty"`
	// Extends is true when the checkpoint's signature verifies and the trail extends it.
	Extends bool   `json:"extends"`
	Problem string `json:"problem,omitempty"`
}

// activityCheckpoint tells whether the trail extends the latest checkpoint, checked by a.Trails (from the
// entry its last pass verified, see activity.Monitor) when set, and by a full pass otherwise.
func (a *API) activityCheckpoint(w http.ResponseWriter, r *http.Request) error {
	if a.Checkpoints == nil {
		return writeJSON(w, http.StatusOK, CheckpointStatus{})
	}
	act := aims.ActorFrom(r.Context())
	st := a.Checkpoints.Read(act.OrgSlug)
	if a.Trails != nil {
		rep, err := a.Trails.Verify(r.Context(), act.OrgID, st)
		if err != nil {
			return err
		}
		st = rep.Checkpoint
	} else {
		var err error
		if st, err = a.Checkpoints.Latest(r.Context(), a.Activity, act.OrgID, act.OrgSlug); err != nil {
			return err
		}
	}
	res := CheckpointStatus{Configured: true}
	if st != nil {
		res.Checkpoint, res.Extends, res.Problem = st.Checkpoint, st.Extends, st.Problem
		if st.File != "" {
			res.File = filepath.Base(st.File)
		}
	}
	return writeJSON(w, http.StatusOK, res)
}
