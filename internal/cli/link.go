package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/store"
)

const linkUsage = "usage: aims link add|list|remove --org SLUG ..."

func runLink(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError(linkUsage)
	}
	switch args[0] {
	case "add":
		return runLinkAdd(ctx, env, args[1:])
	case "list":
		return runLinkList(ctx, env, args[1:])
	case "remove":
		return runLinkRemove(ctx, env, args[1:])
	}
	return usageError("unknown link command %q: use add, list or remove", args[0])
}

// recordArg reads a record named on the command line as TYPE:ID, where an AI system may also be named
// by its name (system:TalentMatch) and a control by framework key and reference.
func recordArg(ctx context.Context, db *store.DB, orgID, flag, s string) (string, error) {
	t, rest, _ := strings.Cut(strings.TrimSpace(s), ":")
	if record.Type(strings.ToLower(t)) == record.TypeSystem && rest != "" && !aims.ValidID(rest) {
		sys, err := systemNamed(ctx, db, orgID, rest)
		if err != nil {
			return "", &aims.Error{Code: aims.EINVALID, Message: aims.ErrorMessage(err), Field: flag}
		}
		return "system:" + sys.ID, nil
	}
	if _, err := record.ParseRef(s, flag); err != nil {
		return "", err
	}
	return s, nil
}

// recordRefArg is recordArg read into a reference.
func recordRefArg(ctx context.Context, db *store.DB, orgID, flag, s string) (record.Ref, error) {
	arg, err := recordArg(ctx, db, orgID, flag, s)
	if err != nil {
		return record.Ref{}, err
	}
	return record.ParseRef(arg, flag)
}

func runLinkAdd(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "link add", "link add --org SLUG --from TYPE:ID --relationship R --to TYPE:ID [--note TEXT]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	from := fs.String("from", "", "the record the link starts at: system:ID or system:NAME, component:ID, control:KEY/REF (required)")
	to := fs.String("to", "", "the record the link ends at, named the same way (required)")
	rel := fs.String("relationship", "", "implements, depends-on, evidences, mitigates, treats, affects, caused-by, follows-up, relates-to or addressed-by (required)")
	note := fs.String("note", "", "why the records are linked")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "from", *from, "relationship", *rel, "to", *to); err != nil {
		return err
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	f, err := recordArg(ctx, db, o.ID, "from", *from)
	if err != nil {
		return err
	}
	t, err := recordArg(ctx, db, o.ID, "to", *to)
	if err != nil {
		return err
	}
	l, err := sv.Records.Link(ctx, o.ID, record.NewLink{Relationship: *rel, From: f, To: t, Note: *note})
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, l.ID)
	fmt.Fprintf(env.Stderr, "linked: %s %s %s\n", l.From.Name(), l.Phrase(l.From.Ref()), l.To.Name())
	return nil
}

func runLinkList(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "link list", "link list --org SLUG (--record|--from|--to) TYPE:ID [--relationship R] [--format text|json]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	rec := fs.String("record", "", "links that start or end at this record")
	from := fs.String("from", "", "links that start at this record")
	to := fs.String("to", "", "links that end at this record")
	rel := fs.String("relationship", "", "only links of this relationship")
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
	named := 0
	for _, v := range []string{*rec, *from, *to} {
		if v != "" {
			named++
		}
	}
	if named != 1 {
		return usageError("name one record: --record, --from or --to")
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	var f record.Filter
	var self record.Ref
	for _, side := range []struct {
		flag, value string
		dst         **record.Ref
	}{{"record", *rec, &f.Record}, {"from", *from, &f.From}, {"to", *to, &f.To}} {
		if side.value == "" {
			continue
		}
		r, err := recordRefArg(ctx, db, o.ID, side.flag, side.value)
		if err != nil {
			return err
		}
		self, *side.dst = r, &r
	}
	f.Relationship = record.Relationship(*rel)
	each := func(fn func(*record.Link) error) error {
		return eachPage(func(p aims.Page) ([]*record.Link, string, error) { return sv.Records.List(ctx, o.ID, f, p) }, fn)
	}
	return writeItems(env.Stdout, *format, "ID\tRELATIONSHIP\tRECORD\tTITLE\tBY\tAT", each, func(l *record.Link) string {
		other, _ := l.Other(self)
		return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s", l.ID, l.Phrase(self), other.Ref(), other.Title, dash(l.CreatedBy), l.CreatedAt.Format("2006-01-02 15:04"))
	})
}

func runLinkRemove(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "link remove", "link remove --org SLUG --id ID")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	id := fs.String("id", "", "the link's id, as link add printed it or link list shows it (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "id", *id); err != nil {
		return err
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := sv.Records.Unlink(ctx, o.ID, *id); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "removed link %s\n", *id)
	return nil
}
