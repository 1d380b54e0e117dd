// Package csvsafe writes CSV that a spreadsheet opens without running any cell as a formula, and reads such
// cells back as they were. Every CSV export of aims writes through it.
//
// A cell that a spreadsheet would take for a formula (one starting with =, +, -, @, a tab or a carriage
// return, the characters OWASP lists for CSV injection) is written with an apostrophe before it, which
// spreadsheets hide. A cell of apostrophes before such a character gets one more, so that Unguard gives back
// every value as it was written.
package csvsafe

import (
	"encoding/csv"
	"io"
	"strings"
)

// Writer writes rows of cells as CSV (RFC 4180, as encoding/csv writes it), each cell guarded.
type Writer struct {
	w   *csv.Writer
	row []string
}

// NewWriter returns a Writer on w. Call Flush when done.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: csv.NewWriter(w)}
}

// Write writes cells as one row, each passed through Guard; cells itself is not changed.
func (w *Writer) Write(cells []string) error {
	w.row = w.row[:0]
	for _, c := range cells {
		w.row = append(w.row, Guard(c))
	}
	return w.w.Write(w.row)
}

// Flush writes anything buffered and returns the first error of any Write or of the flush.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}

// IsFormula reports whether a spreadsheet would take s, after any apostrophes, for a formula.
func IsFormula(s string) bool {
	s = strings.TrimLeft(s, "'")
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// Guard returns s with an apostrophe before it when IsFormula(s), else s.
func Guard(s string) string {
	if IsFormula(s) {
		return "'" + s
	}
	return s
}

// Unguard undoes Guard: it takes the first apostrophe off a cell that Guard would have guarded.
func Unguard(s string) string {
	if strings.HasPrefix(s, "'") && IsFormula(s) {
		return s[1:]
	}
	return s
}
