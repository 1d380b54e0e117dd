package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/risk/riskreport"
)

// runRiskImport registers every risk of a CSV or JSON file (see risk.Service.Import for the layout), or
// none: each fault is a line of the error naming the file's line and column (CSV) or item and field
// (JSON), exit 2. A file over the import's limits is a failed check, exit 1.
func runRiskImport(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "risk import", "risk import --org SLUG --file FILE.csv|FILE.json [--as EMAIL]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	file := fs.String("file", "", "the CSV file (a header row, then a risk a row) or JSON array of risks (required)")
	as := fs.String("as", "", "the email address of the member who registers the risks (default: the command line)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "file", *file); err != nil {
		return err
	}
	f, err := os.Open(*file)
	if err != nil {
		return usageError("%s", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return usageError("%s", err)
	} else if st.Size() > risk.MaxImportBytes {
		return &CheckFailed{msg: fmt.Sprintf("%s is larger than %d MiB, the most one import of risks takes; split it", *file, risk.MaxImportBytes>>20)}
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	actx := operator(ctx)
	if *as != "" {
		if actx, err = asMember(ctx, db, o.ID, o.Slug, *as); err != nil {
			return err
		}
		if err := aims.Authorize(aims.ActorFrom(actx).Role, aims.ActionCreate, aims.ResRisk); err != nil {
			return err
		}
	}
	res, err := sv.Risks.Import(actx, o.ID, f)
	if err != nil {
		return riskImportFault(*file, err)
	}
	if res.Imported == 1 {
		fmt.Fprintf(env.Stderr, "imported 1 risk into %s: %s (criteria version %d)\n", o.Slug, res.FirstRef, res.CriteriaVersion)
	} else {
		fmt.Fprintf(env.Stderr, "imported %d risks into %s: %s to %s (criteria version %d)\n", res.Imported, o.Slug, res.FirstRef, res.LastRef,
			res.CriteriaVersion)
	}
	return nil
}

// riskImportFault says what is wrong where in file, a fault a line: `risks.csv:7: likelihood: ...`, or
// `risks.json: item 3: owner: ...`.
func riskImportFault(file string, err error) error {
	var ie *risk.ImportError
	switch {
	case errors.As(err, &ie):
		var b strings.Builder
		for i, is := range ie.Issues {
			if i > 0 {
				b.WriteString("\n")
			}
			where := file
			switch {
			case !is.JSON:
				where += fmt.Sprintf(":%d", is.Line)
			case is.Index >= 0:
				where += fmt.Sprintf(": item %d", is.Index)
			}
			if is.Field != "" {
				where += ": " + is.Field
			}
			b.WriteString(where + ": " + is.Message)
		}
		if ie.Truncated {
			b.WriteString("\n" + file + ": and more faults")
		}
		b.WriteString("\nNothing was imported.")
		return usageError("%s", b.String())
	case aims.ErrorCode(err) == aims.ETOOLARGE:
		return &CheckFailed{msg: fmt.Sprintf("%s: %s", file, aims.ErrorMessage(err))}
	case aims.ErrorCode(err) == aims.EINVALID || aims.ErrorCode(err) == aims.ECONFLICT:
		return usageError("%s: %s Nothing was imported.", file, aims.ErrorMessage(err))
	}
	return fmt.Errorf("nothing was imported: %w", err)
}

// runRiskTreatmentPlan writes the treatment plan of the open risks (with the filters of risk list) as
// XLSX or PDF.
func runRiskTreatmentPlan(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "risk treatment-plan", "risk treatment-plan --org SLUG [filters of risk list] [--format xlsx|pdf] --out FILE")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	lf := addRiskListFlags(fs)
	format := fs.String("format", riskreport.FormatXLSX, "xlsx or pdf")
	out := fs.String("out", "", "the file to write; - for standard output (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "out", *out); err != nil {
		return err
	}
	if *format != riskreport.FormatXLSX && *format != riskreport.FormatPDF {
		return usageError("--format must be xlsx or pdf")
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
	return writeRiskReport(ctx, env, sv.Risks, o, "treatment-plan", f, *format, *out)
}

// writeRiskReport writes a report of the register ("risks") or its treatment plan ("treatment-plan") to
// out (- for standard output); a file is written whole or not at all.
func writeRiskReport(ctx context.Context, env *Env, s *risk.Service, o *account.Organization, kind string, f risk.Filter, format, out string) error {
	write := riskreport.Register
	if kind == "treatment-plan" {
		write = riskreport.TreatmentPlan
	}
	var b bytes.Buffer
	if err := write(ctx, s, o.ID, o.Name, f, format, &b, riskreport.Options{}); err != nil {
		return err
	}
	if out == "-" {
		_, err := b.WriteTo(env.Stdout)
		return err
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", out, err)
	}
	fmt.Fprintf(env.Stderr, "wrote %s\n", out)
	return nil
}
