package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
)

// actionApprove is the activity action of an approval.
const actionApprove = "approve"

const soaVersionColumns = `id, org_id, number, approved_by_id, approved_by_name, approved_at, note, hash`

func scanSoAVersion(s scanner, extra ...any) (*control.Version, error) {
	var v control.Version
	if err := s.Scan(append([]any{&v.ID, &v.OrgID, &v.Number, &v.ApprovedByID, &v.ApprovedByName, &v.ApprovedAt, &v.Note, &v.Hash}, extra...)...); err != nil {
		return nil, err
	}
	v.ApprovedAt = v.ApprovedAt.UTC()
	return &v, nil
}

// CreateSoAVersion stores v (with its snapshot and hash) as orgID's next approved version, numbering it
// and naming the approver after their account when they have one. Two approvals at the same moment are
// ECONFLICT for the second.
func (db *DB) CreateSoAVersion(ctx context.Context, v *control.Version) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.q().row(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM soa_versions WHERE org_id = ?`, v.OrgID).Scan(&v.Number); err != nil {
			return fmt.Errorf("cannot number the SoA version: %w", err)
		}
		if err := tx.q().row(ctx, `SELECT COALESCE((SELECT name FROM users WHERE id = ?), ?)`, v.ApprovedByID, v.ApprovedByName).
			Scan(&v.ApprovedByName); err != nil {
			return fmt.Errorf("cannot name the approver: %w", err)
		}
		v.ID, v.ApprovedAt = aims.NewID(), db.now()
		_, err := tx.q().exec(ctx, `INSERT INTO soa_versions (`+soaVersionColumns+`, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.ID, v.OrgID, v.Number, v.ApprovedByID, v.ApprovedByName, v.ApprovedAt, v.Note, v.Hash, string(v.Snapshot))
		if aims.ErrorCode(err) == aims.ECONFLICT {
			return aims.Errorf(aims.ECONFLICT, "Someone approved the SoA at the same moment; look at the versions and try again.")
		}
		if err != nil {
			return fmt.Errorf("cannot store the SoA version: %w", err)
		}
		return tx.record(ctx, v.OrgID, actionApprove, "soa_version", v.ID, nil, v)
	})
}

// SoAVersions returns a page of orgID's approved versions, newest first, without their snapshots.
func (db *DB) SoAVersions(ctx context.Context, orgID string, p aims.Page) ([]*control.Version, string, error) {
	limit := pageLimit(p.Limit)
	before := 1 << 30
	if p.Cursor != "" {
		s, err := decodeCursor(p.Cursor)
		if err != nil {
			return nil, "", err
		}
		if before, err = strconv.Atoi(s); err != nil {
			return nil, "", aims.FieldError("cursor", "The cursor is not valid.")
		}
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT `+soaVersionColumns+` FROM soa_versions WHERE org_id = ? AND number < ?
		ORDER BY number DESC LIMIT ?`, orgID, before, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list SoA versions: %w", err)
	}
	vs, err := collect(rows, func(s scanner) (*control.Version, error) { return scanSoAVersion(s) })
	if err != nil {
		return nil, "", fmt.Errorf("cannot read SoA versions: %w", err)
	}
	vs, next := pageOf(vs, limit, func(v *control.Version) string { return strconv.Itoa(v.Number) })
	return vs, next, nil
}

// SoAVersion returns orgID's approved version number n with its snapshot, or ENOTFOUND.
func (db *DB) SoAVersion(ctx context.Context, orgID string, n int) (*control.Version, error) {
	var snapshot string
	v, err := scanSoAVersion(db.reader(ctx).row(ctx, `SELECT `+soaVersionColumns+`, snapshot FROM soa_versions
		WHERE org_id = ? AND number = ?`, orgID, n), &snapshot)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("SoA version %d", n))
	}
	v.Snapshot = []byte(snapshot)
	return v, nil
}
