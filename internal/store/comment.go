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
	"github.com/aimsproject/aims/internal/record"
)

const commentSelect = `SELECT c.id, c.org_id, c.record_type, c.record_id, c.parent_id, c.author_id, c.author_name, c.author_role,
	c.body, c.mentions, c.resolved_at, c.resolved_by, c.edited_at, c.version, c.created_at,
	(SELECT count(*) FROM comments r WHERE r.org_id = c.org_id AND r.parent_id = c.id AND c.parent_id = '')
	FROM comments c`

func scanComment(s scanner) (*record.Comment, error) {
	var c record.Comment
	var mentions string
	var resolved, edited sql.NullTime
	if err := s.Scan(&c.ID, &c.OrgID, &c.Record.Type, &c.Record.ID, &c.ParentID, &c.AuthorID, &c.AuthorName, &c.AuthorRole,
		&c.Body, &mentions, &resolved, &c.ResolvedBy, &edited, &c.Version, &c.CreatedAt, &c.Replies); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(mentions), &c.Mentions); err != nil {
		return nil, fmt.Errorf("cannot read the mentions of comment %s: %w", c.ID, err)
	}
	c.CreatedAt = c.CreatedAt.UTC()
	c.ResolvedAt, c.EditedAt = nullTime(resolved), nullTime(edited)
	c.Resolved = c.ResolvedAt != nil
	return &c, nil
}

// MembersByHandle returns up to three members of orgID whose email address is handle, or starts with
// handle followed by @, case-insensitively.
func (db *DB) MembersByHandle(ctx context.Context, orgID, handle string) ([]record.Member, error) {
	h := strings.ToLower(handle)
	rows, err := db.reader(ctx).query(ctx, `SELECT u.id, u.name, u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = ? AND (lower(u.email) = ? OR substr(lower(u.email), 1, ?) = ?) ORDER BY u.email LIMIT 3`,
		orgID, h, len(h)+1, h+"@")
	if err != nil {
		return nil, fmt.Errorf("cannot find members named %q: %w", handle, err)
	}
	return collectMembers(rows)
}

func collectMembers(rows *sql.Rows) ([]record.Member, error) {
	ms, err := collect(rows, func(s scanner) (record.Member, error) {
		var m record.Member
		err := s.Scan(&m.UserID, &m.Name, &m.Email, &m.Role)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("cannot read members: %w", err)
	}
	return ms, nil
}

// MemberByUserID returns orgID's member userID, or ENOTFOUND.
func (db *DB) MemberByUserID(ctx context.Context, orgID, userID string) (*record.Member, error) {
	var m record.Member
	err := db.reader(ctx).row(ctx, `SELECT u.id, u.name, u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = ? AND m.user_id = ?`+db.shareLock(ctx, "m"), orgID, userID).Scan(&m.UserID, &m.Name, &m.Email, &m.Role)
	if err != nil {
		return nil, notFound(err, "Member")
	}
	return &m, nil
}

// CreateComment stores c, setting its id, version and time, with its activity entry.
func (db *DB) CreateComment(ctx context.Context, c *record.Comment) error {
	mentions, err := json.Marshal(c.Mentions)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		c.ID, c.Version, c.CreatedAt = aims.NewID(), 1, db.now()
		_, err := tx.q().exec(ctx, `INSERT INTO comments (id, org_id, record_type, record_id, parent_id, author_id, author_name,
			author_role, body, mentions, resolved_by, version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 1, ?)`,
			c.ID, c.OrgID, c.Record.Type, c.Record.ID, c.ParentID, c.AuthorID, c.AuthorName, c.AuthorRole, c.Body, string(mentions), c.CreatedAt)
		if err != nil {
			return fmt.Errorf("cannot store comment: %w", err)
		}
		return tx.record(ctx, c.OrgID, activity.ActionCreate, "comment", c.ID, nil, commentSnapshot(c))
	})
}

// commentSnapshot is what the activity trail keeps of a comment: its text and state, not its rendering.
func commentSnapshot(c *record.Comment) any {
	cp := *c
	cp.HTML = ""
	return &cp
}

