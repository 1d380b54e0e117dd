package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/component"
)

var _ component.ModelCardStore = (*DB)(nil)

const modelCardColumns = `m.id, m.org_id, m.component_id, m.number, m.sha256, m.card_json, m.imported_by, m.imported_by_name,
	m.imported_at`

func scanModelCard(sc scanner, withMarkdown bool) (*component.ModelCard, error) {
	var m component.ModelCard
	var card string
	dest := []any{&m.ID, &m.OrgID, &m.ComponentID, &m.Number, &m.SHA256, &card, &m.ImportedBy, &m.ImportedByName, &m.ImportedAt}
	if withMarkdown {
		dest = append(dest, &m.Markdown)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(card), &m.Card); err != nil {
		return nil, fmt.Errorf("cannot read model card %s: %w", m.ID, err)
	}
	m.ImportedAt = m.ImportedAt.UTC()
	return &m, nil
}

// modelCardEntry is what the activity trail keeps of an imported card: not its Markdown, which the
// card's own row keeps, but enough to tell which card it was.
type modelCardEntry struct {
	ID          string `json:"id"`
	ComponentID string `json:"component_id"`
	Number      int64  `json:"number"`
	SHA256      string `json:"sha256"`
	Name        string `json:"name"`
	License     string `json:"license"`
	Results     int    `json:"results"`
}

// SaveModelCardImport stores, in one transaction, the model component of imp (inserted when its ID is
// empty, else updated when imp.Changed if its stored version is still the one read), its link to the
// system with role "model" unless it is linked already, and the card as the component's next version,
// with an activity entry for each. A system or component outside the organization is ENOTFOUND.
func (db *DB) SaveModelCardImport(ctx context.Context, imp *component.ModelCardImport) error {
	c, l, mc := imp.Component, imp.Link, imp.Card
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := systemByID(ctx, tx.q(), l.OrgID, l.SystemID); err != nil {
			return err
		}
		now := db.now()
		switch {
		case c.ID == "":
			c.ID, c.Version = aims.NewID(), 1
			if _, err := tx.q().exec(ctx, `INSERT INTO components (id, org_id, kind, name, component_version, supplier, licence,
				description, bom_ref, details, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				c.ID, c.OrgID, c.Kind, c.Name, c.ComponentVersion, c.Supplier, c.Licence, c.Description, c.BOMRef,
				detailsText(c.Details), c.Version, now, now); err != nil {
				return fmt.Errorf("cannot store the model component: %w", sameComponent(err, c))
			}
			stored, err := componentByID(ctx, tx.q(), c.OrgID, c.ID)
			if err != nil {
				return err
			}
			*c = *stored
			if err := tx.record(ctx, c.OrgID, activity.ActionCreate, "component", c.ID, nil, c); err != nil {
				return err
			}
		default:
			before, err := componentByID(ctx, tx.q(), c.OrgID, c.ID)
			if err != nil {
				return err
			}
			if before.Version != c.Version {
				return aims.Stale(before.Name, 0, 0)
			}
			if imp.Changed {
				res, err := tx.q().exec(ctx, `UPDATE components SET kind = ?, name = ?, component_version = ?, supplier = ?, licence = ?,
					description = ?, bom_ref = ?, details = ?, version = ?, updated_at = ? WHERE id = ? AND org_id = ? AND version = ?`,
					c.Kind, c.Name, c.ComponentVersion, c.Supplier, c.Licence, c.Description, c.BOMRef, detailsText(c.Details),
					before.Version+1, now, c.ID, c.OrgID, before.Version)
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
				if err := tx.record(ctx, c.OrgID, activity.ActionUpdate, "component", c.ID, before, c); err != nil {
					return err
				}
			} else {
				*c = *before
			}
		}

		l.ComponentID = c.ID
		existing, err := linkOf(ctx, tx.q(), l.OrgID, l.SystemID, c.ID)
		switch {
		case aims.ErrorCode(err) == aims.ENOTFOUND:
			l.CreatedAt = now
			if err := tx.insertLink(ctx, l); err != nil {
				return err
			}
			stored, err := linkOf(ctx, tx.q(), l.OrgID, l.SystemID, l.ComponentID)
			if err != nil {
				return err
			}
			*l = *stored
			if err := tx.record(ctx, l.OrgID, activity.ActionCreate, "system_component", l.SystemID, nil, l); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			*l = *existing // linked already: its role and notes are the organization's to keep
		}

		var last int64
		if err := tx.q().row(ctx, `SELECT COALESCE(MAX(number), 0) FROM model_cards WHERE org_id = ? AND component_id = ?`,
			c.OrgID, c.ID).Scan(&last); err != nil {
			return fmt.Errorf("cannot number the model card: %w", err)
		}
		card, err := json.Marshal(mc.Card)
		if err != nil {
			return err
		}
		mc.ID, mc.OrgID, mc.ComponentID, mc.Number, mc.ImportedAt = aims.NewID(), c.OrgID, c.ID, last+1, now
		if _, err := tx.q().exec(ctx, `INSERT INTO model_cards (id, org_id, component_id, number, markdown, sha256, card_json,
			imported_by, imported_by_name, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			mc.ID, mc.OrgID, mc.ComponentID, mc.Number, mc.Markdown, mc.SHA256, string(card), mc.ImportedBy, mc.ImportedByName,
			mc.ImportedAt); err != nil {
			return fmt.Errorf("cannot store the model card: %w", err)
		}
		stored, err := modelCardByID(ctx, tx.q(), mc.OrgID, mc.ID)
		if err != nil {
			return err
		}
		*mc = *stored
		return tx.record(ctx, mc.OrgID, activity.ActionCreate, "model_card", mc.ID, nil, modelCardEntry{ID: mc.ID,
			ComponentID: mc.ComponentID, Number: mc.Number, SHA256: mc.SHA256, Name: mc.Card.Name, License: mc.Card.License,
			Results: len(mc.Card.Results)})
	})
}

