package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/impact"
)

var _ impact.Store = (*DB)(nil)

// impactBody is what a version keeps as JSON: its content.
type impactBody struct {
	Scope             string          `json:"scope"`
	IntendedUse       string          `json:"intended_use"`
	ForeseeableMisuse string          `json:"foreseeable_misuse"`
	Affected          []impact.Party  `json:"affected"`
	Impacts           []impact.Impact `json:"impacts"`
	FRIA              *impact.FRIA    `json:"fria,omitempty"`
}

const impactSelect = `SELECT a.id, a.org_id, a.system_id, COALESCE(s.name, ''), v.version, v.status, v.body, v.owner_id, COALESCE(u.name, ''),
	v.reassess_by, v.approved_by, v.approved_by_name, v.approved_at, a.stale, a.stale_reason, a.latest, a.approved, v.rev, v.created_by,
	v.created_at, v.updated_at
	FROM impact_assessments a JOIN impact_versions v ON v.assessment_id = a.id
	LEFT JOIN systems s ON s.id = a.system_id AND s.org_id = a.org_id LEFT JOIN users u ON u.id = v.owner_id`

func scanImpact(s scanner) (*impact.Assessment, error) {
	var a impact.Assessment
	var body string
	var approvedAt sql.NullTime
	var stale int
	var reason string
	if err := s.Scan(&a.ID, &a.OrgID, &a.SystemID, &a.SystemName, &a.Version, &a.Status, &body, &a.OwnerID, &a.OwnerName,
		&a.ReassessBy, &a.ApprovedBy, &a.ApprovedByName, &approvedAt, &stale, &reason, &a.Latest, &a.Approved, &a.Rev, &a.CreatedBy,
		&a.CreatedAt, &a.UpdatedAt); err != nil {
		return nil, err
	}
	var b impactBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return nil, fmt.Errorf("impact assessment %s version %d: %w", a.ID, a.Version, err)
	}
	a.Scope, a.IntendedUse, a.ForeseeableMisuse, a.Affected, a.Impacts, a.FRIA = b.Scope, b.IntendedUse, b.ForeseeableMisuse, b.Affected, b.Impacts, b.FRIA
	if approvedAt.Valid {
		t := approvedAt.Time.UTC()
		a.ApprovedAt = &t
	}
	// The staleness is the assessment's, and concerns the version in force.
	if a.Version == a.Approved && stale == 1 {
		a.Stale, a.StaleReason = true, reason
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, nil
}

func impactBodyOf(a *impact.Assessment) (string, error) {
	b, err := json.Marshal(impactBody{Scope: a.Scope, IntendedUse: a.IntendedUse, ForeseeableMisuse: a.ForeseeableMisuse,
		Affected: a.Affected, Impacts: a.Impacts, FRIA: a.FRIA})
	return string(b), err
}

// impactEntry is an assessment version as the activity trail records it.
type impactEntry struct {
	*impact.Assessment
	Stale       bool   `json:"stale"`
	StaleReason string `json:"stale_reason,omitempty"`
}

// CreateImpact stores a new assessment of a.SystemID with a as its version 1, with the activity entry;
// ECONFLICT when the system has one already.
func (db *DB) CreateImpact(ctx context.Context, a *impact.Assessment) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		a.ID, a.Version, a.Latest, a.Rev = aims.NewID(), 1, 1, 1
		a.CreatedAt = db.now().UTC()
		a.UpdatedAt = a.CreatedAt
		if _, err := tx.q().exec(ctx, `INSERT INTO impact_assessments (id, org_id, system_id, latest, created_at, updated_at)
			VALUES (?, ?, ?, 1, ?, ?)`, a.ID, a.OrgID, a.SystemID, a.CreatedAt, a.UpdatedAt); err != nil {
			if aims.ErrorCode(err) == aims.ECONFLICT {
				return aims.Errorf(aims.ECONFLICT, "The AI system has an impact assessment already.")
			}
			return fmt.Errorf("cannot store the impact assessment: %w", err)
		}
		if err := tx.insertImpactVersion(ctx, a); err != nil {
			return err
		}
		return tx.record(ctx, a.OrgID, activity.ActionCreate, "impact", a.ID, nil, impactEntry{Assessment: a})
	})
}

