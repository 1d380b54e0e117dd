package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/evidence"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/store"
)

const evidenceUsage = "usage: aims evidence add|list|show|get|approve|delete --org SLUG ..., or aims evidence push --server URL --token T ..."

func runEvidence(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError(evidenceUsage)
	}
	switch args[0] {
	case "add":
		return runEvidenceAdd(ctx, env, args[1:])
	case "list":
		return runEvidenceList(ctx, env, args[1:])
	case "show":
		return runEvidenceShow(ctx, env, args[1:])
	case "get":
		return runEvidenceGet(ctx, env, args[1:])
	case "approve":
		return runEvidenceApprove(ctx, env, args[1:])
	case "delete":
		return runEvidenceDelete(ctx, env, args[1:])
	case "push":
		return runEvidencePush(ctx, env, args[1:])
	}
	return usageError("unknown evidence command %q: use add, list, show, get, approve, delete or push", args[0])
}

// evidenceFlagNames maps the service's field names to the flags that set them.
var evidenceFlagNames = map[string]string{"collected_on": "collected-on", "valid_until": "valid-until", "owner_id": "owner",
	"evidences": "evidences", "url": "url", "body": "body", "file": "file", "title": "title", "kind": "file", "source": "source"}

func evidenceFlagError(err error) error {
	if f, ok := evidenceFlagNames[aims.ErrorField(err)]; ok {
		return &aims.Error{Code: aims.ErrorCode(err), Message: aims.ErrorMessage(err), Field: f}
	}
	return err
}

// controlRef makes a control's record reference from REF (in ISO/IEC 42001) or KEY/REF.
func controlRef(s string) string {
	if strings.Contains(s, "/") {
		return "control:" + s
	}
	return "control:" + framework.ISO42001 + "/" + s
}

func runEvidenceAdd(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "evidence add", "evidence add --org SLUG --as EMAIL (--file FILE | --url URL | --body TEXT) [--title T] [--system NAME] [--control REF] [--evidences TYPE:ID,...] [--valid-until YYYY-MM-DD] ...")
	c.StoreFlags(fs)
	c.BlobFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	as := fs.String("as", "", "email address of the member adding it (required)")
	file := fs.String("file", "", "the file this evidence is (file evidence)")
	var n evidence.New
	fs.StringVar(&n.URL, "url", "", "the document's address (link evidence)")
	fs.StringVar(&n.Body, "body", "", "the text of record evidence")
	fs.StringVar(&n.Title, "title", "", "what it is (the file's name when not given)")
	fs.StringVar(&n.Description, "description", "", "more about it")
	fs.StringVar(&n.CollectedOn, "collected-on", "", "when it was collected, YYYY-MM-DD (today when not given)")
	fs.StringVar(&n.ValidUntil, "valid-until", "", "the last date it holds, YYYY-MM-DD")
	fs.StringVar(&n.Source, "source", "", "where it comes from")
	owner := fs.String("owner", "", "email address of the member who owns it (the one adding it when not given)")
	fs.BoolVar(&n.Review, "review", false, "ask for review: a draft until a manager approves it")
	sys := fs.String("system", "", "an AI system it evidences (name or id)")
	ctl := fs.String("control", "", "a control or clause requirement it evidences: A.6.2.4 (ISO/IEC 42001) or KEY/REF")
	more := fs.String("evidences", "", "more records it evidences, comma-separated TYPE:ID")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "as", *as); err != nil {
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
	if err := aims.Authorize(aims.ActorFrom(actx).Role, aims.ActionCreate, aims.ResEvidence); err != nil {
		return err
	}
	if *owner != "" {
		if n.OwnerID, err = sv.Records.MemberID(ctx, o.ID, *owner, "owner"); err != nil {
			return err
		}
	}
	if *sys != "" {
		s, err := systemByRef(ctx, db, o.ID, *sys)
		if err != nil {
			return err
		}
		n.Evidences = append(n.Evidences, "system:"+s.ID)
	}
	if *ctl != "" {
		n.Evidences = append(n.Evidences, controlRef(*ctl))
	}
	for _, r := range strings.Split(*more, ",") {
		if r = strings.TrimSpace(r); r != "" {
			n.Evidences = append(n.Evidences, r)
		}
	}
	if *file != "" {
		f, err := os.Open(*file)
		if err != nil {
			return usageError("cannot open %s: %s", *file, err)
		}
		defer f.Close()
		n.Kind, n.File, n.FileName = evidence.KindFile, f, filepath.Base(*file)
	}
	e, err := sv.Evidence.Create(actx, o.ID, n)
	if err != nil {
		return evidenceFlagError(err)
	}
	fmt.Fprintln(env.Stdout, e.ID)
	fmt.Fprintf(env.Stderr, "added %s evidence %q (%s)%s\n", e.Kind, e.Title, e.Status, fileNote(e))
	return nil
}

