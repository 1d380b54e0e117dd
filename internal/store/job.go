package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/job"
)

var _ job.Store = (*DB)(nil)

const jobColumns = `id, org_id, kind, payload, status, attempts, max_attempts, run_at, lease_owner, lease_until, last_error, created_at, done_at`

func scanJob(s scanner) (*job.Job, error) {
	var j job.Job
	var payload string
	var lease, done sql.NullTime
	if err := s.Scan(&j.ID, &j.OrgID, &j.Kind, &payload, &j.Status, &j.Attempts, &j.MaxAttempts, &j.RunAt, &j.LeaseOwner, &lease,
		&j.LastError, &j.CreatedAt, &done); err != nil {
		return nil, err
	}
	j.Payload = []byte(payload)
	j.RunAt, j.CreatedAt = j.RunAt.UTC(), j.CreatedAt.UTC()
	j.LeaseUntil, j.DoneAt = nullTime(lease), nullTime(done)
	return &j, nil
}

// EnqueueJob stores j as queued, due at j.RunAt (now when zero); called with a transaction's context it
// joins it.
func (db *DB) EnqueueJob(ctx context.Context, j *job.Job) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		now := db.now()
		j.ID, j.Status, j.Attempts, j.CreatedAt = aims.NewID(), job.Queued, 0, now
		if j.RunAt.IsZero() {
			j.RunAt = now
		}
		if j.MaxAttempts <= 0 {
			j.MaxAttempts = 8
		}
		_, err := tx.q().exec(ctx, `INSERT INTO jobs (id, org_id, kind, payload, status, attempts, max_attempts, run_at, lease_owner,
			last_error, created_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, '', '', ?)`, j.ID, j.OrgID, j.Kind, string(j.Payload), j.Status,
			j.MaxAttempts, j.RunAt.UTC(), now)
		if err != nil {
			return fmt.Errorf("cannot queue job: %w", err)
		}
		return nil
	})
}

// EnqueueJobOnce stores j, whose id the caller chose (a day's scheduled job), unless a job with that id
// exists; it reports whether it stored it. Replicas that schedule the same job make one.
func (db *DB) EnqueueJobOnce(ctx context.Context, j *job.Job) (bool, error) {
	now := db.now()
	if j.RunAt.IsZero() {
		j.RunAt = now
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = 3
	}
	res, err := db.writer(ctx).exec(ctx, `INSERT INTO jobs (id, org_id, kind, payload, status, attempts, max_attempts, run_at, lease_owner,
		last_error, created_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, '', '', ?) ON CONFLICT (id) DO NOTHING`, j.ID, j.OrgID, j.Kind,
		string(j.Payload), job.Queued, j.MaxAttempts, j.RunAt.UTC(), now)
	if err != nil {
		return false, fmt.Errorf("cannot schedule job %s: %w", j.ID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ClaimJobs leases up to n due jobs to owner. On PostgreSQL the candidates are locked with FOR UPDATE
// SKIP LOCKED, so that concurrent workers take different jobs without waiting on each other; on SQLite
// the one writer connection serialises claims.
func (db *DB) ClaimJobs(ctx context.Context, owner string, now time.Time, lease time.Duration, n int) ([]*job.Job, error) {
	var out []*job.Job
	err := db.WithTx(ctx, func(tx *Tx) error {
		lock := ""
		if db.dialect == Postgres {
			lock = " FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.q().query(ctx, `SELECT id FROM jobs WHERE (status = ? AND run_at <= ?) OR (status = ? AND lease_until < ?)
			ORDER BY run_at, id LIMIT ?`+lock, job.Queued, now.UTC(), job.Running, now.UTC(), n)
		if err != nil {
			return fmt.Errorf("cannot find due jobs: %w", err)
		}
		ids, err := collect(rows, scanValue[string])
		if err != nil {
			return fmt.Errorf("cannot read due jobs: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		args := []any{job.Running, owner, now.Add(lease).UTC()}
		for _, id := range ids {
			args = append(args, id)
		}
		if _, err := tx.q().exec(ctx, `UPDATE jobs SET status = ?, lease_owner = ?, lease_until = ?, attempts = attempts + 1
			WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...); err != nil {
			return fmt.Errorf("cannot lease jobs: %w", err)
		}
		rows, err = tx.q().query(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) ORDER BY run_at, id`,
			args[3:]...)
		if err != nil {
			return fmt.Errorf("cannot read leased jobs: %w", err)
		}
		out, err = collect(rows, scanJob)
		return err
	})
	return out, err
}

// FinishJob records the outcome of owner's attempt at job id; job.ErrLeaseLost when owner no longer
// holds its lease.
func (db *DB) FinishJob(ctx context.Context, id, owner, status, lastError string, retryAt, now time.Time) error {
	var res sql.Result
	var err error
	switch status {
	case job.Queued:
		res, err = db.writer(ctx).exec(ctx, `UPDATE jobs SET status = ?, run_at = ?, lease_owner = '', lease_until = NULL, last_error = ?
			WHERE id = ? AND lease_owner = ? AND status = ?`, status, retryAt.UTC(), lastError, id, owner, job.Running)
	default:
		res, err = db.writer(ctx).exec(ctx, `UPDATE jobs SET status = ?, lease_owner = '', lease_until = NULL, last_error = ?, done_at = ?
			WHERE id = ? AND lease_owner = ? AND status = ?`, status, lastError, now.UTC(), id, owner, job.Running)
	}
	if err != nil {
		return fmt.Errorf("cannot finish job %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return job.ErrLeaseLost
	}
	return nil
}
