package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/risk"
)

const acceptanceSelect = `SELECT id, org_id, risk_id, accepted_by_id, accepted_by, role, accepted_at, criteria_version, level, note,
	snapshot, voided_at, void_reason FROM risk_acceptances`

func scanAcceptance(s scanner) (*risk.Acceptance, error) {
	var a risk.Acceptance
	var snap string
	var voided sql.NullTime
	if err := s.Scan(&a.ID, &a.OrgID, &a.RiskID, &a.AcceptedByID, &a.AcceptedBy, &a.Role, &a.AcceptedAt, &a.CriteriaVersion,
		&a.Level, &a.Note, &snap, &voided, &a.VoidReason); err != nil {
		return nil, err
	}
	a.Snapshot = []byte(snap)
	a.AcceptedAt = a.AcceptedAt.UTC()
	if voided.Valid {
		t := voided.Time.UTC()
		a.VoidedAt = &t
	}
	return &a, nil
}

// CreateAcceptance stores a as the standing acceptance of its risk if the risk's version is ifVersion,
// raising the risk's version, with an "accept" activity entry on the risk.
func (db *DB) CreateAcceptance(ctx context.Context, a *risk.Acceptance, ifVersion int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		a.ID, a.AcceptedAt = aims.NewID(), db.now().UTC()
		res, err := tx.q().exec(ctx, `UPDATE risks SET accepted_id = ?, version = version + 1, updated_at = ?
			WHERE org_id = ? AND id = ? AND version = ? AND accepted_id = ''`, a.ID, a.AcceptedAt, a.OrgID, a.RiskID, ifVersion)
		if err != nil {
			return fmt.Errorf("cannot accept the risk: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return aims.Errorf(aims.EPRECONDITION, "The risk changed since you read it; reload it and accept it again.")
		}
		if _, err := tx.q().exec(ctx, `INSERT INTO risk_acceptances (id, org_id, risk_id, accepted_by_id, accepted_by, role, accepted_at,
			criteria_version, level, note, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.OrgID, a.RiskID, a.AcceptedByID,
			a.AcceptedBy, a.Role, a.AcceptedAt, a.CriteriaVersion, a.Level, a.Note, string(a.Snapshot)); err != nil {
			return fmt.Errorf("cannot store the acceptance: %w", err)
		}
		return tx.record(ctx, a.OrgID, activity.ActionAccept, "risk", a.RiskID, nil, a)
	})
}

// VoidAcceptance voids the standing acceptance of orgID's risk id for reason, with a "revoke" activity
// entry on the risk; nil when the risk has none.
func (db *DB) VoidAcceptance(ctx context.Context, orgID, id, reason string) (*risk.Acceptance, error) {
	var a *risk.Acceptance
	err := db.WithTx(ctx, func(tx *Tx) error {
		var err error
		a, err = scanAcceptance(tx.q().row(ctx, acceptanceSelect+` WHERE org_id = ? AND id = (SELECT accepted_id FROM risks
			WHERE org_id = ? AND id = ?)`, orgID, orgID, id))
		if errors.Is(err, sql.ErrNoRows) {
			a = nil
			return nil
		}
		if err != nil {
			return fmt.Errorf("cannot read the acceptance: %w", err)
		}
		now := db.now().UTC()
		if _, err := tx.q().exec(ctx, `UPDATE risk_acceptances SET voided_at = ?, void_reason = ? WHERE org_id = ? AND id = ?`,
			now, reason, orgID, a.ID); err != nil {
			return fmt.Errorf("cannot void the acceptance: %w", err)
		}
		if _, err := tx.q().exec(ctx, `UPDATE risks SET accepted_id = '' WHERE org_id = ? AND id = ?`, orgID, id); err != nil {
			return fmt.Errorf("cannot void the acceptance: %w", err)
		}
		before := *a
		a.VoidedAt, a.VoidReason = &now, reason
		return tx.record(ctx, orgID, activity.ActionRevoke, "risk", id, &before, a)
	})
	return a, err
}

// AcceptanceByID returns orgID's acceptance id, or ENOTFOUND.
func (db *DB) AcceptanceByID(ctx context.Context, orgID, id string) (*risk.Acceptance, error) {
	a, err := scanAcceptance(db.reader(ctx).row(ctx, acceptanceSelect+` WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Acceptance")
	}
	return a, nil
}

// Acceptances returns a page of the acceptances of orgID's risk id, newest first.
func (db *DB) Acceptances(ctx context.Context, orgID, id string, p aims.Page) ([]*risk.Acceptance, string, error) {
	limit := pageLimit(p.Limit)
	before := "~"
	if p.Cursor != "" {
		var err error
		if before, err = decodeCursor(p.Cursor); err != nil {
			return nil, "", err
		}
	}
	rows, err := db.reader(ctx).query(ctx, acceptanceSelect+` WHERE org_id = ? AND risk_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
		orgID, id, before, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list acceptances: %w", err)
	}
	as, err := collect(rows, scanAcceptance)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read acceptances: %w", err)
	}
	as, next := pageOf(as, limit, func(a *risk.Acceptance) string { return a.ID })
	return as, next, nil
}

// TreatingControls returns the controls (framework/ref) linked to orgID's risk id as treating it.
func (db *DB) TreatingControls(ctx context.Context, orgID, id string, limit int) ([]string, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT from_id FROM links WHERE org_id = ? AND to_type = ? AND to_id = ?
		AND relationship = ? AND from_type = ? ORDER BY from_id LIMIT ?`, orgID, record.TypeRisk, id, record.RelTreats, record.TypeControl, limit)
	if err != nil {
		return nil, fmt.Errorf("cannot read the controls treating the risk: %w", err)
	}
	return collect(rows, func(s scanner) (string, error) {
		var c string
		return c, s.Scan(&c)
	})
}

// countTreats keeps the counts of "treats" links as l is made (d = 1) or removed (d = -1): the risks
// each control's treatments select (link_counts) and the controls each risk's treatment selects.
func (tx *Tx) countTreats(ctx context.Context, l *record.Link, d int) error {
	if l.Relationship != record.RelTreats {
		return nil
	}
	if _, err := tx.q().exec(ctx, `INSERT INTO link_counts (org_id, relationship, from_type, from_id, n) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (org_id, relationship, from_type, from_id) DO UPDATE SET n = link_counts.n + excluded.n`,
		l.OrgID, l.Relationship, l.From.Type, l.From.ID, d); err != nil {
		return fmt.Errorf("cannot count the link: %w", err)
	}
	if l.To.Type == record.TypeRisk {
		if _, err := tx.q().exec(ctx, `UPDATE risks SET treat_controls = treat_controls + ? WHERE org_id = ? AND id = ?`,
			d, l.OrgID, l.To.ID); err != nil {
			return fmt.Errorf("cannot count the link: %w", err)
		}
	}
	return nil
}

// OverdueRiskActions returns up to n active tasks on risks, in any organization, due before today, with an
// id after after, by id, whose escalation to the AIMS owners for their due date has not been sent.
func (db *DB) OverdueRiskActions(ctx context.Context, today, after string, n int) ([]risk.OverdueAction, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT t.id, t.org_id, t.title, t.due, t.owner_id, r.id, r.seq, r.title, r.owner_id, t.escalated
		FROM tasks t JOIN risks r ON r.org_id = t.org_id AND r.id = t.record_id
		WHERE t.record_type = ? AND t.active = 1 AND t.due <> '' AND t.due < ? AND t.id > ? AND t.escalated <> ('aims-owner:' || t.due)
		ORDER BY t.id LIMIT ?`, record.TypeRisk, today, after, n)
	if err != nil {
		return nil, fmt.Errorf("cannot find overdue actions: %w", err)
	}
	return collect(rows, func(s scanner) (risk.OverdueAction, error) {
		var a risk.OverdueAction
		var seq int64
		err := s.Scan(&a.TaskID, &a.OrgID, &a.Title, &a.Due, &a.OwnerID, &a.RiskID, &seq, &a.RiskTitle, &a.RiskOwnerID, &a.Escalated)
		a.RiskRef = fmt.Sprintf("R-%d", seq)
		return a, err
	})
}

// MarkEscalated records that escalation key of orgID's task id was sent.
func (db *DB) MarkEscalated(ctx context.Context, orgID, id, key string) error {
	if _, err := db.writer(ctx).exec(ctx, `UPDATE tasks SET escalated = ? WHERE org_id = ? AND id = ?`, key, orgID, id); err != nil {
		return fmt.Errorf("cannot mark task %s escalated: %w", id, err)
	}
	return nil
}

// OrgOwners returns the user ids of orgID's owners.
func (db *DB) OrgOwners(ctx context.Context, orgID string) ([]string, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT user_id FROM memberships WHERE org_id = ? AND role = ? ORDER BY user_id`, orgID, aims.RoleOwner)
	if err != nil {
		return nil, fmt.Errorf("cannot read the organization's owners: %w", err)
	}
	return collect(rows, func(s scanner) (string, error) {
		var id string
		return id, s.Scan(&id)
	})
}
