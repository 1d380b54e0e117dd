package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
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
	ss, err := allSystems(ctx, db.ListSystems, orgID, system.Filter{Query: name})
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
	// The components are written as they are read, a page at a time, so that a system of 100,000 holds
	// one page in memory, as the other list commands print every row (no --limit or --cursor): the
	// output is the same, only the text columns are aligned a page (textPage rows) at a time.
	sv, err := servicesOf(db, &c)
	if err != nil {
		return err
	}
	svc := sv.Components
	if *format == "json" {
		return writeJSONArray(env.Stdout, func(item func(any) error) error {
			return svc.EachSystemComponent(ctx, o.ID, s.ID, component.KindFilter{}, func(x *component.SystemComponent) error { return item(x) })
		})
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tNAME\tVERSION\tSUPPLIER\tLICENCE\tROLE")
	n := 0
	err = svc.EachSystemComponent(ctx, o.ID, s.ID, component.KindFilter{}, func(x *component.SystemComponent) error {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", x.Kind, x.Name, dash(x.ComponentVersion), dash(x.Supplier), dash(x.Licence), dash(x.Role))
		if n++; n%textPage == 0 {
			return tw.Flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tw.Flush()
}

// textPage is how many rows of a long list a command aligns at a time (tabwriter holds them until then).
const textPage = 500

// writeJSONArray writes the items that each hands over to w as one JSON array, as an encoder with a
// two-space indent writes a slice of them, one item at a time.
func writeJSONArray(w io.Writer, each func(item func(any) error) error) error {
	bw := bufio.NewWriter(w)
	n := 0
	err := each(func(v any) error {
		b, err := json.MarshalIndent(v, "  ", "  ")
		if err != nil {
			return err
		}
		if n == 0 {
			bw.WriteString("[\n  ")
		} else {
			bw.WriteString(",\n  ")
		}
		n++
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		bw.WriteString("[]\n")
	} else {
		bw.WriteString("\n]\n")
	}
	return bw.Flush()
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
	var f component.ComponentFields
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
	sv, err := servicesOf(db, &c)
	if err != nil {
		return err
	}
	svc := sv.Components
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
