package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/account"
)

// The login throttle's counters are bookkeeping, not records of the management system: they write no
// activity entry.

// reserveAttempt counts one attempt of a key, starting a new window when the key's last one began at or
// before the cutoff, and returns the key's attempts and window start after it. The upsert locks the
// key's row (PostgreSQL) or runs on the one writer connection (SQLite), so parallel callers count one
// after another and each sees the others' attempts.
const reserveAttempt = `INSERT INTO login_attempts (key, attempts, window_start) VALUES (?, 1, ?)
ON CONFLICT (key) DO UPDATE SET
    attempts = CASE WHEN login_attempts.window_start <= ? THEN 1 ELSE login_attempts.attempts + 1 END,
    window_start = CASE WHEN login_attempts.window_start <= ? THEN excluded.window_start ELSE login_attempts.window_start END
RETURNING attempts, window_start`

// errAttemptRefused rolls back a reservation that one of its limits refused.
var errAttemptRefused = errors.New("login attempt refused")

// ReserveAttempts counts one attempt against every limit in one transaction, unless one of them would go
// over its Max: then the transaction is rolled back and the limit's index and the end of its window are
// returned. Keys are counted in sorted order, so that two reservations over the same keys lock their
// rows in the same order and cannot deadlock (PostgreSQL).
func (db *DB) ReserveAttempts(ctx context.Context, limits []account.AttemptLimit, now time.Time, window time.Duration) (int, time.Time, error) {
	order := make([]int, len(limits))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(limits[a].Key, limits[b].Key) })
	now = now.UTC()
	cutoff := now.Add(-window)
	refused, until := -1, time.Time{}
	err := db.WithTx(ctx, func(tx *Tx) error {
		for _, i := range order {
			var n int
			var start time.Time
			if err := tx.q().row(ctx, reserveAttempt, limits[i].Key, now, cutoff, cutoff).Scan(&n, &start); err != nil {
				return fmt.Errorf("cannot count a login attempt: %w", err)
			}
			if n > limits[i].Max {
				refused, until = i, start.UTC().Add(window)
				return errAttemptRefused
			}
		}
		return nil
	})
	if errors.Is(err, errAttemptRefused) {
		return refused, until, nil
	}
	return -1, time.Time{}, err
}

// ReleaseAttempts takes one attempt back from each key of release and deletes the counters of clear, in
// one transaction.
func (db *DB) ReleaseAttempts(ctx context.Context, release, clear []string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		for _, k := range release {
			if _, err := tx.q().exec(ctx, `UPDATE login_attempts SET attempts = attempts - 1 WHERE key = ? AND attempts > 0`, k); err != nil {
				return fmt.Errorf("cannot release a login attempt: %w", err)
			}
		}
		for _, k := range clear {
			if _, err := tx.q().exec(ctx, `DELETE FROM login_attempts WHERE key = ?`, k); err != nil {
				return fmt.Errorf("cannot clear login attempts: %w", err)
			}
		}
		return nil
	})
}

// LoginAttempts returns key's attempts in its current window (0 when it has none), for tests and
// diagnostics.
func (db *DB) LoginAttempts(ctx context.Context, key string) (int, error) {
	var n int
	err := db.reader(ctx).row(ctx, `SELECT attempts FROM login_attempts WHERE key = ?`, key).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}
