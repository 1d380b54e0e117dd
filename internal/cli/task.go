package cli

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

const taskUsage = "usage: aims task add|list --org SLUG ..."

func runTask(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError(taskUsage)
	}
	switch args[0] {
	case "add":
		return runTaskAdd(ctx, env, args[1:])
	case "list":
		return runTaskList(ctx, env, args[1:])
	}
	return usageError("unknown task command %q: use add or list", args[0])
}

func runTaskAdd(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "task add", "task add --org SLUG --as EMAIL --record TYPE:ID --title TEXT --owner EMAIL [--due YYYY-MM-DD] [--kind action|approval]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	as := fs.String("as", "", "the email address of the member who assigns the task (required)")
	rec := fs.String("record", "", "the record the task is about: system:ID or system:NAME, component:ID, control:KEY/REF (required)")
	title := fs.String("title", "", "what is to be done (required)")
	owner := fs.String("owner", "", "the email address of the member who owns the task (required)")
	due := fs.String("due", "", "when it is due, as YYYY-MM-DD")
	kind := fs.String("kind", record.TaskAction, "action (work to carry out) or approval (an approval the owner is to give)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "as", *as, "record", *rec, "title", *title, "owner", *owner); err != nil {
		return err
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	actx, err := asMember(ctx, db, o.ID, o.Slug, *as)
	if err != nil {
		return err
	}
	if err := aims.Authorize(aims.ActorFrom(actx).Role, aims.ActionCreate, aims.ResTask); err != nil {
		return err
	}
	ownerID, err := sv.Records.MemberID(ctx, o.ID, *owner, "owner")
	if err != nil {
		return err
	}
	r, err := recordArg(ctx, db, o.ID, "record", *rec)
	if err != nil {
		return err
	}
	t, err := sv.Records.CreateTask(actx, o.ID, record.NewTask{Record: r, Title: *title, OwnerID: ownerID, Due: *due, Kind: *kind})
	if aims.ErrorField(err) == "owner_id" {
		return &aims.Error{Code: aims.EINVALID, Message: aims.ErrorMessage(err), Field: "owner"}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, t.ID)
	if t.Kind == record.TaskApproval {
		fmt.Fprintf(env.Stderr, "%s is asked to approve %q on %s\n", t.OwnerName, t.Title, t.Record.Name())
	} else {
		fmt.Fprintf(env.Stderr, "%s owns %q on %s\n", t.OwnerName, t.Title, t.Record.Name())
	}
	return nil
}

func runTaskList(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "task list", "task list --org SLUG [--owner EMAIL] [--record TYPE:ID] [--status S] [--kind action|approval] [--overdue] [--format text|json]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	owner := fs.String("owner", "", "only the tasks of this member (email address)")
	rec := fs.String("record", "", "only the tasks on this record")
	status := fs.String("status", "", "active (open and in progress; the default), all, open, in_progress, done or cancelled")
	overdue := fs.Bool("overdue", false, "only active tasks past their due date")
	kind := fs.String("kind", "", "only tasks of this kind: action or approval (what waits for the owner's approval)")
	format := fs.String("format", "text", "text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError("--format must be text or json")
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	f := record.TaskFilter{Status: *status, Overdue: *overdue, Kind: *kind}
	if *status == "" {
		f.Status = "active"
	}
	if *owner != "" {
		if f.OwnerID, err = sv.Records.MemberID(ctx, o.ID, *owner, "owner"); err != nil {
			return err
		}
	}
	if *rec != "" {
		r, err := recordRefArg(ctx, db, o.ID, "record", *rec)
		if err != nil {
			return err
		}
		f.Record = &r
	}
	each := func(fn func(*record.Task) error) error {
		return eachPage(func(p aims.Page) ([]*record.Task, string, error) { return sv.Records.Tasks(ctx, o.ID, f, p) }, fn)
	}
	return writeItems(env.Stdout, *format, "ID\tDUE\tSTATUS\tKIND\tOWNER\tRECORD\tTITLE", each, func(t *record.Task) string {
		due := dash(t.Due)
		if t.Overdue {
			due += " (overdue)"
		}
		return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s", t.ID, due, t.Status, t.Kind, t.OwnerName, t.Record.Name(), t.Title)
	})
}