func modelCardByID(ctx context.Context, q q, orgID, id string) (*component.ModelCard, error) {
	m, err := scanModelCard(q.row(ctx, `SELECT `+modelCardColumns+`, m.markdown FROM model_cards m WHERE m.org_id = ? AND m.id = ?`,
		orgID, id), true)
	if err != nil {
		return nil, notFound(err, "Model card")
	}
	return m, nil
}

// ModelCardByID returns orgID's model card id with its Markdown; ENOTFOUND when orgID has none.
func (db *DB) ModelCardByID(ctx context.Context, orgID, id string) (*component.ModelCard, error) {
	return modelCardByID(ctx, db.reader(ctx), orgID, id)
}

// ComponentModelCards returns the model cards of orgID's component componentID, newest first, without
// their Markdown; ENOTFOUND when there is no such component.
func (db *DB) ComponentModelCards(ctx context.Context, orgID, componentID string) ([]*component.ModelCard, error) {
	if _, err := componentByID(ctx, db.reader(ctx), orgID, componentID); err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT `+modelCardColumns+` FROM model_cards m
		WHERE m.org_id = ? AND m.component_id = ? ORDER BY m.number DESC`, orgID, componentID)
	if err != nil {
		return nil, fmt.Errorf("cannot list the model cards of component %s: %w", componentID, err)
	}
	return collect(rows, func(sc scanner) (*component.ModelCard, error) { return scanModelCard(sc, false) })
}

// LatestModelCards returns the newest model card of each component linked to orgID's system systemID,
// without their Markdown; ENOTFOUND when there is no such system.
func (db *DB) LatestModelCards(ctx context.Context, orgID, systemID string) ([]*component.ModelCard, error) {
	if _, err := systemByID(ctx, db.reader(ctx), orgID, systemID); err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT `+modelCardColumns+` FROM model_cards m
		JOIN system_components l ON l.component_id = m.component_id AND l.org_id = m.org_id
		WHERE l.org_id = ? AND l.system_id = ? AND l.import_id NOT IN `+pendingImports+`
		AND m.number = (SELECT MAX(n.number) FROM model_cards n WHERE n.org_id = m.org_id AND n.component_id = m.component_id)
		ORDER BY m.component_id`, orgID, systemID)
	if err != nil {
		return nil, fmt.Errorf("cannot read the model cards of AI system %s: %w", systemID, err)
	}
	return collect(rows, func(sc scanner) (*component.ModelCard, error) { return scanModelCard(sc, false) })
}
