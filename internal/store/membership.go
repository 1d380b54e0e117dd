package store

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
)

const membershipSelect = `SELECT m.id, m.org_id, m.user_id, m.role, m.version, m.created_at, m.updated_at,
	u.email, u.name, o.slug, o.name
	FROM memberships m JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = m.org_id`

func scanMembership(s scanner) (*account.Membership, error) {
	var m account.Membership
	if err := s.Scan(&m.ID, &m.OrgID, &m.UserID, &m.Role, &m.Version, &m.CreatedAt, &m.UpdatedAt,
		&m.UserEmail, &m.UserName, &m.OrgSlug, &m.OrgName); err != nil {
		return nil, err
	}
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return &m, nil
}

// CreateMembership adds m.UserID to m.OrgID with m.Role. A user already in the organization is ECONFLICT.
func (db *DB) CreateMembership(ctx context.Context, m *account.Membership) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		m.ID, m.Version = aims.NewID(), 1
		now := db.now()
		m.CreatedAt, m.UpdatedAt = now, now
		_, err := tx.q().exec(ctx, `INSERT INTO memberships (id, org_id, user_id, role, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, m.ID, m.OrgID, m.UserID, m.Role, m.Version, m.CreatedAt, m.UpdatedAt)
		if aims.ErrorCode(err) == aims.ECONFLICT {
			return &aims.Error{Code: aims.ECONFLICT, Message: "This user is a member already.", Field: "email"}
		}
		if err != nil {
			return fmt.Errorf("cannot create membership: %w", err)
		}
		full, err := scanMembership(tx.q().row(ctx, membershipSelect+` WHERE m.id = ?`, m.ID))
		if err != nil {
			return fmt.Errorf("cannot read new membership: %w", err)
		}
		*m = *full
		return tx.record(ctx, m.OrgID, activity.ActionCreate, "membership", m.ID, nil, m)
	})
}

// UpdateMembership changes m's role if its version is ifVersion (0: any). It refuses (ECONFLICT) to leave
// the organization without an owner.
func (db *DB) UpdateMembership(ctx context.Context, m *account.Membership, ifVersion int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanMembership(tx.q().row(ctx, membershipSelect+` WHERE m.org_id = ? AND m.id = ?`, m.OrgID, m.ID))
		if err != nil {
			return notFound(err, "Member")
		}
		if ifVersion != 0 && before.Version != ifVersion {
			return aims.Stale("the membership", before.Version, ifVersion)
		}
		if before.Role == aims.RoleOwner && m.Role != aims.RoleOwner {
			if err := keepAnOwner(ctx, tx, m.OrgID); err != nil {
				return err
			}
		}
		after := *before
		after.Role, after.Version, after.UpdatedAt = m.Role, before.Version+1, db.now()
		if _, err := tx.q().exec(ctx, `UPDATE memberships SET role = ?, version = ?, updated_at = ? WHERE id = ?`,
			after.Role, after.Version, after.UpdatedAt, after.ID); err != nil {
			return fmt.Errorf("cannot update membership: %w", err)
		}
		*m = after
		return tx.record(ctx, m.OrgID, activity.ActionUpdate, "membership", m.ID, before, &after)
	})
}

// DeleteMembership removes a member from orgID, with their API tokens in that organization. It refuses
// (ECONFLICT) to remove the last owner.
func (db *DB) DeleteMembership(ctx context.Context, orgID, id string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanMembership(tx.q().row(ctx, membershipSelect+` WHERE m.org_id = ? AND m.id = ?`, orgID, id))
		if err != nil {
			return notFound(err, "Member")
		}
		if before.Role == aims.RoleOwner {
			if err := keepAnOwner(ctx, tx, orgID); err != nil {
				return err
			}
		}
		now := db.now()
		if _, err := tx.q().exec(ctx, `UPDATE api_tokens SET revoked_at = ?, version = version + 1
			WHERE org_id = ? AND user_id = ? AND revoked_at IS NULL`, now, orgID, before.UserID); err != nil {
			return fmt.Errorf("cannot revoke the member's tokens: %w", err)
		}
		if _, err := tx.q().exec(ctx, `DELETE FROM memberships WHERE id = ?`, id); err != nil {
			return fmt.Errorf("cannot delete membership: %w", err)
		}
		return tx.record(ctx, orgID, activity.ActionDelete, "membership", id, before, nil)
	})
}

func keepAnOwner(ctx context.Context, tx *Tx, orgID string) error {
	var n int
	if err := tx.q().row(ctx, `SELECT count(*) FROM memberships WHERE org_id = ? AND role = ?`, orgID, aims.RoleOwner).Scan(&n); err != nil {
		return fmt.Errorf("cannot count owners: %w", err)
	}
	if n <= 1 {
		return &aims.Error{Code: aims.ECONFLICT, Message: "An organization must keep at least one owner.", Field: "role"}
	}
	return nil
}

// MembershipByID returns the membership id of orgID, or ENOTFOUND.
func (db *DB) MembershipByID(ctx context.Context, orgID, id string) (*account.Membership, error) {
	m, err := scanMembership(db.reader(ctx).row(ctx, membershipSelect+` WHERE m.org_id = ? AND m.id = ?`, orgID, id))
	return m, notFound(err, "Member")
}

// MembershipOf returns userID's membership of orgID, or ENOTFOUND.
func (db *DB) MembershipOf(ctx context.Context, orgID, userID string) (*account.Membership, error) {
	// Within a service's transaction (an owner being checked), the membership is locked until it ends, so
	// that a role change or removal cannot slip between the check and the write.
	m, err := scanMembership(db.reader(ctx).row(ctx, membershipSelect+` WHERE m.org_id = ? AND m.user_id = ?`+db.shareLock(ctx, "m"), orgID, userID))
	return m, notFound(err, "Member")
}

// MembershipsOfUser returns every membership of userID, by organization slug.
func (db *DB) MembershipsOfUser(ctx context.Context, userID string) ([]*account.Membership, error) {
	rows, err := db.reader(ctx).query(ctx, membershipSelect+` WHERE m.user_id = ? ORDER BY o.slug`, userID)
	if err != nil {
		return nil, fmt.Errorf("cannot list memberships: %w", err)
	}
	ms, err := collect(rows, scanMembership)
	if err != nil {
		return nil, fmt.Errorf("cannot read memberships: %w", err)
	}
	return ms, nil
}

// ListMembers returns a page of orgID's members in the order they joined, and the next page's cursor.
func (db *DB) ListMembers(ctx context.Context, orgID string, p aims.Page) ([]*account.Membership, string, error) {
	limit := pageLimit(p.Limit)
	after := ""
	if p.Cursor != "" {
		var err error
		if after, err = decodeCursor(p.Cursor); err != nil {
			return nil, "", err
		}
	}
	rows, err := db.reader(ctx).query(ctx, membershipSelect+` WHERE m.org_id = ? AND m.id > ? ORDER BY m.id LIMIT ?`, orgID, after, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list members: %w", err)
	}
	ms, err := collect(rows, scanMembership)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read members: %w", err)
	}
	ms, next := pageOf(ms, limit, func(m *account.Membership) string { return m.ID })
	return ms, next, nil
}

// CountOwners returns how many owners orgID has.
func (db *DB) CountOwners(ctx context.Context, orgID string) (int, error) {
	var n int
	err := db.reader(ctx).row(ctx, `SELECT count(*) FROM memberships WHERE org_id = ? AND role = ?`, orgID, aims.RoleOwner).Scan(&n)
	return n, err
}
