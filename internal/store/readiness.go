package store

import (
	"context"
	"fmt"

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
