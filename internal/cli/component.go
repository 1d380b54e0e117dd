package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/system"
)

const componentUsage = "usage: aims component add --org SLUG --system NAME --kind K --name N [flags]"

func runComponent(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError(componentUsage)
	}
	if args[0] == "add" {
		return runComponentAdd(ctx, env, args[1:])
	}
	return usageError("unknown component command %q: use add", args[0])
}

// systemNamed returns orgID's system with exactly that name.
func systemNamed(ctx context.Context, db *store.DB, orgID, name string) (*system.System, error) {
	ss, err := allSystems(ctx, db, orgID, system.Filter{Query: name})
	if err != nil {
		return nil, err
	}
	for _, s := range ss {
		if s.Name == name {
			return s, nil
		}
	}
	return nil, &aims.Error{Code: aims.EINVALID, Message: fmt.Sprintf("no AI system %q", name), Field: "system"}
}

func runSystemComponents(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "system components", "system components --org SLUG --system NAME [--format text|json]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	name := fs.String("system", "", "the system's name (required)")
	format := fs.String("format", "text", "text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "system", *name); err != nil {
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
	s, err := systemNamed(ctx, db, o.ID, *name)
	if err != nil {
		return err
	}
	cs, err := system.NewService(db).SystemComponents(ctx, o.ID, s.ID)
	if err != nil {
		return err
	}
	if *format == "json" {
		if cs == nil {
			cs = []*system.SystemComponent{}
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cs)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tNAME\tVERSION\tSUPPLIER\tLICENCE\tROLE")
	for _, x := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", x.Kind, x.Name, dash(x.ComponentVersion), dash(x.Supplier), dash(x.Licence), dash(x.Role))
	}
	return tw.Flush()
}

// runComponentAdd registers a component unless the organization has it (same kind, name and version)
// and links it to the system.
func runComponentAdd(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "component add", "component add --org SLUG --system NAME --kind K --name N [--version V] [--supplier S] [--licence L] [--role R]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	sysName := fs.String("system", "", "the name of the system that uses it (required)")
	var f system.ComponentFields
	fs.StringVar(&f.Kind, "kind", "", "model, dataset, tool, compute, human, service or other (required)")
	fs.StringVar(&f.Name, "name", "", "the component's name (required)")
	fs.StringVar(&f.ComponentVersion, "version", "", "its version or release")
	fs.StringVar(&f.Supplier, "supplier", "", "who supplies it")
	fs.StringVar(&f.Licence, "licence", "", "its licence")
	role := fs.String("role", "", "its role in the system")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "system", *sysName, "kind", f.Kind, "name", f.Name); err != nil {
		return err
	}
	db, o, err := orgStore(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := systemNamed(ctx, db, o.ID, *sysName)
	if err != nil {
		return err
	}
	svc := system.NewService(db)
	ctx = operator(ctx)
	comp, err := svc.ComponentByKey(ctx, o.ID, f.Kind, f.Name, f.ComponentVersion)
	switch {
	case aims.ErrorCode(err) == aims.ENOTFOUND:
		if comp, err = svc.CreateComponent(ctx, o.ID, f); err != nil {
			return fieldAsFlag(err, "component_version", "version")
		}
		fmt.Fprintf(env.Stderr, "registered %s %q\n", comp.Kind, comp.Name)
	case err != nil:
		return err
	}
	if _, err := svc.Link(ctx, o.ID, s.ID, comp.ID, *role, ""); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "linked %s %q to %q\n", comp.Kind, comp.Name, s.Name)
	fmt.Fprintln(env.Stdout, comp.ID)
	return nil
}
