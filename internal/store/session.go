package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/account"
)

// Sessions are not records of the management system: creating and ending them writes no activity entry.

const sessionColumns = `id_hash, user_id, org_id, mfa_pending, created_at, last_seen_at, expires_at`

// CreateSession stores s.
func (db *DB) CreateSession(ctx context.Context, s *account.Session) error {
	_, err := db.writer(ctx).exec(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.IDHash, s.UserID, s.OrgID, s.MFAPending, s.CreatedAt, s.LastSeenAt, s.ExpiresAt)
	if err != nil {
		return fmt.Errorf("cannot create session: %w", err)
	}
	return nil
}

// SessionByHash returns the session whose secret hashes to hash, or ENOTFOUND.
func (db *DB) SessionByHash(ctx context.Context, hash string) (*account.Session, error) {
	var s account.Session
	err := db.reader(ctx).row(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id_hash = ?`, hash).Scan(
		&s.IDHash, &s.UserID, &s.OrgID, &s.MFAPending, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt)
	if err != nil {
		return nil, notFound(err, "Session")
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = s.CreatedAt.UTC(), s.LastSeenAt.UTC(), s.ExpiresAt.UTC()
	return &s, nil
}

// UpdateSession saves s's organization, second-factor state and last-seen time.
func (db *DB) UpdateSession(ctx context.Context, s *account.Session) error {
	_, err := db.writer(ctx).exec(ctx, `UPDATE sessions SET org_id = ?, mfa_pending = ?, last_seen_at = ? WHERE id_hash = ?`,
		s.OrgID, s.MFAPending, s.LastSeenAt, s.IDHash)
	if err != nil {
		return fmt.Errorf("cannot update session: %w", err)
	}
	return nil
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	if _, err := db.writer(ctx).exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hash); err != nil {
		return fmt.Errorf("cannot delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of userID ("log out everywhere").
func (db *DB) DeleteUserSessions(ctx context.Context, userID string) error {
	if _, err := db.writer(ctx).exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("cannot delete sessions: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their absolute limit.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	_, err := db.writer(ctx).exec(ctx, `DELETE FROM sessions WHERE expires_at < ?`, now)
	return err
}

// Prune removes sessions past their absolute limit and login throttle counters whose window started
// before before; it is housekeeping that serve runs periodically.
func (db *DB) Prune(ctx context.Context, now, before time.Time) error {
	if err := db.DeleteExpiredSessions(ctx, now); err != nil {
		return fmt.Errorf("cannot prune sessions: %w", err)
	}
	if _, err := db.writer(ctx).exec(ctx, `DELETE FROM login_attempts WHERE window_start < ?`, before.UTC()); err != nil {
		return fmt.Errorf("cannot prune login attempts: %w", err)
	}
	return nil
}
