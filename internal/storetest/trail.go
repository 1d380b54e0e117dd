package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/store"
)

// AppendTrail appends n entries to orgID's activity trail with correct hashes, written in multi-row
// inserts that skip the services: benchmarks need trails of hundreds of thousands of entries, which the
// one-entry-per-change path writes far too slowly. The entries update the organization's name, so they
// look like the trail a real change leaves.
func AppendTrail(ctx context.Context, db *store.DB, orgID string, n int) error {
	write, _ := db.Pools()
	rebind := func(q string) string {
		if db.Dialect() != store.Postgres {
			return q
		}
		var b strings.Builder
		i := 0
		for _, r := range q {
			if r == '?' {
				i++
				b.WriteString("$" + strconv.Itoa(i))
				continue
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	tx, err := write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var seq int64
	prev := activity.GenesisHash
	err = tx.QueryRowContext(ctx, rebind(`SELECT seq, hash FROM activity_heads WHERE org_id = ?`), orgID).Scan(&seq, &prev)
	fresh := errors.Is(err, sql.ErrNoRows)
	if err != nil && !fresh {
		return fmt.Errorf("cannot read the head: %w", err)
	}
	const batch = 500
	const row = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for done := 0; done < n; {
		k := min(batch, n-done)
		args := make([]any, 0, k*14)
		for range k {
			seq++
			e := activity.Entry{OrgID: orgID, Seq: seq, ID: aims.NewID(), At: at.Add(time.Duration(seq) * time.Millisecond),
				ActorKind: "system", ActorID: "bench", ActorName: "bench", Action: activity.ActionUpdate,
				RecordType: "organization", RecordID: orgID,
				Before: []byte(fmt.Sprintf(`{"name":"Acme %d"}`, seq-1)), After: []byte(fmt.Sprintf(`{"name":"Acme %d"}`, seq)),
				PrevHash: prev}
			if e.Hash, err = activity.ComputeHash(e); err != nil {
				return err
			}
			prev = e.Hash
			args = append(args, e.OrgID, e.Seq, e.ID, e.At, e.ActorKind, e.ActorID, e.ActorName, e.Action, e.RecordType,
				e.RecordID, string(e.Before), string(e.After), e.PrevHash, e.Hash)
		}
		q := `INSERT INTO activity (org_id, seq, id, at, actor_kind, actor_id, actor_name, action, record_type, record_id,
			before_json, after_json, prev_hash, hash) VALUES ` + row + strings.Repeat(", "+row, k-1)
		if _, err := tx.ExecContext(ctx, rebind(q), args...); err != nil {
			return fmt.Errorf("cannot append entries %d to %d: %w", seq-int64(k)+1, seq, err)
		}
		done += k
	}
	q := `UPDATE activity_heads SET seq = ?, hash = ? WHERE org_id = ?`
	if fresh {
		q = `INSERT INTO activity_heads (seq, hash, org_id) VALUES (?, ?, ?)`
	}
	if _, err := tx.ExecContext(ctx, rebind(q), seq, prev, orgID); err != nil {
		return fmt.Errorf("cannot move the head: %w", err)
	}
	return tx.Commit()
}
