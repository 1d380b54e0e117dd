package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/component"
)

const componentColumns = `c.id, c.org_id, c.kind, c.name, c.component_version, c.supplier, c.licence, c.description, c.bom_ref,
	c.details, c.version, c.created_at, c.updated_at`

// componentSelect reads the visible components of an organization (the first argument): not those of a BOM
// import still being written (see BeginBOMImport).
const componentSelect = `SELECT ` + componentColumns + ` FROM components c WHERE c.org_id = ? AND c.import_id NOT IN ` +
	pendingImports + ` `

func scanComponentInto(c *component.Component, dest ...any) []any {
	return append([]any{&c.ID, &c.OrgID, &c.Kind, &c.Name, &c.ComponentVersion, &c.Supplier, &c.Licence, &c.Description,
		&c.BOMRef, (*rawText)(&c.Details), &c.Version, &c.CreatedAt, &c.UpdatedAt}, dest...)
}

// rawText scans a TEXT column into a json.RawMessage.
type rawText json.RawMessage

func (r *rawText) Scan(v any) error {
	switch x := v.(type) {
	case string:
		*r = rawText(x)
	case []byte:
		*r = rawText(string(x))
	case nil:
		*r = rawText("{}")
	default:
		return fmt.Errorf("cannot read JSON text from %T", v)
	}
	return nil
}

func scanComponent(sc scanner) (*component.Component, error) {
	var c component.Component
	if err := sc.Scan(scanComponentInto(&c)...); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, nil
}

func componentByID(ctx context.Context, q q, orgID, id string) (*component.Component, error) {
	c, err := scanComponent(q.row(ctx, componentSelect+`AND c.id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Component")
	}
	return c, nil
}

// ComponentByID returns orgID's component id; ENOTFOUND when orgID has none.
func (db *DB) ComponentByID(ctx context.Context, orgID, id string) (*component.Component, error) {
	return componentByID(ctx, db.reader(ctx), orgID, id)
}

// ComponentByKey returns orgID's component of that kind, name and component version; ENOTFOUND when
// there is none.
func (db *DB) ComponentByKey(ctx context.Context, orgID, kind, name, componentVersion string) (*component.Component, error) {
	c, err := scanComponent(db.reader(ctx).row(ctx, componentSelect+`AND c.kind = ? AND c.name = ? AND c.component_version = ?`,
		orgID, kind, name, componentVersion))
	if err != nil {
		return nil, notFound(err, "Component")
	}
	return c, nil
}

func sameComponent(err error, c *component.Component) error {
	if aims.ErrorCode(err) == aims.ECONFLICT {
		v := ""
		if c.ComponentVersion != "" {
			v = " version " + c.ComponentVersion
		}
		return &aims.Error{Code: aims.ECONFLICT, Message: fmt.Sprintf("There is a %s named %q%s already.", c.Kind, c.Name, v), Field: "name"}
	}
	return err
}

func detailsText(d json.RawMessage) string {
	if len(d) == 0 {
		return "{}"
	}
	return string(d)
}

// CreateComponent stores c (with its OrgID set), assigning its id, version 1 and times, with an activity
// entry; ECONFLICT on name when the same kind, name and component version exist.
func (db *DB) CreateComponent(ctx context.Context, c *component.Component) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		now := db.now()
		c.ID, c.Version = aims.NewID(), 1
		_, err := tx.q().exec(ctx, `INSERT INTO components (id, org_id, kind, name, component_version, supplier, licence,
			description, bom_ref, details, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.OrgID, c.Kind, c.Name, c.ComponentVersion, c.Supplier, c.Licence, c.Description, c.BOMRef,
			detailsText(c.Details), c.Version, now, now)
		if err != nil {
			return fmt.Errorf("cannot store component: %w", sameComponent(err, c))
		}
		stored, err := componentByID(ctx, tx.q(), c.OrgID, c.ID)
		if err != nil {
			return err
		}
		*c = *stored
		return tx.record(ctx, c.OrgID, activity.ActionCreate, "component", c.ID, nil, c)
	})
}

