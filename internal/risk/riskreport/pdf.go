package riskreport

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"

	"github.com/aimsproject/aims/internal/risk"
)

// Page geometry (mm) of a landscape A4 page with 12 mm margins, and the table's text.
const (
	pdfMargin = 12.0
	pdfLine   = 3.6
	pdfPad    = 1.2
)

// pdfDoc is a report being drawn: the document, the translator of UTF-8 to the core fonts' code page
// (cp1252; a character outside it prints as a dot), and the table's columns for page breaks.
type pdfDoc struct {
	pdf     *fpdf.Fpdf
	tr      func(string) string
	m       meta
	columns []string
	widths  []float64
}

func newPDF(m meta, o Options) *pdfDoc {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCompression(!o.Uncompressed)
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(true, pdfMargin+6)
	pdf.SetCreationDate(m.at)
	pdf.SetModificationDate(m.at)
	d := &pdfDoc{pdf: pdf, tr: pdf.UnicodeTranslatorFromDescriptor("cp1252"), m: m}
	pdf.SetTitle(d.tr(m.title+": "+m.org), false)
	pdf.SetAuthor(d.tr(m.org), false)
	pdf.SetCreator("aims", false)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-pdfMargin)
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetTextColor(90, 98, 117)
		pdf.CellFormat(0, 5, d.tr(fmt.Sprintf("%s · %s · %s", m.title, m.org, m.at.Format("2006-01-02"))), "", 0, "L", false, 0, "")
		pdf.SetX(pdfMargin)
		pdf.CellFormat(0, 5, fmt.Sprintf("Page %d of {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	return d
}

// heading draws the report's title block on a new page.
func (d *pdfDoc) heading() {
	pdf := d.pdf
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 20)
	pdf.CellFormat(0, 10, d.tr(d.m.title), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 12)
	pdf.CellFormat(0, 7, d.tr(d.m.org), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 9)
	pdf.SetTextColor(90, 98, 117)
	pdf.MultiCell(0, 5, d.tr(fmt.Sprintf("%s · made %s · risk criteria version %d · acceptable: %s and below", d.m.filter,
		d.m.at.Format("2006-01-02 15:04 UTC"), d.m.criteria.Version, levelName(d.m.criteria, d.m.criteria.Acceptable))), "", "L", false)
	pdf.SetTextColor(0, 0, 0)
	pdf.Ln(3)
}

// heatMap draws h with its top left corner at (x, y): likelihood up the side (highest at the top),
// consequence along the bottom, each cell filled with its level's colour and showing its count.
func (d *pdfDoc) heatMap(h *risk.HeatMap, title string, x, y float64) float64 {
	pdf := d.pdf
	c := h.Criteria
	const label, cell = 30.0, 17.0
	nl, nc := len(c.Likelihood), len(c.Consequence)
	pdf.SetXY(x, y)
	pdf.SetFont("Helvetica", "B", 11)
	pdf.CellFormat(label+float64(nc)*cell, 6, d.tr(fmt.Sprintf("%s (%d)", title, h.Total)), "", 0, "L", false, 0, "")
	y += 8
	pdf.SetDrawColor(255, 255, 255)
	pdf.SetLineWidth(0.6)
	for li := 0; li < nl; li++ {
		cy := y + float64(nl-1-li)*cell
		pdf.SetFont("Helvetica", "", 7)
		pdf.SetXY(x, cy)
		pdf.CellFormat(label-2, cell, d.tr(c.Likelihood[li].Label), "", 0, "R", false, 0, "")
		for ci := 0; ci < nc; ci++ {
			key := c.Matrix[li][ci]
			r, g, b := rgb(c.LevelColor(key))
			pdf.SetFillColor(r, g, b)
			cx := x + label + float64(ci)*cell
			pdf.Rect(cx, cy, cell, cell, "FD")
			if n := h.Counts[li][ci]; n > 0 {
				if c.LevelShade(key) >= 5 {
					pdf.SetTextColor(255, 255, 255)
				}
				pdf.SetFont("Helvetica", "B", 10)
				pdf.SetXY(cx, cy)
				pdf.CellFormat(cell, cell, strconv.Itoa(n), "", 0, "C", false, 0, "")
				pdf.SetTextColor(0, 0, 0)
			}
		}
	}
	pdf.SetLineWidth(0.2)
	pdf.SetFont("Helvetica", "", 6.5)
	by := y + float64(nl)*cell + 1
	for ci := 0; ci < nc; ci++ {
		pdf.SetXY(x+label+float64(ci)*cell, by)
		pdf.MultiCell(cell, 3, d.tr(c.Consequence[ci].Label), "", "C", false)
	}
	pdf.SetFont("Helvetica", "I", 7)
	pdf.SetXY(x, y-1)
	pdf.CellFormat(label-2, 3, "Likelihood", "", 0, "R", false, 0, "")
	pdf.SetXY(x+label, by+7)
	pdf.CellFormat(float64(nc)*cell, 4, "Consequence", "", 0, "C", false, 0, "")
	return by + 12
}

