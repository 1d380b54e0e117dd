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
	t, err := scanToken(db.reader().row(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE secret_hash = ?`, hash))
	return t, notFound(err, "Token")
}

// TokenByID returns token id of orgID, or ENOTFOUND.
func (db *DB) TokenByID(ctx context.Context, orgID, id string) (*account.Token, error) {
	t, err := scanToken(db.reader().row(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE org_id = ? AND id = ?`, orgID, id))
	return t, notFound(err, "Token")
}

// ListTokens returns a page of orgID's tokens, newest first, and the next page's cursor.
func (db *DB) ListTokens(ctx context.Context, orgID string, p account.Page) ([]*account.Token, string, error) {
	limit := pageLimit(p.Limit)
	before := "~"
	if p.Cursor != "" {
		var err error
		if before, err = decodeCursor(p.Cursor); err != nil {
			return nil, "", err
		}
	}
	rows, err := db.reader().query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE org_id = ? AND id < ?
		ORDER BY id DESC LIMIT ?`, orgID, before, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list tokens: %w", err)
	}
	defer rows.Close()
	var out []*account.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, "", fmt.Errorf("cannot read token: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeCursor(out[limit-1].ID)
	}
	return out, next, nil
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
			return aims.Errorf(aims.EPRECONDITION, "The token was changed by someone else (version %d, not %d).", before.Version, ifVersion)
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
	_, err := db.writer().exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, at, id)
	return err
}
