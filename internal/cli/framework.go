package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/store"
)

const frameworkUsage = "usage: aims framework list | import FILE | export KEY | texts import FILE (run 'aims framework COMMAND -h' for flags)"

func runFramework(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError(frameworkUsage)
	}
	switch args[0] {
	case "list":
		return runFrameworkList(ctx, env, args[1:])
	case "import":
		return runFrameworkImport(ctx, env, args[1:])
	case "export":
		return runFrameworkExport(ctx, env, args[1:])
	case "texts":
		if len(args) > 1 && args[1] == "import" {
			return runFrameworkTextsImport(ctx, env, args[2:])
		}
		return usageError("usage: aims framework texts import FILE --org SLUG [--framework KEY] [--source S]")
	}
	return usageError("unknown framework command %q; %s", args[0], frameworkUsage)
}

// parseArgs parses flags that may come before or after the n positional arguments, and returns those.
func parseArgs(fs *flag.FlagSet, args []string, n int, what string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError("%s", err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != n {
		return nil, usageError("%s", what)
	}
	return pos, nil
}

// frameworkStore opens the store, assembles the services over it and finds the organization slug names
// ("" for none: built-in frameworks only).
func frameworkStore(ctx context.Context, env *Env, fs *flag.FlagSet, args []string, n int, what string, orgRequired bool) (*store.DB, *app.Services, string, []string, error) {
	c, err := loadConfig(env)
	if err != nil {
		return nil, nil, "", nil, err
	}
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug")
	pos, err := parseArgs(fs, args, n, what)
	if err != nil {
		return nil, nil, "", nil, err
	}
	if orgRequired && *org == "" {
		return nil, nil, "", nil, usageError("--org is required")
	}
	db, err := openStore(ctx, &c, false, nil)
	if err != nil {
		return nil, nil, "", nil, err
	}
	sv, err := servicesOf(db, &c)
	if err != nil {
		db.Close()
		return nil, nil, "", nil, err
	}
	orgID := ""
	if *org != "" {
		o, err := findOrg(ctx, db, *org)
		if err != nil {
			db.Close()
			return nil, nil, "", nil, err
		}
		orgID = o.ID
	}
	return db, sv, orgID, pos, nil
}

func runFrameworkList(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "framework list", "framework list [--org SLUG] [--format text|json]")
	format := fs.String("format", "text", "text or json")
	db, sv, orgID, _, err := frameworkStore(ctx, env, fs, args, 0, "framework list takes no arguments", false)
	if err != nil {
		return err
	}
	defer db.Close()
	if *format != "text" && *format != "json" {
		return usageError("--format must be text or json")
	}
	fws, err := sv.Frameworks.Frameworks(ctx, orgID)
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if fws == nil {
			fws = []*framework.Framework{}
		}
		return enc.Encode(fws)
	}
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tREVISION\tKIND\tREQUIREMENTS\tASSESSABLE\tPUBLISHER\tNAME")
	for _, f := range fws {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%d\t%s\t%s\n", f.Key, f.Revision, f.Kind, f.Requirements, f.Assessable, dash(f.Publisher), f.Name)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// progressFrom is the size from which an import shows a progress bar.
const progressFrom = 1 << 20

// stagePercent places each stage of an import on the progress bar; reading the file takes the first 40%.
var stagePercent = map[framework.Stage]int{framework.StageValidating: 40, framework.StageResolving: 65,
	framework.StageConverting: 70, framework.StageStoring: 80}

func runFrameworkImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "framework import", "framework import FILE --org SLUG [--key K] [--name N] [--catalog CATALOG.json | --catalog-key K]")
	key := fs.String("key", "", "the framework's key (default: from the file name)")
	name := fs.String("name", "", "the framework's name (default: the document's title, else the key)")
	catalog := fs.String("catalog", "", "for an OSCAL profile: the OSCAL catalog file to resolve it against")
	catalogKey := fs.String("catalog-key", "", "for an OSCAL profile: the key of an imported framework to resolve it against")
	db, sv, orgID, pos, err := frameworkStore(ctx, env, fs, args, 1, "framework import takes one FILE (OSCAL JSON or CSV)", true)
	if err != nil {
		return err
	}
	defer db.Close()
	path := pos[0]
	st, err := os.Stat(path)
	if err != nil {
		return aims.Errorf(aims.EINVALID, "cannot read %s: %v", path, errors.Unwrap(err))
	}
	var bar *progress
	if st.Size() >= progressFrom {
		bar = newProgress(env.Stderr, "import "+filepath.Base(path))
	}
	data, err := readWithProgress(path, bar, 40, framework.MaxImportBytes)
	var tooLarge *TooLargeFileError
	if errors.As(err, &tooLarge) {
		return usageError("%s", err)
	}
	if err != nil {
		return aims.Errorf(aims.EINVALID, "cannot read %s: %v", path, err)
	}
	req := framework.ImportRequest{OrgID: orgID, Key: *key, Name: *name, Filename: filepath.Base(path), Data: data,
		CatalogKey: *catalogKey}
	if bar != nil {
		req.Progress = func(s framework.Stage) { bar.set(stagePercent[s], string(s)) }
	}
	if *catalog != "" {
		if req.CatalogData, err = readWithProgress(*catalog, nil, 0, framework.MaxImportBytes); errors.As(err, &tooLarge) {
			return usageError("--catalog %s", err)
		} else if err != nil {
			return aims.FieldError("catalog", "cannot read %s: %v", *catalog, errors.Unwrap(err))
		}
		req.CatalogFilename = filepath.Base(*catalog)
	}
	f, err := sv.Frameworks.Import(operator(ctx), req)
	if bar != nil {
		if err == nil {
			bar.set(100, "done")
		}
		bar.done()
	}
	if aims.ErrorCode(err) == aims.ETOOLARGE {
		return &CheckFailed{msg: fmt.Sprintf("%s: %s", path, aims.ErrorMessage(err))}
	}
	if err != nil {
		return withIssues(err)
	}
	fmt.Fprintf(env.Stderr, "imported %s as %s revision %d: %d requirements, %d to meet\n", f.Name, f.Key, f.Revision, f.Requirements, f.Assessable)
	fmt.Fprintln(env.Stdout, f.Key)
	return nil
}

