package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"io"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/readiness"
)

// LinkKeyFaults counts the component links whose supplier or model key (0012) is not what the database's
// lower() makes of their component's supplier, kind and name.
func (db *DB) LinkKeyFaults(ctx context.Context) (int, error) {
	var n int
	err := db.reader(ctx).row(ctx, `SELECT COUNT(*) FROM system_components l JOIN components c ON c.id = l.component_id
		WHERE l.supplier_key <> lower(c.supplier)
			OR l.model_key <> CASE WHEN c.kind = 'model' THEN lower(c.name) ELSE '' END`).Scan(&n)
	return n, err
}

// PageBytes returns the size of the database's pages in use (page_count × page_size, SQLite).
func (db *DB) PageBytes(ctx context.Context) (int64, error) {
	var count, size int64
	if err := db.reader(ctx).row(ctx, `PRAGMA page_count`).Scan(&count); err != nil {
		return 0, err
	}
	err := db.reader(ctx).row(ctx, `PRAGMA page_size`).Scan(&size)
	return count * size, err
}

// StoreInventoriesAsText rewrites every BOM version's inventory as text, as versions imported before
// migration 0016 hold it.
func (db *DB) StoreInventoriesAsText(ctx context.Context) error {
	rows, err := db.reader(ctx).query(ctx, `SELECT id, inventory_gzip FROM bom_imports WHERE inventory_gzip IS NOT NULL`)
	if err != nil {
		return err
	}
	type version struct {
		id string
		gz []byte
	}
	vs, err := collect(rows, func(sc scanner) (version, error) {
		var v version
		return v, sc.Scan(&v.id, &v.gz)
	})
	if err != nil {
		return err
	}
	for _, v := range vs {
		zr, err := gzip.NewReader(bytes.NewReader(v.gz))
		if err != nil {
			return err
		}
		text, err := io.ReadAll(zr)
		if err != nil {
			return err
		}
		if _, err := db.writer(ctx).exec(ctx, `UPDATE bom_imports SET inventory = ?, inventory_gzip = NULL WHERE id = ?`,
			string(text), v.id); err != nil {
			return err
		}
	}
	return nil
}

// LinkKeyPlan returns SQLite's plan of the query of the systems by a link key (see linkKeyQuery).
func (db *DB) LinkKeyPlan(ctx context.Context, col string) (string, error) {
	rows, err := db.reader(ctx).query(ctx, `EXPLAIN QUERY PLAN `+linkKeyQuery(col), "org", "x")
	if err != nil {
		return "", err
	}
	lines, err := collect(rows, func(sc scanner) (string, error) {
		var id, parent, unused int
		var detail string
		return detail, sc.Scan(&id, &parent, &unused, &detail)
	})
	return strings.Join(lines, "\n"), err
}

// CursorAt returns the cursor of the page of orgID's systems (by name) that starts after the first n.
func (db *DB) CursorAt(ctx context.Context, orgID string, n int) (string, error) {
	var id string
	err := db.reader(ctx).row(ctx, `SELECT id FROM systems WHERE org_id = ? ORDER BY name, id LIMIT 1 OFFSET ?`, orgID, n-1).Scan(&id)
	return encodeCursor(id), err
}

// SetImportFault makes f run after each batch of a BOM import has been committed, with the batch's
// number (from 1); an error aborts the import there and a panic stops it as a crash would.
func (db *DB) SetImportFault(f func(step int) error) { db.importFault = f }

// ImportRows counts the rows of components and links that BOM imports wrote, visible or not, and the
// imports pending.
func (db *DB) ImportRows(ctx context.Context, orgID string) (components, links, pending int, err error) {
	for _, c := range []struct {
		q string
		n *int
	}{
		{`SELECT COUNT(*) FROM components WHERE org_id = ? AND import_id <> ''`, &components},
		{`SELECT COUNT(*) FROM system_components WHERE org_id = ? AND import_id <> ''`, &links},
		{`SELECT COUNT(*) FROM bom_pending WHERE org_id = ?`, &pending},
	} {
		if err = db.reader(ctx).row(ctx, c.q, orgID).Scan(c.n); err != nil {
			return
		}
	}
	return
}

