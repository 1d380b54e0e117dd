package web

import (
	"path/filepath"
	"time"

	"github.com/aimsproject/aims/internal/activity"
)

// CheckpointView is what the activity page says of the organization's latest signed checkpoint: nil when
// the server writes none (no --checkpoint-dir).
type CheckpointView struct {
	// None is true when no checkpoint of the organization was written yet.
	None bool
	// File is the checkpoint's file name; At and Entries are what it signed.
	File    string
	At      time.Time
	Entries int64
	// Extends is true when its signature verifies and the trail extends it; Problem says why not.
	Extends bool
	Problem string
}

// newMonitor returns the verifier of the trails r reads, relying on a full pass for the default time.
func newMonitor(r activity.ChainReader) *activity.Monitor { return &activity.Monitor{Reader: r} }

// checkpointView is what the page says of st, the latest checkpoint as the page's pass checked it; nil
// when the server writes no checkpoints.
func (w *Web) checkpointView(st *activity.CheckpointStatus) *CheckpointView {
	if w.Checkpoints == nil {
		return nil
	}
	if st == nil {
		return &CheckpointView{None: true}
	}
	cv := &CheckpointView{Extends: st.Extends, Problem: st.Problem}
	if st.File != "" {
		cv.File = filepath.Base(st.File)
	}
	if cp := st.Checkpoint; cp != nil {
		cv.At, cv.Entries = cp.At, cp.Entries
	}
	return cv
}
