package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/impact"
)

const impactUsage = "usage: aims impact list|show|export|set|approve --org SLUG ..."

func runImpact(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError(impactUsage)
	}
	switch args[0] {
	case "list":
		return runImpactList(ctx, env, args[1:])
	case "show":
		return runImpactShow(ctx, env, args[1:])
	case "export":
		return runImpactExport(ctx, env, args[1:])
	case "set":
		return runImpactSet(ctx, env, args[1:])
	case "approve":
		return runImpactApprove(ctx, env, args[1:])
	}
	return usageError("unknown impact command %q: use list, show, export, set or approve", args[0])
}

func runImpactList(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "impact list", "impact list --org SLUG [--stale] [--overdue] [--due-before YYYY-MM-DD] [--format text|json]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	stale := fs.Bool("stale", false, "only those whose approved version is stale: the system changed, or the reassessment is overdue")
	overdue := fs.Bool("overdue", false, "only those whose reassessment date has passed")
	due := fs.String("due-before", "", "only those to be reassessed before this date")
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
	f := impact.Filter{Stale: *stale, Overdue: *overdue, DueBefore: *due}
	each := func(fn func(*impact.Summary) error) error {
		return eachPage(func(p aims.Page) ([]*impact.Summary, string, error) { return sv.Impacts.List(ctx, o.ID, f, p) }, fn)
	}
	err = writeItems(env.Stdout, *format, "SYSTEM\tLATEST\tAPPROVED\tREASSESS BY\tOWNER\tSTALE", each, func(m *impact.Summary) string {
		approved, stale := "-", "-"
		if m.Approved > 0 {
			approved = fmt.Sprint(m.Approved)
		}
		if m.Stale {
			stale = m.StaleReason
		}
		return fmt.Sprintf("%s\t%d (%s)\t%s\t%s\t%s\t%s", m.SystemName, m.Latest, m.LatestStatus, approved, dash(m.ReassessBy), dash(m.OwnerName), stale)
	})
	if aims.ErrorField(err) == "due_before" {
		return &aims.Error{Code: aims.EINVALID, Message: aims.ErrorMessage(err), Field: "due-before"}
	}
	return err
}

// impactTarget reads the flags every command about one system's assessment takes.
type impactTarget struct {
	org, system *string
	version     *int64
}

func addImpactTarget(fs interface {
	String(name, value, usage string) *string
	Int64(name string, value int64, usage string) *int64
}, version bool) impactTarget {
	t := impactTarget{org: fs.String("org", "", "organization slug (required)"),
		system: fs.String("system", "", "the AI system, by name or id (required)"), version: new(int64)}
	if version {
		t.version = fs.Int64("version", 0, "a version of the assessment (default: the newest)")
	}
	return t
}

func runImpactShow(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "impact show", "impact show --org SLUG --system NAME [--version N] [--format text|json]")
	c.StoreFlags(fs)
	tg := addImpactTarget(fs, true)
	format := fs.String("format", "text", "text (the version, then every version) or json (the version)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *tg.org, "system", *tg.system); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError("--format must be text or json")
	}
	db, o, sv, err := orgServices(ctx, &c, *tg.org)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := systemByRef(ctx, db, o.ID, *tg.system)
	if err != nil {
		return err
	}
	a, err := sv.Impacts.Assessment(ctx, o.ID, s.ID, *tg.version)
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	var buf bytes.Buffer
	if err := sv.Impacts.Export(ctx, o.ID, o.Name, s.ID, a.Version, "md", &buf); err != nil {
		return err
	}
	vs, err := sv.Impacts.Versions(ctx, o.ID, s.ID)
	if err != nil {
		return err
	}
	buf.WriteString("\n## Versions\n\n")
	for _, v := range vs {
		line := fmt.Sprintf("- %d %s", v.Version, v.Status)
		if v.ApprovedAt != nil {
			line += " by " + v.ApprovedByName + " on " + v.ApprovedAt.Format("2006-01-02")
		}
		if v.Version == v.Approved {
			line += " (in force)"
		}
		buf.WriteString(line + "\n")
	}
	_, err = env.Stdout.Write(buf.Bytes())
	return err
}

func runImpactExport(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "impact export", "impact export --org SLUG --system NAME [--version N] [--format md|pdf|xlsx] [--out FILE]")
	c.StoreFlags(fs)
	tg := addImpactTarget(fs, true)
	format := fs.String("format", "md", "md, pdf or xlsx")
	out := fs.String("out", "", "write the export to this file instead of standard output")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *tg.org, "system", *tg.system); err != nil {
		return err
	}
	if err := impact.CheckFormat(*format); err != nil {
		return usageError("--format must be md, pdf or xlsx")
	}
	db, o, sv, err := orgServices(ctx, &c, *tg.org)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := systemByRef(ctx, db, o.ID, *tg.system)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := sv.Impacts.Export(ctx, o.ID, o.Name, s.ID, *tg.version, *format, &buf); err != nil {
		return err
	}
	if *out == "" {
		_, err = env.Stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", *out, err)
	}
	fmt.Fprintf(env.Stderr, "wrote %s\n", *out)
	return nil
}

