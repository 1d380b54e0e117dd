package control

import (
	"fmt"
	"io"
	"strings"
	"time"

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
func Filename(s *SoA, format string) string {
	ext := format
	if format == FormatOSCAL {
		ext = "oscal.json"
	}
	return fmt.Sprintf("aims-soa-%s-%s.%s", s.Organization.Slug, s.VersionName(), ext)
}

// VersionName is "vN" for an approved version and "live" for the live SoA.
func (s *SoA) VersionName() string {
	if s.Version == 0 {
		return Live
	}
	return fmt.Sprintf("v%d", s.Version)
}

// Export writes s to w in format. The exports hold references, titles and the organization's own
// decisions only: never the text of a requirement, which may be licensed.
func Export(w io.Writer, s *SoA, format string) error {
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

// Label returns the words for people of an applicability or a status.
func Label(v string) string {
	switch v {
	case NotStarted:
		return "Not started"
	case "":
		return ""
	}
	return strings.ToUpper(v[:1]) + strings.ReplaceAll(v[1:], "_", " ")
}

// columns are the columns of the tabular exports, in order.
var columns = []string{"Framework", "Ref", "Control", "Objective", "Applicability", "Justification", "Status", "Owner",
	"Target date", "Links"}

// cells returns r's values in the order of columns.
func (r *Row) cells() []string {
	group := r.GroupRef + " " + r.GroupTitle
	if !r.AnnexA() {
		group = r.GroupTitle
	}
	return []string{r.FrameworkName, r.Ref, r.Title, strings.TrimSpace(group), Label(r.Applicability), r.Justification,
		Label(r.Status), r.Owner, r.TargetDate, fmt.Sprint(r.Links)}
}

// state says in a sentence whether s is live or approved, by whom and when.
func (s *SoA) state() string {
	if s.Version == 0 || s.ApprovedAt == nil {
		return "Live, not approved (generated " + s.GeneratedAt.UTC().Format("2 Jan 2006 15:04 UTC") + ")"
	}
	return fmt.Sprintf("Version %d, approved by %s on %s", s.Version, s.ApprovedBy, s.ApprovedAt.UTC().Format("2 January 2006"))
}

// facts are the metadata of s as label/value pairs, for the exports' cover and second sheet.
func (s *SoA) facts() [][2]string {
	out := [][2]string{
		{"Organization", s.Organization.Name},
		{"Standard", "ISO/IEC 42001:2023, clause 6.1.3 d) and Annex A"},
		{"Status", s.state()},
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
func (s *SoA) checkGroups() [][2]string {
	var out [][2]string
	add := func(check string, items []CheckItem) {
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
	add("No decision or justification", s.Checks.Undecided)
	add("Applicable, no owner", s.Checks.NoOwner)
	add("Not implemented by its target date", s.Checks.Overdue)
	return out
}

// checkLines returns the checks of s as lines for people, one per failing control, each headed by its
// check.
func (s *SoA) checkLines() [][2]string {
	var out [][2]string
	add := func(check string, items []CheckItem) {
		for _, c := range items {
			v := c.Ref + " " + c.Title
			if c.TargetDate != "" {
				v += " (target " + c.TargetDate + ")"
			}
			out = append(out, [2]string{check, v})
		}
	}
	add("No decision or justification", s.Checks.Undecided)
	add("Applicable, no owner", s.Checks.NoOwner)
	add("Not implemented by its target date", s.Checks.Overdue)
	return out
}
