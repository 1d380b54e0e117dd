package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
)

var _ control.Store = (*DB)(nil)

// controlSelect reads requirements with their organization's implementation (absent when never changed),
// the owner's name and membership, the parent's title and the number of links. Its three placeholders
// all take the organization's id; the caller's WHERE clause follows.
const controlSelect = `SELECT r.id, f.key, f.name, r.ref, r.title, r.kind, r.parent_ref, COALESCE(p.title, ''), r.position,
	r.assessable, c.id, c.in_soa, c.applicability, c.justification, c.status, c.owner_id, c.target_date, c.notes,
	c.version, c.updated_at, COALESCE(u.name, ''), m.id,
	(SELECT count(*) FROM control_links l WHERE l.org_id = o.id AND l.requirement_id = r.id),
	(SELECT COALESCE(SUM(lc.n), 0) FROM link_counts lc WHERE lc.org_id = o.id AND lc.relationship = 'treats' AND lc.from_type = 'control'
		AND lc.from_id = f.key || '/' || r.ref)
	FROM requirements r
	JOIN frameworks f ON f.id = r.framework_id
	JOIN organizations o ON o.id = ?
	LEFT JOIN requirements p ON p.framework_id = r.framework_id AND p.ref = r.parent_ref AND r.parent_ref <> ''
	LEFT JOIN controls c ON c.requirement_id = r.id AND c.org_id = o.id
	LEFT JOIN users u ON u.id = c.owner_id
	LEFT JOIN memberships m ON m.user_id = c.owner_id AND m.org_id = o.id
	WHERE (f.org_id = '' OR f.org_id = o.id) AND `

// scanControl reads one row of controlSelect, filling in the state of a control never changed.
func scanControl(s scanner) (*control.Control, bool, error) {
	var c control.Control
	var id, applicability, justification, status, owner, target, notes, member sql.NullString
	var inSoA sql.NullBool
	var version sql.NullInt64
	var updated sql.NullTime
	var assessable bool
	if err := s.Scan(&c.RequirementID, &c.Framework, &c.FrameworkName, &c.Ref, &c.Title, &c.Kind, &c.GroupRef, &c.GroupTitle,
		&c.Position, &assessable, &id, &inSoA, &applicability, &justification, &status, &owner, &target, &notes, &version,
		&updated, &c.OwnerName, &member, &c.LinkCount, &c.Risks); err != nil {
		return nil, false, err
	}
	if !id.Valid {
		c.InSoA = c.AnnexA()
		c.Applicability, c.Status, c.Version = control.Undecided, control.NotStarted, 1
		if c.Clause() {
			c.Applicability = control.Applicable
		}
		return &c, assessable, nil
	}
	c.ID, c.InSoA, c.Applicability, c.Justification, c.Status = id.String, inSoA.Bool, applicability.String, justification.String, status.String
	c.OwnerID, c.TargetDate, c.Notes, c.Version = owner.String, target.String, notes.String, version.Int64
	c.OwnerIsMember, c.UpdatedAt = member.Valid, nullTime(updated)
	return &c, assessable, nil
}