// legend draws the levels' colours and names in a line.
func (d *pdfDoc) legend(c *risk.Criteria, y float64) {
	pdf := d.pdf
	x := pdfMargin
	pdf.SetFont("Helvetica", "", 8)
	pdf.SetDrawColor(200, 204, 214)
	for _, l := range c.Levels {
		r, g, b := rgb(c.LevelColor(l.Key))
		pdf.SetFillColor(r, g, b)
		pdf.Rect(x, y, 5, 4, "FD")
		name := d.tr(l.Name)
		pdf.SetXY(x+6, y)
		pdf.CellFormat(pdf.GetStringWidth(name)+2, 4, name, "", 0, "L", false, 0, "")
		x += 6 + pdf.GetStringWidth(name) + 8
	}
	pdf.SetXY(pdfMargin, y+8)
}

// rgb reads a #rrggbb colour.
func rgb(hex string) (int, int, int) {
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil {
		return 238, 238, 238
	}
	return int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)
}

// tableStart begins the table of columns with widths on a new page.
func (d *pdfDoc) tableStart(columns []string, widths []float64) {
	d.columns, d.widths = columns, widths
	d.tablePage()
}

func (d *pdfDoc) tablePage() {
	d.pdf.AddPage()
	d.pdf.SetFillColor(51, 70, 196)
	d.pdf.SetTextColor(255, 255, 255)
	d.row(d.columns, "B", true)
	d.pdf.SetTextColor(0, 0, 0)
}

// row draws one row of the table; a row that does not fit starts a new page (with the column titles),
// one taller than a page continues on the next.
func (d *pdfDoc) row(cells []string, style string, header bool) {
	pdf := d.pdf
	pdf.SetFont("Helvetica", style, 7.5)
	lines := make([][][]byte, len(cells))
	n := 1
	for i, c := range cells {
		lines[i] = pdf.SplitLines([]byte(d.tr(c)), d.widths[i]-2*pdfPad)
		n = max(n, len(lines[i]))
	}
	_, pageH := pdf.GetPageSize()
	_, _, _, bottom := pdf.GetMargins()
	bottom = pageH - bottom
	full := int((bottom - pdfMargin - 2*pdfLine - 4*pdfPad) / pdfLine)
	for start := 0; start < n; {
		avail := int((bottom - pdf.GetY() - 2*pdfPad) / pdfLine)
		need := 1
		if start == 0 && n <= full {
			need = n
		}
		if avail < need && !header {
			d.tablePage()
			pdf.SetFont("Helvetica", style, 7.5)
			continue
		}
		k := max(min(n-start, avail), 1)
		h := float64(k)*pdfLine + 2*pdfPad
		x, y := pdfMargin, pdf.GetY()
		pdf.SetDrawColor(200, 204, 214)
		for i := range cells {
			rs := "D"
			if header {
				rs = "FD"
			}
			pdf.Rect(x, y, d.widths[i], h, rs)
			for j := start; j < start+k && j < len(lines[i]); j++ {
				pdf.SetXY(x+pdfPad, y+pdfPad+float64(j-start)*pdfLine)
				pdf.CellFormat(d.widths[i]-2*pdfPad, pdfLine, string(lines[i][j]), "", 0, "L", false, 0, "")
			}
			x += d.widths[i]
		}
		pdf.SetXY(pdfMargin, y+h)
		start += k
	}
}

