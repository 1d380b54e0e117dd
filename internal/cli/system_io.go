package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
)

// maxImportFile bounds the file of `aims system import`.
const maxImportFile = 64 << 20

// ioFormat returns format, or the one the extension of file names (csv or json), or "".
func ioFormat(format, file string) (string, error) {
	switch format {
	case "csv", "json":
		return format, nil
	case "":
		if ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(file)), "."); ext == "csv" || ext == "json" {
			return ext, nil
		}
		return "", nil
	}
	return "", usageError("--format must be csv or json")
}

// runSystemImport stores every system of a CSV or JSON file (as system export writes them), or none: a
// bad one is named by its line (CSV) or position (JSON) and field, and nothing is imported. The file is
// read as it is decoded, so that one of more systems than --import-max-rows is refused (exit 1, naming
// the limit and the flag) at the first system over it.
func runSystemImport(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "system import", "system import --org SLUG [--format csv|json] [--import-max-rows N] FILE.csv|FILE.json")
	c.StoreFlags(fs)
	c.SystemImportFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	formatFlag := fs.String("format", "", "csv or json (default: from the file's extension)")
	pos, err := parseArgs(fs, args, 1, "name one FILE to import")
	if err != nil {
		return err
	}
	file := pos[0]
	if err := required("org", *org); err != nil {
		return err
	}
	if c.ImportMaxRows <= 0 {
		return usageError("--import-max-rows must be positive")
	}
	format, err := ioFormat(*formatFlag, file)
	if err != nil {
		return err
	}
	if format == "" {
		return usageError("%s: say --format csv or --format json, or name the file .csv or .json", file)
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
	if st.Size() > maxImportFile {
		return usageError("%s is larger than %d MiB; split it", file, maxImportFile>>20)
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
	svc := sv.Systems
	var r io.Reader = io.LimitReader(f, maxImportFile)
	var bar *progress
	if st.Size() >= progressFrom {
		bar = newProgress(env.Stderr, "import "+filepath.Base(file))
		defer bar.done()
		r = &progressReader{r: r, p: bar, size: st.Size(), upto: 50, next: "checking"}
		svc.ImportProgress = func(stored, total int) { bar.set(50+50*stored/total, "storing") }
	}
	var ss []*system.System
	var fields []system.Fields
	if format == "csv" {
		ss, err = svc.ImportCSV(operator(ctx), o.ID, r)
	} else if fields, err = system.DecodeJSON(r, svc.ImportRowLimit(), nil); err == nil {
		ss, err = svc.ImportChecked(operator(ctx), o.ID, fields)
	}
	if err != nil {
		return importFault(file, fields, err)
	}
	if bar != nil {
		bar.set(100, "done")
		bar.done()
		bar = nil
	}
	fmt.Fprintf(env.Stderr, "imported %d AI systems into %s\n", len(ss), o.Slug)
	return nil
}

// importFault says what is wrong where in file: `systems.csv:17: stage: Choose one of ...`, or for JSON
// `systems.json: system 2 ("Broken"): stage: ...`. A fault of the input is a usage error (exit 2); a
// file over the import limit is a failed check (exit 1) naming the limit and --import-max-rows.
func importFault(file string, fields []system.Fields, err error) error {
	var le *system.LineError
	var ie *system.ImportError
	var tooMany *system.ImportTooManyError
	switch {
	case errors.As(err, &tooMany):
		return &CheckFailed{msg: fmt.Sprintf("%s: %s", file, aims.ErrorMessage(err))}
	case errors.As(err, &le) && aims.ErrorCode(le.Err) != aims.EINTERNAL:
		if f := aims.ErrorField(le.Err); f != "" {
			return usageError("%s:%d: %s: %s Nothing was imported.", file, le.Line, f, aims.ErrorMessage(le.Err))
		}
		return usageError("%s:%d: %s Nothing was imported.", file, le.Line, aims.ErrorMessage(le.Err))
	case errors.As(err, &ie) && aims.ErrorCode(ie.Err) != aims.EINTERNAL:
		name, field := "", ""
		if ie.Index < len(fields) {
			name = fmt.Sprintf(" (%q)", fields[ie.Index].Name)
		}
		if f := aims.ErrorField(ie.Err); f != "" {
			field = " " + f + ":"
		}
		return usageError("%s: system %d%s:%s %s Nothing was imported.", file, ie.Index+1, name, field, aims.ErrorMessage(ie.Err))
	}
	if code := aims.ErrorCode(err); code == aims.EINVALID || code == aims.ECONFLICT || code == aims.ENOTFOUND {
		return usageError("%s: %s Nothing was imported.", file, aims.ErrorMessage(err))
	}
	return fmt.Errorf("nothing was imported: %w", err)
}

// runSystemExport writes every system of the organization as JSON (the default) or CSV, to stdout or
// --out; system import reads either back.
func runSystemExport(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "system export", "system export --org SLUG [--format csv|json] [--out FILE]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	formatFlag := fs.String("format", "", "json or csv (default: from --out's extension, else json)")
	out := fs.String("out", "", "the file to write (default: stdout)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org); err != nil {
		return err
	}
	format, err := ioFormat(*formatFlag, *out)
	if err != nil {
		return err
	}
	if format == "" {
		format = "json"
	}
	db, o, err := orgStore(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	var buf bytes.Buffer
	sv, err := servicesOf(db, &c)
	if err != nil {
		return err
	}
	svc := sv.Systems
	n := 0
	if format == "csv" {
		cw := system.NewCSVWriter(&buf)
		err = svc.EachSystem(ctx, o.ID, system.Filter{}, func(s *system.System) error {
			n++
			f := system.FieldsOf(s)
			return cw.Write(&f)
		})
		if err == nil {
			err = cw.Flush()
		}
	} else {
		all := []system.Fields{}
		err = svc.EachSystem(ctx, o.ID, system.Filter{}, func(s *system.System) error {
			all = append(all, system.FieldsOf(s))
			return nil
		})
		n = len(all)
		if err == nil {
			enc := json.NewEncoder(&buf)
			enc.SetIndent("", "  ")
			err = enc.Encode(all)
		}
	}
	if err != nil {
		return err
	}
	if *out == "" {
		_, err := io.Copy(env.Stdout, &buf)
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o600); err != nil {
		return usageError("%s", err)
	}
	fmt.Fprintf(env.Stderr, "exported %d AI systems of %s to %s\n", n, o.Slug, *out)
	return nil
}
