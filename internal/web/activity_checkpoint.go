package web

import (
	"context"
	"path/filepath"
	"time"

	"github.com/aimsproject/aims/internal/account"
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

// checkpointView checks the trail of o against the newest checkpoint in the server's checkpoint directory.
func (w *Web) checkpointView(ctx context.Context, o *account.Organization) (*CheckpointView, error) {
	if w.Checkpoints == nil {
		return nil, nil
	}
	st, err := w.Checkpoints.Latest(ctx, w.Activity, o.ID, o.Slug)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return &CheckpointView{None: true}, nil
	}
	cv := &CheckpointView{Extends: st.Extends, Problem: st.Problem}
	if st.File != "" {
		cv.File = filepath.Base(st.File)
	}
	if cp := st.Checkpoint; cp != nil {
		cv.At, cv.Entries = cp.At, cp.Entries
	}
	return cv, nil
}
