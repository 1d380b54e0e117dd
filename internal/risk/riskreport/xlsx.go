package riskreport

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/aimsproject/aims/internal/risk"
)

// Sheet names of the XLSX reports.
const (
	SheetRegister = "Risk register"
	SheetPlan     = "Treatment plan"
	SheetHeatMaps = "Heat maps"
	SheetAbout    = "About"
)

// book is a workbook being written, with its styles.
type book struct {
	f                *excelize.File
	head, wrap, bold int
}

func newBook(first string, m meta) (*book, error) {
	f := excelize.NewFile()
	b := &book{f: f}
	if err := f.SetSheetName("Sheet1", first); err != nil {
		return nil, err
	}
	_ = f.SetDocProps(&excelize.DocProperties{Title: m.title + ": " + m.org, Creator: "aims", Description: m.filter})
	var err error
	if b.head, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"3346C4"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}); err != nil {
		return nil, err
	}
	if b.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}); err != nil {
		return nil, err
	}
	if b.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}}); err != nil {
		return nil, err
	}
	return b, nil
}

// table streams a sheet of a header row (frozen, filtered) and the rows rows gives, returning whether
// rows said there were more than it gave.
func (b *book) table(sheet string, header []string, widths []float64, rows func(put func([]any) error) (bool, error)) (bool, error) {
	sw, err := b.f.NewStreamWriter(sheet)
	if err != nil {
		return false, err
	}
	for i, width := range widths {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return false, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, XSplit: 2, TopLeftCell: "C2", ActivePane: "bottomRight"}); err != nil {
		return false, err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: b.head, Value: h}
	}
	if err := sw.SetRow("A1", cells, excelize.RowOpts{Height: 20}); err != nil {
		return false, err
	}
	n := 1
	more, err := rows(func(values []any) error {
		n++
		row := make([]any, len(values))
		for i, v := range values {
			row[i] = excelize.Cell{StyleID: b.wrap, Value: v}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return false, err
	}
	if err := sw.Flush(); err != nil {
		return false, err
	}
	last, _ := excelize.CoordinatesToCellName(len(header), n)
	return more, b.f.AutoFilter(sheet, "A1:"+last, nil)
}

// about writes the About sheet: what the report is, whose, when, of which risks, and whether it was cut.
func (b *book) about(m meta, more bool, format string) error {
	if _, err := b.f.NewSheet(SheetAbout); err != nil {
		return err
	}
	_ = b.f.SetColWidth(SheetAbout, "A", "A", 28)
	_ = b.f.SetColWidth(SheetAbout, "B", "B", 90)
	rows := [][2]string{{"Report", m.title}, {"Organization", m.org}, {"Made", m.at.Format("2006-01-02 15:04 UTC")},
		{"Risks", m.filter}, {"Risk criteria", fmt.Sprintf("version %d", m.criteria.Version)},
		{"Acceptable level", levelName(m.criteria, m.criteria.Acceptable) + " and below"}}
	if more {
		rows = append(rows, [2]string{"Cut short", truncatedNote(m.limit, format)})
	}
	for i, kv := range rows {
		_ = b.f.SetCellValue(SheetAbout, fmt.Sprintf("A%d", i+1), kv[0])
		_ = b.f.SetCellValue(SheetAbout, fmt.Sprintf("B%d", i+1), kv[1])
		_ = b.f.SetCellStyle(SheetAbout, fmt.Sprintf("A%d", i+1), fmt.Sprintf("A%d", i+1), b.bold)
	}
	return nil
}

// heatMaps writes both heat maps on one sheet: likelihood down the side (highest first), consequence
// along the top, each cell coloured by its level and holding its count.
func (b *book) heatMaps(hs ...*risk.HeatMap) error {
	if _, err := b.f.NewSheet(SheetHeatMaps); err != nil {
		return err
	}
	_ = b.f.SetColWidth(SheetHeatMaps, "A", "A", 18)
	row := 1
	styles := map[string]int{}
	for _, h := range hs {
		c := h.Criteria
		title := "Inherent risk"
		if h.Residual {
			title = "Residual risk"
		}
		_ = b.f.SetCellValue(SheetHeatMaps, fmt.Sprintf("A%d", row), fmt.Sprintf("%s (%d open risks)", title, h.Total))
		_ = b.f.SetCellStyle(SheetHeatMaps, fmt.Sprintf("A%d", row), fmt.Sprintf("A%d", row), b.bold)
		row++
		for ci, s := range c.Consequence {
			cell, _ := excelize.CoordinatesToCellName(ci+2, row)
			_ = b.f.SetCellValue(SheetHeatMaps, cell, s.Label)
			_ = b.f.SetCellStyle(SheetHeatMaps, cell, cell, b.head)
		}
		row++
		for li := len(c.Likelihood) - 1; li >= 0; li-- {
			_ = b.f.SetCellValue(SheetHeatMaps, fmt.Sprintf("A%d", row), c.Likelihood[li].Label)
			_ = b.f.SetCellStyle(SheetHeatMaps, fmt.Sprintf("A%d", row), fmt.Sprintf("A%d", row), b.head)
			for ci := range c.Consequence {
				key := c.Matrix[li][ci]
				st, ok := styles[key]
				if !ok {
					var err error
					if st, err = b.f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1,
						Color: []string{strings.TrimPrefix(c.LevelColor(key), "#")}}, Alignment: &excelize.Alignment{Horizontal: "center"}}); err != nil {
						return err
					}
					styles[key] = st
				}
				cell, _ := excelize.CoordinatesToCellName(ci+2, row)
				_ = b.f.SetCellValue(SheetHeatMaps, cell, h.Counts[li][ci])
				_ = b.f.SetCellStyle(SheetHeatMaps, cell, cell, st)
			}
			row++
		}
		row++
	}
	return nil
}

