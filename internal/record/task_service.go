package record

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/notify"
)

// CreateTask adds a task on a record of orgID: the one call every capability uses to give someone work
// (inside its own transaction, when it calls it with the context of one). The record must be orgID's
// (ENOTFOUND); the title must say something (EINVALID on title); the owner must be a member whose role
// may change the record (EINVALID on owner_id); the due date is YYYY-MM-DD (EINVALID on due); the kind is
// one of TaskKinds (EINVALID on kind). An approval is for the owner to give: their e-mail says so.
func (s *Service) CreateTask(ctx context.Context, orgID string, n NewTask) (*Task, error) {
	title, err := checkTitle(n.Title)
	if err != nil {
		return nil, err
	}
	due, err := checkDue(n.Due)
	if err != nil {
		return nil, err
	}
	kind := strings.TrimSpace(n.Kind)
	if kind == "" {
		kind = TaskAction
	}
	if !slices.Contains(TaskKinds, kind) {
		return nil, aims.FieldError("kind", "Unknown kind %q: use %s.", clip(kind), strings.Join(TaskKinds, ", "))
	}
	r, err := ParseRef(n.Record, "record")
	if err != nil {
		return nil, err
	}
	a := aims.ActorFrom(ctx)
	t := &Task{OrgID: orgID, Title: title, Due: due, Status: TaskOpen, Kind: kind, CreatedBy: a.Name}
	err = s.store.Atomically(ctx, func(ctx context.Context) error {
		if t.Record, err = s.Resolve(ctx, orgID, r); err != nil {
			return err
		}
		if t.OwnerName, err = s.checkOwner(ctx, orgID, n.OwnerID, t.Record.Type); err != nil {
			return err
		}
		t.OwnerID = n.OwnerID
		if err := s.store.CreateTask(ctx, t); err != nil {
			return err
		}
		s.judge(t)
		return s.publish(ctx, orgID, s.taskEvent(notify.EventTaskCreated, t, a, true))
	})
	if err != nil {
		return nil, err
	}
	s.judge(t)
	return t, nil
}

// UpdateTask changes task id of orgID by u, if its version is ifVersion (0: any; EPRECONDITION
// otherwise), with the rules of CreateTask; a status is one of TaskStatuses (EINVALID on status).
// Closing a task (done, cancelled) records when; opening it again clears that.
func (s *Service) UpdateTask(ctx context.Context, orgID, id string, u TaskUpdate, ifVersion int64) (*Task, error) {
	var t *Task
	err := s.store.Atomically(ctx, func(ctx context.Context) error {
		var err error
		if t, err = s.Task(ctx, orgID, id); err != nil {
			return err
		}
		if ifVersion != 0 && ifVersion != t.Version {
			return aims.Stale("the task", t.Version, ifVersion)
		}
		if u.Title != nil {
			if t.Title, err = checkTitle(*u.Title); err != nil {
				return err
			}
		}
		if u.Due != nil {
			if t.Due, err = checkDue(*u.Due); err != nil {
				return err
			}
		}
		newOwner := false
		if u.OwnerID != nil && *u.OwnerID != t.OwnerID {
			if t.OwnerName, err = s.checkOwner(ctx, orgID, *u.OwnerID, t.Record.Type); err != nil {
				return err
			}
			t.OwnerID, newOwner = *u.OwnerID, true
		}
		if u.Status != nil && *u.Status != t.Status {
			if !slices.Contains(TaskStatuses, *u.Status) {
				return aims.FieldError("status", "Unknown status %q: use %s.", clip(*u.Status), strings.Join(TaskStatuses, ", "))
			}
			t.Status = *u.Status
			t.CompletedAt = nil
			if !t.Active() {
				now := s.Now()
				t.CompletedAt = &now
			}
		}
		if err := s.store.UpdateTask(ctx, t, t.Version); err != nil {
			return err
		}
		s.judge(t)
		return s.publish(ctx, orgID, s.taskEvent(notify.EventTaskUpdated, t, aims.ActorFrom(ctx), newOwner))
	})
	if err != nil {
		return nil, err
	}
	s.judge(t)
	return t, nil
}

