package store

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
)

const userColumns = `id, email, name, password_hash, totp_secret, totp_enabled, version, created_at, updated_at, last_org_id`

func scanUser(s scanner) (*account.User, error) {
	var u account.User
	if err := s.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.TOTPSecret, &u.TOTPEnabled, &u.Version, &u.CreatedAt, &u.UpdatedAt, &u.LastOrgID); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return &u, nil
}

// CreateUser inserts u. A taken email is ECONFLICT on the field "email". A user belongs to no organization
// yet, so the activity entry is written when a membership is created.
func (db *DB) CreateUser(ctx context.Context, u *account.User) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		u.ID, u.Version = aims.NewID(), 1
		now := db.now()
		u.CreatedAt, u.UpdatedAt = now, now
		_, err := tx.q().exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			u.ID, u.Email, u.Name, u.PasswordHash, u.TOTPSecret, u.TOTPEnabled, u.Version, u.CreatedAt, u.UpdatedAt, u.LastOrgID)
		if aims.ErrorCode(err) == aims.ECONFLICT {
			return &aims.Error{Code: aims.ECONFLICT, Message: "A user with this email exists already.", Field: "email"}
		}
		if err != nil {
			return fmt.Errorf("cannot create user: %w", err)
		}
		return nil
	})
}

// UpdateUser saves u's name, password hash and second factor, recording the change (without secrets) in the
// trail of every organization the user belongs to, whose administrators answer for its members' security.
func (db *DB) UpdateUser(ctx context.Context, u *account.User) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanUser(tx.q().row(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, u.ID))
		if err != nil {
			return notFound(err, "User")
		}
		u.Email, u.CreatedAt = before.Email, before.CreatedAt
		u.Version, u.UpdatedAt = before.Version+1, db.now()
		if _, err := tx.q().exec(ctx, `UPDATE users SET name = ?, password_hash = ?, totp_secret = ?, totp_enabled = ?,
			version = ?, updated_at = ? WHERE id = ?`, u.Name, u.PasswordHash, u.TOTPSecret, u.TOTPEnabled, u.Version, u.UpdatedAt, u.ID); err != nil {
			return fmt.Errorf("cannot update user: %w", err)
		}
		type userChange struct {
			*account.User
			PasswordChanged bool `json:"password_changed,omitempty"`
		}
		after := userChange{User: u, PasswordChanged: u.PasswordHash != before.PasswordHash}
		orgs, err := orgIDsOfUser(ctx, tx.q(), u.ID)
		if err != nil {
			return err
		}
		for _, org := range orgs {
			if err := tx.record(ctx, org, activity.ActionUpdate, "user", u.ID, before, after); err != nil {
				return err
			}
		}
		return nil
	})
}

func orgIDsOfUser(ctx context.Context, q q, userID string) ([]string, error) {
	rows, err := q.query(ctx, `SELECT org_id FROM memberships WHERE user_id = ? ORDER BY org_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("cannot list user's organizations: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// UserByID returns the user with id, or ENOTFOUND.
func (db *DB) UserByID(ctx context.Context, id string) (*account.User, error) {
	u, err := scanUser(db.reader(ctx).row(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	return u, notFound(err, "User")
}

// UserByEmail returns the user with email (already normalised by the caller), or ENOTFOUND.
func (db *DB) UserByEmail(ctx context.Context, email string) (*account.User, error) {
	u, err := scanUser(db.reader(ctx).row(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email))
	return u, notFound(err, "User")
}

// CountUsers returns how many users exist, so that a fresh installation can say how to create the first.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.reader(ctx).row(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

// SetLastOrganization remembers orgID as the organization userID last worked in. It is bookkeeping, not a
// change of the user's record, so it writes no activity entry and leaves the version alone.
func (db *DB) SetLastOrganization(ctx context.Context, userID, orgID string) error {
	if _, err := db.writer(ctx).exec(ctx, `UPDATE users SET last_org_id = ? WHERE id = ?`, orgID, userID); err != nil {
		return fmt.Errorf("cannot record the last organization: %w", err)
	}
	return nil
}

// UseTOTPStep records that userID logged in with the TOTP code of time step, and reports false (changing
// nothing) when that step or a later one was used already: each code works once. It is bookkeeping, not a
// change of the user's record, so it writes no activity entry.
func (db *DB) UseTOTPStep(ctx context.Context, userID string, step int64) (bool, error) {
	res, err := db.writer(ctx).exec(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, userID, step)
	if err != nil {
		return false, fmt.Errorf("cannot record the TOTP step: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
