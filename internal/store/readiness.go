package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/readiness"
)

// ReadinessDays returns orgID's readiness figures from since (YYYY-MM-DD) on, oldest first.
func (db *DB) ReadinessDays(ctx context.Context, orgID, since string) ([]readiness.Day, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT day, items, ready, implemented, evidenced FROM readiness_days
		WHERE org_id = ? AND day >= ? ORDER BY day`, orgID, since)
	if err != nil {
		return nil, fmt.Errorf("cannot read the readiness trend: %w", err)
	}
	return collect(rows, func(s scanner) (readiness.Day, error) {
		var d readiness.Day
		err := s.Scan(&d.Day, &d.Items, &d.Ready, &d.Implemented, &d.Evidenced)
		return d, err
	})
}

// SaveReadinessDay stores orgID's figures of day d, replacing the day's earlier ones. The trend is
// derived from the records, so it writes no activity entry.
func (db *DB) SaveReadinessDay(ctx context.Context, orgID string, d readiness.Day) error {
	_, err := db.writer(ctx).exec(ctx, `INSERT INTO readiness_days (org_id, day, items, ready, implemented, evidenced) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (org_id, day) DO UPDATE SET items = excluded.items, ready = excluded.ready, implemented = excluded.implemented,
		evidenced = excluded.evidenced`, orgID, d.Day, d.Items, d.Ready, d.Implemented, d.Evidenced)
	if err != nil {
		return fmt.Errorf("cannot store the readiness of %s: %w", d.Day, err)
	}
	return nil
}

// EvidenceByControl returns, for every control or clause item of orgID that evidence is linked to (as
// "KEY/REF"), how many pieces are current on today (not drafts, valid until today or later, or with no
// end), how many lapsed and the latest date one lapsed on, and the soonest date a current one lapses on
// within soon days. Evaluation runs linked to a control count too: see evaluationsByControl.
func (db *DB) EvidenceByControl(ctx context.Context, orgID, today, soon string, since time.Time) (map[string]readiness.EvidenceState, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT l.to_id,
		SUM(CASE WHEN e.status <> 'draft' AND (e.valid_until = '' OR e.valid_until >= ?) THEN 1 ELSE 0 END),
		SUM(CASE WHEN e.valid_until <> '' AND e.valid_until < ? THEN 1 ELSE 0 END),
		COALESCE(MAX(CASE WHEN e.valid_until <> '' AND e.valid_until < ? THEN e.valid_until END), ''),
		COALESCE(MIN(CASE WHEN e.status <> 'draft' AND e.valid_until >= ? AND e.valid_until <= ? THEN e.valid_until END), '')
		FROM links l JOIN evidence e ON e.org_id = l.org_id AND e.id = l.from_id
		WHERE l.org_id = ? AND l.relationship = 'evidences' AND l.from_type = 'evidence' AND l.to_type = 'control'
		GROUP BY l.to_id`, today, today, today, today, soon, orgID)
	if err != nil {
		return nil, fmt.Errorf("cannot count the evidence of the controls: %w", err)
	}
	defer rows.Close()
	out := map[string]readiness.EvidenceState{}
	for rows.Next() {
		var key string
		var st readiness.EvidenceState
		if err := rows.Scan(&key, &st.Current, &st.Lapsed, &st.LapsedOn, &st.LapsesOn); err != nil {
			return nil, fmt.Errorf("cannot count the evidence of the controls: %w", err)
		}
		out[key] = st
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.evaluationsByControl(ctx, orgID, since, out)
}

// evaluationsByControl adds to out the evaluation runs linked to each control: a run made since since (as
// its file dates it, else as imported) that does not fail its system's acceptance criteria is current; an older one lapsed; a failing one
// counts as failing.
func (db *DB) evaluationsByControl(ctx context.Context, orgID string, since time.Time, out map[string]readiness.EvidenceState) error {
	rows, err := db.reader(ctx).query(ctx, `SELECT l.to_id,
		SUM(CASE WHEN r.verdict <> 'fail' AND COALESCE(r.started_at, r.created_at) >= ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN r.verdict <> 'fail' AND COALESCE(r.started_at, r.created_at) < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN r.verdict = 'fail' THEN 1 ELSE 0 END)
		FROM links l JOIN evaluation_runs r ON r.org_id = l.org_id AND r.id = l.from_id
		WHERE l.org_id = ? AND l.relationship = 'evidences' AND l.from_type = 'evaluation' AND l.to_type = 'control'
		GROUP BY l.to_id`, since, since, orgID)
	if err != nil {
		return fmt.Errorf("cannot count the evaluation runs of the controls: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var cur, old, failing int
		if err := rows.Scan(&key, &cur, &old, &failing); err != nil {
			return fmt.Errorf("cannot count the evaluation runs of the controls: %w", err)
		}
		st := out[key]
		st.Current, st.Lapsed, st.Failing = st.Current+cur, st.Lapsed+old, st.Failing+failing
		out[key] = st
	}
	return rows.Err()
}
