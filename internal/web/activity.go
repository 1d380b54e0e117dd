package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/aimsproject/aims/internal/activity"
)

// activityPageSize is how many entries of the trail one page shows.
const activityPageSize = 50

// ActivityPage shows a page of the activity trail, newest first, and whether the whole chain verifies.
type ActivityPage struct {
	Layout
	Entries []ActivityRow
	Filter  ActivityFilter
	// NextHref is the address of the next, older page: the filter and the cursor.
	NextHref   string
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
	// TypeLabel, Record and Href say what the record is, by its reference and name, and where it is.
	TypeLabel  string
	Record     activity.Record
	Href       string
	BeforeText string
	AfterText  string
}

// ActivityFilter is the filter form: its values as sent, the choices and any error.
type ActivityFilter struct {
	ActorID, RecordType, Action, From, To string
	Actors                                []activity.Actor
	Types                                 []struct{ Type, Label string }
	Actions                               []string
	Err                                   *FormError
	// Query is the filter as a query string ("" when empty).
	Query string
}

// Active reports whether the filter keeps less than the whole trail.
func (f ActivityFilter) Active() bool { return f.Query != "" }

// Href is the address of the trail's newest page with the filter.
func (f ActivityFilter) Href() string {
	if f.Query == "" {
		return "/activity"
	}
	return "/activity?" + f.Query
}

// Verification is the result of checking the organization's hash chain, and what the check read.
type Verification struct {
	OK      bool
	Entries int64
	// BreakSeq and Reason say where and why the chain stopped verifying.
	BreakSeq int64
	Reason   string
	// Full is true when this view read the chain from its first entry. Otherwise it read from entry From,
	// and entries 1 to From were verified from the first entry at FullAt; NextFull is when a view reads
	// the whole chain again.
	Full             bool
	From             int64
	FullAt, NextFull time.Time
}

// activityPage shows the trail and whether its chain verifies and extends the latest checkpoint, in one
// pass of the Monitor: from the first entry on the first view and once an hour, otherwise from the last
// entry verified, and the banner says which.
func (w *Web) activityPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	q := r.URL.Query()
	cursor := q.Get("cursor")
	p := ActivityPage{Layout: w.layout(rw, r, v, "Activity trail", "/activity"), Older: cursor != "",
		Filter: ActivityFilter{ActorID: q.Get("actor_id"), RecordType: q.Get("record_type"), Action: q.Get("action"),
			From: q.Get("from"), To: q.Get("to"), Types: recordTypes, Actions: activity.Actions}}
	status := http.StatusOK
	f, err := activity.ParseFilter(q.Get)
	if err != nil {
		fe, st, ok := formError(err, "actor_id", "record_type", "action", "from", "to")
		if !ok {
			return err
		}
		p.Filter.Err, status = fe, st
	} else {
		p.Filter.Query = filterQuery(q)
		es, next, err := w.Activity.FilterActivity(ctx, v.org.ID, f, pageOf(cursor, activityPageSize))
		if err != nil {
			fe, st, ok := formError(err, "cursor")
			if !ok {
				return err
			}
			p.Filter.Err, status = fe, st
		}
		p.NextCursor = next
		if next != "" {
			nq := url.Values{}
			for k, vs := range q {
				nq[k] = vs
			}
			nq.Set("cursor", next)
			p.NextHref = "/activity?" + nq.Encode()
		}
		records, err := activity.Name(es, func(ids []string) (map[string]string, error) {
			return w.Activity.SystemNames(ctx, v.org.ID, ids)
		})
		if err != nil {
			return err
		}
		for _, e := range es {
			rec := records[e.ID]
			p.Entries = append(p.Entries, ActivityRow{Entry: e, TypeLabel: recordTypeLabel(e.RecordType), Record: rec,
				Href: recordHref(e, rec), BeforeText: pretty(e.Before), AfterText: pretty(e.After)})
		}
	}
	var cst *activity.CheckpointStatus
	if w.Checkpoints != nil {
		cst = w.Checkpoints.Read(v.org.Slug)
	}
	rep, err := w.Trails.Verify(ctx, v.org.ID, cst)
	if err != nil {
		return err
	}
	p.Verify = Verification{OK: rep.Break == nil, Entries: rep.Entries, From: rep.From, Full: rep.Full,
		FullAt: rep.FullAt, NextFull: rep.NextFull}
	if br := rep.Break; br != nil {
		p.Verify.BreakSeq, p.Verify.Reason = br.Seq, br.Reason
	}
	p.Checkpoint = w.checkpointView(rep.Checkpoint)
	// The pass gathered who appears in the trail; a broken trail is read again for them.
	p.Filter.Actors = rep.Actors
	if rep.Break != nil {
		if p.Filter.Actors, err = w.Activity.ActivityActors(ctx, v.org.ID); err != nil {
			return err
		}
	}
	return w.render(rw, r, status, "activity", p)
}

// filterQuery returns the filter parameters of q that are set, as a query string.
func filterQuery(q url.Values) string {
	out := url.Values{}
	for _, k := range []string{"actor_id", "record_type", "record_id", "action", "from", "to"} {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out.Encode()
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