// Task returns orgID's task id, or ENOTFOUND.
func (s *Service) Task(ctx context.Context, orgID, id string) (*Task, error) {
	if !aims.ValidID(id) {
		return nil, aims.Errorf(aims.ENOTFOUND, "No such task.")
	}
	t, err := s.store.TaskByID(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	s.judge(t)
	return t, nil
}

// Tasks returns a page of orgID's tasks matching f: by due date, overdue first and undated last. An
// owner's list holds their active tasks unless f asks for another status; the record f names must be
// orgID's (ENOTFOUND).
func (s *Service) Tasks(ctx context.Context, orgID string, f TaskFilter, p aims.Page) ([]*Task, string, error) {
	if err := f.check(); err != nil {
		return nil, "", err
	}
	if f.Record != nil {
		e, err := s.Resolve(ctx, orgID, *f.Record)
		if err != nil {
			return nil, "", err
		}
		canon := e.Ref()
		f.Record = &canon
	}
	if f.Status == "" && f.Record == nil {
		f.Status = "active"
	}
	f.Today = s.Today()
	ts, next, err := s.store.ListTasks(ctx, orgID, f, p)
	if err != nil {
		return nil, "", err
	}
	for _, t := range ts {
		s.judge(t)
	}
	return ts, next, nil
}

// MyWork returns a page of what userID owns in orgID and is still to be done, overdue first.
func (s *Service) MyWork(ctx context.Context, orgID, userID string, p aims.Page) ([]*Task, string, error) {
	return s.Tasks(ctx, orgID, TaskFilter{OwnerID: userID, Status: "active"}, p)
}

// WorkCount summarizes a person's work: how many active tasks they own, how many of those are overdue and
// how many are approvals waiting for them (each at most the max asked for), and whether there are more
// active tasks than that.
type WorkCount struct {
	Active, Overdue, Approvals int
	More                       bool
}

// CountMyWork counts what userID owns in orgID, each count up to max: a summary, with no task read.
func (s *Service) CountMyWork(ctx context.Context, orgID, userID string, max int) (WorkCount, error) {
	f := TaskFilter{OwnerID: userID, Status: "active", Today: s.Today()}
	var c WorkCount
	var err error
	if c.Active, err = s.store.CountTasks(ctx, orgID, f, max); err != nil {
		return WorkCount{}, err
	}
	af := f
	af.Kind = TaskApproval
	if c.Approvals, err = s.store.CountTasks(ctx, orgID, af, max); err != nil {
		return WorkCount{}, err
	}
	f.Overdue = true
	if c.Overdue, err = s.store.CountTasks(ctx, orgID, f, max); err != nil {
		return WorkCount{}, err
	}
	c.More = c.Active > max
	c.Active, c.Overdue, c.Approvals = min(c.Active, max), min(c.Overdue, max), min(c.Approvals, max)
	return c, nil
}

// MemberID returns the user id of the member of orgID named by who: an id, or an email address.
func (s *Service) MemberID(ctx context.Context, orgID, who, field string) (string, error) {
	who = strings.TrimSpace(who)
	if aims.ValidID(who) {
		if _, err := s.store.MemberByUserID(ctx, orgID, who); err != nil {
			return "", aims.FieldError(field, "No member with that id.")
		}
		return who, nil
	}
	if strings.Contains(who, "@") {
		ms, err := s.store.MembersByHandle(ctx, orgID, who)
		if err != nil {
			return "", err
		}
		for _, m := range ms {
			if strings.EqualFold(m.Email, who) {
				return m.UserID, nil
			}
		}
	}
	return "", aims.FieldError(field, "%q is not a member of this organization: name a member by email address or id.", clip(who))
}

// taskEvent is the event of a task made or changed by a; when assigned, its owner (unless they did it
// themselves) is told by e-mail.
func (s *Service) taskEvent(typ string, t *Task, a aims.Actor, assigned bool) notify.Event {
	e := notify.Event{Type: typ, Data: t, Path: "/my-work"}
	if assigned && t.OwnerID != a.UserID {
		e.People = []string{t.OwnerID}
		e.Subject = "Task for you: " + t.Title
		e.Text = fmt.Sprintf("%s gave you a task on %s:\n\n%s", a.Name, t.Record.Name(), t.Title)
		if t.Kind == TaskApproval {
			e.Subject = "Approval waiting: " + t.Title
			e.Text = fmt.Sprintf("%s asks for your approval on %s:\n\n%s", a.Name, t.Record.Name(), t.Title)
		}
		if t.Due != "" {
			e.Text += "\n\nIt is due on " + t.Due + "."
		}
	}
	return e
}

// Today is the date, in UTC, on which tasks are overdue or not.
func (s *Service) Today() string { return s.Now().UTC().Format("2006-01-02") }

func (s *Service) judge(t *Task) { t.Overdue = t.Active() && t.Due != "" && t.Due < s.Today() }

// checkOwner returns the name of the member userID, who must be a member of orgID whose role may change
// records of type t.
func (s *Service) checkOwner(ctx context.Context, orgID, userID string, t Type) (string, error) {
	res := t.Resource()
	if strings.TrimSpace(userID) == "" {
		return "", aims.FieldError("owner_id", "Name who owns the task.")
	}
	m, err := s.store.MemberByUserID(ctx, orgID, userID)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return "", aims.OwnerError("owner_id", "", res)
	}
	if err != nil {
		return "", err
	}
	if !aims.MayOwn(m.Role, res) {
		return "", aims.OwnerError("owner_id", m.Role, res)
	}
	return m.Name, nil
}