// controls runs controlSelect for orgID with the condition where.
func controls(ctx context.Context, q q, orgID, where string, args ...any) ([]*control.Control, error) {
	rows, err := q.query(ctx, controlSelect+where, append([]any{orgID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("cannot read controls: %w", err)
	}
	defer rows.Close()
	var out []*control.Control
	for rows.Next() {
		c, _, err := scanControl(rows)
		if err != nil {
			return nil, fmt.Errorf("cannot read control: %w", err)
		}
		c.OrgID = orgID
		out = append(out, c)
	}
	return out, rows.Err()
}

// SoAControls returns orgID's Annex A controls in the standard's order, then the controls it added to its
// SoA, by framework and position.
// Two queries, each led by an index, rather than one whose OR would join every visible requirement.
func (db *DB) SoAControls(ctx context.Context, orgID string) ([]*control.Control, error) {
	annex, err := controls(ctx, db.reader(ctx), orgID, `f.id = ? AND r.kind = ? AND r.assessable = ? ORDER BY r.position`,
		framework.ISO42001, framework.ReqControl, true)
	if err != nil {
		return nil, err
	}
	added, err := controls(ctx, db.reader(ctx), orgID, `r.id IN (SELECT requirement_id FROM controls WHERE org_id = ? AND in_soa = ?)
		AND f.id <> ? AND r.assessable = ? ORDER BY f.org_id, f.key, r.position`, orgID, true, framework.ISO42001, true)
	if err != nil {
		return nil, err
	}
	return append(annex, added...), nil
}

// ClauseControls returns orgID's implementation of ISO/IEC 42001's assessable clause items, in order.
func (db *DB) ClauseControls(ctx context.Context, orgID string) ([]*control.Control, error) {
	return controls(ctx, db.reader(ctx), orgID, `f.id = ? AND r.kind = ? AND r.assessable = ? ORDER BY r.position`,
		framework.ISO42001, framework.ReqClause, true)
}

// controlByRef reads the implementation of the assessable requirement ref of the latest revision of the
// framework with key visible to orgID.
func controlByRef(ctx context.Context, q q, orgID, key, ref string) (*control.Control, error) {
	rows, err := q.query(ctx, controlSelect+`f.key = ? AND r.ref = ? ORDER BY f.revision DESC LIMIT 1`, orgID, key, ref)
	if err != nil {
		return nil, fmt.Errorf("cannot read control: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("cannot read control: %w", err)
		}
		return nil, aims.Errorf(aims.ENOTFOUND, "%s has no requirement %q.", key, ref)
	}
	c, assessable, err := scanControl(rows)
	if err != nil {
		return nil, fmt.Errorf("cannot read control: %w", err)
	}
	if !assessable {
		return nil, aims.Errorf(aims.ENOTFOUND, "%s %s is a heading, not a clause item or control.", key, ref)
	}
	c.OrgID = orgID
	return c, nil
}

// ControlByRef returns orgID's implementation of requirement ref of the framework with key, with its
// links. A heading, or a requirement of a framework orgID cannot see, is ENOTFOUND.
func (db *DB) ControlByRef(ctx context.Context, orgID, key, ref string) (*control.Control, error) {
	c, err := controlByRef(ctx, db.reader(ctx), orgID, key, ref)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT id, org_id, requirement_id, kind, title, target, created_at FROM control_links
		WHERE org_id = ? AND requirement_id = ? ORDER BY id`, orgID, c.RequirementID)
	if err != nil {
		return nil, fmt.Errorf("cannot read links: %w", err)
	}
	if c.Links, err = collect(rows, scanLink); err != nil {
		return nil, fmt.Errorf("cannot read links: %w", err)
	}
	c.LinkCount = len(c.Links)
	return c, nil
}

func scanLink(s scanner) (*control.Link, error) {
	var l control.Link
	if err := s.Scan(&l.ID, &l.OrgID, &l.RequirementID, &l.Kind, &l.Title, &l.Target, &l.CreatedAt); err != nil {
		return nil, err
	}
	l.CreatedAt = l.CreatedAt.UTC()
	return &l, nil
}

// writeControl stores next, the changed state of before (whose ID and Version say whether and at which
// version it is stored), and appends its activity entry. It returns the stored control as read back.
func (tx *Tx) writeControl(ctx context.Context, before, next *control.Control) (*control.Control, error) {
	now := tx.db.now()
	action := activity.ActionUpdate
	if !before.Stored() {
		action = activity.ActionCreate
		next.ID = aims.NewID()
		_, err := tx.q().exec(ctx, `INSERT INTO controls (id, org_id, requirement_id, in_soa, applicability, justification, status,
			owner_id, target_date, notes, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			next.ID, next.OrgID, next.RequirementID, next.InSoA, next.Applicability, next.Justification, next.Status,
			next.OwnerID, next.TargetDate, next.Notes, before.Version+1, now, now)
		if aims.ErrorCode(err) == aims.ECONFLICT {
			return nil, aims.Stale(before.Ref, 0, 0)
		}
		if err != nil {
			return nil, fmt.Errorf("cannot store control %s: %w", before.Ref, err)
		}
	} else {
		res, err := tx.q().exec(ctx, `UPDATE controls SET in_soa = ?, applicability = ?, justification = ?, status = ?, owner_id = ?,
			target_date = ?, notes = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
			next.InSoA, next.Applicability, next.Justification, next.Status, next.OwnerID, next.TargetDate, next.Notes,
			before.Version+1, now, before.ID, before.Version)
		if err != nil {
			return nil, fmt.Errorf("cannot update control %s: %w", before.Ref, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil, aims.Stale(before.Ref, 0, 0)
		}
	}
	after, err := tx.controlByID(ctx, next.OrgID, next.RequirementID)
	if err != nil {
		return nil, err
	}
	var prior any
	if before.Stored() {
		prior = before
	}
	if err := tx.record(ctx, next.OrgID, action, "control", after.ID, prior, after); err != nil {
		return nil, err
	}
	return after, nil
}

// controlByID reads orgID's implementation of the requirement with id inside the transaction.
func (tx *Tx) controlByID(ctx context.Context, orgID, requirementID string) (*control.Control, error) {
	cs, err := controls(ctx, tx.q(), orgID, `r.id = ?`, requirementID)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, aims.Errorf(aims.ENOTFOUND, "Requirement not found.")
	}
	return cs[0], nil
}

// SaveControl stores c's implementation if its version is ifVersion (0: any); EPRECONDITION otherwise.
// c is updated to what was stored. Who may own a control is the service's rule (control.Service
// checks it in the same transaction).
func (db *DB) SaveControl(ctx context.Context, c *control.Control, ifVersion int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := tx.controlByID(ctx, c.OrgID, c.RequirementID)
		if err != nil {
			return err
		}
		if ifVersion != 0 && before.Version != ifVersion {
			return aims.Stale(before.Ref, before.Version, ifVersion)
		}
		next := *before
		next.InSoA, next.Applicability, next.Justification, next.Status = c.InSoA, c.Applicability, c.Justification, c.Status
		next.OwnerID, next.TargetDate, next.Notes = c.OwnerID, c.TargetDate, c.Notes
		after, err := tx.writeControl(ctx, before, &next)
		if err != nil {
			return err
		}
		*c = *after
		return nil
	})
}

// Decide stores the applicability and justification of each of cs whose control is still undecided, in
// one transaction with an activity entry each, and returns the controls it changed.
func (db *DB) Decide(ctx context.Context, orgID string, cs []*control.Control) ([]*control.Control, error) {
	out := []*control.Control{}
	err := db.WithTx(ctx, func(tx *Tx) error {
		for _, c := range cs {
			before, err := tx.controlByID(ctx, orgID, c.RequirementID)
			if err != nil {
				return err
			}
			if before.Applicability != control.Undecided {
				continue
			}
			next := *before
			next.Applicability, next.Justification = c.Applicability, c.Justification
			after, err := tx.writeControl(ctx, before, &next)
			if err != nil {
				return err
			}
			out = append(out, after)
		}
		return nil
	})
	return out, err
}

// SetInSoA puts requirement ref of the framework with key in orgID's SoA, or takes it out, with its
// activity entry, and returns the control as stored. Which requirements may be added or removed is the
// service's rule (control.Service.AddToSoA and RemoveFromSoA check it in the same transaction).
func (db *DB) SetInSoA(ctx context.Context, orgID, key, ref string, in bool) (*control.Control, error) {
	var out *control.Control
	err := db.WithTx(ctx, func(tx *Tx) error {
		before, err := controlByRef(ctx, tx.q(), orgID, key, ref)
		if err != nil {
			return err
		}
		next := *before
		next.InSoA = in
		out, err = tx.writeControl(ctx, before, &next)
		return err
	})
	return out, err
}

// AddOwnControl adds one of orgID's own controls to its SoA, creating the framework of its own controls
// on first use and the control unless it exists. One that is in the SoA already is ECONFLICT.
func (db *DB) AddOwnControl(ctx context.Context, orgID, ref, title string) (*control.Control, error) {
	var out *control.Control
	err := db.WithTx(ctx, func(tx *Tx) error {
		fwID, err := tx.ownFramework(ctx, orgID)
		if err != nil {
			return err
		}
		var n int
		if err := tx.q().row(ctx, `SELECT count(*) FROM requirements WHERE framework_id = ? AND ref = ?`, fwID, ref).Scan(&n); err != nil {
			return fmt.Errorf("cannot look for own control: %w", err)
		}
		if n == 0 {
			_, err := tx.q().exec(ctx, `INSERT INTO requirements (id, framework_id, ref, title, kind, parent_ref, position, assessable,
				text, guidance) VALUES (?, ?, ?, ?, ?, '', (SELECT COALESCE(MAX(position), 0) + 1 FROM requirements WHERE framework_id = ?),
				?, '', '')`, aims.NewID(), fwID, ref, title, framework.ReqControl, fwID, true)
			if err != nil {
				return fmt.Errorf("cannot create own control: %w", err)
			}
		}
		before, err := controlByRef(ctx, tx.q(), orgID, control.OwnKey, ref)
		if err != nil {
			return err
		}
		if before.InSoA {
			return &aims.Error{Code: aims.ECONFLICT, Message: fmt.Sprintf("The own control %s is in the SoA already.", ref), Field: "ref"}
		}
		next := *before
		next.InSoA = true
		out, err = tx.writeControl(ctx, before, &next)
		return err
	})
	return out, err
}

// ownFramework returns the id of orgID's framework of own controls, creating it when there is none.
func (tx *Tx) ownFramework(ctx context.Context, orgID string) (string, error) {
	var id string
	err := tx.q().row(ctx, `SELECT id FROM frameworks WHERE org_id = ? AND key = ? ORDER BY revision DESC LIMIT 1`,
		orgID, control.OwnKey).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("cannot read own framework: %w", err)
	}
	id, now := aims.NewID(), tx.db.now()
	_, err = tx.q().exec(ctx, `INSERT INTO frameworks (id, org_id, key, revision, name, version, publisher, kind, description,
		source, source_hash, created_at, updated_at) VALUES (?, ?, ?, 1, ?, '', '', ?, ?, '', '', ?, ?)`,
		id, orgID, control.OwnKey, "Own controls", framework.KindCustom,
		"Controls the organization added to its Statement of Applicability itself.", now, now)
	if err != nil {
		return "", fmt.Errorf("cannot create own framework: %w", err)
	}
	return id, nil
}

// AddLink stores l (with its organization and requirement set), assigning its id and time.
func (db *DB) AddLink(ctx context.Context, l *control.Link) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		l.ID, l.CreatedAt = aims.NewID(), db.now()
		_, err := tx.q().exec(ctx, `INSERT INTO control_links (id, org_id, requirement_id, kind, title, target, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, l.ID, l.OrgID, l.RequirementID, l.Kind, l.Title, l.Target, l.CreatedAt)
		if err != nil {
			return fmt.Errorf("cannot store link: %w", err)
		}
		return tx.record(ctx, l.OrgID, activity.ActionCreate, "control_link", l.ID, nil, l)
	})
}

// RemoveLink deletes orgID's link id of the requirement with requirementID; ENOTFOUND when there is none.
func (db *DB) RemoveLink(ctx context.Context, orgID, requirementID, id string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanLink(tx.q().row(ctx, `SELECT id, org_id, requirement_id, kind, title, target, created_at FROM control_links
			WHERE org_id = ? AND requirement_id = ? AND id = ?`, orgID, requirementID, id))
		if err != nil {
			return notFound(err, "Link")
		}
		if _, err := tx.q().exec(ctx, `DELETE FROM control_links WHERE id = ?`, id); err != nil {
			return fmt.Errorf("cannot delete link: %w", err)
		}
		return tx.record(ctx, orgID, activity.ActionDelete, "control_link", id, before, nil)
	})
}

