package soaexport

import (
	"fmt"
	"io"

	"github.com/aimsproject/aims/internal/control"

	"github.com/go-pdf/fpdf"

	"github.com/aimsproject/aims/internal/framework"
)

// PDFOptions tune the PDF export.
type PDFOptions struct {
	// Uncompressed leaves the page streams uncompressed, so that tests can find the text in them.
	Uncompressed bool
}

// The table of the PDF: column titles and widths (mm) on a landscape A4 page with 12 mm margins.
var (
	pdfColumns = []string{"Ref", "Control", "Applicability", "Justification", "Status", "Owner", "Target date", "Links"}
	pdfWidths  = []float64{17, 52, 22, 97, 21, 30, 20, 14}
)

const (
	pdfMargin = 12.0
	pdfLine   = 3.6 // line height of the table's 8-point text
	pdfPad    = 1.2
)

// pdfWriter draws an SoA on an fpdf document. The core Helvetica font holds the Windows-1252 characters,
// which cover the languages of the EU; text is translated from UTF-8 to that code page, and a character
// outside it is printed as a dot rather than breaking the document.
type pdfWriter struct {
	pdf *fpdf.Fpdf
	tr  func(string) string
	s   *control.SoA
}

// WritePDF writes s as a PDF: a cover page with the organization, the version, its approval and the
// checks, then the controls as a table under their objectives, with page numbers. fpdf builds the
// document in memory and writes it to w at the end.
func WritePDF(w io.Writer, s *control.SoA, o PDFOptions) error {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCompression(!o.Uncompressed)
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(true, pdfMargin+6)
	pdf.SetCreationDate(s.GeneratedAt)
	pdf.SetModificationDate(s.GeneratedAt)
	p := &pdfWriter{pdf: pdf, tr: pdf.UnicodeTranslatorFromDescriptor("cp1252"), s: s}
	pdf.SetTitle(p.tr("Statement of Applicability: "+s.Organization.Name), false)
	pdf.SetAuthor(p.tr(s.Organization.Name), false)
	pdf.SetCreator("aims", false)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(p.footer)
	p.cover()
	p.table()
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("cannot make the PDF: %w", err)
	}
	return pdf.Output(w)
}

func (p *pdfWriter) footer() {
	p.pdf.SetY(-pdfMargin)
	p.pdf.SetFont("Helvetica", "", 8)
	p.pdf.SetTextColor(90, 98, 117)
	left := p.tr(fmt.Sprintf("Statement of Applicability · %s · %s", p.s.Organization.Name, p.s.VersionName()))
	p.pdf.CellFormat(0, 5, left, "", 0, "L", false, 0, "")
	p.pdf.SetX(pdfMargin)
	p.pdf.CellFormat(0, 5, fmt.Sprintf("Page %d of {nb}", p.pdf.PageNo()), "", 0, "R", false, 0, "")
	p.pdf.SetTextColor(0, 0, 0)
}

// cover draws the title page: what this is, whose, which version and its approval, and the checks.
func (p *pdfWriter) cover() {
	pdf := p.pdf
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 22)
	pdf.CellFormat(0, 12, p.tr("Statement of Applicability"), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 14)
	pdf.CellFormat(0, 8, p.tr(p.s.Organization.Name), "", 1, "L", false, 0, "")
	pdf.Ln(4)
	p.pairs(facts(p.s))
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "B", 13)
	pdf.CellFormat(0, 8, "Checks", "", 1, "L", false, 0, "")
	lines := checkGroups(p.s)
	if len(lines) == 0 {
		lines = [][2]string{{"All checks pass", "Every control has a decision with a justification; every applicable control has an owner and is on time."}}
	}
	p.pairs(lines)
}