// withIssues puts an import error's issues into its message, one per line, for the terminal.
func withIssues(err error) error {
	var ie *framework.ImportError
	if !errors.As(err, &ie) || len(ie.Issues) == 0 {
		return err
	}
	lines := []string{ie.Err.Message}
	for _, i := range ie.Issues {
		lines = append(lines, "  "+i.String())
	}
	return aims.Errorf(aims.EINVALID, "%s", strings.Join(lines, "\n"))
}

func runFrameworkExport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "framework export", "framework export KEY [--org SLUG] [--format oscal|csv] > FILE")
	format := fs.String("format", framework.FormatOSCAL, "oscal (an OSCAL catalog, JSON) or csv")
	db, sv, orgID, pos, err := frameworkStore(ctx, env, fs, args, 1, "framework export takes one KEY", false)
	if err != nil {
		return err
	}
	defer db.Close()
	if *format != framework.FormatOSCAL && *format != framework.FormatCSV {
		return usageError("--format must be oscal or csv")
	}
	return sv.Frameworks.Export(ctx, env.Stdout, orgID, pos[0], *format)
}

func runFrameworkTextsImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "framework texts import", "framework texts import FILE --org SLUG [--framework KEY] [--source S]")
	key := fs.String("framework", "", "for an OSCAL catalog: the key of the framework its texts belong to")
	source := fs.String("source", "", "where the texts come from, when the file does not say")
	db, sv, orgID, pos, err := frameworkStore(ctx, env, fs, args, 1, "framework texts import takes one FILE (CSV or an OSCAL catalog)", true)
	if err != nil {
		return err
	}
	defer db.Close()
	data, err := readWithProgress(pos[0], nil, 0, framework.MaxImportBytes)
	var tooLarge *TooLargeFileError
	if errors.As(err, &tooLarge) {
		return usageError("%s", err)
	}
	if err != nil {
		return aims.Errorf(aims.EINVALID, "cannot read %s: %v", pos[0], errors.Unwrap(err))
	}
	n, err := sv.Frameworks.ImportLicensedTexts(operator(ctx), framework.LicensedImport{OrgID: orgID, Data: data,
		Filename: filepath.Base(pos[0]), Framework: *key, Source: *source})
	if aims.ErrorCode(err) == aims.ETOOLARGE {
		return &CheckFailed{msg: fmt.Sprintf("%s: %s", pos[0], aims.ErrorMessage(err))}
	}
	if err != nil {
		return withIssues(err)
	}
	fmt.Fprintf(env.Stderr, "imported %d licensed texts; they are shown to %s only and never exported\n", n, "this organization")
	fmt.Fprintln(env.Stdout, n)
	return nil
}
