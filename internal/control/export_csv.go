package control

import (
	"encoding/csv"
	"io"
	"strings"
)

// WriteCSV writes the rows of s as CSV with a header row, one control per line, as they are produced.
// Cells that a spreadsheet would read as a formula are prefixed with an apostrophe.
func WriteCSV(w io.Writer, s *SoA) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(columns); err != nil {
		return err
	}
	for _, r := range s.Rows {
		cells := r.cells()
		for i, c := range cells {
			cells[i] = defuse(c)
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse keeps a spreadsheet from running a cell as a formula (CSV injection).
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
