package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/config"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/system"
)

const systemUsage = "usage: aims system list|create|import|export|components|classify|obligations|card --org SLUG [flags]"

func runSystem(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError(systemUsage)
	}
	switch args[0] {
	case "list":
		return runSystemList(ctx, env, args[1:])
	case "create":
		return runSystemCreate(ctx, env, args[1:])
	case "import":
		return runSystemImport(ctx, env, args[1:])
	case "export":
		return runSystemExport(ctx, env, args[1:])
	case "components":
		return runSystemComponents(ctx, env, args[1:])
	case "classify":
		return runSystemClassify(ctx, env, args[1:])
	case "obligations":
		return runSystemObligations(ctx, env, args[1:])
	case "card":
		return runSystemCard(ctx, env, args[1:])
	}
	return usageError("unknown system command %q: use list, create, import, export, components, classify, obligations or card", args[0])
}

// orgStore opens the store for a command that acts inside the organization slug.
func orgStore(ctx context.Context, c *config.Config, slug string) (*store.DB, *account.Organization, error) {
	db, err := openStore(ctx, c, false, nil)
	if err != nil {
		return nil, nil, err
	}
	o, err := findOrg(ctx, db, slug)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, o, nil
}

func runSystemList(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "system list", "system list --org SLUG [--stage S] [--status S] [--q TEXT] [--supplier S] [--model M] [--sort name|updated] [--format text|json]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	var f system.Filter
	fs.StringVar(&f.Stage, "stage", "", "only systems in this life-cycle stage")
	fs.StringVar(&f.Status, "status", "", "only systems with this status (active, planned, retired)")
	fs.StringVar(&f.AIRole, "ai-role", "", "only systems where the organization has this ISO/IEC 22989 role")
	fs.StringVar(&f.Query, "q", "", "only systems whose name or purpose contains this text")
	fs.StringVar(&f.Supplier, "supplier", "", "only systems with a component of this supplier (whole name, any case)")
	fs.StringVar(&f.Model, "model", "", "only systems with a model component of this name (whole name, any case)")
	fs.StringVar(&f.RiskClass, "risk-class", "", "only systems of this EU AI Act class, or unclassified")
	fs.StringVar(&f.Sort, "sort", "name", "name or updated")
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
	db, o, err := orgStore(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	sv, err := servicesOf(db, &c)
	if err != nil {
		return err
	}
	all, err := allSystems(ctx, sv.Systems.List, o.ID, f)
	if err != nil {
		return fieldAsFlag(err, "ai_role", "ai-role", "risk_class", "risk-class")
	}
	if *format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(all)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTAGE\tSTATUS\tEU AI ACT\tAI ROLE\tEU ROLE\tOWNER\tUPDATED")
	for _, s := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, s.Stage, s.Status, dash(s.RiskClass), dash(s.AIRole), dash(s.EURole),
			dash(s.OwnerName), s.UpdatedAt.Format("2006-01-02"))
	}
	return tw.Flush()
}

// allSystems pages through every system of orgID that f selects, as list (the service's List, or the
// store's for a filter built here) returns them.
func allSystems(ctx context.Context, list func(context.Context, string, system.Filter, aims.Page) ([]*system.System, string, error),
	orgID string, f system.Filter) ([]*system.System, error) {
	var all []*system.System
	p := aims.Page{Limit: 200}
	for {
		page, next, err := list(ctx, orgID, f, p)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == "" {
			return all, nil
		}
		p.Cursor = next
	}
}

func runSystemCreate(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "system create", "system create --org SLUG --name N --purpose P --stage S [flags]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	var f system.Fields
	fs.StringVar(&f.Name, "name", "", "the system's name (required)")
	fs.StringVar(&f.Purpose, "purpose", "", "what the system is for")
	fs.StringVar(&f.IntendedUse, "intended-use", "", "its intended use (A.9.4)")
	fs.StringVar(&f.ForeseeableMisuse, "misuse", "", "reasonably foreseeable misuse (A.9.4)")
	fs.StringVar(&f.AIRole, "ai-role", "", "the organization's ISO/IEC 22989 role: "+strings.Join(system.AIRoles, ", "))
	fs.StringVar(&f.EURole, "eu-role", "", "the organization's EU AI Act role: "+strings.Join(system.EURoles, ", "))
	fs.StringVar(&f.Stage, "stage", "", "life-cycle stage: "+strings.Join(system.Stages, ", "))
	fs.StringVar(&f.Status, "status", "active", "active, planned or retired")
	fs.StringVar(&f.Team, "team", "", "the team that runs it")
	owner := fs.String("owner", "", "the owner's email (a member of the organization)")
	markets := fs.String("markets", "", "markets, separated by commas")
	fs.BoolVar(&f.InteractsWithPeople, "interacts-with-people", false, "it interacts with people (EU AI Act Art. 50)")
	fs.BoolVar(&f.GeneratesContent, "generates-content", false, "it generates synthetic content (EU AI Act Art. 50)")
	fs.BoolVar(&f.PersonalData, "personal-data", false, "it processes personal data")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "name", f.Name); err != nil {
		return err
	}
	f.Markets = system.SplitList(*markets)
	db, o, err := orgStore(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	if *owner != "" {
		email, err := account.NormalizeEmail(*owner, "owner")
		if err != nil {
			return err
		}
		u, err := db.UserByEmail(ctx, email)
		if err != nil {
			return &aims.Error{Code: aims.EINVALID, Message: "no user " + email, Field: "owner"}
		}
		f.OwnerID = u.ID
	}
	sv, err := servicesOf(db, &c)
	if err != nil {
		return err
	}
	s, err := sv.Systems.Create(operator(ctx), o.ID, f)
	if err != nil {
		return fieldAsFlag(err, "ai_role", "ai-role", "eu_role", "eu-role", "owner_id", "owner", "intended_use", "intended-use",
			"foreseeable_misuse", "misuse")
	}
	fmt.Fprintf(env.Stderr, "registered AI system %q\n", s.Name)
	fmt.Fprintln(env.Stdout, s.ID)
	return nil
}