// runImpactSet starts the system's assessment from the file, or changes its newest version: the file's
// fields are laid over the version's (a list given replaces the stored one whole), and an approved
// version is copied to a new draft that takes them.
func runImpactSet(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "impact set", "impact set --org SLUG --system NAME --as EMAIL --file JSON [--owner EMAIL]")
	c.StoreFlags(fs)
	tg := addImpactTarget(fs, false)
	as := fs.String("as", "", "the email address of the member who makes the change (required)")
	file := fs.String("file", "", "the assessment's fields as JSON, as the API takes them (required)")
	owner := fs.String("owner", "", "the email address of the member who owns the assessment")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *tg.org, "system", *tg.system, "as", *as, "file", *file); err != nil {
		return err
	}
	raw, err := os.ReadFile(*file)
	if err != nil {
		return &aims.Error{Code: aims.EINVALID, Message: fmt.Sprintf("cannot read %s: %v", *file, err), Field: "file"}
	}
	var given map[string]json.RawMessage
	if err := api.DecodeJSON(bytes.NewReader(raw), &impact.Fields{}); err != nil {
		return fileError(*file, err)
	}
	if err := json.Unmarshal(raw, &given); err != nil {
		return fileError(*file, err)
	}
	db, o, sv, err := orgServices(ctx, &c, *tg.org)
	if err != nil {
		return err
	}
	defer db.Close()
	actx, err := asMember(ctx, db, o.ID, o.Slug, *as)
	if err != nil {
		return err
	}
	s, err := systemByRef(ctx, db, o.ID, *tg.system)
	if err != nil {
		return err
	}
	cur, err := sv.Impacts.Assessment(ctx, o.ID, s.ID, 0)
	creating := aims.ErrorCode(err) == aims.ENOTFOUND
	action := aims.ActionUpdate
	if creating {
		action = aims.ActionCreate
	} else if err != nil {
		return err
	}
	if err := aims.Authorize(aims.ActorFrom(actx).Role, action, aims.ResImpact); err != nil {
		return err
	}
	var f impact.Fields
	if !creating {
		f = impact.FieldsOf(cur)
		for name, clear := range map[string]func(){"affected": func() { f.Affected = nil }, "impacts": func() { f.Impacts = nil },
			"fria": func() { f.FRIA = nil }} {
			if _, ok := given[name]; ok {
				clear()
			}
		}
	}
	if err := api.DecodeJSON(bytes.NewReader(raw), &f); err != nil {
		return fileError(*file, err)
	}
	if *owner != "" {
		if f.OwnerID, err = sv.Records.MemberID(ctx, o.ID, *owner, "owner"); err != nil {
			return err
		}
	}
	var a *impact.Assessment
	verb := "changed draft"
	if creating {
		a, err = sv.Impacts.Create(actx, o.ID, s.ID, f)
		verb = "started draft"
	} else {
		var created bool
		a, created, err = sv.Impacts.Update(actx, o.ID, s.ID, cur.Version, f, 0)
		if created {
			verb = fmt.Sprintf("version %d is approved and stays as it is; made draft", cur.Version)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "%s version %d of the impact assessment of %s\n", verb, a.Version, s.Name)
	if a.FRIARequired {
		fmt.Fprintln(env.Stderr, "EU AI Act Art. 27 applies to this system: the FRIA elements (fria) are required for approval")
	}
	return nil
}

// fileError names the file at fault in a decoding error.
func fileError(file string, err error) error {
	msg := aims.ErrorMessage(err)
	if f := aims.ErrorField(err); f != "" {
		msg = f + ": " + msg
	}
	return &aims.Error{Code: aims.EINVALID, Message: strings.TrimSpace(file + ": " + msg), Field: "file"}
}

func runImpactApprove(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "impact approve", "impact approve --org SLUG --system NAME --as EMAIL [--version N]")
	c.StoreFlags(fs)
	tg := addImpactTarget(fs, true)
	as := fs.String("as", "", "the email address of the manager (or admin, owner) who approves (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *tg.org, "system", *tg.system, "as", *as); err != nil {
		return err
	}
	db, o, sv, err := orgServices(ctx, &c, *tg.org)
	if err != nil {
		return err
	}
	defer db.Close()
	actx, err := asMember(ctx, db, o.ID, o.Slug, *as)
	if err != nil {
		return err
	}
	s, err := systemByRef(ctx, db, o.ID, *tg.system)
	if err != nil {
		return err
	}
	a, err := sv.Impacts.Approve(actx, o.ID, s.ID, *tg.version, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "approved version %d of the impact assessment of %s; reassess by %s\n", a.Version, s.Name, a.ReassessBy)
	return nil
}