// OrgProfile returns orgID's AI roles; one never changed is at version 1 with no roles and the default
// date set (organizations older than migration 0026 have a stored profile with the published dates).
func (db *DB) OrgProfile(ctx context.Context, orgID string) (*control.Profile, error) {
	return orgProfile(ctx, db.reader(ctx), orgID)
}

func orgProfile(ctx context.Context, q q, orgID string) (*control.Profile, error) {
	p := &control.Profile{OrgID: orgID, AIRoles: []string{}, EURoles: []string{}, EUDates: control.DatesDefault, Version: 1}
	var ai, eu string
	var updated sql.NullTime
	err := q.row(ctx, `SELECT ai_roles, eu_roles, eu_dates, version, updated_at FROM org_profiles WHERE org_id = ?`, orgID).
		Scan(&ai, &eu, &p.EUDates, &p.Version, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the organization's profile: %w", err)
	}
	p.AIRoles, p.EURoles, p.UpdatedAt = splitList(ai), splitList(eu), nullTime(updated)
	return p, nil
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// UpdateOrgProfile stores p if the stored version is ifVersion (0: any), bumping it; EPRECONDITION
// otherwise. p is updated to what was stored.
func (db *DB) UpdateOrgProfile(ctx context.Context, p *control.Profile, ifVersion int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := orgProfile(ctx, tx.q(), p.OrgID)
		if err != nil {
			return err
		}
		if ifVersion != 0 && before.Version != ifVersion {
			return aims.Stale("the AI roles", before.Version, ifVersion)
		}
		now := db.now()
		p.Version, p.UpdatedAt = before.Version+1, &now
		var prior any
		if before.UpdatedAt != nil {
			prior = before
		}
		res, err := tx.q().exec(ctx, `INSERT INTO org_profiles (org_id, ai_roles, eu_roles, eu_dates, version, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET ai_roles = excluded.ai_roles, eu_roles = excluded.eu_roles,
			eu_dates = excluded.eu_dates, version = excluded.version, updated_at = excluded.updated_at
			WHERE org_profiles.version = ?`,
			p.OrgID, strings.Join(p.AIRoles, ","), strings.Join(p.EURoles, ","), p.EUDates, p.Version, now, before.Version)
		if aims.ErrorCode(err) == aims.ECONFLICT {
			return aims.Stale("the AI roles", 0, 0)
		}
		if err != nil {
			return fmt.Errorf("cannot store the organization's profile: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return aims.Stale("the AI roles", 0, 0)
		}
		return tx.record(ctx, p.OrgID, activity.ActionUpdate, "org_profile", p.OrgID, prior, p)
	})
}

// SystemTraits returns the traits of up to limit of orgID's AI systems not retired, by name.
func (db *DB) SystemTraits(ctx context.Context, orgID string, limit int) ([]control.SystemTraits, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT name, risk_class, stage, automation, human_oversight, generates_content,
		interacts_with_people, personal_data, special_category_data FROM systems WHERE org_id = ? AND status <> 'retired' ORDER BY name LIMIT ?`,
		orgID, limit)
	if err != nil {
		return nil, fmt.Errorf("cannot read the AI systems: %w", err)
	}
	return collect(rows, func(s scanner) (control.SystemTraits, error) {
		var t control.SystemTraits
		err := s.Scan(&t.Name, &t.RiskClass, &t.Stage, &t.Automation, &t.HumanOversight, &t.GeneratesContent, &t.InteractsWithPeople,
			&t.PersonalData, &t.SpecialCategoryData)
		return t, err
	})
}
