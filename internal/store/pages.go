package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
)

// newestFirst reads one page of a list ordered by an integer column, largest first: query selects the
// list's rows and ends in its WHERE clause, col is the column. The cursor is the column's value on the
// last row of the previous page.
func newestFirst[T any](ctx context.Context, q q, query, col string, args []any, p aims.Page,
	scan func(scanner) (T, error), key func(T) int64) ([]T, string, error) {
	limit := pageLimit(p.Limit)
	if p.Cursor != "" {
		s, err := decodeCursor(p.Cursor)
		if err != nil {
			return nil, "", err
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return nil, "", aims.FieldError("cursor", "The cursor is not valid.")
		}
		query += ` AND ` + col + ` < ?`
		args = append(args, n)
	}
	rows, err := q.query(ctx, query+` ORDER BY `+col+` DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", err
	}
	items, err := collect(rows, scan)
	if err != nil {
		return nil, "", err
	}
	items, next := pageOf(items, limit, func(v T) string { return strconv.FormatInt(key(v), 10) })
	return items, next, nil
}

// SystemChangesPage returns a page of the history of orgID's system id, newest first, and the cursor
// of the next page; ENOTFOUND when there is no such system.
func (db *DB) SystemChangesPage(ctx context.Context, orgID, id string, p aims.Page) ([]*system.Change, string, error) {
	if _, err := systemByID(ctx, db.reader(ctx), orgID, id); err != nil {
		return nil, "", err
	}
	cs, next, err := newestFirst(ctx, db.reader(ctx), `SELECT id, system_id, version, actor_id, actor_name, at, reason, before_json, after_json
		FROM system_changes WHERE org_id = ? AND system_id = ?`, "version", []any{orgID, id}, p, scanChange,
		func(c *system.Change) int64 { return c.Version })
	if err != nil {
		return nil, "", fmt.Errorf("cannot read the history of AI system %s: %w", id, err)
	}
	return cs, next, nil
}

func scanChange(sc scanner) (*system.Change, error) {
	var c system.Change
	var before, after string
	if err := sc.Scan(&c.ID, &c.SystemID, &c.Version, &c.ActorID, &c.ActorName, &c.At, &c.Reason, &before, &after); err != nil {
		return nil, err
	}
	c.At, c.Before, c.After = c.At.UTC(), []byte(before), []byte(after)
	return &c, nil
}

// ClassificationHistoryPage returns a page of the classifications saved for orgID's system id, newest
// first, and the cursor of the next page; ENOTFOUND when there is no such system.
func (db *DB) ClassificationHistoryPage(ctx context.Context, orgID, id string, p aims.Page) ([]*system.Classification, string, error) {
	if _, err := systemByID(ctx, db.reader(ctx), orgID, id); err != nil {
		return nil, "", err
	}
	cs, next, err := newestFirst(ctx, db.reader(ctx), `SELECT `+classificationColumns+` FROM system_classification_history
		WHERE org_id = ? AND system_id = ?`, "version", []any{orgID, id}, p, scanClassification,
		func(c *system.Classification) int64 { return c.Version })
	if err != nil {
		return nil, "", fmt.Errorf("cannot read the classification history of AI system %s: %w", id, err)
	}
	return cs, next, nil
}

// BOMImportsPage returns a page of the imports of orgID's system systemID, newest first, without
// inventories, and the cursor of the next page; ENOTFOUND when there is no such system.
func (db *DB) BOMImportsPage(ctx context.Context, orgID, systemID string, p aims.Page) ([]*component.BOMImport, string, error) {
	if _, err := systemByID(ctx, db.reader(ctx), orgID, systemID); err != nil {
		return nil, "", err
	}
	bs, next, err := newestFirst(ctx, db.reader(ctx), `SELECT `+bomImportColumns+` FROM bom_imports WHERE org_id = ? AND system_id = ?`,
		"seq", []any{orgID, systemID}, p, func(sc scanner) (*component.BOMImport, error) { return scanBOMImport(sc) },
		func(b *component.BOMImport) int64 { return b.Seq })
	if err != nil {
		return nil, "", fmt.Errorf("cannot list the BOMs of AI system %s: %w", systemID, err)
	}
	return bs, next, nil
}

// ComponentModelCardsPage returns a page of the model cards of orgID's component componentID, newest
// first, without their Markdown, and the cursor of the next page; ENOTFOUND when there is no such
// component.
func (db *DB) ComponentModelCardsPage(ctx context.Context, orgID, componentID string, p aims.Page) ([]*component.ModelCard, string, error) {
	if _, err := componentByID(ctx, db.reader(ctx), orgID, componentID); err != nil {
		return nil, "", err
	}
	cs, next, err := newestFirst(ctx, db.reader(ctx), `SELECT `+modelCardColumns+` FROM model_cards m
		WHERE m.org_id = ? AND m.component_id = ?`, "m.number", []any{orgID, componentID}, p,
		func(sc scanner) (*component.ModelCard, error) { return scanModelCard(sc, false) },
		func(c *component.ModelCard) int64 { return c.Number })
	if err != nil {
		return nil, "", fmt.Errorf("cannot list the model cards of component %s: %w", componentID, err)
	}
	return cs, next, nil
}

// ComponentSystemsPage returns a page of the systems that use orgID's component componentID, by name,
// and the cursor of the next page; ENOTFOUND when there is no such component.
func (db *DB) ComponentSystemsPage(ctx context.Context, orgID, componentID string, p aims.Page) ([]*component.SystemRef, string, error) {
	if _, err := componentByID(ctx, db.reader(ctx), orgID, componentID); err != nil {
		return nil, "", err
	}
	limit := pageLimit(p.Limit)
	q := `SELECT s.id, s.name, l.role FROM system_components l
		JOIN systems s ON s.id = l.system_id AND s.org_id = l.org_id
		WHERE l.org_id = ? AND l.component_id = ? AND l.import_id NOT IN ` + pendingImports
	args := []any{orgID, componentID}
	if p.Cursor != "" {
		id, err := decodeCursor(p.Cursor)
		if err != nil {
			return nil, "", err
		}
		last, err := systemByID(ctx, db.reader(ctx), orgID, id)
		if err != nil {
			return nil, "", aims.FieldError("cursor", "The cursor is not valid.")
		}
		q += ` AND (s.name, s.id) > (?, ?)`
		args = append(args, last.Name, last.ID)
	}
	rows, err := db.reader(ctx).query(ctx, q+` ORDER BY s.name, s.id LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read the systems of component %s: %w", componentID, err)
	}
	rs, err := collect(rows, func(sc scanner) (*component.SystemRef, error) {
		var r component.SystemRef
		return &r, sc.Scan(&r.ID, &r.Name, &r.Role)
	})
	if err != nil {
		return nil, "", fmt.Errorf("cannot read the systems of component %s: %w", componentID, err)
	}
	rs, next := pageOf(rs, limit, func(r *component.SystemRef) string { return r.ID })
	return rs, next, nil
}
