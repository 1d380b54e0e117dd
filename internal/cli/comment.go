package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/store"
)

const commentUsage = "usage: aims comment add|list --org SLUG ..."

func runComment(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError(commentUsage)
	}
	switch args[0] {
	case "add":
		return runCommentAdd(ctx, env, args[1:])
	case "list":
		return runCommentList(ctx, env, args[1:])
	}
	return usageError("unknown comment command %q: use add or list", args[0])
}

// asMember returns ctx acting as the member with email in orgID, from the command line: comments and
// tasks are a person's.
func asMember(ctx context.Context, db *store.DB, orgID, orgSlug, email string) (context.Context, error) {
	u, err := db.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return nil, &aims.Error{Code: aims.EINVALID, Message: fmt.Sprintf("no user %q", email), Field: "as"}
	}
	m, err := db.MemberByUserID(ctx, orgID, u.ID)
	if err != nil {
		return nil, &aims.Error{Code: aims.EINVALID, Message: fmt.Sprintf("%s is not a member of %s", email, orgSlug), Field: "as"}
	}
	return aims.WithActor(ctx, aims.Actor{Kind: aims.ActorSystem, ID: "cli", Name: u.Name + " (command line)", UserID: u.ID,
		OrgID: orgID, OrgSlug: orgSlug, Role: m.Role}), nil
}

func runCommentAdd(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "comment add", "comment add --org SLUG --as EMAIL (--record TYPE:ID | --reply-to ID) TEXT (- reads it from standard input)")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	as := fs.String("as", "", "the email address of the member who writes the comment (required)")
	rec := fs.String("record", "", "the record commented on: system:ID or system:NAME, component:ID, control:KEY/REF")
	replyTo := fs.String("reply-to", "", "the id of the comment replied to")
	if err := fs.Parse(args); err != nil {
		return parse(fs, args)
	}
	if err := required("org", *org, "as", *as); err != nil {
		return err
	}
	if (*rec == "") == (*replyTo == "") {
		return usageError("name the record (--record) or the comment replied to (--reply-to)")
	}
	text := strings.Join(fs.Args(), " ")
	if text == "-" {
		b, err := io.ReadAll(io.LimitReader(env.Stdin, record.MaxCommentBytes+1))
		if err != nil {
			return err
		}
		text = string(b)
	}
	if strings.TrimSpace(text) == "" {
		return usageError("write the comment after the flags, or - to read it from standard input")
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
	n := record.NewComment{ParentID: *replyTo, Body: text}
	if *rec != "" {
		if n.Record, err = recordArg(ctx, db, o.ID, "record", *rec); err != nil {
			return err
		}
	}
	cm, err := sv.Records.AddComment(actx, o.ID, n)
	if aims.ErrorField(err) == "body" {
		return &aims.Error{Code: aims.EINVALID, Message: "the comment: " + aims.ErrorMessage(err)} // the text is no flag
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, cm.ID)
	what := "commented on"
	if cm.ParentID != "" {
		what = "replied on"
	}
	fmt.Fprintf(env.Stderr, "%s %s %s", cm.AuthorName, what, cm.Record.Name())
	for i, m := range cm.Mentions {
		if i == 0 {
			fmt.Fprint(env.Stderr, ", mentioning ")
		} else {
			fmt.Fprint(env.Stderr, ", ")
		}
		fmt.Fprint(env.Stderr, m.Name)
	}
	fmt.Fprintln(env.Stderr)
	return nil
}

func runCommentList(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "comment list", "comment list --org SLUG [--record TYPE:ID] [--author-role ROLE] [--status open|resolved] [--format text|json]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	rec := fs.String("record", "", "only the comments on this record (oldest first); otherwise the organization's, newest first")
	role := fs.String("author-role", "", "only comments whose author had this role (auditor: the questions of an audit)")
	status := fs.String("status", "", "only threads that are open or resolved")
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
	f := record.CommentFilter{AuthorRole: aims.Role(*role), Status: *status}
	if *rec != "" {
		r, err := recordRefArg(ctx, db, o.ID, "record", *rec)
		if err != nil {
			return err
		}
		f.Record = &r
	}
	each := func(fn func(*record.Comment) error) error {
		return eachPage(func(p aims.Page) ([]*record.Comment, string, error) { return sv.Records.Comments(ctx, o.ID, f, p) }, fn)
	}
	return writeItems(env.Stdout, *format, "ID\tTHREAD\tRECORD\tAUTHOR\tROLE\tSTATUS\tAT\tTEXT", each, func(cm *record.Comment) string {
		thread, status := "-", "open"
		if cm.ParentID != "" {
			thread, status = cm.ParentID, "reply"
		} else if cm.Resolved {
			status = "resolved"
		}
		line := []rune(strings.Join(strings.Fields(cm.Body), " "))
		if len(line) > 80 {
			line = append(line[:77], []rune("...")...)
		}
		return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", cm.ID, thread, cm.Record.Name(), cm.AuthorName, cm.AuthorRole, status,
			cm.CreatedAt.Format("2006-01-02 15:04"), string(line))
	})
}
