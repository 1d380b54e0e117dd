package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/euact"
)

// systemByRef returns orgID's system whose id or, failing that, exact name is ref.
func systemByRef(ctx context.Context, db *store.DB, orgID, ref string) (*system.System, error) {
	if aims.ValidID(ref) {
		if s, err := db.SystemByID(ctx, orgID, ref); err == nil {
			return s, nil
		}
	}
	return systemNamed(ctx, db, orgID, ref)
}

// runSystemClassify saves the EU AI Act classification of a system from a JSON file of answers, an object
// of question keys to answers as GET /api/v1/eu-ai-act/questionnaire lists them.
func runSystemClassify(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "system classify", "system classify --org SLUG --system ID|NAME --answers FILE.json [--class C --justification TEXT]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	ref := fs.String("system", "", "the system's id or name (required)")
	file := fs.String("answers", "", "JSON object of question keys to answers (required)")
	var in system.ClassificationInput
	fs.StringVar(&in.Class, "class", "", "the class to record if not the one the answers give: "+strings.Join(euact.Classes, ", "))
	fs.StringVar(&in.Justification, "justification", "", "why the class differs from the one the answers give")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "system", *ref, "answers", *file); err != nil {
		return err
	}
	r, err := os.Open(*file)
	if err != nil {
		return usageError("%s", err)
	}
	defer r.Close()
	dec := json.NewDecoder(io.LimitReader(r, 1<<20))
	if err := dec.Decode(&in.Answers); err != nil {
		return usageError("%s is not a JSON object of question keys to answers (\"yes\", \"no\" or an option): %v", *file, err)
	}
	db, o, err := orgStore(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := systemByRef(ctx, db, o.ID, *ref)
	if err != nil {
		return err
	}
	sv, err := servicesOf(db, &c)
	if err != nil {
		return err
	}
	cl, err := sv.Systems.Classify(operator(ctx), o.ID, s.ID, in, 0)
	if aims.ErrorCode(err) == aims.EINVALID {
		switch f := aims.ErrorField(err); f {
		case "override_justification":
			return usageError("--justification: %s Nothing was saved.", aims.ErrorMessage(err))
		case "class":
			return usageError("--class: %s Nothing was saved.", aims.ErrorMessage(err))
		default:
			return usageError("%s: question %q: %s Nothing was saved.", *file, f, aims.ErrorMessage(err))
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: %s (version %d)\n", s.Name, euact.ClassLabels[cl.Class], cl.Version)
	if cl.Override {
		fmt.Fprintf(env.Stdout, "The answers give %s; recorded as %s because: %s\n", euact.ClassLabels[cl.Result.Class],
			euact.ClassLabels[cl.Class], cl.Justification)
	}
	for _, line := range cl.Result.Reasoning {
		fmt.Fprintf(env.Stdout, "- %s\n", line)
	}
	return nil
}

// runSystemObligations lists the EU AI Act obligations of a system for its EU role and class, dated under
// the organization's chosen date set.
func runSystemObligations(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "system obligations", "system obligations --org SLUG --system ID|NAME [--format text|json]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	ref := fs.String("system", "", "the system's id or name (required)")
	format := fs.String("format", "text", "text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "system", *ref); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError("--format must be text or json")
	}
	db, o, err := orgStore(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := systemByRef(ctx, db, o.ID, *ref)
	if err != nil {
		return err
	}
	p, err := db.OrgProfile(ctx, o.ID)
	if err != nil {
		return err
	}
	sv, err := servicesOf(db, &c)
	if err != nil {
		return err
	}
	ob, err := sv.Systems.Obligations(ctx, sv.Catalog, p.EUDates, o.ID, s.ID)
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ob)
	}
	switch {
	case !ob.Classified:
		fmt.Fprintf(env.Stdout, "%s is not classified yet: run aims system classify.\n", s.Name)
		return nil
	case ob.EURole == "":
		fmt.Fprintf(env.Stdout, "%s has no EU AI Act role: set its eu_role to list its obligations.\n", s.Name)
		return nil
	}
	dates := ob.DateSet + " (in force)"
	if !ob.DateSetInForce {
		dates = ob.DateSet + " (superseded: the amended dates are in force; switch on the AI roles page)"
	}
	fmt.Fprintf(env.Stdout, "%s: %s, %s, dates %s\n", s.Name, euact.ClassLabels[ob.Class], ob.EURole, dates)
	if ob.Outdated {
		fmt.Fprintf(env.Stdout, "The classification predates today's questionnaire: answer it again (aims system classify) to bring these up to date.\n")
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ARTICLE\tAPPLIES FROM\tSCOPE\tOBLIGATION")
	for _, x := range ob.Items {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", x.Article, x.AppliesFrom, x.Scope, x.Obligation)
	}
	return tw.Flush()
}