// Exec runs one statement on the writer, for tests that make rows as an older aims left them.
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := db.writer(ctx).exec(ctx, query, args...)
	return err
}

// ImportPlans returns SQLite's plans of the statements that find a BOM import's rows by its id.
func (db *DB) ImportPlans(ctx context.Context) ([]string, error) {
	var plans []string
	for _, q := range []struct {
		sql  string
		args []any
	}{{importLinkBatch, []any{"x", 1}}, {importComponentBatch, []any{"x", 1}}} {
		rows, err := db.reader(ctx).query(ctx, `EXPLAIN QUERY PLAN `+q.sql, q.args...)
		if err != nil {
			return nil, err
		}
		lines, err := collect(rows, func(sc scanner) (string, error) {
			var id, parent, unused int
			var detail string
			return detail, sc.Scan(&id, &parent, &unused, &detail)
		})
		if err != nil {
			return nil, err
		}
		plans = append(plans, strings.Join(lines, "\n"))
	}
	return plans, nil
}

// ExecNormalized runs one statement on the writer and returns its error as the store maps it.
func (db *DB) ExecNormalized(ctx context.Context, query string, args ...any) error {
	_, err := db.writer(ctx).exec(ctx, query, args...)
	return err
}

// EvidenceByControlJoined computes what EvidenceByControl reads from evidence_counts by joining every
// evidence link, the way it was computed before the counts were kept, for the tests to compare.
func (db *DB) EvidenceByControlJoined(ctx context.Context, orgID, today, soon, since string) (map[string]readiness.EvidenceState, error) {
	out := map[string]readiness.EvidenceState{}
	rows, err := db.reader(ctx).query(ctx, `SELECT l.to_id,
		SUM(CASE WHEN e.status <> 'draft' AND (e.valid_until = '' OR e.valid_until >= ?) THEN 1 ELSE 0 END),
		SUM(CASE WHEN e.valid_until <> '' AND e.valid_until < ? THEN 1 ELSE 0 END),
		COALESCE(MAX(CASE WHEN e.valid_until <> '' AND e.valid_until < ? THEN e.valid_until END), ''),
		COALESCE(MIN(CASE WHEN e.status <> 'draft' AND e.valid_until >= ? AND e.valid_until <= ? THEN e.valid_until END), '')
		FROM links l JOIN evidence e ON e.org_id = l.org_id AND e.id = l.from_id
		WHERE l.org_id = ? AND l.relationship = 'evidences' AND l.from_type = 'evidence' AND l.to_type = 'control'
		GROUP BY l.to_id`, today, today, today, today, soon, orgID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var key string
		var st readiness.EvidenceState
		if err := rows.Scan(&key, &st.Current, &st.Lapsed, &st.LapsedOn, &st.LapsesOn); err != nil {
			rows.Close()
			return nil, err
		}
		out[key] = st
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	rows, err = db.reader(ctx).query(ctx, `SELECT l.to_id, r.verdict, r.started_at, r.created_at
		FROM links l JOIN evaluation_runs r ON r.org_id = l.org_id AND r.id = l.from_id
		WHERE l.org_id = ? AND l.relationship = 'evidences' AND l.from_type = 'evaluation' AND l.to_type = 'control'`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var key, verdict string
		var started sql.NullTime
		var created time.Time
		if err := rows.Scan(&key, &verdict, &started, &created); err != nil {
			return nil, err
		}
		at := created
		if started.Valid {
			at = started.Time
		}
		st := out[key]
		switch {
		case verdict == "fail":
			st.Failing++
		case at.UTC().Format(time.DateOnly) >= since:
			st.Current++
		default:
			st.Lapsed++
		}
		out[key] = st
	}
	return out, rows.Err()
}
