package store

import (
	"context"
	"database/sql"
	"fmt"
)

// collect scans every row with scan.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// pageOf trims items read with LIMIT limit+1 to one page and returns the cursor of the next page ("" at
// the end), made from the last item's key.
func pageOf[T any](items []T, limit int, key func(T) string) ([]T, string) {
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	return items, encodeCursor(key(items[limit-1]))
}

// countUpTo returns how many rows query (a SELECT with its WHERE, no LIMIT) finds, reading no more than
// max+1 of them: enough for "500+" without counting a whole table.
func (db *DB) countUpTo(ctx context.Context, query string, args []any, max int) (int, error) {
	var n int
	if err := db.reader(ctx).row(ctx, `SELECT count(*) FROM (`+query+` LIMIT ?) n`, append(args, max+1)...).Scan(&n); err != nil {
		return 0, fmt.Errorf("cannot count: %w", err)
	}
	return n, nil
}

// scanValue reads a row of one column: the value is scanned before it is returned (in "return v,
// s.Scan(&v)" the order of the two is not defined).
func scanValue[T any](s scanner) (T, error) {
	var v T
	err := s.Scan(&v)
	return v, err
}
