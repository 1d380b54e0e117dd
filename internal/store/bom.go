package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/aibom"
)

var _ system.BOMStore = (*DB)(nil)

const bomImportColumns = `id, org_id, system_id, seq, spec_version, serial_number, bom_version, filename, sha256, components,
	imported_by, imported_by_name, imported_at`

func scanBOMImport(sc scanner, dest ...any) (*system.BOMImport, error) {
	var b system.BOMImport
	if err := sc.Scan(append([]any{&b.ID, &b.OrgID, &b.SystemID, &b.Seq, &b.SpecVersion, &b.SerialNumber, &b.BOMVersion,
		&b.Filename, &b.SHA256, &b.Components, &b.ImportedBy, &b.ImportedByName, &b.ImportedAt}, dest...)...); err != nil {
		return nil, err
	}
	b.ImportedAt = b.ImportedAt.UTC()
	return &b, nil
}

// bomMatcher finds the stored component a BOM component stands for: by bom_ref with the same kind and
// name, else by kind, name and component version.
type bomMatcher struct {
	byRef map[string]*system.Component
	byKey map[string]*system.Component
}

func refKey(c *system.Component) string { return c.Kind + "\x00" + c.BOMRef + "\x00" + c.Name }
func nameKey(c *system.Component) string {
	return c.Kind + "\x00" + c.Name + "\x00" + c.ComponentVersion
}

func (m *bomMatcher) add(c *system.Component) {
	if c.BOMRef != "" {
		m.byRef[refKey(c)] = c
	}
	m.byKey[nameKey(c)] = c
}

func (m *bomMatcher) match(c *system.Component) *system.Component {
	byKey := m.byKey[nameKey(c)]
	if c.BOMRef != "" {
		if old := m.byRef[refKey(c)]; old != nil && (old == byKey || byKey == nil) {
			return old
		}
	}
	return byKey
}

// mergeDetails returns old's details overlaid with new's.
func mergeDetails(old, new json.RawMessage) (json.RawMessage, error) {
	var a, b map[string]any
	if err := json.Unmarshal(old, &a); err != nil || a == nil {
		a = map[string]any{}
	}
	if err := json.Unmarshal(new, &b); err != nil {
		return nil, fmt.Errorf("cannot read component details: %w", err)
	}
	maps.Copy(a, b)
	return json.Marshal(a)
}

