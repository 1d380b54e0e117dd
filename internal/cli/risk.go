package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/risk/riskreport"
	"github.com/aimsproject/aims/internal/store"
)

const riskUsage = "usage: aims risk add|list|import|accept|acceptances|export|treatment-plan|heatmap|criteria --org SLUG ..."

func runRisk(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError(riskUsage)
	}
	switch args[0] {
	case "add":
		return runRiskAdd(ctx, env, args[1:])
	case "list":
		return runRiskList(ctx, env, args[1:])
	case "heatmap":
		return runRiskHeatMap(ctx, env, args[1:])
	case "export":
		return runRiskExport(ctx, env, args[1:])
	case "import":
		return runRiskImport(ctx, env, args[1:])
	case "treatment-plan":
		return runRiskTreatmentPlan(ctx, env, args[1:])
	case "criteria":
		return runRiskCriteria(ctx, env, args[1:])
	case "accept":
		return runRiskAccept(ctx, env, args[1:])
	case "acceptances":
		return runRiskAcceptances(ctx, env, args[1:])
	}
	return usageError("unknown risk command %q: use add, list, import, accept, acceptances, export, treatment-plan, heatmap or criteria", args[0])
}

// ratingArg reads a rating written LIKELIHOOD:AXIS=CONSEQUENCE,...: "4:individuals=5,organization=3".
func ratingArg(flag, s string) (risk.RatingInput, error) {
	var in risk.RatingInput
	if s = strings.TrimSpace(s); s == "" {
		return in, nil
	}
	bad := &aims.Error{Code: aims.EINVALID, Field: flag,
		Message: "Write a rating as LIKELIHOOD:AXIS=CONSEQUENCE,...: 4:individuals=5,organization=3."}
	l, rest, ok := strings.Cut(s, ":")
	n, err := strconv.Atoi(strings.TrimSpace(l))
	if !ok || err != nil {
		return in, bad
	}
	in.Likelihood, in.Consequences = n, map[string]int{}
	for _, part := range strings.Split(rest, ",") {
		axis, v, ok := strings.Cut(part, "=")
		c, err := strconv.Atoi(strings.TrimSpace(v))
		if !ok || err != nil || strings.TrimSpace(axis) == "" {
			return in, bad
		}
		in.Consequences[strings.TrimSpace(axis)] = c
	}
	return in, nil
}

// riskFlagNames are the service's fields as the command line names them.
var riskFlagNames = map[string]string{"system_id": "system", "owner_id": "owner", "genai_risk": "genai-risk", "existing_controls": "controls",
	"review_due": "review-due", "inherent.likelihood": "inherent", "inherent.consequences": "inherent", "residual.likelihood": "residual",
	"residual.consequences": "residual", "treatment_option": "treatment", "treatment_plan": "plan"}