// CommentByID returns orgID's comment id with its record's title, or ENOTFOUND.
func (db *DB) CommentByID(ctx context.Context, orgID, id string) (*record.Comment, error) {
	c, err := scanComment(db.reader(ctx).row(ctx, commentSelect+` WHERE c.org_id = ? AND c.id = ?`, orgID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, aims.Errorf(aims.ENOTFOUND, "No such comment.")
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read comment: %w", err)
	}
	if err := db.titleComments(ctx, orgID, []*record.Comment{c}); err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateComment stores c's body, mentions, edit time and resolution if its version is ifVersion
// (EPRECONDITION otherwise), raising the version, with its activity entry.
func (db *DB) UpdateComment(ctx context.Context, c *record.Comment, ifVersion int64) error {
	mentions, err := json.Marshal(c.Mentions)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanComment(tx.q().row(ctx, commentSelect+` WHERE c.org_id = ? AND c.id = ?`, c.OrgID, c.ID))
		if err != nil {
			return notFound(err, "Comment")
		}
		if before.Version != ifVersion {
			return aims.Stale("the comment", before.Version, ifVersion)
		}
		res, err := tx.q().exec(ctx, `UPDATE comments SET body = ?, mentions = ?, edited_at = ?, resolved_at = ?, resolved_by = ?,
			version = version + 1 WHERE org_id = ? AND id = ? AND version = ?`, c.Body, string(mentions), timeArg(c.EditedAt),
			timeArg(c.ResolvedAt), c.ResolvedBy, c.OrgID, c.ID, ifVersion)
		if err != nil {
			return fmt.Errorf("cannot update comment: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return aims.Stale("the comment", before.Version+1, ifVersion)
		}
		c.Version = ifVersion + 1
		before.Record, before.HTML = c.Record, ""
		return tx.record(ctx, c.OrgID, activity.ActionUpdate, "comment", c.ID, before, commentSnapshot(c))
	})
}

// ListComments returns a page of orgID's comments matching f: oldest first for one record or thread,
// newest first otherwise.
func (db *DB) ListComments(ctx context.Context, orgID string, f record.CommentFilter, p aims.Page) ([]*record.Comment, string, error) {
	limit := pageLimit(p.Limit)
	asc := f.Record != nil || f.Thread != ""
	cursor, cmp, order := "~", "<", "DESC"
	if asc {
		cursor, cmp, order = "", ">", "ASC"
	}
	if p.Cursor != "" {
		var err error
		if cursor, err = decodeCursor(p.Cursor); err != nil {
			return nil, "", err
		}
	}
	conds, args := commentConds(orgID, f)
	conds, args = append(conds, "c.id "+cmp+" ?"), append(args, cursor)
	rows, err := db.reader(ctx).query(ctx, commentSelect+` WHERE `+strings.Join(conds, " AND ")+` ORDER BY c.id `+order+` LIMIT ?`,
		append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list comments: %w", err)
	}
	cs, err := collect(rows, scanComment)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read comments: %w", err)
	}
	cs, next := pageOf(cs, limit, func(c *record.Comment) string { return c.ID })
	if err := db.titleComments(ctx, orgID, cs); err != nil {
		return nil, "", err
	}
	return cs, next, nil
}

// commentConds are the conditions of the comments of orgID that f selects.
func commentConds(orgID string, f record.CommentFilter) ([]string, []any) {
	conds, args := []string{"c.org_id = ?"}, []any{orgID}
	if f.Record != nil {
		conds = append(conds, "c.record_type = ?", "c.record_id = ?")
		args = append(args, f.Record.Type, f.Record.ID)
	}
	if f.Thread != "" {
		conds = append(conds, "c.parent_id = ?")
		args = append(args, f.Thread)
	}
	if f.Threads || f.Status != "" {
		conds = append(conds, "c.parent_id = ''")
	}
	switch f.Status {
	case "open":
		conds = append(conds, "c.resolved_at IS NULL")
	case "resolved":
		conds = append(conds, "c.resolved_at IS NOT NULL")
	}
	if f.AuthorRole != "" {
		conds = append(conds, "c.author_role = ?")
		args = append(args, f.AuthorRole)
	}
	return conds, args
}

// CountComments returns how many of orgID's comments f selects, counting no further than max+1.
func (db *DB) CountComments(ctx context.Context, orgID string, f record.CommentFilter, max int) (int, error) {
	conds, args := commentConds(orgID, f)
	return db.countUpTo(ctx, `SELECT 1 FROM comments c WHERE `+strings.Join(conds, " AND "), args, max)
}

// titleComments fills in the titles of the records cs are about.
func (db *DB) titleComments(ctx context.Context, orgID string, cs []*record.Comment) error {
	ends := make([]*record.End, len(cs))
	for i, c := range cs {
		ends[i] = &c.Record
	}
	return db.titleEnds(ctx, orgID, ends)
}

// DeleteRecordComments deletes the comments of refs; the activity trail keeps each as it was written.
func (db *DB) DeleteRecordComments(ctx context.Context, orgID string, refs []record.Ref) error {
	return db.deleteOfRecords(ctx, "comments", orgID, refs)
}
