package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/record"
)

// recordTasksShown is how many of a record's tasks its page shows at a time; myWorkPageSize how many
// tasks "My work" lists at a time.
const (
	recordTasksShown = 50
	myWorkPageSize   = 50
)

// RecordTasks is the "Tasks" card every record's page shows: the record's tasks, overdue first, and for
// those who may assign work a form to add one.
type RecordTasks struct {
	Self     record.End
	Tasks    []*record.Task
	MoreHref string
	CanAdd   bool
	CanEdit  bool
	// Owners are the members who may own a task on the record.
	Owners []*account.Membership
	// ShowRecord and Back tell the task table shared with "My work" to leave out the record column and to
	// come back here after a change.
	ShowRecord bool
	Back       string
}

// Statuses are the task statuses.
func (RecordTasks) Statuses() []string { return record.TaskStatuses }

// recordTasks builds the tasks card of the record self for the request r.
func (w *Web) recordTasks(ctx context.Context, r *http.Request, v *visit, self record.End) (RecordTasks, error) {
	rt := RecordTasks{Self: self, CanAdd: v.may(aims.ActionCreate, aims.ResTask), CanEdit: v.may(aims.ActionUpdate, aims.ResTask)}
	ref := self.Ref()
	ts, next, err := w.Records.Tasks(ctx, v.org.ID, record.TaskFilter{Record: &ref, Status: "all"}, pageOf(r.URL.Query().Get("tasks"), recordTasksShown))
	if err != nil {
		return rt, err
	}
	rt.Tasks = ts
	if next != "" {
		rt.MoreHref = self.Path() + "?" + url.Values{"tasks": {next}}.Encode() + "#record-tasks-title"
	}
	if rt.CanAdd {
		ms, _, err := w.Accounts.Store().ListMembers(ctx, v.org.ID, pageOf("", 200))
		if err != nil {
			return rt, err
		}
		rt.Owners = mayOwn(ms, self.Type.Resource())
	}
	return rt, nil
}

// addTask adds a task on the record the form names and returns to its page.
func (w *Web) addTask(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	ctx := r.Context()
	self, err := w.selfRecord(ctx, v, r.PostFormValue("self"))
	if err != nil {
		return err
	}
	back := self.Path() + "#record-tasks-title"
	t, err := w.Records.CreateTask(ctx, v.org.ID, record.NewTask{Record: self.Ref().String(), Title: r.PostFormValue("title"),
		OwnerID: r.PostFormValue("owner_id"), Due: r.PostFormValue("due"), Kind: r.PostFormValue("kind")})
	if err != nil {
		if !commentRefusal(err) && aims.ErrorCode(err) != aims.ENOTFOUND {
			return err
		}
		w.flash(rw, flashWarn, "No task added: "+aims.ErrorMessage(err))
		http.Redirect(rw, r, back, http.StatusSeeOther)
		return nil
	}
	if t.Kind == record.TaskApproval {
		w.flash(rw, flashOK, fmt.Sprintf("%s is asked to approve “%s”.", t.OwnerName, t.Title))
	} else {
		w.flash(rw, flashOK, fmt.Sprintf("%s owns “%s”.", t.OwnerName, t.Title))
	}
	http.Redirect(rw, r, back, http.StatusSeeOther)
	return nil
}

// setTaskStatus moves a task to the status the form names and returns to where the form was.
func (w *Web) setTaskStatus(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	ctx := r.Context()
	cur, err := w.Records.Task(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	back := cur.Record.Path() + "#record-tasks-title"
	if r.PostFormValue("back") == "my-work" {
		back = "/my-work"
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	status := r.PostFormValue("status")
	t, err := w.Records.UpdateTask(ctx, v.org.ID, id, record.TaskUpdate{Status: &status}, version)
	if err != nil {
		if !commentRefusal(err) {
			return err
		}
		w.flash(rw, flashWarn, aims.ErrorMessage(err))
		http.Redirect(rw, r, back, http.StatusSeeOther)
		return nil
	}
	w.flash(rw, flashOK, fmt.Sprintf("“%s” is %s.", t.Title, taskStatusLabel(t.Status)))
	http.Redirect(rw, r, back, http.StatusSeeOther)
	return nil
}

// taskStatusLabel names a task status for people: "in progress".
func taskStatusLabel(s string) string {
	switch s {
	case record.TaskInProgress:
		return "in progress"
	}
	return s
}

// MyWorkPage lists what waits for the visitor's approval, then what else they own and is still to be
// done, each overdue first.
type MyWorkPage struct {
	Layout
	Tasks    []*record.Task
	Overdue  int
	MoreHref string
	// Approvals are the approvals waiting for the visitor, a page at a time (MoreApprovalsHref).
	Approvals         []*record.Task
	MoreApprovalsHref string
	CanEdit           bool
	// ShowRecord and Back tell the shared task table to show each task's record and to come back here.
	ShowRecord bool
	Back       string
	// EmailMode is how the visitor is e-mailed (immediate, digest, off); Mail whether aims sends e-mail.
	EmailMode string
	Mail      bool
}

// ApprovalTable is the page as the task table shows its approvals.
func (p MyWorkPage) ApprovalTable() MyWorkPage {
	q := p
	q.Tasks, q.MoreHref = p.Approvals, p.MoreApprovalsHref
	return q
}

// myWorkPage shows the visitor's active tasks: the approvals waiting for them apart.
func (w *Web) myWorkPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	mine := record.TaskFilter{OwnerID: v.user.ID, Status: "active", Kind: record.TaskAction}
	ts, next, err := w.Records.Tasks(ctx, v.org.ID, mine, pageOf(r.URL.Query().Get("cursor"), myWorkPageSize))
	if err != nil {
		return err
	}
	mine.Kind = record.TaskApproval
	approvals, nextApproval, err := w.Records.Tasks(ctx, v.org.ID, mine, pageOf(r.URL.Query().Get("approvals"), myWorkPageSize))
	if err != nil {
		return err
	}
	mode, err := w.Notify.EmailMode(ctx, v.org.ID, v.user.ID)
	if err != nil {
		return err
	}
	p := MyWorkPage{Layout: w.layout(rw, r, v, "My work", "/my-work"), Tasks: ts, CanEdit: v.may(aims.ActionUpdate, aims.ResTask),
		ShowRecord: true, Back: "my-work", EmailMode: mode, Mail: w.Notify.Mail != nil, Approvals: approvals}
	for _, t := range append(approvals, ts...) {
		if t.Overdue {
			p.Overdue++
		}
	}
	if next != "" {
		p.MoreHref = "/my-work?" + url.Values{"cursor": {next}}.Encode() + "#my-tasks-title"
	}
	if nextApproval != "" {
		p.MoreApprovalsHref = "/my-work?" + url.Values{"approvals": {nextApproval}}.Encode() + "#my-approvals-title"
	}
	return w.render(rw, r, http.StatusOK, "my_work", p)
}

// setEmailMode records how the visitor wants e-mail from the organization and returns to "My work".
func (w *Web) setEmailMode(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	if err := w.Notify.SetEmailMode(r.Context(), v.org.ID, v.user.ID, r.PostFormValue("email")); err != nil {
		if aims.ErrorCode(err) != aims.EINVALID {
			return err
		}
		w.flash(rw, flashWarn, aims.ErrorMessage(err))
	} else {
		w.flash(rw, flashOK, "Your e-mail setting is saved.")
	}
	http.Redirect(rw, r, "/my-work#notify-title", http.StatusSeeOther)
	return nil
}
