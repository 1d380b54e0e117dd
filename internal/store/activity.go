package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"

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
func (db *DB) ListActivity(ctx context.Context, orgID string, p account.Page) ([]*activity.Entry, string, error) {
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
	rows, err := db.reader().query(ctx, `SELECT `+activityColumns+` FROM activity WHERE org_id = ? AND seq < ?
		ORDER BY seq DESC LIMIT ?`, orgID, before, limit+1)
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

// EachActivity calls fn for every entry of orgID's trail in ascending order, streaming from the database.
func (db *DB) EachActivity(ctx context.Context, orgID string, fn func(*activity.Entry) error) error {
	rows, err := db.reader().query(ctx, `SELECT `+activityColumns+` FROM activity WHERE org_id = ? ORDER BY seq`, orgID)
	if err != nil {
		return fmt.Errorf("cannot read activity: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("cannot read activity: %w", err)
	}
	return nil
}

// VerifyActivity checks orgID's whole chain and its head. It returns the number of entries verified, and a
// *activity.Break naming the first entry that was altered, deleted or reordered.
func (db *DB) VerifyActivity(ctx context.Context, orgID string) (int64, error) {
	v := activity.NewVerifier(orgID)
	if err := db.EachActivity(ctx, orgID, func(e *activity.Entry) error { return v.Add(*e) }); err != nil {
		return v.Count, err
	}
	var seq int64
	hash := activity.GenesisHash
	err := db.reader().row(ctx, `SELECT seq, hash FROM activity_heads WHERE org_id = ?`, orgID).Scan(&seq, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return v.Count, fmt.Errorf("cannot read activity head: %w", err)
	}
	return v.Count, v.Finish(seq, hash)
}

// pageLimit returns the number of items a page of limit n holds: account.DefaultPageLimit for 0, at most
// account.MaxPageLimit.
func pageLimit(n int) int {
	switch {
	case n <= 0:
		return account.DefaultPageLimit
	case n > account.MaxPageLimit:
		return account.MaxPageLimit
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
