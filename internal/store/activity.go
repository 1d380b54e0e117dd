package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
)

var _ account.ActivityStore = (*DB)(nil)

// record appends an activity entry for a change made inside tx, attributed to the actor in ctx. before and
// after are the record's state (nil for none); they are encoded with encoding/json, so types must not carry
// secrets in exported JSON fields.
func (tx *Tx) record(ctx context.Context, orgID, action, recordType, recordID string, before, after any) error {
	a := aims.ActorFrom(ctx)
	e := activity.Entry{
		OrgID: orgID, ID: aims.NewID(), At: tx.db.now(), ActorKind: string(a.Kind), ActorID: a.ID,
		ActorName: a.Name, Action: action, RecordType: recordType, RecordID: recordID,
	}
	var err error
	if e.Before, err = activity.Snapshot(before); err != nil {
		return err
	}
	if e.After, err = activity.Snapshot(after); err != nil {
		return err
	}
	// Lock the head of this organization's chain for the rest of the transaction. On PostgreSQL, FOR UPDATE
	// makes concurrent writers of one organization queue here; SQLite has a single writer already.
	lock := ""
	if tx.db.dialect == Postgres {
		lock = " FOR UPDATE"
	}
	var head struct {
		seq  int64
		hash string
	}
	err = tx.q().row(ctx, `SELECT seq, hash FROM activity_heads WHERE org_id = ?`+lock, orgID).Scan(&head.seq, &head.hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		head.seq, head.hash = 0, activity.GenesisHash
		if _, err := tx.q().exec(ctx, `INSERT INTO activity_heads (org_id, seq, hash) VALUES (?, 0, ?)`, orgID, head.hash); err != nil {
			return fmt.Errorf("cannot start activity chain: %w", err)
		}
	case err != nil:
		return fmt.Errorf("cannot read activity head: %w", err)
	}
	e.Seq = head.seq + 1
	e.PrevHash = head.hash
	if e.Hash, err = activity.ComputeHash(e); err != nil {
		return err
	}
	_, err = tx.q().exec(ctx, `INSERT INTO activity (org_id, seq, id, at, actor_kind, actor_id, actor_name, action,
		record_type, record_id, before_json, after_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.OrgID, e.Seq, e.ID, e.At, e.ActorKind, e.ActorID, e.ActorName, e.Action, e.RecordType, e.RecordID,
		string(e.Before), string(e.After), e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("cannot append activity: %w", err)
	}
	res, err := tx.q().exec(ctx, `UPDATE activity_heads SET seq = ?, hash = ? WHERE org_id = ? AND seq = ?`, e.Seq, e.Hash, orgID, head.seq)
	if err != nil {
		return fmt.Errorf("cannot advance activity head: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return aims.Errorf(aims.ECONFLICT, "The activity trail changed concurrently; try again.")
	}
	return nil
}

const activityColumns = `org_id, seq, id, at, actor_kind, actor_id, actor_name, action, record_type, record_id,
	before_json, after_json, prev_hash, hash`

func scanEntry(rows scanner) (*activity.Entry, error) {
	var e activity.Entry
	var before, after string
	if err := rows.Scan(&e.OrgID, &e.Seq, &e.ID, &e.At, &e.ActorKind, &e.ActorID, &e.ActorName, &e.Action,
		&e.RecordType, &e.RecordID, &before, &after, &e.PrevHash, &e.Hash); err != nil {
		return nil, fmt.Errorf("cannot read activity entry: %w", err)
	}
	e.At = e.At.UTC()
	e.Before, e.After = []byte(before), []byte(after)
	return &e, nil
}

// ListActivity returns a page of orgID's trail, newest first, and the cursor of the next page ("" at the end).
func (db *DB) ListActivity(ctx context.Context, orgID string, p aims.Page) ([]*activity.Entry, string, error) {
	return db.FilterActivity(ctx, orgID, activity.Filter{}, p)
}

// FilterActivity returns one page of orgID's trail, newest first, keeping the entries f keeps: by whom
// (actor_id), on which record type, which action, and on which days (UTC, both included).
func (db *DB) FilterActivity(ctx context.Context, orgID string, f activity.Filter, p aims.Page) ([]*activity.Entry, string, error) {
	limit := pageLimit(p.Limit)
	before := int64(1<<62 - 1)
	if p.Cursor != "" {
		s, err := decodeCursor(p.Cursor)
		if err != nil {
			return nil, "", err
		}
		if before, err = strconv.ParseInt(s, 10, 64); err != nil {
			return nil, "", aims.FieldError("cursor", "The cursor is not valid.")
		}
	}
	where, args := `org_id = ? AND seq < ?`, []any{orgID, before}
	for _, c := range []struct{ col, v string }{{"actor_id", f.ActorID}, {"record_type", f.RecordType}, {"record_id", f.RecordID}, {"action", f.Action}} {
		if c.v != "" {
			where += ` AND ` + c.col + ` = ?`
			args = append(args, c.v)
		}
	}
	if !f.From.IsZero() {
		where += ` AND at >= ?`
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where += ` AND at < ?`
		args = append(args, f.To.UTC().AddDate(0, 0, 1))
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT `+activityColumns+` FROM activity WHERE `+where+`
		ORDER BY seq DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list activity: %w", err)
	}
	es, err := collect(rows, scanEntry)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list activity: %w", err)
	}
	es, next := pageOf(es, limit, func(e *activity.Entry) string { return strconv.FormatInt(e.Seq, 10) })
	return es, next, nil
}

// ActivityActors returns the people and tokens who appear in orgID's trail, by id, with the latest name
// each had, for choosing one to filter by.
func (db *DB) ActivityActors(ctx context.Context, orgID string) ([]activity.Actor, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT a.actor_id, a.actor_kind, a.actor_name FROM activity a
		JOIN (SELECT actor_id, max(seq) AS seq FROM activity WHERE org_id = ? GROUP BY actor_id) l
		ON a.org_id = ? AND a.seq = l.seq ORDER BY a.actor_name, a.actor_id`, orgID, orgID)
	if err != nil {
		return nil, fmt.Errorf("cannot list the activity's actors: %w", err)
	}
	return collect(rows, func(r scanner) (activity.Actor, error) {
		var a activity.Actor
		err := r.Scan(&a.ID, &a.Kind, &a.Name)
		return a, err
	})
}