func fileNote(e *evidence.Evidence) string {
	if e.File == nil {
		return ""
	}
	return fmt.Sprintf(", %s, sha256 %s", evidence.FormatSize(e.File.Size), e.File.SHA256)
}

func runEvidenceList(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "evidence list", "evidence list --org SLUG [--system NAME] [--control REF] [--owner EMAIL] [--expiring-before YYYY-MM-DD] [--expired] [--kind K] [--status S] [--format text|json]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	sys := fs.String("system", "", "only evidence of this AI system (name or id)")
	ctl := fs.String("control", "", "only evidence of this control: A.6.2.4 or KEY/REF")
	owner := fs.String("owner", "", "only evidence this member owns (email address)")
	var f evidence.Filter
	fs.StringVar(&f.ExpiringBefore, "expiring-before", "", "only evidence valid until before this date")
	fs.BoolVar(&f.Expired, "expired", false, "only evidence past its valid-until date")
	fs.StringVar(&f.Kind, "kind", "", "file, link or record")
	fs.StringVar(&f.Status, "status", "", "draft, approved or current")
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
	if *sys != "" {
		s, err := systemByRef(ctx, db, o.ID, *sys)
		if err != nil {
			return err
		}
		f.System = s.ID
	}
	if *ctl != "" {
		f.Control = strings.TrimPrefix(controlRef(*ctl), "control:")
	}
	if *owner != "" {
		if f.Owner, err = sv.Records.MemberID(ctx, o.ID, *owner, "owner"); err != nil {
			return err
		}
	}
	each := func(fn func(*evidence.Evidence) error) error {
		return eachPage(func(p aims.Page) ([]*evidence.Evidence, string, error) { return sv.Evidence.List(ctx, o.ID, f, p) }, fn)
	}
	return evidenceFlagError(writeItems(env.Stdout, *format, "ID\tKIND\tTITLE\tSTATUS\tCOLLECTED\tVALID UNTIL\tOWNER", each, func(e *evidence.Evidence) string {
		until := dash(e.ValidUntil)
		if e.Expired {
			until += " (expired)"
		}
		return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s", e.ID, e.Kind, e.Title, e.Status, e.CollectedOn, until, dash(e.OwnerName))
	}))
}

// evidenceCmd is what the commands about one piece of evidence start from.
type evidenceCmd struct {
	db  *store.DB
	org *account.Organization
	sv  *app.Services
	id  string
}

// evidenceCommand parses the flags of a command about one piece of evidence (--org, --id and extra's),
// opens the store and finds the organization; the caller closes cmd.db.
func evidenceCommand(ctx context.Context, env *Env, name, usage string, args []string, extra func(*flag.FlagSet)) (*evidenceCmd, error) {
	c, err := loadConfig(env)
	if err != nil {
		return nil, err
	}
	fs := newFlags(env, name, usage)
	c.StoreFlags(fs)
	c.BlobFlags(fs)
	cmd := &evidenceCmd{}
	org := fs.String("org", "", "organization slug (required)")
	id := fs.String("id", "", "the evidence's id (required)")
	if extra != nil {
		extra(fs)
	}
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if err := required("org", *org, "id", *id); err != nil {
		return nil, err
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return nil, err
	}
	cmd.db, cmd.org, cmd.sv, cmd.id = db, o, sv, *id
	return cmd, nil
}