func runRiskAdd(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "risk add", "risk add --org SLUG --as EMAIL --title TEXT --source KEY [--system NAME] [--owner EMAIL] [--inherent L:AXIS=C,...] [--residual L:AXIS=C,...] ...")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	as := fs.String("as", "", "the email address of the member who registers the risk (required)")
	title := fs.String("title", "", "what could happen, in a few words (required)")
	description := fs.String("description", "", "the risk in more words")
	source := fs.String("source", "", "the risk source's key: C.3.1 to C.3.7 by default (aims risk criteria show lists them) (required)")
	objective := fs.String("objective", "", "the objective at stake, by key: C.2.1 to C.2.11 by default")
	genai := fs.String("genai-risk", "", "the NIST AI 600-1 generative AI risk, by number (1-12)")
	sys := fs.String("system", "", "the AI system the risk is of (name or id); none: organization-wide")
	owner := fs.String("owner", "", "the email address of the member who owns the risk")
	inherent := fs.String("inherent", "", "the inherent rating: LIKELIHOOD:AXIS=CONSEQUENCE,... (4:individuals=5,organization=3)")
	controls := fs.String("controls", "", "the controls already in place")
	residual := fs.String("residual", "", "the residual rating, written as --inherent")
	status := fs.String("status", "", "identified, assessed, treating or closed (default: assessed once rated, else identified)")
	treatment := fs.String("treatment", "", "how the risk is treated: modify, avoid, share or retain")
	plan := fs.String("plan", "", "the treatment plan: what is done, by whom, by when")
	review := fs.String("review-due", "", "when the risk is to be reviewed, as YYYY-MM-DD")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "as", *as, "title", *title, "source", *source); err != nil {
		return err
	}
	f := risk.Fields{Title: *title, Description: *description, Source: *source, Objective: *objective, GenAIRisk: *genai,
		ExistingControls: *controls, Status: *status, ReviewDue: *review, TreatmentOption: *treatment, TreatmentPlan: *plan}
	if f.Inherent, err = ratingArg("inherent", *inherent); err != nil {
		return err
	}
	if f.Residual, err = ratingArg("residual", *residual); err != nil {
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
	if err := aims.Authorize(aims.ActorFrom(actx).Role, aims.ActionCreate, aims.ResRisk); err != nil {
		return err
	}
	if *owner != "" {
		if f.OwnerID, err = sv.Records.MemberID(ctx, o.ID, *owner, "owner"); err != nil {
			return err
		}
	}
	if *sys != "" {
		s, err := recordArg(ctx, db, o.ID, "system", "system:"+*sys)
		if err != nil {
			return err
		}
		f.SystemID = strings.TrimPrefix(s, "system:")
	}
	r, err := sv.Risks.Create(actx, o.ID, f)
	if err != nil {
		if flag, ok := riskFlagNames[aims.ErrorField(err)]; ok {
			return &aims.Error{Code: aims.EINVALID, Message: aims.ErrorMessage(err), Field: flag}
		}
		return err
	}
	fmt.Fprintln(env.Stdout, r.ID)
	level := r.Level()
	if level == "" {
		level = "not rated yet"
	}
	fmt.Fprintf(env.Stderr, "registered %s %q (%s)\n", r.Ref, r.Title, level)
	return nil
}

// riskListFlags are the register's filters on the command line.
type riskListFlags struct {
	system, owner, level, source, status, sort *string
	orgWide, open, overdue                     *bool
}

func addRiskListFlags(fs *flag.FlagSet) riskListFlags {
	return riskListFlags{
		system:  fs.String("system", "", "only the risks of this AI system (name or id)"),
		owner:   fs.String("owner", "", "only the risks this member owns (email address)"),
		level:   fs.String("level", "", "only the risks of this level (its key: low, medium, high, critical by default)"),
		source:  fs.String("source", "", "only the risks of this source (its key)"),
		status:  fs.String("status", "", "only the risks of this status: identified, assessed, treating or closed"),
		sort:    fs.String("sort", "level", "level (highest first), ref, or review (soonest first)"),
		orgWide: fs.Bool("org-wide", false, "only the risks of no system"),
		open:    fs.Bool("open", false, "leave out closed risks"),
		overdue: fs.Bool("overdue", false, "only open risks whose review date has passed"),
	}
}

// filter is the register's filter the parsed flags ask for, with the owner and the system found in orgID.
func (l riskListFlags) filter(ctx context.Context, db *store.DB, sv *app.Services, orgID string) (risk.Filter, error) {
	f := risk.Filter{Level: *l.level, Source: *l.source, Status: *l.status, Sort: *l.sort, OrgWide: *l.orgWide, Open: *l.open,
		Overdue: *l.overdue}
	var err error
	if *l.owner != "" {
		if f.OwnerID, err = sv.Records.MemberID(ctx, orgID, *l.owner, "owner"); err != nil {
			return f, err
		}
	}
	if *l.system != "" {
		s, err := recordArg(ctx, db, orgID, "system", "system:"+*l.system)
		if err != nil {
			return f, err
		}
		f.SystemID = strings.TrimPrefix(s, "system:")
	}
	return f, nil
}

func runRiskList(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "risk list", "risk list --org SLUG [--system NAME] [--org-wide] [--level KEY] [--owner EMAIL] [--source KEY] [--status S] [--open] [--overdue] [--sort level|ref|review] [--format text|json]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	lf := addRiskListFlags(fs)
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
	f, err := lf.filter(ctx, db, sv, o.ID)
	if err != nil {
		return err
	}
	each := func(fn func(*risk.Risk) error) error {
		return eachPage(func(p aims.Page) ([]*risk.Risk, string, error) { return sv.Risks.List(ctx, o.ID, f, p) }, fn)
	}
	return writeItems(env.Stdout, *format, "REF\tLEVEL\tINHERENT\tSTATUS\tREVIEW\tOWNER\tSYSTEM\tTITLE", each, func(r *risk.Risk) string {
		review := dash(r.ReviewDue)
		if r.ReviewOverdue {
			review += " (overdue)"
		}
		system := r.SystemName
		if r.SystemID == "" {
			system = "(organization)"
		}
		return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", r.Ref, dash(r.Level()), dash(r.Inherent.Level), r.Status, review,
			dash(r.OwnerName), system, r.Title)
	})
}

