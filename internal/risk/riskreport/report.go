// Package riskreport writes the risk register and its treatment plan as reports: XLSX workbooks and PDF
// documents, the PDF opening with the inherent and residual heat maps. The risks are read a page at a
// time and at most a cap are listed (a report cut short says so); the house style is soaexport's.
package riskreport

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/risk"
)

// Report formats.
const (
	FormatXLSX = "xlsx"
	FormatPDF  = "pdf"
)

// MaxPDFRows bounds the risks a PDF lists: fpdf holds the whole document in memory, and a register of
// more than some hundred pages is read as a spreadsheet anyway. An XLSX lists up to risk.MaxReportRows.
const MaxPDFRows = 10_000

// ParseFormat returns format, or EINVALID on field when it is not xlsx or pdf.
func ParseFormat(format, field string) (string, error) {
	if format == FormatXLSX || format == FormatPDF {
		return format, nil
	}
	return "", aims.FieldError(field, "Choose the format xlsx or pdf.")
}

// ContentType returns the media type of a report format.
func ContentType(format string) string {
	if format == FormatPDF {
		return "application/pdf"
	}
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// Filename returns the file name of a report: aims-risks-SLUG.EXT or aims-treatment-plan-SLUG.EXT.
func Filename(kind, slug, format string) string {
	return fmt.Sprintf("aims-%s-%s.%s", kind, slug, format)
}

// Options tune a report.
type Options struct {
	// Uncompressed leaves a PDF's page streams uncompressed, so that tests can find the text in them.
	Uncompressed bool
	// Limit lowers the cap of risks listed (0: the format's cap), for tests.
	Limit int
	// Now is when the report is made (zero: aims.Now).
	Now time.Time
}

func (o Options) limit(format string) int {
	max := risk.MaxReportRows
	if format == FormatPDF {
		max = MaxPDFRows
	}
	if o.Limit > 0 && o.Limit < max {
		return o.Limit
	}
	return max
}

// meta is what a report says about itself.
type meta struct {
	title, org string
	at         time.Time
	criteria   *risk.Criteria
	filter     string
	limit      int
}

func newMeta(title, org string, f risk.Filter, o Options, format string) meta {
	at := o.Now
	if at.IsZero() {
		at = aims.Now()
	}
	return meta{title: title, org: org, at: at.UTC(), filter: describe(f), limit: o.limit(format)}
}

// describe says which risks a filter selects, for the report's heading.
func describe(f risk.Filter) string {
	var parts []string
	add := func(name, v string) {
		if v != "" {
			parts = append(parts, name+" "+v)
		}
	}
	if f.OrgWide {
		parts = append(parts, "organization-wide")
	}
	add("system", f.SystemID)
	add("level", f.Level)
	add("owner", f.OwnerID)
	add("source", f.Source)
	add("status", f.Status)
	if f.Open {
		parts = append(parts, "open")
	}
	if f.Overdue {
		parts = append(parts, "review overdue")
	}
	if f.Query != "" {
		parts = append(parts, fmt.Sprintf("text %q", f.Query))
	}
	if len(parts) == 0 {
		return "All risks"
	}
	return "Risks of " + strings.Join(parts, ", ")
}

// Register writes the register of orgID (named org) that f selects as format (xlsx or pdf): the heat
// maps, then a row per risk in f's order, at most the format's cap.
func Register(ctx context.Context, s *risk.Service, orgID, org string, f risk.Filter, format string, w io.Writer, o Options) error {
	inherent, err := s.HeatMap(ctx, orgID, f, false)
	if err != nil {
		return err
	}
	residual, err := s.HeatMap(ctx, orgID, f, true)
	if err != nil {
		return err
	}
	m := newMeta("Risk register", org, f, o, format)
	m.criteria = inherent.Criteria
	each := func(fn func(*risk.Risk) error) (bool, error) { return s.EachRisk(ctx, orgID, f, m.limit, fn) }
	if format == FormatPDF {
		return registerPDF(w, m, inherent, residual, each, o)
	}
	return registerXLSX(w, m, inherent, residual, each)
}

// TreatmentPlan writes the treatment plan of orgID's open risks that f selects as format (xlsx or pdf):
// a row per risk with its level against the acceptable one, its treatment option and plan, the controls
// that treat it, its actions (the tasks on it, with owner, due date and status) and its residual level.
func TreatmentPlan(ctx context.Context, s *risk.Service, orgID, org string, f risk.Filter, format string, w io.Writer, o Options) error {
	c, err := s.Criteria(ctx, orgID)
	if err != nil {
		return err
	}
	m := newMeta("Risk treatment plan", org, f, o, format)
	m.criteria = c
	each := func(fn func(*risk.PlanItem) error) (bool, error) { return s.EachPlanItem(ctx, orgID, f, m.limit, fn) }
	if format == FormatPDF {
		return planPDF(w, m, each, o)
	}
	return planXLSX(w, m, each)
}

// levelName names level key of c ("" for none).
func levelName(c *risk.Criteria, key string) string {
	if l := c.Level(key); l != nil {
		return l.Name
	}
	return key
}

// stepLabel names step n of a scale ("" for none; the number for a step of older criteria).
func stepLabel(steps []risk.Step, n int) string {
	switch {
	case n >= 1 && n <= len(steps):
		return steps[n-1].Label
	case n == 0:
		return ""
	}
	return fmt.Sprint(n)
}

// controlsText and actionsText are a plan item's controls and actions, one a line.
func controlsText(cs []risk.PlanControl) string {
	lines := make([]string, len(cs))
	for i, c := range cs {
		lines[i] = strings.TrimSpace(c.Ref + " " + strings.TrimPrefix(c.Title, c.Ref+" "))
	}
	return strings.Join(lines, "\n")
}

func actionsText(as []risk.PlanAction) string {
	lines := make([]string, len(as))
	for i, a := range as {
		var bits []string
		if a.Owner != "" {
			bits = append(bits, a.Owner)
		}
		if a.Due != "" {
			due := "due " + a.Due
			if a.Overdue {
				due += " (overdue)"
			}
			bits = append(bits, due)
		}
		bits = append(bits, strings.ReplaceAll(a.Status, "_", " "))
		lines[i] = a.Title + " (" + strings.Join(bits, ", ") + ")"
	}
	return strings.Join(lines, "\n")
}

func treatment(r *risk.Risk) string {
	if r.TreatmentOption == "" {
		return "not decided"
	}
	return r.TreatmentOption
}

func truncatedNote(limit int, format string) string {
	if format == FormatPDF {
		return fmt.Sprintf("Cut short: only the first %s risks are listed. The XLSX report lists up to %s.", aims.Thousands(limit),
			aims.Thousands(risk.MaxReportRows))
	}
	return fmt.Sprintf("Cut short: only the first %s risks are listed; narrow the filter.", aims.Thousands(limit))
}
