package impact

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/xuri/excelize/v2"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// Export is what an export shows besides the version: the organization, the titles of the mitigations
// (by ref) and when it was made.
type Export struct {
	Organization string
	Titles       map[string]string
	At           time.Time
}

// Formats are the export formats.
var Formats = []string{"md", "pdf", "xlsx"}

// ContentTypes are the media types of the export formats.
var ContentTypes = map[string]string{"md": "text/markdown; charset=utf-8", "pdf": "application/pdf",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

// WriteXLSX writes a as a workbook of one sheet: its facts, then each section with a row a line, the
// cells stored as text (never as formulas).
func WriteXLSX(w io.Writer, a *Assessment, x Export) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Impact assessment"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	row := 1
	put := func(cells ...string) error {
		for i, c := range cells {
			name, err := excelize.CoordinatesToCellName(i+1, row)
			if err != nil {
				return err
			}
			if err := f.SetCellStr(sheet, name, c); err != nil {
				return err
			}
		}
		row++
		return nil
	}
	facts, body := sections(a, x)
	if err := put("Impact assessment of "+a.SystemName, x.Organization); err != nil {
		return err
	}
	for _, fct := range facts {
		if err := put(fct[0], fct[1]); err != nil {
			return err
		}
	}
	for _, s := range body {
		row++
		if err := put(s.Title); err != nil {
			return err
		}
		for _, l := range s.Lines {
			if err := put(l[0], l[1]); err != nil {
				return err
			}
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", 30); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "B", 100); err != nil {
		return err
	}
	return f.Write(w)
}

// sections are the parts of an assessment in the order exports show them, each as label/value lines.
func sections(a *Assessment, x Export) (facts [][2]string, body []section) {
	status := "Draft"
	if a.Status == StatusApproved {
		status = "Approved"
		if a.ApprovedAt != nil {
			status += " by " + a.ApprovedByName + " on " + a.ApprovedAt.Format(time.DateOnly)
		}
	}
	facts = [][2]string{{"AI system", a.SystemName}, {"Version", fmt.Sprint(a.Version)}, {"Status", status}}
	if a.Stale {
		facts = append(facts, [2]string{"Stale", a.StaleReason})
	}
	if a.OwnerName != "" {
		facts = append(facts, [2]string{"Owner", a.OwnerName})
	}
	if a.ReassessBy != "" {
		facts = append(facts, [2]string{"Reassess by", a.ReassessBy})
	}
	facts = append(facts, [2]string{"Exported", x.At.UTC().Format("2006-01-02 15:04 UTC")})
	body = []section{
		{"Scope", [][2]string{{"", orNone(a.Scope)}}},
		{"Intended use and foreseeable misuse", [][2]string{{"Intended use", orNone(a.IntendedUse)}, {"Foreseeable misuse", orNone(a.ForeseeableMisuse)}}},
	}
	var parties [][2]string
	for _, p := range a.Affected {
		v := p.Note
		if p.Vulnerable {
			v = strings.TrimSpace("Vulnerable. " + v)
		}
		parties = append(parties, [2]string{p.Name, orNone(v)})
	}
	if len(parties) == 0 {
		parties = [][2]string{{"", "(none named)"}}
	}
	body = append(body, section{"Affected individuals and groups", parties})
	for i, im := range a.Impacts {
		lines := [][2]string{{"Area", AreaLabel(im.Area)}, {"Affected", orNone(im.Party)}, {"Impact", im.Description},
			{"Likelihood", fmt.Sprintf("%d %s", im.Likelihood, ScaleLabel(Likelihoods, im.Likelihood))},
			{"Severity", fmt.Sprintf("%d %s", im.Severity, ScaleLabel(Severities, im.Severity))}}
		var ms []string
		for _, m := range im.Mitigations {
			if t := x.Titles[m]; t != "" {
				ms = append(ms, t)
			} else {
				ms = append(ms, m)
			}
		}
		if len(ms) > 0 {
			lines = append(lines, [2]string{"Mitigated by", strings.Join(ms, "; ")})
		}
		if im.MitigationNote != "" {
			lines = append(lines, [2]string{"Mitigation", im.MitigationNote})
		}
		body = append(body, section{fmt.Sprintf("Impact %d", i+1), lines})
	}
	if a.FRIA != nil {
		var lines [][2]string
		for _, f := range FRIAFields {
			lines = append(lines, [2]string{"Art. " + f.Point + " " + f.Title, orNone(a.FRIA.Get(f.Field))})
		}
		body = append(body, section{"Fundamental rights impact assessment (EU AI Act, Art. 27)", lines})
	}
	return facts, body
}

type section struct {
	Title string
	Lines [][2]string
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(not stated)"
	}
	return s
}

// Titles returns the refs of a's mitigations, for an Export's Titles to name.
func Titles(a *Assessment) []record.Ref {
	var out []record.Ref
	for _, im := range a.Impacts {
		for _, m := range im.Mitigations {
			if r, err := record.ParseRef(m, "m"); err == nil {
				out = append(out, r)
			}
		}
	}
	return out
}