func runRiskHeatMap(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "risk heatmap", "risk heatmap --org SLUG [--residual] [filters of risk list] --out FILE.svg")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	lf := addRiskListFlags(fs)
	residual := fs.Bool("residual", false, "the residual ratings (default: the inherent ones)")
	out := fs.String("out", "", "the SVG file to write; - for standard output (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "out", *out); err != nil {
		return err
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	f, err := lf.filter(ctx, db, sv, o.ID)
	if err != nil {
		return err
	}
	h, err := sv.Risks.HeatMap(ctx, o.ID, f, *residual)
	if err != nil {
		return err
	}
	title := "Inherent risk of " + o.Name
	if *residual {
		title = "Residual risk of " + o.Name
	}
	svg := []byte(h.SVG(title, nil))
	if *out == "-" {
		_, err = env.Stdout.Write(svg)
		return err
	}
	if err := os.WriteFile(*out, svg, 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", *out, err)
	}
	fmt.Fprintf(env.Stderr, "wrote %s: %d risks\n", *out, h.Total)
	return nil
}

func runRiskCriteria(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "set") {
		return usageError("usage: aims risk criteria show|set --org SLUG ...")
	}
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	set := args[0] == "set"
	usage := "risk criteria show --org SLUG [--version N]"
	if set {
		usage = "risk criteria set --org SLUG --as EMAIL --file FILE (JSON as risk criteria show writes it; its version is the one changed)"
	}
	fs := newFlags(env, "risk criteria "+args[0], usage)
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	as, version, file := new(string), new(int64), new(string)
	if set {
		as = fs.String("as", "", "the email address of the manager who saves the criteria (required)")
		file = fs.String("file", "", "the criteria as JSON, as risk criteria show writes them (required)")
	} else {
		version = fs.Int64("version", 0, "a saved version (default: the current criteria)")
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if err := required("org", *org); err != nil {
		return err
	}
	if set {
		if err := required("as", *as, "file", *file); err != nil {
			return err
		}
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	if !set {
		var cr *risk.Criteria
		if *version > 0 {
			cr, err = sv.Risks.CriteriaVersion(ctx, o.ID, *version)
		} else {
			cr, err = sv.Risks.Criteria(ctx, o.ID)
		}
		if err != nil {
			return err
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cr)
	}
	data, err := readLimited(*file, 1<<20+1)
	if err != nil {
		return err
	}
	if len(data) > 1<<20 {
		return fmt.Errorf("%s: risk criteria are at most 1 MiB", *file)
	}
	var cr risk.Criteria
	if err := api.DecodeJSON(bytes.NewReader(data), &cr); err != nil {
		return fmt.Errorf("%s: %s", *file, aims.ErrorMessage(err))
	}
	actx, err := asMember(ctx, db, o.ID, o.Slug, *as)
	if err != nil {
		return err
	}
	if err := aims.Authorize(aims.ActorFrom(actx).Role, aims.ActionUpdate, aims.ResRiskCriteria); err != nil {
		return err
	}
	re, err := sv.Risks.SaveCriteria(actx, o.ID, &cr, cr.Version)
	if err != nil {
		if f := aims.ErrorField(err); f != "" {
			return fmt.Errorf("%s: %s: %s", *file, f, aims.ErrorMessage(err))
		}
		return err
	}
	fmt.Fprintf(env.Stderr, "saved version %d of the risk criteria\n", re.Criteria.Version)
	for _, r := range re.Risks {
		fmt.Fprintf(env.Stderr, "to reassess: %s %s (owner: %s)\n", r.Ref, r.Title, dash(r.OwnerName))
	}
	if re.More {
		fmt.Fprintln(env.Stderr, "and more risks to reassess: aims risk list shows them")
	}
	return nil
}

// runRiskExport writes the register (with the filters of risk list) as CSV, to standard output or a file.
func runRiskExport(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "risk export", "risk export --org SLUG [filters of risk list] [--format csv|xlsx|pdf] [--out FILE]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	lf := addRiskListFlags(fs)
	format := fs.String("format", "csv", "csv, xlsx (a workbook with the heat maps) or pdf (a report opening with the heat maps)")
	out := fs.String("out", "-", "the file to write; - for standard output")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org); err != nil {
		return err
	}
	if *format != "csv" && *format != riskreport.FormatXLSX && *format != riskreport.FormatPDF {
		return usageError("--format must be csv, xlsx or pdf")
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	f, err := lf.filter(ctx, db, sv, o.ID)
	if err != nil {
		return err
	}
	if *format != "csv" {
		return writeRiskReport(ctx, env, sv.Risks, o, "risks", f, *format, *out)
	}
	if *out == "-" {
		return sv.Risks.ExportCSV(ctx, o.ID, f, env.Stdout, nil)
	}
	file, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", *out, err)
	}
	if err := sv.Risks.ExportCSV(ctx, o.ID, f, file, nil); err != nil {
		file.Close()
		os.Remove(*out)
		return err
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", *out, err)
	}
	fmt.Fprintf(env.Stderr, "wrote %s\n", *out)
	return nil
}