// note draws a line of text under the table (a report cut short says so).
func (d *pdfDoc) note(text string) {
	d.pdf.Ln(3)
	d.pdf.SetFont("Helvetica", "B", 9)
	d.pdf.MultiCell(0, 5, d.tr(text), "", "L", false)
}

func (d *pdfDoc) output(w io.Writer) error {
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("cannot make the PDF: %w", err)
	}
	return d.pdf.Output(w)
}

var (
	registerPDFColumns = []string{"Ref", "Risk", "Of", "Source", "Owner", "Level", "Inherent", "Residual", "Treatment", "Status", "Review due"}
	registerPDFWidths  = []float64{14, 65, 30, 30, 30, 18, 18, 18, 18, 17, 15}
)

func registerPDF(w io.Writer, m meta, inherent, residual *risk.HeatMap, each func(func(*risk.Risk) error) (bool, error), o Options) error {
	d := newPDF(m, o)
	d.heading()
	y := d.pdf.GetY()
	end := d.heatMap(inherent, "Inherent risk", pdfMargin, y)
	d.heatMap(residual, "Residual risk", pdfMargin+140, y)
	d.legend(m.criteria, end)
	c := m.criteria
	d.tableStart(registerPDFColumns, registerPDFWidths)
	more, err := each(func(r *risk.Risk) error {
		of := r.SystemName
		if r.SystemID == "" {
			of = "Organization"
		}
		review := r.ReviewDue
		if r.ReviewOverdue {
			review += " (overdue)"
		}
		d.row([]string{r.Ref, r.Title, of, r.Source + " " + risk.OptionName(c.Sources, r.Source), r.OwnerName, levelName(c, r.Level()),
			levelName(c, r.Inherent.Level), levelName(c, r.Residual.Level), r.TreatmentOption, r.Status, review}, "", false)
		return nil
	})
	if err != nil {
		return err
	}
	if more {
		d.note(truncatedNote(m.limit, FormatPDF))
	}
	return d.output(w)
}

var (
	planPDFColumns = []string{"Ref", "Risk", "Level", "Threshold", "Option", "Plan", "Controls", "Actions", "Residual"}
	planPDFWidths  = []float64{13, 48, 17, 19, 15, 48, 40, 54, 19}
)

func planPDF(w io.Writer, m meta, each func(func(*risk.PlanItem) error) (bool, error), o Options) error {
	d := newPDF(m, o)
	d.heading()
	c := m.criteria
	d.pdf.SetFont("Helvetica", "", 9)
	d.pdf.MultiCell(0, 5, d.tr("Each open risk with how it is treated (ISO/IEC 42001, 6.1.3): the option and plan, the controls linked as "+
		"treating it, its actions (tasks on the risk) and the residual level expected; Threshold says whether its level is above the acceptable one. In the register's order (highest level first "+
		"unless another is asked for)."), "", "L", false)
	d.pdf.Ln(2)
	d.columns, d.widths = planPDFColumns, planPDFWidths
	d.pdf.SetFillColor(51, 70, 196)
	d.pdf.SetTextColor(255, 255, 255)
	d.row(d.columns, "B", true)
	d.pdf.SetTextColor(0, 0, 0)
	more, err := each(func(it *risk.PlanItem) error {
		r := it.Risk
		against := "within"
		if it.AboveThreshold {
			against = "above"
		} else if r.Level() == "" {
			against = "not rated"
		}
		d.row([]string{r.Ref, r.Title, levelName(c, r.Level()), against, treatment(r), r.TreatmentPlan, controlsText(it.Controls),
			actionsText(it.Actions), levelName(c, r.Residual.Level)}, "", false)
		return nil
	})
	if err != nil {
		return err
	}
	if more {
		d.note(truncatedNote(m.limit, FormatPDF))
	}
	return d.output(w)
}
