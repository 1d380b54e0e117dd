package storetest

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/store"
)

// RecomputeTrail is the attack of issue 9 on orgID's activity trail, as someone with write access to the
// database can make it: drop the append-only trigger, alter entry 2, recompute every hash from the first
// with activity.ComputeHash and rewrite the head. The chain then verifies on its own; only a checkpoint
// signed before reveals it.
func RecomputeTrail(ctx context.Context, db *store.DB, orgID string) error {
	var es []*activity.Entry
	if err := db.EachActivity(ctx, orgID, func(e *activity.Entry) error { es = append(es, e); return nil }); err != nil {
		return err
	}
	if len(es) < 2 {
		return fmt.Errorf("the trail has %d entries; recomputing it needs 2", len(es))
	}
	write, _ := db.Pools()
	rebind := func(q string) string {
		for i := 1; db.Dialect() == store.Postgres && strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", "$"+strconv.Itoa(i), 1)
		}
		return q
	}
	drop := []string{`DROP TRIGGER IF EXISTS activity_no_update`}
	if db.Dialect() == store.Postgres {
		drop = []string{`DROP TRIGGER IF EXISTS activity_append_only ON activity`}
	}
	for _, s := range drop {
		if _, err := write.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	es[1].ActorName = "someone else"
	prev := activity.GenesisHash
	for _, e := range es {
		e.PrevHash = prev
		h, err := activity.ComputeHash(*e)
		if err != nil {
			return err
		}
		e.Hash, prev = h, h
		if _, err := write.ExecContext(ctx, rebind(`UPDATE activity SET actor_name = ?, prev_hash = ?, hash = ? WHERE org_id = ? AND seq = ?`),
			e.ActorName, e.PrevHash, e.Hash, orgID, e.Seq); err != nil {
			return fmt.Errorf("cannot rewrite entry %d: %w", e.Seq, err)
		}
	}
	if _, err := write.ExecContext(ctx, rebind(`UPDATE activity_heads SET hash = ? WHERE org_id = ?`), prev, orgID); err != nil {
		return fmt.Errorf("cannot rewrite the head: %w", err)
	}
	return nil
}

// AlterEntry changes the actor name of entry seq of orgID's trail in place, as someone with write access
// to the database can once they drop the append-only trigger: the entry's hash no longer matches it.
func AlterEntry(ctx context.Context, db *store.DB, orgID string, seq int64) error {
	write, _ := db.Pools()
	drop, update := `DROP TRIGGER IF EXISTS activity_no_update`, `UPDATE activity SET actor_name = 'someone else' WHERE org_id = ? AND seq = ?`
	if db.Dialect() == store.Postgres {
		drop, update = `DROP TRIGGER IF EXISTS activity_append_only ON activity`, `UPDATE activity SET actor_name = 'someone else' WHERE org_id = $1 AND seq = $2`
	}
	if _, err := write.ExecContext(ctx, drop); err != nil {
		return fmt.Errorf("%s: %w", drop, err)
	}
	res, err := write.ExecContext(ctx, update, orgID, seq)
	if err != nil {
		return fmt.Errorf("cannot alter entry %d: %w", seq, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("altering entry %d changed %d rows, want 1", seq, n)
	}
	return nil
}
