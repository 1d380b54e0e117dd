package soaexport

import (
	"fmt"
	"io"

	"github.com/aimsproject/aims/internal/control"

	"github.com/xuri/excelize/v2"
)

// Sheet names of the XLSX export.
const (
	SheetSoA    = "Statement of Applicability"
	SheetChecks = "Checks and metadata"
)

// xlsxWidths are the column widths, in characters, of the SoA sheet.
var xlsxWidths = []float64{18, 10, 42, 34, 14, 70, 13, 20, 12, 7}

// WriteXLSX writes s as an Excel workbook: the SoA sheet (a header row frozen above one row per control,
// with filters) and a second sheet with the SoA's metadata and failing checks. Rows go through excelize's
// stream writer; excelize assembles the zip file in memory before it is written to w.
func WriteXLSX(w io.Writer, s *control.SoA) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := f.SetSheetName("Sheet1", SheetSoA); err != nil {
		return err
	}
	if _, err := f.NewSheet(SheetChecks); err != nil {
		return err
	}
	_ = f.SetDocProps(&excelize.DocProperties{Title: "Statement of Applicability: " + s.Organization.Name,
		Creator: "aims", Description: state(s)})
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"3346C4"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return err
	}
	if err := writeSoASheet(f, s, head, wrap); err != nil {
		return err
	}
	if err := writeChecksSheet(f, s, head, wrap, bold); err != nil {
		return err
	}
	return f.Write(w)
}

func writeSoASheet(f *excelize.File, s *control.SoA, head, wrap int) error {
	sw, err := f.NewStreamWriter(SheetSoA)
	if err != nil {
		return err
	}
	for i, width := range xlsxWidths {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, XSplit: 2, TopLeftCell: "C2", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	header := make([]any, len(columns))
	for i, c := range columns {
		header[i] = excelize.Cell{StyleID: head, Value: c}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	for i, r := range s.Rows {
		cells := cells(r)
		row := make([]any, len(cells))
		for j, c := range cells {
			row[j] = excelize.Cell{StyleID: wrap, Value: c}
		}
		row[len(row)-1] = excelize.Cell{StyleID: wrap, Value: r.Links}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(columns), len(s.Rows)+1)
	return f.AutoFilter(SheetSoA, "A1:"+last, nil)
}

func writeChecksSheet(f *excelize.File, s *control.SoA, head, wrap, bold int) error {
	sw, err := f.NewStreamWriter(SheetChecks)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 1, 36); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 2, 90); err != nil {
		return err
	}
	n := 1
	put := func(a, b any, style int) error {
		err := sw.SetRow(fmt.Sprintf("A%d", n), []any{excelize.Cell{StyleID: bold, Value: a}, excelize.Cell{StyleID: style, Value: b}})
		n++
		return err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: head, Value: "About this SoA"}, excelize.Cell{StyleID: head, Value: ""}}); err != nil {
		return err
	}
	n++
	for _, kv := range facts(s) {
		if err := put(kv[0], kv[1], wrap); err != nil {
			return err
		}
	}
	n++
	if err := sw.SetRow(fmt.Sprintf("A%d", n), []any{excelize.Cell{StyleID: head, Value: "Check"}, excelize.Cell{StyleID: head, Value: "Control"}}); err != nil {
		return err
	}
	n++
	lines := checkLines(s)
	if len(lines) == 0 {
		lines = [][2]string{{"All checks pass", "Every control has a decision with a justification; every applicable control has an owner and is on time."}}
	}
	for _, kv := range lines {
		if err := put(kv[0], kv[1], wrap); err != nil {
			return err
		}
	}
	return sw.Flush()
}