func (b *book) write(w io.Writer) error {
	b.f.SetActiveSheet(0)
	return b.f.Write(w)
}

// registerHeader is the register sheet's header with criteria c: a consequence column per axis.
func registerHeader(c *risk.Criteria) []string {
	h := []string{"Ref", "Title", "System", "Source", "Objective", "Owner", "Level", "Status", "Review due", "Inherent likelihood"}
	for _, a := range c.Axes {
		h = append(h, "Inherent: "+a.Name)
	}
	h = append(h, "Inherent level", "Existing controls", "Residual likelihood")
	for _, a := range c.Axes {
		h = append(h, "Residual: "+a.Name)
	}
	return append(h, "Residual level", "Treatment option", "Treatment plan", "Description")
}

// registerRow is a risk's row of the register sheet.
func registerRow(c *risk.Criteria, r *risk.Risk) []any {
	system := r.SystemName
	if r.SystemID == "" {
		system = "(organization)"
	}
	review := r.ReviewDue
	if r.ReviewOverdue {
		review += " (overdue)"
	}
	row := []any{r.Ref, r.Title, system, r.Source + " " + risk.OptionName(c.Sources, r.Source), r.Objective, r.OwnerName,
		levelName(c, r.Level()), r.Status, review, stepLabel(c.Likelihood, r.Inherent.Likelihood)}
	for _, a := range c.Axes {
		row = append(row, stepLabel(c.Consequence, r.Inherent.Consequences[a.Key]))
	}
	row = append(row, levelName(c, r.Inherent.Level), r.ExistingControls, stepLabel(c.Likelihood, r.Residual.Likelihood))
	for _, a := range c.Axes {
		row = append(row, stepLabel(c.Consequence, r.Residual.Consequences[a.Key]))
	}
	return append(row, levelName(c, r.Residual.Level), r.TreatmentOption, r.TreatmentPlan, r.Description)
}

func registerXLSX(w io.Writer, m meta, inherent, residual *risk.HeatMap, each func(func(*risk.Risk) error) (bool, error)) (err error) {
	b, err := newBook(SheetRegister, m)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := b.f.Close(); err == nil {
			err = cerr
		}
	}()
	header := registerHeader(m.criteria)
	widths := make([]float64, len(header))
	for i := range widths {
		widths[i] = 14
	}
	widths[1], widths[len(widths)-2], widths[len(widths)-1] = 40, 40, 50
	more, err := b.table(SheetRegister, header, widths, func(put func([]any) error) (bool, error) {
		return each(func(r *risk.Risk) error { return put(registerRow(m.criteria, r)) })
	})
	if err != nil {
		return err
	}
	if err := b.heatMaps(inherent, residual); err != nil {
		return err
	}
	if err := b.about(m, more, FormatXLSX); err != nil {
		return err
	}
	return b.write(w)
}

// planHeader is the treatment plan sheet's header.
var planHeader = []string{"Ref", "Risk", "Of", "Owner", "Level", "Against the acceptable level", "Treatment option", "Treatment plan",
	"Controls", "Actions", "Residual level", "Status", "Review due"}

func planRow(c *risk.Criteria, it *risk.PlanItem) []any {
	r := it.Risk
	system := r.SystemName
	if r.SystemID == "" {
		system = "(organization)"
	}
	against := "within"
	if it.AboveThreshold {
		against = "above"
	} else if r.Level() == "" {
		against = "not rated"
	}
	return []any{r.Ref, r.Title, system, r.OwnerName, levelName(c, r.Level()), against, treatment(r), r.TreatmentPlan,
		controlsText(it.Controls), actionsText(it.Actions), levelName(c, r.Residual.Level), r.Status, r.ReviewDue}
}

func planXLSX(w io.Writer, m meta, each func(func(*risk.PlanItem) error) (bool, error)) (err error) {
	b, err := newBook(SheetPlan, m)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := b.f.Close(); err == nil {
			err = cerr
		}
	}()
	widths := []float64{8, 40, 18, 22, 10, 12, 12, 40, 36, 50, 12, 12, 12}
	more, err := b.table(SheetPlan, planHeader, widths, func(put func([]any) error) (bool, error) {
		return each(func(it *risk.PlanItem) error { return put(planRow(m.criteria, it)) })
	})
	if err != nil {
		return err
	}
	if err := b.about(m, more, FormatXLSX); err != nil {
		return err
	}
	return b.write(w)
}
