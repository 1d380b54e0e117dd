package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"strings"
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