// pairs draws label/value lines in two columns.
func (p *pdfWriter) pairs(kvs [][2]string) {
	pdf := p.pdf
	for _, kv := range kvs {
		pdf.SetFont("Helvetica", "B", 10)
		label := p.tr(kv[0])
		if pdf.GetStringWidth(label) > 60 {
			// A label too long for its column takes a line of its own, with the value below it.
			left, _, _, _ := pdf.GetMargins()
			pdf.CellFormat(0, 5.5, label, "", 1, "L", false, 0, "")
			pdf.SetX(left + 62)
		} else {
			pdf.CellFormat(62, 5.5, label, "", 0, "L", false, 0, "")
		}
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(0, 5.5, p.tr(kv[1]), "", "L", false)
	}
}

// table draws the controls under their groups, starting a new page (with the column titles) whenever a
// row does not fit; a row taller than a page continues on the next.
func (p *pdfWriter) table() {
	p.tablePage()
	for _, g := range p.s.Groups() {
		title := g.Ref + " " + g.Title
		if g.Framework != framework.ISO42001 {
			title = g.Title
		}
		p.row([]string{title}, []float64{sum(pdfWidths)}, "B", true, 2)
		for _, r := range g.Rows {
			owner, target := r.Owner, r.TargetDate
			if r.NoOwner {
				owner = "(none)"
			}
			if r.Overdue {
				target += " (overdue)"
			}
			app := control.Label(r.Applicability)
			if r.NoDecision {
				app += " (no justification)"
			}
			p.row([]string{r.Ref, r.Title, app, r.Justification, control.Label(r.Status), owner, target, fmt.Sprint(r.Links)}, pdfWidths, "", false, 1)
		}
	}
}

func (p *pdfWriter) tablePage() {
	p.pdf.AddPage()
	p.pdf.SetFillColor(51, 70, 196)
	p.pdf.SetTextColor(255, 255, 255)
	p.row(pdfColumns, pdfWidths, "B", true, 1)
	p.pdf.SetTextColor(0, 0, 0)
}

func sum(xs []float64) float64 {
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t
}

// row draws one table row of cells with widths; keep is the number of lines that must fit on the page
// before the row starts there.
func (p *pdfWriter) row(cells []string, widths []float64, style string, fill bool, keep int) {
	pdf := p.pdf
	pdf.SetFont("Helvetica", style, 8)
	lines := make([][][]byte, len(cells))
	n := 1
	for i, c := range cells {
		lines[i] = pdf.SplitLines([]byte(p.tr(c)), widths[i]-2*pdfPad)
		n = max(n, len(lines[i]))
	}
	_, pageH := pdf.GetPageSize()
	_, _, _, bottom := pdf.GetMargins()
	bottom = pageH - bottom
	full := int((bottom - pdfMargin - 2*pdfLine - 4*pdfPad) / pdfLine)
	if fill && len(cells) > 1 && style == "B" {
		keep = 1 // the column titles
	} else if fill {
		pdf.SetFillColor(233, 236, 251)
	}
	for start := 0; start < n; {
		avail := int((bottom - pdf.GetY() - 2*pdfPad) / pdfLine)
		need := max(keep, 1)
		if start == 0 && n <= full {
			need = n
		}
		if avail < need {
			p.tablePage()
			pdf.SetFont("Helvetica", style, 8)
			if fill {
				pdf.SetFillColor(233, 236, 251)
			}
			continue
		}
		k := min(n-start, avail)
		h := float64(k)*pdfLine + 2*pdfPad
		x, y := pdfMargin, pdf.GetY()
		for i := range cells {
			rs := "D"
			if fill {
				rs = "FD"
			}
			pdf.SetDrawColor(200, 204, 214)
			pdf.Rect(x, y, widths[i], h, rs)
			for j := start; j < start+k && j < len(lines[i]); j++ {
				pdf.SetXY(x+pdfPad, y+pdfPad+float64(j-start)*pdfLine)
				pdf.CellFormat(widths[i]-2*pdfPad, pdfLine, string(lines[i][j]), "", 0, "L", false, 0, "")
			}
			x += widths[i]
		}
		pdf.SetXY(pdfMargin, y+h)
		start += k
	}
}