func (tx *Tx) insertImpactVersion(ctx context.Context, a *impact.Assessment) error {
	body, err := impactBodyOf(a)
	if err != nil {
		return err
	}
	if _, err := tx.q().exec(ctx, `INSERT INTO impact_versions (assessment_id, org_id, version, status, body, owner_id, reassess_by,
		rev, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
		a.ID, a.OrgID, a.Version, a.Status, body, a.OwnerID, a.ReassessBy, a.CreatedBy, a.CreatedAt, a.UpdatedAt); err != nil {
		if aims.ErrorCode(err) == aims.ECONFLICT {
			return aims.Errorf(aims.ECONFLICT, "Someone made version %d of the impact assessment at the same time; reload it.", a.Version)
		}
		return fmt.Errorf("cannot store the impact assessment's version: %w", err)
	}
	return nil
}

// AddImpactVersion stores a as the next version of its assessment, with the activity entry.
func (db *DB) AddImpactVersion(ctx context.Context, a *impact.Assessment) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		a.CreatedAt = db.now().UTC()
		a.UpdatedAt, a.Rev, a.Latest = a.CreatedAt, 1, a.Version
		res, err := tx.q().exec(ctx, `UPDATE impact_assessments SET latest = ?, updated_at = ? WHERE org_id = ? AND id = ? AND latest = ?`,
			a.Version, a.UpdatedAt, a.OrgID, a.ID, a.Version-1)
		if err != nil {
			return fmt.Errorf("cannot number the impact assessment's version: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return aims.Errorf(aims.EPRECONDITION, "Someone made a new version of the impact assessment at the same time; reload it.")
		}
		if err := tx.insertImpactVersion(ctx, a); err != nil {
			return err
		}
		return tx.record(ctx, a.OrgID, activity.ActionCreate, "impact", a.ID, nil, impactEntry{Assessment: a})
	})
}

// UpdateImpactVersion stores a's version if its rev is ifRev, with the activity entry (the version before
// and after). Approving it makes it the version in force: the assessment's reassessment date is its, and
// it is no longer stale.
func (db *DB) UpdateImpactVersion(ctx context.Context, a *impact.Assessment, ifRev int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanImpact(tx.q().row(ctx, impactSelect+` WHERE a.org_id = ? AND a.id = ? AND v.version = ?`, a.OrgID, a.ID, a.Version))
		if errors.Is(err, sql.ErrNoRows) {
			return aims.Errorf(aims.ENOTFOUND, "No such version of the impact assessment.")
		}
		if err != nil {
			return fmt.Errorf("cannot read the impact assessment: %w", err)
		}
		if before.Status == impact.StatusApproved {
			return aims.Errorf(aims.ECONFLICT, "Version %d of the impact assessment is approved and does not change.", a.Version)
		}
		body, err := impactBodyOf(a)
		if err != nil {
			return err
		}
		now := db.now().UTC()
		res, err := tx.q().exec(ctx, `UPDATE impact_versions SET status = ?, body = ?, owner_id = ?, reassess_by = ?, approved_by = ?,
			approved_by_name = ?, approved_at = ?, rev = rev + 1, updated_at = ? WHERE org_id = ? AND assessment_id = ? AND version = ? AND rev = ?`,
			a.Status, body, a.OwnerID, a.ReassessBy, a.ApprovedBy, a.ApprovedByName, a.ApprovedAt, now, a.OrgID, a.ID, a.Version, ifRev)
		if err != nil {
			return fmt.Errorf("cannot update the impact assessment: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return aims.Stale(fmt.Sprintf("version %d of the impact assessment", a.Version), before.Rev, ifRev)
		}
		if a.Status == impact.StatusApproved {
			key := a.ReassessBy
			if key == "" {
				key = "9999-12-31"
			}
			if _, err := tx.q().exec(ctx, `UPDATE impact_assessments SET approved = ?, reassess_key = ?, stale = 0, stale_reason = '',
				staled_at = NULL, updated_at = ? WHERE org_id = ? AND id = ?`, a.Version, key, now, a.OrgID, a.ID); err != nil {
				return fmt.Errorf("cannot put the impact assessment in force: %w", err)
			}
			a.Approved = a.Version
		} else if _, err := tx.q().exec(ctx, `UPDATE impact_assessments SET updated_at = ? WHERE org_id = ? AND id = ?`, now, a.OrgID, a.ID); err != nil {
			return fmt.Errorf("cannot update the impact assessment: %w", err)
		}
		a.Rev, a.UpdatedAt = ifRev+1, now
		return tx.record(ctx, a.OrgID, activity.ActionUpdate, "impact", a.ID, impactEntry{Assessment: before}, impactEntry{Assessment: a})
	})
}

// MarkImpactStale records why orgID's assessment id went stale, with the activity entry.
func (db *DB) MarkImpactStale(ctx context.Context, orgID, id, reason string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		now := db.now().UTC()
		res, err := tx.q().exec(ctx, `UPDATE impact_assessments SET stale = 1, stale_reason = ?, staled_at = ?, updated_at = ?
			WHERE org_id = ? AND id = ?`, reason, now, now, orgID, id)
		if err != nil {
			return fmt.Errorf("cannot mark the impact assessment stale: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return aims.Errorf(aims.ENOTFOUND, "No such impact assessment.")
		}
		type staleness struct {
			Stale       bool   `json:"stale"`
			StaleReason string `json:"stale_reason,omitempty"`
		}
		return tx.record(ctx, orgID, activity.ActionUpdate, "impact", id, staleness{}, staleness{true, reason})
	})
}

// ImpactOfSystem returns version (0: the newest) of the assessment of orgID's system systemID.
func (db *DB) ImpactOfSystem(ctx context.Context, orgID, systemID string, version int64) (*impact.Assessment, error) {
	q := impactSelect + ` WHERE a.org_id = ? AND a.system_id = ? AND v.version = `
	args := []any{orgID, systemID}
	if version > 0 {
		q += `?`
		args = append(args, version)
	} else {
		q += `a.latest`
	}
	a, err := scanImpact(db.reader(ctx).row(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		if version > 0 {
			return nil, aims.Errorf(aims.ENOTFOUND, "The impact assessment has no version %d.", version)
		}
		return nil, aims.Errorf(aims.ENOTFOUND, "The AI system has no impact assessment yet.")
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the impact assessment: %w", err)
	}
	return a, nil
}

// ImpactVersions returns every version of the assessment of orgID's system systemID, newest first.
func (db *DB) ImpactVersions(ctx context.Context, orgID, systemID string) ([]*impact.Assessment, error) {
	rows, err := db.reader(ctx).query(ctx, impactSelect+` WHERE a.org_id = ? AND a.system_id = ? ORDER BY v.version DESC`, orgID, systemID)
	if err != nil {
		return nil, fmt.Errorf("cannot list the impact assessment's versions: %w", err)
	}
	return collect(rows, scanImpact)
}

// ListImpacts returns a page of orgID's assessments f selects, by system name then id.
func (db *DB) ListImpacts(ctx context.Context, orgID string, f impact.Filter, p aims.Page) ([]*impact.Summary, string, error) {
	limit := pageLimit(p.Limit)
	conds, args := []string{"a.org_id = ?"}, []any{orgID}
	if f.Stale {
		conds = append(conds, "a.approved > 0 AND (a.stale = 1 OR a.reassess_key < ?)")
		args = append(args, f.Today)
	}
	if f.Overdue {
		conds = append(conds, "a.approved > 0 AND a.reassess_key < ?")
		args = append(args, f.Today)
	}
	if f.DueBefore != "" {
		conds = append(conds, "a.approved > 0 AND a.reassess_key < ?")
		args = append(args, f.DueBefore)
	}
	if p.Cursor != "" {
		c, err := decodeCursor(p.Cursor)
		if err != nil {
			return nil, "", err
		}
		name, id, ok := strings.Cut(c, "\x00")
		if !ok {
			return nil, "", aims.FieldError("cursor", "The cursor is not valid.")
		}
		conds = append(conds, "(COALESCE(s.name, '') > ? OR (COALESCE(s.name, '') = ? AND a.id > ?))")
		args = append(args, name, name, id)
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT a.id, a.system_id, COALESCE(s.name, ''), a.latest, v.status, a.approved, v.owner_id,
		COALESCE(u.name, ''), CASE WHEN a.approved > 0 AND a.reassess_key <> '9999-12-31' THEN a.reassess_key ELSE '' END, a.stale,
		a.stale_reason, a.staled_at, a.updated_at
		FROM impact_assessments a JOIN impact_versions v ON v.assessment_id = a.id AND v.version = a.latest
		LEFT JOIN systems s ON s.id = a.system_id AND s.org_id = a.org_id LEFT JOIN users u ON u.id = v.owner_id
		WHERE `+strings.Join(conds, " AND ")+` ORDER BY COALESCE(s.name, ''), a.id LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list impact assessments: %w", err)
	}
	ms, err := collect(rows, scanImpactSummary)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read impact assessments: %w", err)
	}
	ms, next := pageOf(ms, limit, func(m *impact.Summary) string { return m.SystemName + "\x00" + m.ID })
	return ms, next, nil
}

func scanImpactSummary(s scanner) (*impact.Summary, error) {
	var m impact.Summary
	var stale int
	var staled sql.NullTime
	if err := s.Scan(&m.ID, &m.SystemID, &m.SystemName, &m.Latest, &m.LatestStatus, &m.Approved, &m.OwnerID, &m.OwnerName, &m.ReassessBy,
		&stale, &m.StaleReason, &staled, &m.UpdatedAt); err != nil {
		return nil, err
	}
	m.Stale = stale == 1
	if staled.Valid {
		t := staled.Time.UTC()
		m.StaledAt = &t
	}
	m.UpdatedAt = m.UpdatedAt.UTC()
	return &m, nil
}

// ImpactIDsOfSystems returns the ids of orgID's assessments of the systems ids.
func (db *DB) ImpactIDsOfSystems(ctx context.Context, orgID string, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{orgID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT id FROM impact_assessments WHERE org_id = ? AND system_id IN (?`+
		strings.Repeat(", ?", len(ids)-1)+`) ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("cannot read the impact assessments of the systems: %w", err)
	}
	return collect(rows, scanValue[string])
}

// ImpactSystemID returns the system of orgID's assessment id; ENOTFOUND when there is none.
func (db *DB) ImpactSystemID(ctx context.Context, orgID, id string) (string, error) {
	var sys string
	err := db.reader(ctx).row(ctx, `SELECT system_id FROM impact_assessments WHERE org_id = ? AND id = ?`, orgID, id).Scan(&sys)
	if errors.Is(err, sql.ErrNoRows) {
		return "", aims.Errorf(aims.ENOTFOUND, "No such impact assessment.")
	}
	return sys, err
}

// OverdueImpacts returns up to limit (organization, system, reassessment date) of approved assessments, of
// any organization, not marked stale, whose reassessment date is before today.
func (db *DB) OverdueImpacts(ctx context.Context, today string, limit int) ([][3]string, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT org_id, system_id, reassess_key FROM impact_assessments
		WHERE approved > 0 AND stale = 0 AND reassess_key < ? ORDER BY reassess_key, id LIMIT ?`, today, limit)
	if err != nil {
		return nil, fmt.Errorf("cannot find the overdue impact assessments: %w", err)
	}
	return collect(rows, func(s scanner) ([3]string, error) {
		var d [3]string
		err := s.Scan(&d[0], &d[1], &d[2])
		return d, err
	})
}
