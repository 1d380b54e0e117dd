package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom"
)

const bomUsage = "usage: aims bom import|export|diff --org SLUG --system ID|NAME ..."

// runBOM imports, exports and compares the CycloneDX ML-BOMs of AI systems.
func runBOM(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError(bomUsage)
	}
	switch args[0] {
	case "import":
		return runBOMImport(ctx, env, args[1:])
	case "export":
		return runBOMExport(ctx, env, args[1:])
	case "diff":
		return runBOMDiff(ctx, env, args[1:])
	}
	return usageError("unknown bom command %q: use import, export or diff", args[0])
}

// runBOMImport imports a CycloneDX JSON BOM as the next BOM version of a system: see
// component.Service.ImportBOM. A refused document lists its issues on standard error, one per line with its
// JSON pointer, and exits 1.
func runBOMImport(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "bom import", "bom import --org SLUG --system ID|NAME FILE")
	c.StoreFlags(fs)
	c.ImportFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	sysRef := fs.String("system", "", "the id or name of the AI system (required)")
	file, rest := fileArg(args)
	if err := parse(fs, rest); err != nil {
		return err
	}
	if err := required("org", *org, "system", *sysRef, "FILE", file); err != nil {
		return err
	}
	if c.BOMMaxComponents <= 0 || c.BOMMaxBytes <= 0 {
		return usageError("--bom-max-components and --bom-max-bytes must be positive")
	}
	f, err := os.Open(file)
	if err != nil {
		return usageError("%s", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return usageError("%s", err)
	}
	db, o, err := orgStore(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := systemByRef(ctx, db, o.ID, *sysRef)
	if err != nil {
		return err
	}
	sv, err := servicesOf(db, &c)
	if err != nil {
		return err
	}
	svc := sv.Components
	var r io.Reader = f
	var bar *progress
	if st.Size() >= 1<<20 {
		bar = newProgress(env.Stderr, "importing "+file)
		r = &progressReader{r: f, p: bar, size: st.Size()}
	}
	imp, err := svc.ImportBOM(operator(ctx), o.ID, s.ID, aibom.Sized(r, st.Size()), baseName(file))
	if bar != nil {
		bar.set(100, "done")
		bar.done()
	}
	var invalid *component.BOMInvalidError
	var tooMany *component.BOMTooManyError
	switch {
	case errors.As(err, &tooMany):
		return &CheckFailed{msg: fmt.Sprintf("%s: %s", file, aims.ErrorMessage(err))}
	case errors.As(err, &invalid):
		for _, is := range invalid.Issues {
			p := is.Pointer
			if p == "" {
				p = "/"
			}
			fmt.Fprintf(env.Stderr, "%s: %s: %s\n", file, p, is.Message)
		}
		more := ""
		if invalid.Truncated {
			more = " (and more)"
		}
		return &CheckFailed{msg: fmt.Sprintf("%s is not a valid CycloneDX 1.5 or 1.6 JSON BOM: %d issue(s)%s; nothing was imported", file, len(invalid.Issues), more)}
	case aims.ErrorCode(err) == aims.ETOOLARGE:
		return &CheckFailed{msg: fmt.Sprintf("%s: %s Raise bom_max_bytes (AIMS_BOM_MAX_BYTES) to import it; nothing was imported", file, aims.ErrorMessage(err))}
	case err != nil:
		return fmt.Errorf("%s: nothing was imported: %w", file, err)
	}
	st2 := imp.Stats
	fmt.Fprintf(env.Stderr, "imported %s as BOM version %d of %q: %d components; %d created, %d updated, %d unchanged, %d newly linked\n",
		file, imp.Seq, s.Name, imp.Components, st2.Created, st2.Updated, st2.Unchanged, st2.Linked)
	fmt.Fprintln(env.Stdout, imp.Seq)
	return nil
}

// progressReader moves a progress bar as a file is read, up to upto percent (0: 90) when the whole
// file is read, which then shows the step next (default: "validating and storing").
type progressReader struct {
	r    io.Reader
	p    *progress
	size int64
	read int64
	upto int64
	next string
}

func (pr *progressReader) Read(b []byte) (int, error) {
	n, err := pr.r.Read(b)
	pr.read += int64(n)
	step := "reading"
	if err == io.EOF || pr.read >= pr.size {
		step = pr.next
		if step == "" {
			step = "validating and storing"
		}
	}
	upto := pr.upto
	if upto == 0 {
		upto = 90
	}
	pr.p.set(int(upto*pr.read/max(pr.size, 1)), step)
	return n, err
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

// runBOMExport writes a system's components as a CycloneDX 1.6 JSON ML-BOM.
func runBOMExport(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "bom export", "bom export --org SLUG --system ID|NAME [--out FILE]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	sysRef := fs.String("system", "", "the id or name of the AI system (required)")
	out := fs.String("out", "", "write the BOM to this file instead of standard output")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "system", *sysRef); err != nil {
		return err
	}
	db, o, err := orgStore(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := systemByRef(ctx, db, o.ID, *sysRef)
	if err != nil {
		return err
	}
	// The BOM is written as it is made (see ExportBOM): to a file, under a temporary name that becomes
	// --out once it is whole, so that a failed export leaves no partial file.
	sv, err := servicesOf(db, &c)
	if err != nil {
		return err
	}
	svc := sv.Components
	if *out == "" {
		bw := bufio.NewWriter(env.Stdout)
		if err := svc.ExportBOM(ctx, o.ID, s.ID, aims.Version, bw, nil); err != nil {
			return err
		}
		return bw.Flush()
	}
	f, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", *out, err)
	}
	defer os.Remove(f.Name()) // once renamed, there is nothing to remove
	bw := bufio.NewWriter(f)
	if err := svc.ExportBOM(ctx, o.ID, s.ID, aims.Version, bw, nil); err != nil {
		f.Close()
		return err
	}
	err = bw.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), *out)
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", *out, err)
	}
	fmt.Fprintf(env.Stderr, "wrote the CycloneDX 1.6 BOM of %q to %s\n", s.Name, *out)
	return nil
}

// runBOMDiff prints what changed between two imported BOM versions of a system, one change a line.
func runBOMDiff(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "bom diff", "bom diff --org SLUG --system ID|NAME --from N --to M")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	sysRef := fs.String("system", "", "the id or name of the AI system (required)")
	from := fs.Int64("from", 0, "the older BOM version (required)")
	to := fs.Int64("to", 0, "the newer BOM version (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "system", *sysRef); err != nil {
		return err
	}
	if *from <= 0 || *to <= 0 {
		return usageError("--from and --to are required: the numbers of two imported BOM versions (1, 2, ...)")
	}
	db, o, err := orgStore(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := systemByRef(ctx, db, o.ID, *sysRef)
	if err != nil {
		return err
	}
	sv, err := servicesOf(db, &c)
	if err != nil {
		return err
	}
	d, err := sv.Components.DiffBOM(ctx, o.ID, s.ID, *from, *to)
	if err != nil {
		return err
	}
	if len(d.Lines) == 0 {
		fmt.Fprintf(env.Stderr, "BOM versions %d and %d of %q list the same components\n", *from, *to, s.Name)
		return nil
	}
	for _, l := range d.Lines {
		fmt.Fprintln(env.Stdout, l)
	}
	return nil
}
