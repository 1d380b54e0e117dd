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

const tokenColumns = `id, org_id, user_id, name, role, prefix, secret_hash, version, created_at, expires_at, revoked_at, last_used_at`

func scanToken(s scanner) (*account.Token, error) {
	var t account.Token
	var exp, rev, used sql.NullTime
	if err := s.Scan(&t.ID, &t.OrgID, &t.UserID, &t.Name, &t.Role, &t.Prefix, &t.SecretHash, &t.Version,
		&t.CreatedAt, &exp, &rev, &used); err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.ExpiresAt, t.RevokedAt, t.LastUsedAt = nullTime(exp), nullTime(rev), nullTime(used)
	return &t, nil
}

// CreateToken stores t (whose SecretHash the caller has set), setting its id, version and creation time.
func (db *DB) CreateToken(ctx context.Context, t *account.Token) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		t.ID, t.Version, t.CreatedAt = aims.NewID(), 1, db.now()
		_, err := tx.q().exec(ctx, `INSERT INTO api_tokens (`+tokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
			t.ID, t.OrgID, t.UserID, t.Name, t.Role, t.Prefix, t.SecretHash, t.Version, t.CreatedAt, timeArg(t.ExpiresAt))
		if err != nil {
			return fmt.Errorf("cannot create token: %w", err)
		}
		return tx.record(ctx, t.OrgID, activity.ActionCreate, "api_token", t.ID, nil, t)
	})
}

// TokenByHash returns the token whose secret hashes to hash, in any organization, or ENOTFOUND.
func (db *DB) TokenByHash(ctx context.Context, hash string) (*account.Token, error) {
	t, err := scanToken(db.reader(ctx).row(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE secret_hash = ?`, hash))
	return t, notFound(err, "Token")
}

// TokenByID returns token id of orgID, or ENOTFOUND.
func (db *DB) TokenByID(ctx context.Context, orgID, id string) (*account.Token, error) {
	t, err := scanToken(db.reader(ctx).row(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE org_id = ? AND id = ?`, orgID, id))
	return t, notFound(err, "Token")
}

// ListTokens returns a page of orgID's tokens, newest first, and the next page's cursor.
func (db *DB) ListTokens(ctx context.Context, orgID string, p aims.Page) ([]*account.Token, string, error) {
	limit := pageLimit(p.Limit)
	before := "~"
	if p.Cursor != "" {
		var err error
		if before, err = decodeCursor(p.Cursor); err != nil {
			return nil, "", err
		}
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE org_id = ? AND id < ?
		ORDER BY id DESC LIMIT ?`, orgID, before, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list tokens: %w", err)
	}
	ts, err := collect(rows, scanToken)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read tokens: %w", err)
	}
	ts, next := pageOf(ts, limit, func(t *account.Token) string { return t.ID })
	return ts, next, nil
}

// RevokeToken revokes token id of orgID if its version is ifVersion (0: any) and returns it. Revoking a
// revoked token is ECONFLICT.
func (db *DB) RevokeToken(ctx context.Context, orgID, id string, ifVersion int64) (*account.Token, error) {
	var out *account.Token
	err := db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanToken(tx.q().row(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE org_id = ? AND id = ?`, orgID, id))
		if err != nil {
			return notFound(err, "Token")
		}
		if ifVersion != 0 && before.Version != ifVersion {
			return aims.Stale("the token", before.Version, ifVersion)
		}
		if before.RevokedAt != nil {
			return aims.Errorf(aims.ECONFLICT, "The token is revoked already.")
		}
		after := *before
		now := db.now()
		after.RevokedAt, after.Version = &now, before.Version+1
		if _, err := tx.q().exec(ctx, `UPDATE api_tokens SET revoked_at = ?, version = ? WHERE id = ?`, now, after.Version, id); err != nil {
			return fmt.Errorf("cannot revoke token: %w", err)
		}
		out = &after
		return tx.record(ctx, orgID, activity.ActionRevoke, "api_token", id, before, &after)
	})
	return out, err
}

// TouchToken records that token id was used at at. It is bookkeeping, not a change of the record, so it
// writes no activity entry.
func (db *DB) TouchToken(ctx context.Context, id string, at time.Time) error {
	_, err := db.writer(ctx).exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, at, id)
	return err
}

// TokenWithMember returns the token whose secret hashes to hash together with its creator's current
// membership of the token's organization (nil when they have left it), in one query: it runs on every
// API request.
func (db *DB) TokenWithMember(ctx context.Context, hash string) (*account.Token, *account.Membership, error) {
	var t account.Token
	var exp, rev, used sql.NullTime
	var mID, mRole, email, name, slug, orgName sql.NullString
	var mVersion sql.NullInt64
	var mCreated, mUpdated sql.NullTime
	err := db.reader(ctx).row(ctx, `SELECT t.id, t.org_id, t.user_id, t.name, t.role, t.prefix, t.secret_hash, t.version, t.created_at,
		t.expires_at, t.revoked_at, t.last_used_at, m.id, m.role, m.version, m.created_at, m.updated_at, u.email, u.name, o.slug, o.name
		FROM api_tokens t
		LEFT JOIN memberships m ON m.org_id = t.org_id AND m.user_id = t.user_id
		LEFT JOIN users u ON u.id = m.user_id
		LEFT JOIN organizations o ON o.id = m.org_id
		WHERE t.secret_hash = ?`, hash).Scan(&t.ID, &t.OrgID, &t.UserID, &t.Name, &t.Role, &t.Prefix, &t.SecretHash, &t.Version,
		&t.CreatedAt, &exp, &rev, &used, &mID, &mRole, &mVersion, &mCreated, &mUpdated, &email, &name, &slug, &orgName)
	if err != nil {
		return nil, nil, notFound(err, "Token")
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.ExpiresAt, t.RevokedAt, t.LastUsedAt = nullTime(exp), nullTime(rev), nullTime(used)
	if !mID.Valid {
		return &t, nil, nil
	}
	m := &account.Membership{ID: mID.String, OrgID: t.OrgID, UserID: t.UserID, Role: aims.Role(mRole.String), Version: mVersion.Int64,
		CreatedAt: mCreated.Time.UTC(), UpdatedAt: mUpdated.Time.UTC(), UserEmail: email.String, UserName: name.String,
		OrgSlug: slug.String, OrgName: orgName.String}
	return &t, m, nil
}
