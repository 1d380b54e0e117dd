package store

// The bulk writers of a BOM import: components and links copied (PostgreSQL) or inserted in batched
// statements (SQLite), and the small helpers they share.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
)

// componentCopyColumns are the columns insertComponents copies on PostgreSQL, in the order of
// componentCopyRow.
var componentCopyColumns = []string{"id", "org_id", "kind", "name", "component_version", "supplier", "licence",
	"description", "bom_ref", "details", "version", "created_at", "updated_at", "import_id"}

func componentCopyRow(c *component.Component, importID string) []any {
	return []any{c.ID, c.OrgID, c.Kind, c.Name, c.ComponentVersion, c.Supplier, c.Licence, c.Description,
		c.BOMRef, detailsText(c.Details), c.Version, c.CreatedAt, c.UpdatedAt, importID}
}

// insertComponents inserts cs as components of BOM import importID (see BeginBOMImport): with COPY on PostgreSQL, bomBatch rows a statement on SQLite. (Rows of
// JSON through json_each, as insertLinks does, were slower here: the details are JSON text themselves.)
func (tx *Tx) insertComponents(ctx context.Context, importID string, cs []*component.Component) error {
	if tx.db.dialect == Postgres {
		if err := tx.copyRows(ctx, "components", componentCopyColumns, len(cs), func(i int) []any {
			return componentCopyRow(cs[i], importID)
		}); err != nil {
			return fmt.Errorf("cannot store the components of the BOM: %w", err)
		}
		return nil
	}
	const cols = 14
	b := tx.batch(`INSERT INTO components (id, org_id, kind, name, component_version, supplier, licence, description,
		bom_ref, details, version, created_at, updated_at, import_id) VALUES `, `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ``)
	defer b.close()
	return chunks(len(cs), bomBatch, func(lo, hi int) error {
		args := make([]any, 0, (hi-lo)*cols)
		for _, c := range cs[lo:hi] {
			args = append(args, componentCopyRow(c, importID)...)
		}
		if _, err := b.exec(ctx, hi-lo, args); err != nil {
			if hi-lo == 1 {
				err = sameComponent(err, cs[lo])
			}
			return fmt.Errorf("cannot store the components of the BOM: %w", err)
		}
		return nil
	})
}

// jsonBatch is the number of rows of one INSERT ... SELECT over json_each on SQLite (about a megabyte of
// JSON).
const jsonBatch = 10000

// updateComponents stores the new values of the components of us, bomBatch rows a statement, each only
// if the component is still at the version the import read (else ECONFLICT: it was changed meanwhile).
// The kind and name of a component matched to a BOM's never change (both ways of matching need them
// equal). Its supplier is set only where it changed from the one read, so that the trigger that copies it
// to the component's links runs only for those.
func (tx *Tx) updateComponents(ctx context.Context, orgID string, us []component.BOMUpdate, now time.Time) error {
	var withSupplier, without []component.BOMUpdate
	for _, u := range us {
		if u.Component.Supplier != u.ReadSupplier {
			withSupplier = append(withSupplier, u)
		} else {
			without = append(without, u)
		}
	}
	for _, group := range []struct {
		us       []component.BOMUpdate
		supplier bool
	}{{without, false}, {withSupplier, true}} {
		if len(group.us) == 0 {
			continue
		}
		set, row, cols := `component_version = v.column2, licence = v.column3, description = v.column4, bom_ref = v.column5,
			details = v.column6, version = v.column7`, `(?, ?, ?, ?, ?, ?, CAST(? AS INTEGER), CAST(? AS INTEGER))`, 8
		if group.supplier {
			set += `, supplier = v.column9`
			row, cols = `(?, ?, ?, ?, ?, ?, CAST(? AS INTEGER), CAST(? AS INTEGER), ?)`, 9
		}
		b := tx.batch(`UPDATE components SET `+set+`, updated_at = ? FROM (VALUES `, row,
			`) AS v WHERE components.org_id = ? AND components.id = v.column1 AND components.version = v.column8`)
		err := chunks(len(group.us), bomBatch, func(lo, hi int) error {
			args := make([]any, 0, 2+(hi-lo)*cols)
			args = append(args, now)
			for _, u := range group.us[lo:hi] {
				c := u.Component
				args = append(args, c.ID, c.ComponentVersion, c.Licence, c.Description, c.BOMRef, detailsText(c.Details), c.Version,
					u.ReadVersion)
				if group.supplier {
					args = append(args, c.Supplier)
				}
			}
			args = append(args, orgID)
			n, err := b.exec(ctx, hi-lo, args)
			if err != nil {
				if hi-lo == 1 {
					err = sameComponent(err, group.us[lo].Component)
				}
				return fmt.Errorf("cannot update the components of the BOM: %w", err)
			}
			if n != int64(hi-lo) {
				return aims.Errorf(aims.ECONFLICT, "Components of the organization were changed or deleted while the BOM was imported; import it again.")
			}
			return nil
		})
		b.close()
		if err != nil {
			return err
		}
	}
	return nil
}

// insertLinks links the components cs (as stored) to systemID with role, as links of BOM import importID
// (see BeginBOMImport), each with the lower-case
// supplier and model keys of its component (migration 0012) folded as the database's lower() folds them
// (see insertLink). On PostgreSQL, whose lower() follows the database's locale, the component ids are
// copied to a temporary table and linked by one INSERT ... SELECT that folds the keys. On SQLite, whose
// lower() folds ASCII letters only, the keys are folded here (asciiLower) and the links inserted by one
// INSERT ... SELECT over json_each of jsonBatch rows at a time: binding eight parameters a row took
// SQLite's driver a fifth of the time of the insert.
func (tx *Tx) insertLinks(ctx context.Context, importID, orgID, systemID, role string, cs []*component.Component, now time.Time) error {
	if len(cs) == 0 {
		return nil
	}
	if tx.db.dialect == Postgres {
		// Where lower() folds ASCII letters as asciiLower does (any locale but a Turkish one), the links
		// of components whose supplier and name are ASCII, nearly all, are copied with their keys
		// straight into the table; the others go through a temporary table and lower().
		var folds bool
		if err := tx.q().row(ctx, `SELECT lower(CAST(? AS TEXT)) = ?`, asciiUpper, asciiLower(asciiUpper)).Scan(&folds); err != nil {
			return fmt.Errorf("cannot link the components of the BOM: %w", err)
		}
		var rest []*component.Component
		if folds {
			var plain []*component.Component
			for _, c := range cs {
				if isASCII(c.Supplier) && isASCII(c.Name) {
					plain = append(plain, c)
				} else {
					rest = append(rest, c)
				}
			}
			if err := tx.copyRows(ctx, "system_components", []string{"org_id", "system_id", "component_id", "role", "notes",
				"created_at", "supplier_key", "model_key", "import_id"}, len(plain), func(i int) []any {
				c := plain[i]
				return []any{orgID, systemID, c.ID, role, "", now.UTC(), asciiLower(c.Supplier), modelKey(c), importID}
			}); err != nil {
				return fmt.Errorf("cannot link the components of the BOM: %w", err)
			}
			if cs = rest; len(cs) == 0 {
				return nil
			}
		}
		if _, err := tx.q().exec(ctx, `CREATE TEMPORARY TABLE bom_links (component_id TEXT NOT NULL) ON COMMIT DROP`); err != nil {
			return fmt.Errorf("cannot link the components of the BOM: %w", err)
		}
		if err := tx.copyRows(ctx, "bom_links", []string{"component_id"}, len(cs), func(i int) []any {
			return []any{cs[i].ID}
		}); err != nil {
			return fmt.Errorf("cannot link the components of the BOM: %w", err)
		}
		if _, err := tx.q().exec(ctx, `INSERT INTO system_components (org_id, system_id, component_id, role, notes,
			created_at, supplier_key, model_key, import_id)
			SELECT c.org_id, CAST(? AS TEXT), c.id, CAST(? AS TEXT), '', CAST(? AS TIMESTAMPTZ), lower(c.supplier),
				CASE WHEN c.kind = 'model' THEN lower(c.name) ELSE '' END, CAST(? AS TEXT)
			FROM bom_links b JOIN components c ON c.id = b.component_id WHERE c.org_id = ?`,
			systemID, role, now.UTC(), importID, orgID); err != nil {
			return fmt.Errorf("cannot link the components of the BOM: %w", normalize(err))
		}
		if _, err := tx.q().exec(ctx, `DROP TABLE bom_links`); err != nil {
			return fmt.Errorf("cannot link the components of the BOM: %w", err)
		}
		return nil
	}
	return chunks(len(cs), jsonBatch, func(lo, hi int) error {
		rows := make([][3]string, 0, hi-lo)
		for _, c := range cs[lo:hi] {
			rows = append(rows, [3]string{c.ID, asciiLower(c.Supplier), modelKey(c)})
		}
		list, err := json.Marshal(rows)
		if err != nil {
			return fmt.Errorf("cannot link the components of the BOM: %w", err)
		}
		if _, err := tx.q().exec(ctx, `INSERT INTO system_components (org_id, system_id, component_id, role, notes,
			created_at, supplier_key, model_key, import_id)
			SELECT ?, ?, j.value ->> 0, ?, '', ?, j.value ->> 1, j.value ->> 2, ? FROM json_each(?) j`,
			orgID, systemID, role, now, importID, string(list)); err != nil {
			return fmt.Errorf("cannot link the components of the BOM: %w", err)
		}
		return nil
	})
}

// copyRows copies n rows, row(i) for each, into the named columns of table with PostgreSQL's COPY, in the
// transaction: for tens of thousands of rows several times faster than multi-row INSERTs.
func (tx *Tx) copyRows(ctx context.Context, table string, columns []string, n int, row func(i int) []any) error {
	return tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("cannot copy rows: the connection is a %T, not pgx's", dc)
		}
		i := 0
		copied, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromFunc(func() ([]any, error) {
			if i == n {
				return nil, nil
			}
			i++
			return row(i - 1), nil
		}))
		if err != nil {
			return normalize(err)
		}
		if copied != int64(n) {
			return fmt.Errorf("copied %d rows of %d into %s", copied, n, table)
		}
		return nil
	})
}

// batcher runs a multi-row statement: head, then one row template per row (joined by commas), then
// tail. The statement of each number of rows is prepared once, on first use, for the transaction.
type batcher struct {
	tx              *Tx
	head, row, tail string
	stmts           map[int]*sql.Stmt
}

func (tx *Tx) batch(head, row, tail string) *batcher {
	return &batcher{tx: tx, head: head, row: row, tail: tail, stmts: map[int]*sql.Stmt{}}
}

// exec runs the statement of rows rows with args and returns the number of rows it changed.
func (b *batcher) exec(ctx context.Context, rows int, args []any) (int64, error) {
	st := b.stmts[rows]
	if st == nil {
		var q strings.Builder
		q.Grow(len(b.head) + rows*(len(b.row)+2) + len(b.tail))
		q.WriteString(b.head)
		for i := range rows {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(b.row)
		}
		q.WriteString(b.tail)
		var err error
		if st, err = b.tx.prepare(ctx, q.String()); err != nil {
			return 0, err
		}
		b.stmts[rows] = st
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return 0, normalize(err)
	}
	return res.RowsAffected()
}

func (b *batcher) close() {
	for _, st := range b.stmts {
		st.Close()
	}
}

// chunks calls fn with the bounds [lo, hi) of successive chunks of at most size of n items.
func chunks(n, size int, fn func(lo, hi int) error) error {
	for lo := 0; lo < n; lo += size {
		if err := fn(lo, min(lo+size, n)); err != nil {
			return err
		}
	}
	return nil
}

// prepare prepares query, rebound, on the transaction.
func (tx *Tx) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	st, err := tx.tx.PrepareContext(ctx, tx.db.rebind(query))
	if err != nil {
		return nil, fmt.Errorf("cannot prepare a statement: %w", normalize(err))
	}
	return st, nil
}

// modelKey is the model key (0012) of a link to c folded by asciiLower: its name if a model, else empty.
func modelKey(c *component.Component) string {
	if c.Kind == "model" {
		return asciiLower(c.Name)
	}
	return ""
}

// asciiUpper holds the letters asciiLower folds, to ask a database whether its lower() folds them alike.
const asciiUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// isASCII reports whether s holds ASCII characters only.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiLower folds A-Z to a-z and leaves every other character, as SQLite's lower() does.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
