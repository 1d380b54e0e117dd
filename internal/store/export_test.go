package store

import "context"

// LinkKeyFaults counts the component links whose supplier or model key (0012) is not what the database's
// lower() makes of their component's supplier, kind and name.
func (db *DB) LinkKeyFaults(ctx context.Context) (int, error) {
	var n int
	err := db.reader().row(ctx, `SELECT COUNT(*) FROM system_components l JOIN components c ON c.id = l.component_id
		WHERE l.supplier_key <> lower(c.supplier)
			OR l.model_key <> CASE WHEN c.kind = 'model' THEN lower(c.name) ELSE '' END`).Scan(&n)
	return n, err
}

// PageBytes returns the size of the database's pages in use (page_count × page_size, SQLite).
func (db *DB) PageBytes(ctx context.Context) (int64, error) {
	var count, size int64
	if err := db.reader().row(ctx, `PRAGMA page_count`).Scan(&count); err != nil {
		return 0, err
	}
	err := db.reader().row(ctx, `PRAGMA page_size`).Scan(&size)
	return count * size, err
}
