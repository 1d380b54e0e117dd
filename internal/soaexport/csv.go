package soaexport

import (
	"io"

	"github.com/aimsproject/aims/internal/control"

	"github.com/aimsproject/aims/internal/csvsafe"
)

// WriteCSV writes the rows of s as CSV with a header row, one control per line, as they are produced.
// Cells that a spreadsheet would read as a formula are prefixed with an apostrophe (see csvsafe).
func WriteCSV(w io.Writer, s *control.SoA) error {
	cw := csvsafe.NewWriter(w)
	if err := cw.Write(columns); err != nil {
		return err
	}
	for _, r := range s.Rows {
		if err := cw.Write(cells(r)); err != nil {
			return err
		}
	}
	return cw.Flush()
}
