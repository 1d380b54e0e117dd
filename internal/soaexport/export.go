// Package soaexport writes a Statement of Applicability (package control) as a file: XLSX, CSV, PDF
// or OSCAL. The exports hold references, titles and the organization's own decisions only: never the text
// of a requirement, which may be licensed.
package soaexport

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/control"

	"github.com/aimsproject/aims"
)

// Export formats of an SoA.
const (
	FormatXLSX  = "xlsx"
	FormatCSV   = "csv"
	FormatPDF   = "pdf"
	FormatOSCAL = "oscal"
)

// Formats lists the export formats.
var Formats = []string{FormatXLSX, FormatCSV, FormatPDF, FormatOSCAL}

// ParseFormat returns format, or EINVALID on field when it is not one of Formats.
func ParseFormat(format, field string) (string, error) {
	for _, f := range Formats {
		if f == format {
			return f, nil
		}
	}
	return "", aims.FieldError(field, "Choose the format xlsx, csv, pdf or oscal.")
}

// ContentType returns the media type of an export format.
func ContentType(format string) string {
	switch format {
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case FormatCSV:
		return "text/csv; charset=utf-8"
	case FormatPDF:
		return "application/pdf"
	}
	return "application/json"
}

// Binary reports whether an export format is not text, so that it should not be written to a terminal.
func Binary(format string) bool { return format == FormatXLSX || format == FormatPDF }

// Filename returns the file name of s exported in format: aims-soa-SLUG-vN.EXT, or -live for the live SoA.
func Filename(s *control.SoA, format string) string {
	ext := format
	if format == FormatOSCAL {
		ext = "oscal.json"
	}
	return fmt.Sprintf("aims-soa-%s-%s.%s", s.Organization.Slug, s.VersionName(), ext)
}

// Export writes s to w in format. The exports hold references, titles and the organization's own
// decisions only: never the text of a requirement, which may be licensed.
func Export(w io.Writer, s *control.SoA, format string) error {
	switch format {
	case FormatXLSX:
		return WriteXLSX(w, s)
	case FormatCSV:
		return WriteCSV(w, s)
	case FormatPDF:
		return WritePDF(w, s, PDFOptions{})
	case FormatOSCAL:
		return WriteOSCAL(w, s)
	}
	_, err := ParseFormat(format, "format")
	return err
}

// columns are the columns of the tabular exports, in order.
var columns = []string{"Framework", "Ref", "Control", "Objective", "Applicability", "Justification", "Status", "Owner",
	"Target date", "Links"}

// cells returns r's values in the order of columns.
func cells(r *control.Row) []string {
	group := r.GroupRef + " " + r.GroupTitle
	if !r.AnnexA() {
		group = r.GroupTitle
	}
	return []string{r.FrameworkName, r.Ref, r.Title, strings.TrimSpace(group), control.Label(r.Applicability), r.Justification,
		control.Label(r.Status), r.Owner, r.TargetDate, fmt.Sprint(r.Links)}
}

// state says in a sentence whether s is live or approved, by whom and when.
func state(s *control.SoA) string {
	if s.Version == 0 || s.ApprovedAt == nil {
		return "Live, not approved (generated " + s.GeneratedAt.UTC().Format("2 Jan 2006 15:04 UTC") + ")"
	}
	return fmt.Sprintf("Version %d, approved by %s on %s", s.Version, s.ApprovedBy, s.ApprovedAt.UTC().Format("2 January 2006"))
}

// facts are the metadata of s as label/value pairs, for the exports' cover and second sheet.
func facts(s *control.SoA) [][2]string {
	out := [][2]string{
		{"Organization", s.Organization.Name},
		{"Standard", "ISO/IEC 42001:2023, clause 6.1.3 d) and Annex A"},
		{"Status", state(s)},
	}
	if s.Version > 0 && s.ApprovedAt != nil {
		out = append(out, [2]string{"Version", fmt.Sprint(s.Version)}, [2]string{"Approved by", s.ApprovedBy},
			[2]string{"Approved on", s.ApprovedAt.UTC().Format(time.RFC3339)})
		if s.Note != "" {
			out = append(out, [2]string{"Approval note", s.Note})
		}
		out = append(out, [2]string{"SHA-256 of the approved content", s.Hash})
	}
	out = append(out,
		[2]string{"Generated", s.GeneratedAt.UTC().Format(time.RFC3339)},
		[2]string{"Controls", fmt.Sprint(s.Summary.Controls)},
		[2]string{"Applicable", fmt.Sprintf("%d (%d implemented, %d partly)", s.Summary.Applicable, s.Summary.Implemented, s.Summary.Partial)},
		[2]string{"Excluded", fmt.Sprint(s.Summary.Excluded)},
		[2]string{"Undecided", fmt.Sprint(s.Summary.Undecided)},
	)
	return out
}

// checkGroups returns the checks of s for people, one line per failing check listing its controls.
func checkGroups(s *control.SoA) [][2]string {
	var out [][2]string
	add := func(check string, items []control.CheckItem) {
		if len(items) == 0 {
			return
		}
		refs := make([]string, len(items))
		for i, c := range items {
			refs[i] = c.Ref
			if c.TargetDate != "" {
				refs[i] += " (target " + c.TargetDate + ")"
			}
		}
		out = append(out, [2]string{fmt.Sprintf("%s (%d)", check, len(items)), strings.Join(refs, ", ")})
	}
	for _, c := range s.Checks.ControlChecks() {
		add(c.What, c.Items)
	}
	for _, c := range s.Checks.RiskChecks() {
		if c.Count == 0 {
			continue
		}
		refs := make([]string, len(c.Items))
		for i, r := range c.Items {
			refs[i] = r.Ref
		}
		out = append(out, [2]string{fmt.Sprintf("%s (%d)", c.What, c.Count), strings.Join(refs, ", ")})
	}
	return out
}

// checkLines returns the checks of s as lines for people, one per failing control, each headed by its
// check.
func checkLines(s *control.SoA) [][2]string {
	var out [][2]string
	add := func(check string, items []control.CheckItem) {
		for _, c := range items {
			v := c.Ref + " " + c.Title
			if c.TargetDate != "" {
				v += " (target " + c.TargetDate + ")"
			}
			out = append(out, [2]string{check, v})
		}
	}
	for _, c := range s.Checks.ControlChecks() {
		add(c.What, c.Items)
	}
	for _, c := range s.Checks.RiskChecks() {
		for _, r := range c.Items {
			out = append(out, [2]string{c.What, r.Ref + " " + r.Title + " (" + r.Level + ")"})
		}
	}
	return out
}