// UpdateComponent stores c if the stored version is ifVersion (0: any), bumping it; EPRECONDITION
// otherwise. c is updated to what was stored.
func (db *DB) UpdateComponent(ctx context.Context, c *component.Component, ifVersion int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := componentByID(ctx, tx.q(), c.OrgID, c.ID)
		if err != nil {
			return err
		}
		if ifVersion != 0 && before.Version != ifVersion {
			return aims.Stale(before.Name, before.Version, ifVersion)
		}
		res, err := tx.q().exec(ctx, `UPDATE components SET kind = ?, name = ?, component_version = ?, supplier = ?, licence = ?,
			description = ?, bom_ref = ?, details = ?, version = ?, updated_at = ? WHERE id = ? AND org_id = ? AND version = ?`,
			c.Kind, c.Name, c.ComponentVersion, c.Supplier, c.Licence, c.Description, c.BOMRef, detailsText(c.Details),
			before.Version+1, db.now(), c.ID, c.OrgID, before.Version)
		if err != nil {
			return fmt.Errorf("cannot update component %s: %w", c.ID, sameComponent(err, c))
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return aims.Stale(before.Name, 0, 0)
		}
		after, err := componentByID(ctx, tx.q(), c.OrgID, c.ID)
		if err != nil {
			return err
		}
		*c = *after
		return tx.record(ctx, c.OrgID, activity.ActionUpdate, "component", c.ID, before, c)
	})
}

// DeleteComponent deletes orgID's component id and its links to systems; ENOTFOUND when there is none.
func (db *DB) DeleteComponent(ctx context.Context, orgID, id string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := componentByID(ctx, tx.q(), orgID, id)
		if err != nil {
			return err
		}
		if _, err := tx.q().exec(ctx, `DELETE FROM system_components WHERE org_id = ? AND component_id = ?`, orgID, id); err != nil {
			return fmt.Errorf("cannot unlink component %s: %w", id, err)
		}
		if _, err := tx.q().exec(ctx, `DELETE FROM components WHERE org_id = ? AND id = ?`, orgID, id); err != nil {
			return fmt.Errorf("cannot delete component %s: %w", id, err)
		}
		return tx.record(ctx, orgID, activity.ActionDelete, "component", id, before, nil)
	})
}

// ListComponents returns a page of orgID's components matching f, ordered by name, kind and component
// version, and the cursor of the next page (the id of the last component of the page).
func (db *DB) ListComponents(ctx context.Context, orgID string, f component.ComponentFilter, p aims.Page) ([]*component.Component, string, error) {
	limit := pageLimit(p.Limit)
	var where strings.Builder
	args := []any{orgID}
	add := func(cond string, v ...any) { where.WriteString(" AND " + cond); args = append(args, v...) }
	if f.Kind != "" {
		add("c.kind = ?", f.Kind)
	}
	if f.Query != "" {
		pat := likePattern(f.Query)
		add(`(lower(c.name) LIKE ? ESCAPE '\' OR lower(c.supplier) LIKE ? ESCAPE '\')`, pat, pat)
	}
	if f.NotInSystem != "" {
		add(`NOT EXISTS (SELECT 1 FROM system_components l WHERE l.org_id = c.org_id AND l.system_id = ? AND l.component_id = c.id)`, f.NotInSystem)
	}
	if p.Cursor != "" {
		id, err := decodeCursor(p.Cursor)
		if err != nil {
			return nil, "", err
		}
		last, err := componentByID(ctx, db.reader(ctx), orgID, id)
		if err != nil {
			return nil, "", aims.FieldError("cursor", "The cursor is not valid.")
		}
		add(`(c.name, c.id) > (?, ?)`, last.Name, last.ID) // a row value: where to start in the index (see ListSystems)
	}
	args = append(args, limit+1)
	rows, err := db.reader(ctx).query(ctx, componentSelect+where.String()+` ORDER BY c.name, c.id LIMIT ?`, args...)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list components: %w", err)
	}
	cs, err := collect(rows, scanComponent)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list components: %w", err)
	}
	cs, next := pageOf(cs, limit, func(c *component.Component) string { return c.ID })
	return cs, next, nil
}