// riskArg resolves --risk (R-3 or an id) to the risk's id in orgID.
func riskArg(ctx context.Context, db *store.DB, sv *app.Services, orgID, s string) (string, error) {
	ref, err := recordRefArg(ctx, db, orgID, "risk", "risk:"+strings.TrimSpace(s))
	if err != nil {
		return "", err
	}
	e, err := sv.Records.Resolve(ctx, orgID, ref)
	if err != nil {
		return "", &aims.Error{Code: aims.EINVALID, Field: "risk", Message: fmt.Sprintf("No risk %s in this organization.", s)}
	}
	return e.ID, nil
}

func runRiskAccept(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "risk accept", "risk accept --org SLUG --as EMAIL --risk R-N [--note TEXT]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	as := fs.String("as", "", "the email address of the member who accepts the risk; their role must be one the criteria let accept its level (required)")
	rk := fs.String("risk", "", "the risk, by its number (R-3) or id (required)")
	note := fs.String("note", "", "why the risk left after treatment is acceptable")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "as", *as, "risk", *rk); err != nil {
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
	if err := aims.Authorize(aims.ActorFrom(actx).Role, aims.ActionUpdate, aims.ResRisk); err != nil {
		return err
	}
	id, err := riskArg(ctx, db, sv, o.ID, *rk)
	if err != nil {
		return err
	}
	a, err := sv.Risks.Accept(actx, o.ID, id, *note, 0)
	if err != nil {
		return err
	}
	r, err := sv.Risks.Risk(ctx, o.ID, id)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, a.ID)
	fmt.Fprintf(env.Stderr, "%s accepted at level %s by %s (%s), criteria version %d\n", r.Ref, a.Level, a.AcceptedBy, a.Role, a.CriteriaVersion)
	return nil
}

func runRiskAcceptances(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "risk acceptances", "risk acceptances --org SLUG --risk R-N [--format text|json]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	rk := fs.String("risk", "", "the risk, by its number (R-3) or id (required)")
	format := fs.String("format", "text", "text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "risk", *rk); err != nil {
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
	id, err := riskArg(ctx, db, sv, o.ID, *rk)
	if err != nil {
		return err
	}
	each := func(fn func(*risk.Acceptance) error) error {
		return eachPage(func(p aims.Page) ([]*risk.Acceptance, string, error) { return sv.Risks.Acceptances(ctx, o.ID, id, p) }, fn)
	}
	return writeItems(env.Stdout, *format, "ACCEPTED\tLEVEL\tBY\tROLE\tCRITERIA\tSTATE", each, func(a *risk.Acceptance) string {
		state := "standing"
		if !a.Standing() {
			state = "voided " + a.VoidedAt.Format(time.DateOnly) + ": " + a.VoidReason
		}
		return fmt.Sprintf("%s\t%s\t%s\t%s\tv%d\t%s", a.AcceptedAt.Format(time.DateOnly), a.Level, a.AcceptedBy, a.Role, a.CriteriaVersion, state)
	})
}
