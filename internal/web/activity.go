package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/aimsproject/aims/internal/activity"
)

// activityPageSize is how many entries of the trail one page shows.
const activityPageSize = 50

// ActivityPage shows a page of the activity trail, newest first, and whether the whole chain verifies.
type ActivityPage struct {
	Layout
	Entries    []ActivityRow
	NextCursor string
	// Older says this is not the newest page.
	Older  bool
	Verify Verification
	// Checkpoint is the latest signed checkpoint and whether the trail extends it; nil without checkpoints.
	Checkpoint *CheckpointView
}

// ActivityRow is one entry with its before and after states formatted for reading.
type ActivityRow struct {
	*activity.Entry
	BeforeText string
	AfterText  string
}

// Verification is the result of checking the organization's hash chain.
type Verification struct {
	OK      bool
	Entries int64
	// BreakSeq and Reason say where and why the chain stopped verifying.
	BreakSeq int64
	Reason   string
}

// activityPage shows the trail. It verifies the whole chain on every view, which reads every entry once:
// cheap for the trails of today, and the banner is the point of the page.
func (w *Web) activityPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	cursor := r.URL.Query().Get("cursor")
	es, next, err := w.Activity.ListActivity(ctx, v.org.ID, pageOf(cursor, activityPageSize))
	if err != nil {
		return err
	}
	p := ActivityPage{Layout: w.layout(rw, r, v, "Activity trail", "/activity"), NextCursor: next, Older: cursor != ""}
	for _, e := range es {
		p.Entries = append(p.Entries, ActivityRow{Entry: e, BeforeText: pretty(e.Before), AfterText: pretty(e.After)})
	}
	n, err := w.Activity.VerifyActivity(ctx, v.org.ID)
	var br *activity.Break
	switch {
	case errors.As(err, &br):
		p.Verify = Verification{Entries: n, BreakSeq: br.Seq, Reason: br.Reason}
	case err != nil:
		return err
	default:
		p.Verify = Verification{OK: true, Entries: n}
	}
	if p.Checkpoint, err = w.checkpointView(ctx, v.org); err != nil {
		return err
	}
	return w.render(rw, r, http.StatusOK, "activity", p)
}

// pretty indents a JSON state for reading; "" stands for none.
func pretty(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return string(raw)
	}
	return buf.String()
}
