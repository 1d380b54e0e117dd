package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/record"
)

const taskSelect = `SELECT t.id, t.org_id, t.record_type, t.record_id, t.title, t.owner_id, COALESCE(u.name, ''), t.due, t.status, t.kind,
	t.created_by, t.version, t.created_at, t.updated_at, t.completed_at
	FROM tasks t LEFT JOIN users u ON u.id = t.owner_id`

func scanTask(s scanner) (*record.Task, error) {
	var t record.Task
	var completed sql.NullTime
	if err := s.Scan(&t.ID, &t.OrgID, &t.Record.Type, &t.Record.ID, &t.Title, &t.OwnerID, &t.OwnerName, &t.Due, &t.Status, &t.Kind,
		&t.CreatedBy, &t.Version, &t.CreatedAt, &t.UpdatedAt, &completed); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt, t.CompletedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC(), nullTime(completed)
	return &t, nil
}

func taskActive(t *record.Task) int {
	if t.Active() {
		return 1
	}
	return 0
}

// CreateTask stores t, setting its id, version and times, with its activity entry.
func (db *DB) CreateTask(ctx context.Context, t *record.Task) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		t.ID, t.Version = aims.NewID(), 1
		t.CreatedAt = db.now()
		t.UpdatedAt = t.CreatedAt
		_, err := tx.q().exec(ctx, `INSERT INTO tasks (id, org_id, record_type, record_id, title, owner_id, due, due_key, status, active,
			kind, created_by, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			t.ID, t.OrgID, t.Record.Type, t.Record.ID, t.Title, t.OwnerID, t.Due, record.DueKey(t.Due), t.Status, taskActive(t),
			t.Kind, t.CreatedBy, t.CreatedAt, t.UpdatedAt)
		if err != nil {
			return fmt.Errorf("cannot store task: %w", err)
		}
		return tx.record(ctx, t.OrgID, activity.ActionCreate, "task", t.ID, nil, t)
	})
}

// TaskByID returns orgID's task id with its record's title, or ENOTFOUND.
func (db *DB) TaskByID(ctx context.Context, orgID, id string) (*record.Task, error) {
	t, err := scanTask(db.reader(ctx).row(ctx, taskSelect+` WHERE t.org_id = ? AND t.id = ?`, orgID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, aims.Errorf(aims.ENOTFOUND, "No such task.")
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read task: %w", err)
	}
	if err := db.titleTasks(ctx, orgID, []*record.Task{t}); err != nil {
		return nil, err
	}
	return t, nil
}

// UpdateTask stores t's fields if its version is ifVersion (EPRECONDITION otherwise), raising the
// version, with its activity entry.
func (db *DB) UpdateTask(ctx context.Context, t *record.Task, ifVersion int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanTask(tx.q().row(ctx, taskSelect+` WHERE t.org_id = ? AND t.id = ?`, t.OrgID, t.ID))
		if err != nil {
			return notFound(err, "Task")
		}
		if before.Version != ifVersion {
			return aims.Stale("the task", before.Version, ifVersion)
		}
		now := db.now()
		res, err := tx.q().exec(ctx, `UPDATE tasks SET title = ?, owner_id = ?, due = ?, due_key = ?, status = ?, active = ?,
			completed_at = ?, version = version + 1, updated_at = ? WHERE org_id = ? AND id = ? AND version = ?`,
			t.Title, t.OwnerID, t.Due, record.DueKey(t.Due), t.Status, taskActive(t), timeArg(t.CompletedAt), now, t.OrgID, t.ID, ifVersion)
		if err != nil {
			return fmt.Errorf("cannot update task: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return aims.Stale("the task", before.Version+1, ifVersion)
		}
		t.Version, t.UpdatedAt = ifVersion+1, now
		before.Record = t.Record
		return tx.record(ctx, t.OrgID, activity.ActionUpdate, "task", t.ID, before, t)
	})
}

// ListTasks returns a page of orgID's tasks matching f, by due date (overdue first, undated last), then
// by id. An owner's active tasks are one range of an index, however many tasks the organization has.
func (db *DB) ListTasks(ctx context.Context, orgID string, f record.TaskFilter, p aims.Page) ([]*record.Task, string, error) {
	limit := pageLimit(p.Limit)
	afterKey, afterID := "", ""
	if p.Cursor != "" {
		c, err := decodeCursor(p.Cursor)
		if err != nil {
			return nil, "", err
		}
		var ok bool
		if afterKey, afterID, ok = strings.Cut(c, "|"); !ok {
			return nil, "", aims.FieldError("cursor", "The cursor is not valid.")
		}
	}
	conds, args := taskConds(orgID, f)
	if p.Cursor != "" {
		conds = append(conds, "(t.due_key > ? OR (t.due_key = ? AND t.id > ?))")
		args = append(args, afterKey, afterKey, afterID)
	}
	rows, err := db.reader(ctx).query(ctx, taskSelect+` WHERE `+strings.Join(conds, " AND ")+` ORDER BY t.due_key, t.id LIMIT ?`,
		append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list tasks: %w", err)
	}
	ts, err := collect(rows, scanTask)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read tasks: %w", err)
	}
	ts, next := pageOf(ts, limit, func(t *record.Task) string { return record.DueKey(t.Due) + "|" + t.ID })
	if err := db.titleTasks(ctx, orgID, ts); err != nil {
		return nil, "", err
	}
	return ts, next, nil
}

// taskConds are the conditions of the tasks of orgID that f selects.
func taskConds(orgID string, f record.TaskFilter) ([]string, []any) {
	conds, args := []string{"t.org_id = ?"}, []any{orgID}
	if f.OwnerID != "" {
		conds = append(conds, "t.owner_id = ?")
		args = append(args, f.OwnerID)
	}
	if f.Kind != "" {
		conds = append(conds, "t.kind = ?")
		args = append(args, f.Kind)
	}
	if f.Record != nil {
		conds = append(conds, "t.record_type = ?", "t.record_id = ?")
		args = append(args, f.Record.Type, f.Record.ID)
	}
	switch f.Status {
	case "", "all":
	case "active":
		conds = append(conds, "t.active = 1")
	default:
		conds = append(conds, "t.status = ?")
		args = append(args, f.Status)
	}
	if f.Overdue {
		conds = append(conds, "t.active = 1", "t.due_key < ?")
		args = append(args, f.Today)
	}
	return conds, args
}

// CountTasks returns how many of orgID's tasks f selects, counting no further than max+1.
func (db *DB) CountTasks(ctx context.Context, orgID string, f record.TaskFilter, max int) (int, error) {
	conds, args := taskConds(orgID, f)
	return db.countUpTo(ctx, `SELECT 1 FROM tasks t WHERE `+strings.Join(conds, " AND "), args, max)
}

// titleTasks fills in the titles of the records ts are about.
func (db *DB) titleTasks(ctx context.Context, orgID string, ts []*record.Task) error {
	ends := make([]*record.End, len(ts))
	for i, t := range ts {
		ends[i] = &t.Record
	}
	return db.titleEnds(ctx, orgID, ends)
}

// DeleteRecordTasks deletes the tasks of refs; the activity trail keeps each as it was.
func (db *DB) DeleteRecordTasks(ctx context.Context, orgID string, refs []record.Ref) error {
	return db.deleteOfRecords(ctx, "tasks", orgID, refs)
}

var _ record.ReminderStore = (*DB)(nil)

// TasksToRemind returns up to n active tasks, in any organization, due on tomorrow or before today whose
// reminder for that state has not been sent.
func (db *DB) TasksToRemind(ctx context.Context, today, tomorrow string, n int) ([]*record.Task, error) {
	rows, err := db.reader(ctx).query(ctx, taskSelect+` WHERE t.active = 1 AND t.due <> '' AND
		((t.due = ? AND t.reminded <> ('due:' || t.due)) OR (t.due < ? AND t.reminded <> ('overdue:' || t.due)))
		ORDER BY t.due, t.id LIMIT ?`, tomorrow, today, n)
	if err != nil {
		return nil, fmt.Errorf("cannot find tasks to remind: %w", err)
	}
	ts, err := collect(rows, scanTask)
	if err != nil {
		return nil, fmt.Errorf("cannot read tasks to remind: %w", err)
	}
	byOrg := map[string][]*record.Task{}
	for _, t := range ts {
		byOrg[t.OrgID] = append(byOrg[t.OrgID], t)
	}
	for orgID, ots := range byOrg {
		if err := db.titleTasks(ctx, orgID, ots); err != nil {
			return nil, err
		}
	}
	return ts, nil
}

// MarkReminded records that reminder key of orgID's task id was sent.
func (db *DB) MarkReminded(ctx context.Context, orgID, id, key string) error {
	if _, err := db.writer(ctx).exec(ctx, `UPDATE tasks SET reminded = ? WHERE org_id = ? AND id = ?`, key, orgID, id); err != nil {
		return fmt.Errorf("cannot mark task %s reminded: %w", id, err)
	}
	return nil
}