// WriteMarkdown writes a as a Markdown document.
func WriteMarkdown(w io.Writer, a *Assessment, x Export) error {
	bw := bufio.NewWriter(w)
	facts, body := sections(a, x)
	fmt.Fprintf(bw, "# AI system impact assessment: %s\n\n", mdEscape(a.SystemName))
	if x.Organization != "" {
		fmt.Fprintf(bw, "%s\n\n", mdEscape(x.Organization))
	}
	for _, f := range facts {
		fmt.Fprintf(bw, "- **%s:** %s\n", f[0], mdEscape(f[1]))
	}
	for _, s := range body {
		fmt.Fprintf(bw, "\n## %s\n\n", s.Title)
		for _, l := range s.Lines {
			if l[0] == "" {
				fmt.Fprintf(bw, "%s\n", mdEscape(l[1]))
				continue
			}
			fmt.Fprintf(bw, "- **%s:** %s\n", mdEscape(l[0]), mdEscape(l[1]))
		}
	}
	return bw.Flush()
}

// mdEscape keeps text from being read as Markdown markup or HTML, and keeps it on its list item.
func mdEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "#", `\#`, "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`,
		"\r\n", "<br>", "\n", "<br>")
	return r.Replace(s)
}

// PDFOptions tune the PDF export.
type PDFOptions struct {
	// Uncompressed leaves the page streams uncompressed, so that tests can find the text in them.
	Uncompressed bool
}

// WritePDF writes a as an A4 PDF in the house style of the Statement of Applicability: a title, the
// facts, then each section as label/value lines, with page numbers. Text is translated to the core
// font's Windows-1252.
func WritePDF(w io.Writer, a *Assessment, x Export, o PDFOptions) error {
	const margin = 15.0
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(!o.Uncompressed)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+6)
	pdf.SetCreationDate(x.At)
	pdf.SetModificationDate(x.At)
	tr := pdf.UnicodeTranslatorFromDescriptor("cp1252")
	pdf.SetTitle(tr("AI system impact assessment: "+a.SystemName), false)
	pdf.SetAuthor(tr(x.Organization), false)
	pdf.SetCreator("aims", false)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin)
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetTextColor(90, 98, 117)
		pdf.CellFormat(0, 5, tr(fmt.Sprintf("Impact assessment · %s · version %d", a.SystemName, a.Version)), "", 0, "L", false, 0, "")
		pdf.SetX(margin)
		pdf.CellFormat(0, 5, fmt.Sprintf("Page %d of {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 20)
	pdf.MultiCell(0, 10, tr("AI system impact assessment"), "", "L", false)
	pdf.SetFont("Helvetica", "", 13)
	pdf.MultiCell(0, 7, tr(strings.TrimSpace(a.SystemName+" · "+x.Organization)), "", "L", false)
	pdf.Ln(3)
	facts, body := sections(a, x)
	pairs := func(kvs [][2]string) {
		for _, kv := range kvs {
			if kv[0] == "" {
				pdf.SetFont("Helvetica", "", 10)
				pdf.MultiCell(0, 5.5, tr(kv[1]), "", "L", false)
				continue
			}
			pdf.SetFont("Helvetica", "B", 10)
			label := tr(kv[0])
			if pdf.GetStringWidth(label) > 48 {
				pdf.MultiCell(0, 5.5, label, "", "L", false)
				pdf.SetX(margin + 50)
			} else {
				pdf.CellFormat(50, 5.5, label, "", 0, "L", false, 0, "")
			}
			pdf.SetFont("Helvetica", "", 10)
			pdf.MultiCell(0, 5.5, tr(kv[1]), "", "L", false)
		}
	}
	pairs(facts)
	for _, s := range body {
		pdf.Ln(3)
		pdf.SetFont("Helvetica", "B", 13)
		pdf.SetTextColor(51, 70, 196)
		pdf.MultiCell(0, 7, tr(s.Title), "", "L", false)
		pdf.SetTextColor(0, 0, 0)
		pairs(s.Lines)
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("cannot make the PDF: %w", err)
	}
	return pdf.Output(w)
}

// CheckFormat refuses (EINVALID on format) a format other than md, pdf and xlsx.
func CheckFormat(format string) error {
	if !slices.Contains(Formats, format) {
		return aims.FieldError("format", "Export as md, pdf or xlsx.")
	}
	return nil
}

// Export writes version (0: the newest) of the assessment of orgID's system systemID to w as format
// (md or pdf, EINVALID on format otherwise), the mitigations by their titles; orgName heads it.
func (s *Service) Export(ctx context.Context, orgID, orgName, systemID string, version int64, format string, w io.Writer) error {
	if err := CheckFormat(format); err != nil {
		return err
	}
	a, err := s.Assessment(ctx, orgID, systemID, version)
	if err != nil {
		return err
	}
	x := Export{Organization: orgName, Titles: map[string]string{}, At: s.Now().UTC()}
	for _, r := range Titles(a) {
		if e, err := s.Links.Resolve(ctx, orgID, r); err == nil {
			x.Titles[r.String()] = e.Name()
		}
	}
	switch format {
	case "pdf":
		return WritePDF(w, a, x, PDFOptions{})
	case "xlsx":
		return WriteXLSX(w, a, x)
	}
	return WriteMarkdown(w, a, x)
}
