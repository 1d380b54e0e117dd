package record

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/notify"
)

// EventTaskReminder is the event of a task due tomorrow or overdue: it reaches its owner by e-mail only.
const EventTaskReminder = "task.reminder"

// ReminderStore finds the tasks to remind their owners of, in every organization.
type ReminderStore interface {
	// TasksToRemind returns up to n active tasks due on tomorrow, or before today, whose reminder for that
	// state of their due date has not been sent.
	TasksToRemind(ctx context.Context, today, tomorrow string, n int) ([]*Task, error)
	// MarkReminded records that the reminder key of task id of orgID was sent.
	MarkReminded(ctx context.Context, orgID, id, key string) error
}

// RemindTasks tells the owner of each active task due tomorrow, and of each overdue one, once per due date
// and state, as of now; it returns how many it reminded. The daily job calls it.
func (s *Service) RemindTasks(ctx context.Context, st ReminderStore, now time.Time) (int, error) {
	today := now.UTC().Format(time.DateOnly)
	tomorrow := now.UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	n := 0
	for {
		ts, err := st.TasksToRemind(ctx, today, tomorrow, 200)
		if err != nil {
			return n, err
		}
		for _, t := range ts {
			key, subject := "due:"+t.Due, "Due tomorrow: "+t.Title
			text := fmt.Sprintf("Your task on %s is due tomorrow, %s:\n\n%s", t.Record.Name(), t.Due, t.Title)
			if t.Due < today {
				key, subject = "overdue:"+t.Due, "Overdue: "+t.Title
				text = fmt.Sprintf("Your task on %s was due on %s:\n\n%s", t.Record.Name(), t.Due, t.Title)
			}
			err := s.store.Atomically(ctx, func(ctx context.Context) error {
				if err := s.publish(ctx, t.OrgID, notify.Event{Type: EventTaskReminder, Data: t, People: []string{t.OwnerID},
					Subject: subject, Text: text, Path: "/my-work"}); err != nil {
					return err
				}
				return st.MarkReminded(ctx, t.OrgID, t.ID, key)
			})
			if err != nil {
				return n, err
			}
			n++
		}
		if len(ts) < 200 {
			return n, nil
		}
	}
}