// SaveBOMImport stores imp and comps in one transaction; see system.BOMStore.
func (db *DB) SaveBOMImport(ctx context.Context, imp *system.BOMImport, comps []*system.Component, role string) error {
	invJSON, err := json.Marshal(imp.Inventory)
	if err != nil {
		return fmt.Errorf("cannot encode the BOM inventory: %w", err)
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := systemByID(ctx, tx.q(), imp.OrgID, imp.SystemID); err != nil {
			return err
		}
		m := &bomMatcher{byRef: map[string]*system.Component{}, byKey: map[string]*system.Component{}}
		rows, err := tx.q().query(ctx, componentSelect+`ORDER BY c.created_at, c.id`, imp.OrgID)
		if err != nil {
			return fmt.Errorf("cannot read components: %w", err)
		}
		stored, err := collect(rows, scanComponent)
		if err != nil {
			return fmt.Errorf("cannot read components: %w", err)
		}
		for _, c := range stored {
			m.add(c)
		}
		linked := map[string]bool{}
		rows, err = tx.q().query(ctx, `SELECT component_id FROM system_components WHERE org_id = ? AND system_id = ?`, imp.OrgID, imp.SystemID)
		if err != nil {
			return fmt.Errorf("cannot read the links of AI system %s: %w", imp.SystemID, err)
		}
		ids, err := collect(rows, func(sc scanner) (string, error) {
			var id string
			return id, sc.Scan(&id)
		})
		if err != nil {
			return fmt.Errorf("cannot read the links of AI system %s: %w", imp.SystemID, err)
		}
		for _, id := range ids {
			linked[id] = true
		}
		// A large BOM runs these once per component: parse them once.
		insComp, err := tx.prepare(ctx, `INSERT INTO components (id, org_id, kind, name, component_version, supplier,
			licence, description, bom_ref, details, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer insComp.Close()
		insLink, err := tx.prepare(ctx, `INSERT INTO system_components (org_id, system_id, component_id, role, notes, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer insLink.Close()
		stats := &system.BOMStats{}
		now := db.now()
		for _, c := range comps {
			c.OrgID = imp.OrgID
			if old := m.match(c); old != nil {
				changed, err := tx.updateFromBOM(ctx, old, c, now)
				if err != nil {
					return err
				}
				if changed {
					stats.Updated++
				} else {
					stats.Unchanged++
				}
				*c = *old
			} else {
				c.ID, c.Version = aims.NewID(), 1
				if _, err := insComp.ExecContext(ctx,
					c.ID, c.OrgID, c.Kind, c.Name, c.ComponentVersion, c.Supplier, c.Licence, c.Description, c.BOMRef,
					detailsText(c.Details), c.Version, now, now); err != nil {
					return fmt.Errorf("cannot store component %s: %w", c.Name, sameComponent(normalize(err), c))
				}
				c.CreatedAt, c.UpdatedAt = now.UTC(), now.UTC()
				if err := tx.record(ctx, c.OrgID, activity.ActionCreate, "component", c.ID, nil, c); err != nil {
					return err
				}
				stats.Created++
				m.add(c)
			}
			if linked[c.ID] {
				continue
			}
			l := &system.Link{OrgID: imp.OrgID, SystemID: imp.SystemID, ComponentID: c.ID, Role: role, CreatedAt: now.UTC()}
			if _, err := insLink.ExecContext(ctx, l.OrgID, l.SystemID, l.ComponentID, l.Role, l.Notes, now); err != nil {
				return fmt.Errorf("cannot link component %s: %w", c.ID, normalize(err))
			}
			if err := tx.record(ctx, l.OrgID, activity.ActionCreate, "system_component", l.SystemID, nil, l); err != nil {
				return err
			}
			linked[c.ID] = true
			stats.Linked++
		}
		var last int64
		if err := tx.q().row(ctx, `SELECT COALESCE(MAX(seq), 0) FROM bom_imports WHERE org_id = ? AND system_id = ?`,
			imp.OrgID, imp.SystemID).Scan(&last); err != nil {
			return fmt.Errorf("cannot number the BOM import: %w", err)
		}
		a := aims.ActorFrom(ctx)
		imp.ID, imp.Seq, imp.ImportedAt, imp.Stats = aims.NewID(), last+1, now.UTC(), stats
		imp.ImportedBy, imp.ImportedByName = a.UserID, a.Name
		if imp.ImportedBy == "" {
			imp.ImportedBy = a.ID
		}
		if _, err := tx.q().exec(ctx, `INSERT INTO bom_imports (id, org_id, system_id, seq, spec_version, serial_number,
			bom_version, filename, sha256, components, inventory, imported_by, imported_by_name, imported_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			imp.ID, imp.OrgID, imp.SystemID, imp.Seq, imp.SpecVersion, imp.SerialNumber, imp.BOMVersion, imp.Filename,
			imp.SHA256, imp.Components, string(invJSON), imp.ImportedBy, imp.ImportedByName, now); err != nil {
			return fmt.Errorf("cannot store the BOM import: %w", err)
		}
		summary := *imp
		summary.Inventory = nil
		return tx.record(ctx, imp.OrgID, activity.ActionCreate, "bom_import", imp.ID, nil, &summary)
	})
}

// updateFromBOM gives the stored component old the BOM's values of c (details merged), reporting whether
// anything changed; old is updated to what was stored.
func (tx *Tx) updateFromBOM(ctx context.Context, old, c *system.Component, now time.Time) (bool, error) {
	details, err := mergeDetails(old.Details, c.Details)
	if err != nil {
		return false, err
	}
	next := *old
	next.Kind, next.Name, next.ComponentVersion, next.BOMRef = c.Kind, c.Name, c.ComponentVersion, c.BOMRef
	if c.Supplier != "" {
		next.Supplier = c.Supplier
	}
	if c.Licence != "" {
		next.Licence = c.Licence
	}
	if c.Description != "" {
		next.Description = c.Description
	}
	next.Details = details
	var a, b map[string]any
	_ = json.Unmarshal(old.Details, &a)
	_ = json.Unmarshal(details, &b)
	if next.Kind == old.Kind && next.Name == old.Name && next.ComponentVersion == old.ComponentVersion &&
		next.BOMRef == old.BOMRef && next.Supplier == old.Supplier && next.Licence == old.Licence &&
		next.Description == old.Description && maps.EqualFunc(a, b, func(x, y any) bool { return x == y }) {
		return false, nil
	}
	next.Version = old.Version + 1
	if _, err := tx.q().exec(ctx, `UPDATE components SET kind = ?, name = ?, component_version = ?, supplier = ?, licence = ?,
		description = ?, bom_ref = ?, details = ?, version = ?, updated_at = ? WHERE id = ? AND org_id = ?`,
		next.Kind, next.Name, next.ComponentVersion, next.Supplier, next.Licence, next.Description, next.BOMRef,
		string(details), next.Version, now, old.ID, old.OrgID); err != nil {
		return false, fmt.Errorf("cannot update component %s: %w", old.ID, sameComponent(err, &next))
	}
	after, err := componentByID(ctx, tx.q(), old.OrgID, old.ID)
	if err != nil {
		return false, err
	}
	if err := tx.record(ctx, old.OrgID, activity.ActionUpdate, "component", old.ID, old, after); err != nil {
		return false, err
	}
	*old = *after
	return true, nil
}

// BOMImports returns the imports of orgID's system systemID, newest first, without inventories.
func (db *DB) BOMImports(ctx context.Context, orgID, systemID string) ([]*system.BOMImport, error) {
	if _, err := systemByID(ctx, db.reader(), orgID, systemID); err != nil {
		return nil, err
	}
	rows, err := db.reader().query(ctx, `SELECT `+bomImportColumns+` FROM bom_imports WHERE org_id = ? AND system_id = ?
		ORDER BY seq DESC`, orgID, systemID)
	if err != nil {
		return nil, fmt.Errorf("cannot list the BOMs of AI system %s: %w", systemID, err)
	}
	return collect(rows, func(sc scanner) (*system.BOMImport, error) { return scanBOMImport(sc) })
}

// BOMImportBySeq returns import seq (0: the newest) of orgID's system systemID with its inventory;
// ENOTFOUND when there is none.
func (db *DB) BOMImportBySeq(ctx context.Context, orgID, systemID string, seq int64) (*system.BOMImport, error) {
	q := `SELECT ` + bomImportColumns + `, inventory FROM bom_imports WHERE org_id = ? AND system_id = ? `
	args := []any{orgID, systemID}
	if seq > 0 {
		q += `AND seq = ?`
		args = append(args, seq)
	} else {
		q += `ORDER BY seq DESC LIMIT 1`
	}
	var inv rawText
	b, err := scanBOMImport(db.reader().row(ctx, q, args...), &inv)
	if err != nil {
		return nil, notFound(err, "BOM version")
	}
	b.Inventory = &aibom.Inventory{}
	if err := json.Unmarshal(inv, b.Inventory); err != nil {
		return nil, fmt.Errorf("cannot read the inventory of BOM %s: %w", b.ID, err)
	}
	return b, nil
}

// prepare prepares query, rebound, on the transaction.
func (tx *Tx) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	st, err := tx.tx.PrepareContext(ctx, tx.db.rebind(query))
	if err != nil {
		return nil, fmt.Errorf("cannot prepare a statement: %w", normalize(err))
	}
	return st, nil
}