// SystemNames returns the names of orgID's systems among ids, by id, in one query: the trail names the
// records it shows a page at a time.
func (db *DB) SystemNames(ctx context.Context, orgID string, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{orgID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT id, name FROM systems WHERE org_id = ? AND id IN (?`+
		strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("cannot name systems: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("cannot name systems: %w", err)
		}
		out[id] = name
	}
	return out, rows.Err()
}

// EachActivity calls fn for every entry of orgID's trail in ascending order, streaming from the database.
func (db *DB) EachActivity(ctx context.Context, orgID string, fn func(*activity.Entry) error) error {
	return db.eachActivityAfter(ctx, orgID, 0, fn)
}

// activityReadPage is how many entries one query of eachActivityAfter reads.
const activityReadPage = 1000

// eachActivityAfter calls fn for the entries of orgID's trail after entry seq, in ascending order. It reads
// them a page at a time, each page a short query of its own, so that a pass over a long trail holds neither
// more than a page in memory nor one read snapshot for its whole length (which would keep SQLite from
// checkpointing its WAL and PostgreSQL from vacuuming). An entry appended meanwhile is read in its turn.
func (db *DB) eachActivityAfter(ctx context.Context, orgID string, seq int64, fn func(*activity.Entry) error) error {
	for {
		es, err := db.activityPage(ctx, orgID, seq)
		if err != nil {
			return err
		}
		for _, e := range es {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(es) < activityReadPage {
			return nil
		}
		seq = es[len(es)-1].Seq
	}
}

// activityPage returns up to activityReadPage entries of orgID's trail after entry seq, in ascending order.
func (db *DB) activityPage(ctx context.Context, orgID string, seq int64) ([]*activity.Entry, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT `+activityColumns+` FROM activity WHERE org_id = ? AND seq > ?
		ORDER BY seq LIMIT ?`, orgID, seq, activityReadPage)
	if err != nil {
		return nil, fmt.Errorf("cannot read activity: %w", err)
	}
	es, err := collect(rows, scanEntry)
	if err != nil {
		return nil, fmt.Errorf("cannot read activity after entry %d: %w", seq, err)
	}
	return es, nil
}

// VerifyActivity checks orgID's whole chain and its head. It returns the number of entries verified, and a
// *activity.Break naming the first entry that was altered, deleted or reordered.
func (db *DB) VerifyActivity(ctx context.Context, orgID string) (int64, error) {
	v := activity.NewVerifier(orgID)
	err := db.VerifyActivityWith(ctx, orgID, v)
	return v.Count, err
}

// VerifyActivityWith feeds orgID's chain from the entry v expects next (the first for
// activity.NewVerifier(orgID), the resumed one for activity.NewVerifierFrom), and its head, to v, which may
// watch entries for checkpoints. It returns nil, or a *activity.Break naming the first entry that was
// altered, deleted or reordered; v.Count is then the number of entries before it.
func (db *DB) VerifyActivityWith(ctx context.Context, orgID string, v *activity.Verifier) error {
	add := func(e *activity.Entry) error { return v.Add(*e) }
	if err := db.eachActivityAfter(ctx, orgID, v.Next()-1, add); err != nil {
		return err
	}
	// Entries appended while the chain was read move the head past its end: read the newer entries too,
	// a few times, before taking a head beyond the chain for entries deleted from its end.
	for range 3 {
		var seq int64
		hash := activity.GenesisHash
		err := db.reader(ctx).row(ctx, `SELECT seq, hash FROM activity_heads WHERE org_id = ?`, orgID).Scan(&seq, &hash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("cannot read activity head: %w", err)
		}
		last, _ := v.Head()
		if seq <= last {
			return v.Finish(seq, hash)
		}
		before := v.Count
		if err := db.eachActivityAfter(ctx, orgID, last, add); err != nil {
			return err
		}
		if v.Count == before {
			return v.Finish(seq, hash)
		}
	}
	// Still appending after three rounds: every entry read verifies, and that is as far as this check reaches.
	return nil
}

// pageLimit returns the number of items a page of limit n holds: aims.DefaultPageLimit for 0, at most
// aims.MaxPageLimit.
func pageLimit(n int) int {
	switch {
	case n <= 0:
		return aims.DefaultPageLimit
	case n > aims.MaxPageLimit:
		return aims.MaxPageLimit
	}
	return n
}

func encodeCursor(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func decodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 || len(b) > 64 {
		return "", aims.FieldError("cursor", "The cursor is not valid.")
	}
	return string(b), nil
}