// LinkComponent links l.ComponentID to l.SystemID, or replaces the role and notes of their link; it does
// nothing when the link is stored as it is. Either id outside l.OrgID is ENOTFOUND.
func (db *DB) LinkComponent(ctx context.Context, l *component.Link) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := systemByID(ctx, tx.q(), l.OrgID, l.SystemID); err != nil {
			return err
		}
		if _, err := componentByID(ctx, tx.q(), l.OrgID, l.ComponentID); err != nil {
			return err
		}
		before, err := linkOf(ctx, tx.q(), l.OrgID, l.SystemID, l.ComponentID)
		switch {
		case aims.ErrorCode(err) == aims.ENOTFOUND:
			l.CreatedAt = db.now()
			if err := tx.insertLink(ctx, l); err != nil {
				return err
			}
			stored, err := linkOf(ctx, tx.q(), l.OrgID, l.SystemID, l.ComponentID)
			if err != nil {
				return err
			}
			*l = *stored
			l.New = true
			return tx.record(ctx, l.OrgID, activity.ActionCreate, "system_component", l.SystemID, nil, l)
		case err != nil:
			return err
		case before.Role == l.Role && before.Notes == l.Notes:
			*l = *before
			return nil
		}
		if _, err := tx.q().exec(ctx, `UPDATE system_components SET role = ?, notes = ? WHERE org_id = ? AND system_id = ? AND component_id = ?`,
			l.Role, l.Notes, l.OrgID, l.SystemID, l.ComponentID); err != nil {
			return fmt.Errorf("cannot change the link of component %s: %w", l.ComponentID, err)
		}
		l.CreatedAt = before.CreatedAt
		return tx.record(ctx, l.OrgID, activity.ActionUpdate, "system_component", l.SystemID, before, l)
	})
}

func linkOf(ctx context.Context, q q, orgID, systemID, componentID string) (*component.Link, error) {
	l := component.Link{OrgID: orgID, SystemID: systemID, ComponentID: componentID}
	err := q.row(ctx, `SELECT role, notes, created_at FROM system_components WHERE org_id = ? AND system_id = ? AND component_id = ?
		AND import_id NOT IN `+pendingImports,
		orgID, systemID, componentID).Scan(&l.Role, &l.Notes, &l.CreatedAt)
	if err != nil {
		return nil, notFound(err, "Link of the component to the AI system")
	}
	l.CreatedAt = l.CreatedAt.UTC()
	return &l, nil
}

// UnlinkComponent removes the link of componentID to systemID; ENOTFOUND when there is none.
func (db *DB) UnlinkComponent(ctx context.Context, orgID, systemID, componentID string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := linkOf(ctx, tx.q(), orgID, systemID, componentID)
		if err != nil {
			return err
		}
		if _, err := tx.q().exec(ctx, `DELETE FROM system_components WHERE org_id = ? AND system_id = ? AND component_id = ?`,
			orgID, systemID, componentID); err != nil {
			return fmt.Errorf("cannot unlink component %s: %w", componentID, err)
		}
		return tx.record(ctx, orgID, activity.ActionDelete, "system_component", systemID, before, nil)
	})
}

// SystemComponents returns the components of orgID's system systemID ordered by kind and name;
// ENOTFOUND when there is no such system.
func (db *DB) SystemComponents(ctx context.Context, orgID, systemID string) ([]*component.SystemComponent, error) {
	if _, err := systemByID(ctx, db.reader(ctx), orgID, systemID); err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).query(ctx, systemComponentSelect+` ORDER BY c.kind, c.name, c.component_version, c.id`, orgID, systemID)
	if err != nil {
		return nil, fmt.Errorf("cannot read the components of AI system %s: %w", systemID, err)
	}
	return collect(rows, scanSystemComponent)
}

