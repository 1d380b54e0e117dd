package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
)

const invitationSelect = `SELECT i.id, i.org_id, i.email, i.role, i.secret_hash, i.invited_by, i.version, i.created_at,
	i.expires_at, i.revoked_at, i.accepted_at, i.accepted_by, o.slug, o.name
	FROM invitations i JOIN organizations o ON o.id = i.org_id`

func scanInvitation(s scanner) (*account.Invitation, error) {
	var i account.Invitation
	var rev, acc sql.NullTime
	if err := s.Scan(&i.ID, &i.OrgID, &i.Email, &i.Role, &i.SecretHash, &i.InvitedBy, &i.Version, &i.CreatedAt,
		&i.ExpiresAt, &rev, &acc, &i.AcceptedBy, &i.OrgSlug, &i.OrgName); err != nil {
		return nil, err
	}
	i.CreatedAt, i.ExpiresAt = i.CreatedAt.UTC(), i.ExpiresAt.UTC()
	i.RevokedAt, i.AcceptedAt = nullTime(rev), nullTime(acc)
	return &i, nil
}

// CreateInvitation stores inv (whose SecretHash, CreatedAt and ExpiresAt the caller has set), setting its
// id and version, with an activity entry in the same transaction.
func (db *DB) CreateInvitation(ctx context.Context, inv *account.Invitation) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		inv.ID, inv.Version = aims.NewID(), 1
		_, err := tx.q().exec(ctx, `INSERT INTO invitations (id, org_id, email, role, secret_hash, invited_by, version,
			created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, inv.ID, inv.OrgID, inv.Email, inv.Role,
			inv.SecretHash, inv.InvitedBy, inv.Version, inv.CreatedAt.UTC(), inv.ExpiresAt.UTC())
		if err != nil {
			return fmt.Errorf("cannot create invitation: %w", err)
		}
		full, err := scanInvitation(tx.q().row(ctx, invitationSelect+` WHERE i.id = ?`, inv.ID))
		if err != nil {
			return fmt.Errorf("cannot read new invitation: %w", err)
		}
		*inv = *full
		return tx.record(ctx, inv.OrgID, activity.ActionCreate, "invitation", inv.ID, nil, inv)
	})
}

// InvitationByID returns invitation id of orgID, or ENOTFOUND.
func (db *DB) InvitationByID(ctx context.Context, orgID, id string) (*account.Invitation, error) {
	i, err := scanInvitation(db.reader(ctx).row(ctx, invitationSelect+` WHERE i.org_id = ? AND i.id = ?`, orgID, id))
	return i, notFound(err, "Invitation")
}

// InvitationByHash returns the invitation whose secret hashes to hash, in any organization, or ENOTFOUND.
func (db *DB) InvitationByHash(ctx context.Context, hash string) (*account.Invitation, error) {
	i, err := scanInvitation(db.reader(ctx).row(ctx, invitationSelect+` WHERE i.secret_hash = ?`, hash))
	return i, notFound(err, "Invitation")
}

// ListInvitations returns a page of orgID's invitations, newest first, and the next page's cursor.
func (db *DB) ListInvitations(ctx context.Context, orgID string, p aims.Page) ([]*account.Invitation, string, error) {
	limit := pageLimit(p.Limit)
	before := "~"
	if p.Cursor != "" {
		var err error
		if before, err = decodeCursor(p.Cursor); err != nil {
			return nil, "", err
		}
	}
	rows, err := db.reader(ctx).query(ctx, invitationSelect+` WHERE i.org_id = ? AND i.id < ? ORDER BY i.id DESC LIMIT ?`,
		orgID, before, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list invitations: %w", err)
	}
	is, err := collect(rows, scanInvitation)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read invitations: %w", err)
	}
	is, next := pageOf(is, limit, func(i *account.Invitation) string { return i.ID })
	return is, next, nil
}

// RevokeInvitation revokes invitation id of orgID if its version is ifVersion (0: any) and returns it.
// Revoking an invitation that was revoked or accepted already is ECONFLICT.
func (db *DB) RevokeInvitation(ctx context.Context, orgID, id string, ifVersion int64) (*account.Invitation, error) {
	var out *account.Invitation
	err := db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanInvitation(tx.q().row(ctx, invitationSelect+` WHERE i.org_id = ? AND i.id = ?`, orgID, id))
		if err != nil {
			return notFound(err, "Invitation")
		}
		if ifVersion != 0 && before.Version != ifVersion {
			return aims.Stale("the invitation", before.Version, ifVersion)
		}
		if before.AcceptedAt != nil {
			return aims.Errorf(aims.ECONFLICT, "The invitation was accepted already; remove the member instead.")
		}
		if before.RevokedAt != nil {
			return aims.Errorf(aims.ECONFLICT, "The invitation is revoked already.")
		}
		after := *before
		now := db.now()
		after.RevokedAt, after.Version = &now, before.Version+1
		if _, err := tx.q().exec(ctx, `UPDATE invitations SET revoked_at = ?, version = ? WHERE id = ?`, now, after.Version, id); err != nil {
			return fmt.Errorf("cannot revoke invitation: %w", err)
		}
		out = &after
		return tx.record(ctx, orgID, activity.ActionRevoke, "invitation", id, before, &after)
	})
	return out, err
}

// AcceptInvitation marks invitation id accepted by userID at at and makes userID a member of its
// organization with its role, in one transaction with both activity entries. The update is a
// compare-and-set: an invitation that was accepted, revoked or has expired by at is ECONFLICT, so that a
// link works once even when two requests race. A user who is a member already is ECONFLICT.
func (db *DB) AcceptInvitation(ctx context.Context, id, userID string, at time.Time) (*account.Membership, error) {
	var m *account.Membership
	err := db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanInvitation(tx.q().row(ctx, invitationSelect+` WHERE i.id = ?`, id))
		if err != nil {
			return notFound(err, "Invitation")
		}
		res, err := tx.q().exec(ctx, `UPDATE invitations SET accepted_at = ?, accepted_by = ?, version = version + 1
			WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?`, at.UTC(), userID, id, at.UTC())
		if err != nil {
			return fmt.Errorf("cannot accept invitation: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("cannot accept invitation: %w", err)
		} else if n != 1 {
			return aims.Errorf(aims.ECONFLICT, "This invitation cannot be used any more: it was used, withdrawn or has expired.")
		}
		after := *before
		acceptedAt := at.UTC()
		after.AcceptedAt, after.AcceptedBy, after.Version = &acceptedAt, userID, before.Version+1
		if err := tx.record(ctx, before.OrgID, activity.ActionAccept, "invitation", id, before, &after); err != nil {
			return err
		}
		now := db.now()
		m = &account.Membership{ID: aims.NewID(), OrgID: before.OrgID, UserID: userID, Role: before.Role, Version: 1,
			CreatedAt: now, UpdatedAt: now}
		_, err = tx.q().exec(ctx, `INSERT INTO memberships (id, org_id, user_id, role, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, m.ID, m.OrgID, m.UserID, m.Role, m.Version, m.CreatedAt, m.UpdatedAt)
		if aims.ErrorCode(err) == aims.ECONFLICT {
			return aims.Errorf(aims.ECONFLICT, "You are a member of %s already.", before.OrgName)
		}
		if err != nil {
			return fmt.Errorf("cannot create membership: %w", err)
		}
		if m, err = scanMembership(tx.q().row(ctx, membershipSelect+` WHERE m.id = ?`, m.ID)); err != nil {
			return fmt.Errorf("cannot read new membership: %w", err)
		}
		return tx.record(ctx, m.OrgID, activity.ActionCreate, "membership", m.ID, nil, m)
	})
	return m, err
}
