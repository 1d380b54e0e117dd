package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/config"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/system"
)

const systemUsage = "usage: aims system list|create|import|export|components --org SLUG [flags]"

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
	}
	return usageError("unknown system command %q: use list, create, import, export or components", args[0])
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
	fs := newFlags(env, "system list", "system list --org SLUG [--stage S] [--status S] [--q TEXT] [--sort name|updated] [--format text|json]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	var f system.Filter
	fs.StringVar(&f.Stage, "stage", "", "only systems in this life-cycle stage")
	fs.StringVar(&f.Status, "status", "", "only systems with this status (active, planned, retired)")
	fs.StringVar(&f.AIRole, "ai-role", "", "only systems where the organization has this ISO/IEC 22989 role")
	fs.StringVar(&f.Query, "q", "", "only systems whose name or purpose contains this text")
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
	all, err := allSystems(ctx, db, o.ID, f)
	if err != nil {
		return fieldAsFlag(err, "ai_role", "ai-role")
	}
	if *format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(all)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTAGE\tSTATUS\tAI ROLE\tEU ROLE\tOWNER\tUPDATED")
	for _, s := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, s.Stage, s.Status, dash(s.AIRole), dash(s.EURole), dash(s.OwnerName),
			s.UpdatedAt.Format("2006-01-02"))
	}
	return tw.Flush()
}

// allSystems pages through every system of orgID that f selects.
func allSystems(ctx context.Context, db *store.DB, orgID string, f system.Filter) ([]*system.System, error) {
	svc := system.NewService(db)
	var all []*system.System
	p := account.Page{Limit: 200}
	for {
		page, next, err := svc.List(ctx, orgID, f, p)
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
	s, err := system.NewService(db).Create(operator(ctx), o.ID, f)
	if err != nil {
		return fieldAsFlag(err, "ai_role", "ai-role", "eu_role", "eu-role", "owner_id", "owner", "intended_use", "intended-use",
			"foreseeable_misuse", "misuse")
	}
	fmt.Fprintf(env.Stderr, "registered AI system %q\n", s.Name)
	fmt.Fprintln(env.Stdout, s.ID)
	return nil
}

// runSystemImport stores every system of a JSON file (an array of systems, as system export writes it),
// or none: a bad one is named by its position.
func runSystemImport(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "system import", "system import FILE.json --org SLUG")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("FILE", file, "org", *org); err != nil {
		return err
	}
	r, err := os.Open(file)
	if err != nil {
		return usageError("%s", err)
	}
	defer r.Close()
	var fields []system.Fields
	dec := json.NewDecoder(io.LimitReader(r, 64<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fields); err != nil {
		return usageError("%s is not a JSON array of systems: %v", file, err)
	}
	db, o, err := orgStore(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	ss, err := system.NewService(db).Import(operator(ctx), o.ID, fields)
	var ie *system.ImportError
	if errors.As(err, &ie) {
		return usageError("%s: system %d (%q): %s: %s; nothing was imported", file, ie.Index+1, fields[ie.Index].Name,
			aims.ErrorField(ie.Err), aims.ErrorMessage(ie.Err))
	}
	if code := aims.ErrorCode(err); code == aims.EINVALID || code == aims.ECONFLICT || code == aims.ENOTFOUND {
		return usageError("%s: %s Nothing was imported.", file, aims.ErrorMessage(err))
	}
	if err != nil {
		return fmt.Errorf("nothing was imported: %w", err)
	}
	fmt.Fprintf(env.Stderr, "imported %d AI systems into %s\n", len(ss), o.Slug)
	return nil
}

func runSystemExport(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "system export", "system export --org SLUG > systems.json")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org); err != nil {
		return err
	}
	db, o, err := orgStore(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	all, err := allSystems(ctx, db, o.ID, system.Filter{})
	if err != nil {
		return err
	}
	out := make([]system.Fields, 0, len(all))
	for _, s := range all {
		out = append(out, system.FieldsOf(s))
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