func runEvidenceShow(ctx context.Context, env *Env, args []string) error {
	var format *string
	cmd, err := evidenceCommand(ctx, env, "evidence show", "evidence show --org SLUG --id ID [--format text|json]", args, func(fs *flag.FlagSet) {
		format = fs.String("format", "text", "text or json")
	})
	if err != nil {
		return err
	}
	defer cmd.db.Close()
	e, err := cmd.sv.Evidence.Get(ctx, cmd.org.ID, cmd.id)
	if err != nil {
		return err
	}
	revs, err := cmd.sv.Evidence.Revisions(ctx, cmd.org.ID, cmd.id)
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			*evidence.Evidence
			Revisions []*evidence.Revision `json:"revisions"`
		}{e, revs})
	}
	if *format != "text" {
		return usageError("--format must be text or json")
	}
	w := env.Stdout
	fmt.Fprintf(w, "%s\nkind: %s\nstatus: %s\ncollected: %s\nvalid until: %s\nowner: %s\nsource: %s\n", e.Title, e.Kind, e.Status, e.CollectedOn,
		dash(e.ValidUntil), dash(e.OwnerName), dash(e.Source))
	if e.Expired {
		fmt.Fprintln(w, "expired: yes")
	}
	if e.File != nil {
		fmt.Fprintf(w, "file: %s (%s, %s)\nsha256: %s\n", dash(e.File.Name), e.File.MediaType, evidence.FormatSize(e.File.Size), e.File.SHA256)
	}
	if e.URL != "" {
		fmt.Fprintf(w, "url: %s\n", e.URL)
	}
	if e.Body != "" {
		fmt.Fprintf(w, "\n%s\n", e.Body)
	}
	fmt.Fprintln(w, "\nrevisions:")
	for _, r := range revs {
		fmt.Fprintf(w, "- %d %s by %s on %s (%s)\n", r.Rev, r.Change, dash(r.CreatedBy), r.CreatedAt.Format("2006-01-02 15:04"), r.Status)
	}
	return nil
}

func runEvidenceGet(ctx context.Context, env *Env, args []string) error {
	var out *string
	cmd, err := evidenceCommand(ctx, env, "evidence get", "evidence get --org SLUG --id ID [--out FILE]", args, func(fs *flag.FlagSet) {
		out = fs.String("out", "", "write the file here (written only once verified whole); stdout when not given")
	})
	if err != nil {
		return err
	}
	defer cmd.db.Close()
	e, rc, err := cmd.sv.Evidence.Content(ctx, cmd.org.ID, cmd.id)
	if err != nil {
		return err
	}
	defer rc.Close()
	if *out == "" {
		_, err = io.Copy(env.Stdout, rc)
		return err
	}
	if err := writeFileAtomically(*out, func(w io.Writer) error { _, err := io.Copy(w, rc); return err }); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "wrote %s (%s, sha256 %s, verified)\n", *out, evidence.FormatSize(e.File.Size), e.File.SHA256)
	return nil
}

func runEvidenceApprove(ctx context.Context, env *Env, args []string) error {
	var as *string
	cmd, err := evidenceCommand(ctx, env, "evidence approve", "evidence approve --org SLUG --id ID --as EMAIL", args, func(fs *flag.FlagSet) {
		as = fs.String("as", "", "email address of the approving manager (required)")
	})
	if err != nil {
		return err
	}
	defer cmd.db.Close()
	if err := required("as", *as); err != nil {
		return err
	}
	actx, err := asMember(ctx, cmd.db, cmd.org.ID, cmd.org.Slug, *as)
	if err != nil {
		return err
	}
	e, err := cmd.sv.Evidence.Approve(actx, cmd.org.ID, cmd.id, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "approved evidence %q (revision %d)\n", e.Title, e.Rev)
	return nil
}

func runEvidenceDelete(ctx context.Context, env *Env, args []string) error {
	var as *string
	cmd, err := evidenceCommand(ctx, env, "evidence delete", "evidence delete --org SLUG --id ID --as EMAIL", args, func(fs *flag.FlagSet) {
		as = fs.String("as", "", "email address of the member deleting it, a manager or above (required)")
	})
	if err != nil {
		return err
	}
	defer cmd.db.Close()
	if err := required("as", *as); err != nil {
		return err
	}
	actx, err := asMember(ctx, cmd.db, cmd.org.ID, cmd.org.Slug, *as)
	if err != nil {
		return err
	}
	if err := aims.Authorize(aims.ActorFrom(actx).Role, aims.ActionDelete, aims.ResEvidence); err != nil {
		return err
	}
	if err := cmd.sv.Evidence.Delete(actx, cmd.org.ID, cmd.id, 0); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "deleted evidence %s\n", cmd.id)
	return nil
}
