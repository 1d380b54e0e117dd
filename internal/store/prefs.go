package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/notify"
)

// EmailModes returns the e-mail mode of each of userIDs in orgID that chose one.
func (db *DB) EmailModes(ctx context.Context, orgID string, userIDs []string) (map[string]string, error) {
	out := map[string]string{}
	for start := 0; start < len(userIDs); start += 200 {
		chunk := userIDs[start:min(len(userIDs), start+200)]
		args := []any{orgID}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := db.reader(ctx).query(ctx, `SELECT user_id, mode FROM email_prefs WHERE org_id = ? AND user_id IN (?`+
			strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("cannot read e-mail preferences: %w", err)
		}
		for rows.Next() {
			var u, m string
			if err := rows.Scan(&u, &m); err != nil {
				rows.Close()
				return nil, err
			}
			out[u] = m
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SetEmailMode records userID's e-mail mode in orgID, with an activity entry.
func (db *DB) SetEmailMode(ctx context.Context, orgID, userID, mode string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.q().exec(ctx, `INSERT INTO email_prefs (org_id, user_id, mode, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (org_id, user_id) DO UPDATE SET mode = excluded.mode, updated_at = excluded.updated_at`, orgID, userID, mode, db.now())
		if err != nil {
			return fmt.Errorf("cannot store the e-mail preference: %w", err)
		}
		return tx.record(ctx, orgID, activity.ActionUpdate, "email_preference", userID, nil, map[string]string{"email": mode})
	})
}

// AddDigestItem stores it, setting its id and time.
func (db *DB) AddDigestItem(ctx context.Context, it *notify.DigestItem) error {
	it.ID, it.CreatedAt = aims.NewID(), db.now()
	_, err := db.writer(ctx).exec(ctx, `INSERT INTO digest_items (id, org_id, user_id, subject, text, path, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, it.ID, it.OrgID, it.UserID, it.Subject, it.Text, it.Path, it.CreatedAt)
	if err != nil {
		return fmt.Errorf("cannot store a digest item: %w", err)
	}
	return nil
}

// DigestRecipients returns up to n (org, user) pairs with unsent digest items.
func (db *DB) DigestRecipients(ctx context.Context, n int) ([][2]string, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT DISTINCT org_id, user_id FROM digest_items WHERE sent_at IS NULL ORDER BY org_id, user_id LIMIT ?`, n)
	if err != nil {
		return nil, fmt.Errorf("cannot find digests to send: %w", err)
	}
	return collect(rows, func(s scanner) ([2]string, error) {
		var p [2]string
		err := s.Scan(&p[0], &p[1])
		return p, err
	})
}

// UnsentDigest returns up to n unsent digest items of userID in orgID, oldest first.
func (db *DB) UnsentDigest(ctx context.Context, orgID, userID string, n int) ([]*notify.DigestItem, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT id, org_id, user_id, subject, text, path, created_at FROM digest_items
		WHERE sent_at IS NULL AND org_id = ? AND user_id = ? ORDER BY id LIMIT ?`, orgID, userID, n)
	if err != nil {
		return nil, fmt.Errorf("cannot read a digest: %w", err)
	}
	return collect(rows, func(s scanner) (*notify.DigestItem, error) {
		var it notify.DigestItem
		err := s.Scan(&it.ID, &it.OrgID, &it.UserID, &it.Subject, &it.Text, &it.Path, &it.CreatedAt)
		return &it, err
	})
}

// MarkDigestSent marks the digest items ids sent at at.
func (db *DB) MarkDigestSent(ctx context.Context, ids []string, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{at.UTC()}
	for _, id := range ids {
		args = append(args, id)
	}
	_, err := db.writer(ctx).exec(ctx, `UPDATE digest_items SET sent_at = ? WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return fmt.Errorf("cannot mark a digest sent: %w", err)
	}
	return nil
}