// ComponentSystems returns the systems that use orgID's component componentID, by name; ENOTFOUND when
// there is no such component.
func (db *DB) ComponentSystems(ctx context.Context, orgID, componentID string) ([]*component.SystemRef, error) {
	if _, err := componentByID(ctx, db.reader(ctx), orgID, componentID); err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT s.id, s.name, l.role FROM system_components l
		JOIN systems s ON s.id = l.system_id AND s.org_id = l.org_id
		WHERE l.org_id = ? AND l.component_id = ? AND l.import_id NOT IN `+pendingImports+` ORDER BY s.name, s.id`, orgID, componentID)
	if err != nil {
		return nil, fmt.Errorf("cannot read the systems of component %s: %w", componentID, err)
	}
	return collect(rows, func(sc scanner) (*component.SystemRef, error) {
		var r component.SystemRef
		return &r, sc.Scan(&r.ID, &r.Name, &r.Role)
	})
}

// insertLink stores the new link l with the lower-case supplier and model keys of its component (0012),
// folded by the database's lower() as the trigger components_keys folds them when the component changes.
func (tx *Tx) insertLink(ctx context.Context, l *component.Link) error {
	if _, err := tx.q().exec(ctx, `INSERT INTO system_components (org_id, system_id, component_id, role, notes, created_at,
		supplier_key, model_key) VALUES (?, ?, ?, ?, ?, ?,
		(SELECT lower(supplier) FROM components WHERE id = ?),
		(SELECT CASE WHEN kind = 'model' THEN lower(name) ELSE '' END FROM components WHERE id = ?))`,
		l.OrgID, l.SystemID, l.ComponentID, l.Role, l.Notes, l.CreatedAt, l.ComponentID, l.ComponentID); err != nil {
		return fmt.Errorf("cannot link component %s: %w", l.ComponentID, err)
	}
	return nil
}

// systemComponentSelect reads the components of one system (org_id, system_id) with their links.
const systemComponentSelect = `SELECT ` + componentColumns + `, l.role, l.notes, l.created_at
		FROM system_components l JOIN components c ON c.id = l.component_id AND c.org_id = l.org_id
		WHERE l.org_id = ? AND l.system_id = ? AND l.import_id NOT IN ` + pendingImports

func scanSystemComponent(sc scanner) (*component.SystemComponent, error) {
	var c component.SystemComponent
	if err := sc.Scan(scanComponentInto(&c.Component, &c.Role, &c.Notes, &c.LinkedAt)...); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt, c.LinkedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC(), c.LinkedAt.UTC()
	return &c, nil
}

// SystemComponentsPage returns one page of the components of orgID's system systemID in the order of
// SystemComponents (kind, name, component version, id): up to p.Limit (see pageLimit) after p.Cursor,
// or, when before is set, the p.Limit before it. next and prev are the cursors of the pages after and
// before ("" at either end); a prev cursor is to be passed with before set. ENOTFOUND when there is no
// such system; a cursor that names no component of the system is EINVALID on cursor.
func (db *DB) SystemComponentsPage(ctx context.Context, orgID, systemID string, p aims.Page, before bool) (cs []*component.SystemComponent, next, prev string, err error) {
	if _, err := systemByID(ctx, db.reader(ctx), orgID, systemID); err != nil {
		return nil, "", "", err
	}
	limit := pageLimit(p.Limit)
	q, args := systemComponentSelect, []any{orgID, systemID}
	if p.Cursor != "" {
		id, err := decodeCursor(p.Cursor)
		if err != nil {
			return nil, "", "", err
		}
		at, err := componentByID(ctx, db.reader(ctx), orgID, id)
		if err != nil {
			return nil, "", "", aims.FieldError("cursor", "The cursor is not valid.")
		}
		cmp := ">"
		if before {
			cmp = "<"
		}
		q += ` AND (c.kind, c.name, c.component_version, c.id) ` + cmp + ` (?, ?, ?, ?)`
		args = append(args, at.Kind, at.Name, at.ComponentVersion, at.ID)
	}
	order := ` ORDER BY c.kind, c.name, c.component_version, c.id LIMIT ?`
	if before {
		order = ` ORDER BY c.kind DESC, c.name DESC, c.component_version DESC, c.id DESC LIMIT ?`
	}
	rows, err := db.reader(ctx).query(ctx, q+order, append(args, limit+1)...)
	if err != nil {
		return nil, "", "", fmt.Errorf("cannot read a page of the components of AI system %s: %w", systemID, err)
	}
	cs, err = collect(rows, scanSystemComponent)
	if err != nil {
		return nil, "", "", fmt.Errorf("cannot read a page of the components of AI system %s: %w", systemID, err)
	}
	more := len(cs) > limit
	if more {
		cs = cs[:limit]
	}
	if before {
		slices.Reverse(cs)
	}
	if len(cs) == 0 {
		return cs, "", "", nil
	}
	first, last := encodeCursor(cs[0].ID), encodeCursor(cs[len(cs)-1].ID)
	switch {
	case before:
		next = last // the cursor's component comes after this page
		if more {
			prev = first
		}
	default:
		if more {
			next = last
		}
		if p.Cursor != "" {
			prev = first
		}
	}
	return cs, next, prev, nil
}

// maxWalkPage bounds a page of SystemComponentsAfter, which no client asks for: the walks of the exports
// read pages larger than an API page, because on PostgreSQL, which has no index of components in this
// order (kind first; 0020 made its key name first), each page is a scan of the organization's components
// and a sort of the rest: 175 ms for 100,000, so that a walk of 500 a page took 35 s.
const maxWalkPage = 5000

// SystemComponentsAfter returns up to limit (at most maxWalkPage) components of orgID's system systemID of the
// kinds chosen, in the order of SystemComponents, those after the component after when it is set: a page of a walk
// through all of them that starts where the last page ended, whatever was changed or deleted meanwhile.
// A system of no component, or of another organization, has none. It reads by the values of after, not
// by a cursor, so that a walk needs no lookup of the last component.
func (db *DB) SystemComponentsAfter(ctx context.Context, orgID, systemID string, kinds component.KindFilter, after *component.SystemComponent, limit int) ([]*component.SystemComponent, error) {
	q, args := kindClause(systemComponentSelect, []any{orgID, systemID}, "c.kind", kinds)
	if after != nil {
		q += ` AND (c.kind, c.name, c.component_version, c.id) > (?, ?, ?, ?)`
		args = append(args, after.Kind, after.Name, after.ComponentVersion, after.ID)
	}
	rows, err := db.reader(ctx).query(ctx, q+` ORDER BY c.kind, c.name, c.component_version, c.id LIMIT ?`, append(args, min(max(limit, 1), maxWalkPage))...)
	if err != nil {
		return nil, fmt.Errorf("cannot read the components of AI system %s: %w", systemID, err)
	}
	cs, err := collect(rows, scanSystemComponent)
	if err != nil {
		return nil, fmt.Errorf("cannot read the components of AI system %s: %w", systemID, err)
	}
	return cs, nil
}

// kindClause adds to query (and its args) the conditions of kinds on the column col.
func kindClause(query string, args []any, col string, kinds component.KindFilter) (string, []any) {
	for _, f := range []struct {
		op    string
		kinds []string
	}{{"IN", kinds.In}, {"NOT IN", kinds.NotIn}} {
		if len(f.kinds) > 0 {
			query += ` AND ` + col + ` ` + f.op + ` (?` + strings.Repeat(`, ?`, len(f.kinds)-1) + `)`
			for _, k := range f.kinds {
				args = append(args, k)
			}
		}
	}
	return query, args
}

// CountSystemComponentsOfKinds returns how many components of the kinds chosen orgID's system systemID
// uses.
func (db *DB) CountSystemComponentsOfKinds(ctx context.Context, orgID, systemID string, kinds component.KindFilter) (int, error) {
	q, args := kindClause(`SELECT COUNT(*) FROM system_components l JOIN components c ON c.id = l.component_id AND c.org_id = l.org_id
		WHERE l.org_id = ? AND l.system_id = ? AND l.import_id NOT IN `+pendingImports, []any{orgID, systemID}, "c.kind", kinds)
	var n int
	if err := db.reader(ctx).row(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("cannot count the components of AI system %s: %w", systemID, err)
	}
	return n, nil
}

// CountSystemComponents returns how many components orgID's system systemID uses.
func (db *DB) CountSystemComponents(ctx context.Context, orgID, systemID string) (int, error) {
	var n int
	if err := db.reader(ctx).row(ctx, `SELECT COUNT(*) FROM system_components WHERE org_id = ? AND system_id = ? AND import_id NOT IN `+pendingImports,
		orgID, systemID).Scan(&n); err != nil {
		return 0, fmt.Errorf("cannot count the components of AI system %s: %w", systemID, err)
	}
	return n, nil
}
