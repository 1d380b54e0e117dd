package system

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/csvsafe"
)

// The CSV layout of the AI system inventory, as `aims system export --format csv` writes it and every
// importer reads it:
//
//   - UTF-8, comma-separated, quoted as RFC 4180 says (a cell with a comma, quote or line break is put in
//     double quotes, a quote inside doubled); a byte order mark before the header is ignored.
//   - The first row names the columns with the JSON names of Fields (CSVColumns), in any order, each at
//     most once. name and purpose are required; a column left out takes its default (empty, stage
//     inception, status active, false).
//   - Lists (environments, markets) separate their entries with ";".
//   - Yes/no columns hold true, false, yes or no (any case); an empty cell is false.
//   - One system a row; at most the import's row limit (Service.ImportRowLimit). Empty lines are skipped.
//   - A cell that a spreadsheet would run as a formula (one starting with =, +, -, @, a tab or a carriage
//     return) is written with an apostrophe before it, which spreadsheets hide, and read back without it;
//     a cell of apostrophes before such a character gets one more, so that every value round-trips.

// csvColumn is one column of the layout: how to read a cell into Fields and how to write it back.
type csvColumn struct {
	name string
	get  func(f *Fields) string
	set  func(f *Fields, cell string) error
}

func textColumn(name string, p func(f *Fields) *string) csvColumn {
	return csvColumn{name: name, get: func(f *Fields) string { return *p(f) },
		set: func(f *Fields, cell string) error { *p(f) = cell; return nil }}
}

func listColumn(name string, p func(f *Fields) *[]string) csvColumn {
	return csvColumn{name: name, get: func(f *Fields) string { return strings.Join(*p(f), ";") },
		set: func(f *Fields, cell string) error {
			*p(f) = nil
			if strings.TrimSpace(cell) != "" {
				*p(f) = strings.Split(cell, ";")
			}
			return nil
		}}
}

func boolColumn(name string, p func(f *Fields) *bool) csvColumn {
	return csvColumn{name: name, get: func(f *Fields) string {
		if *p(f) {
			return "true"
		}
		return "false"
	}, set: func(f *Fields, cell string) error {
		switch strings.ToLower(strings.TrimSpace(cell)) {
		case "true", "yes":
			*p(f) = true
		case "false", "no", "":
			*p(f) = false
		default:
			return aims.FieldError(name, "Write true, false, yes or no, not %q.", cell)
		}
		return nil
	}}
}

// csvColumns are the layout's columns in the order export writes them: the order of Fields.
var csvColumns = []csvColumn{
	textColumn("name", func(f *Fields) *string { return &f.Name }),
	textColumn("purpose", func(f *Fields) *string { return &f.Purpose }),
	textColumn("intended_use", func(f *Fields) *string { return &f.IntendedUse }),
	textColumn("foreseeable_misuse", func(f *Fields) *string { return &f.ForeseeableMisuse }),
	textColumn("ai_role", func(f *Fields) *string { return &f.AIRole }),
	textColumn("eu_role", func(f *Fields) *string { return &f.EURole }),
	textColumn("stage", func(f *Fields) *string { return &f.Stage }),
	textColumn("status", func(f *Fields) *string { return &f.Status }),
	textColumn("owner_id", func(f *Fields) *string { return &f.OwnerID }),
	textColumn("team", func(f *Fields) *string { return &f.Team }),
	listColumn("environments", func(f *Fields) *[]string { return &f.Environments }),
	listColumn("markets", func(f *Fields) *[]string { return &f.Markets }),
	textColumn("users", func(f *Fields) *string { return &f.Users }),
	textColumn("affected_people", func(f *Fields) *string { return &f.AffectedPeople }),
	textColumn("automation", func(f *Fields) *string { return &f.Automation }),
	textColumn("human_oversight", func(f *Fields) *string { return &f.HumanOversight }),
	boolColumn("personal_data", func(f *Fields) *bool { return &f.PersonalData }),
	boolColumn("special_category_data", func(f *Fields) *bool { return &f.SpecialCategoryData }),
	textColumn("data_notes", func(f *Fields) *string { return &f.DataNotes }),
	boolColumn("interacts_with_people", func(f *Fields) *bool { return &f.InteractsWithPeople }),
	boolColumn("generates_content", func(f *Fields) *bool { return &f.GeneratesContent }),
}

// csvRequired are the columns a CSV file must have.
var csvRequired = []string{"name", "purpose"}

// CSVColumns returns the names of the layout's columns, in the order export writes them.
func CSVColumns() []string {
	names := make([]string, len(csvColumns))
	for i, c := range csvColumns {
		names[i] = c.name
	}
	return names
}

// LineError is the fault of one line of an imported file, which therefore imported nothing. Line counts
// from 1 and is the line where the faulty row starts (a quoted cell may span lines); Err carries the code
// and field.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string {
	if f := aims.ErrorField(e.Err); f != "" {
		return fmt.Sprintf("line %d: %s: %s", e.Line, f, aims.ErrorMessage(e.Err))
	}
	return fmt.Sprintf("line %d: %s", e.Line, aims.ErrorMessage(e.Err))
}

// Unwrap returns the line's own error, whose code and field stand for the import's.
func (e *LineError) Unwrap() error { return e.Err }

// CSVSystems are the systems read from a CSV file, with the line where each starts.
type CSVSystems struct {
	Fields []Fields
	Lines  []int
}

// DecodeCSV reads systems in the CSV layout from r. It checks the layout (header, cell counts, yes/no
// cells, UTF-8), not the systems themselves: Service.ImportCSV does that. A fault is a *LineError with an
// EINVALID error naming the column at fault. A file of more than maxRows systems is an
// *ImportTooManyError, found at the first row over the limit: nothing after it is read.
func DecodeCSV(r io.Reader, maxRows int) (*CSVSystems, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &LineError{Line: 1, Err: aims.Errorf(aims.EINVALID, "The file is empty: its first row must name the columns, such as %s.",
			strings.Join(csvRequired, ","))}
	}
	if err != nil {
		return nil, csvReadError(err)
	}
	cols, err := csvHeader(header)
	if err != nil {
		return nil, &LineError{Line: 1, Err: err}
	}
	out := &CSVSystems{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, csvReadError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(out.Fields) == maxRows {
			return nil, &ImportTooManyError{Limit: maxRows, Line: line}
		}
		var f Fields
		for i, cell := range rec {
			if !utf8.ValidString(cell) {
				return nil, &LineError{Line: line, Err: aims.FieldError(cols[i].name, "The cell is not valid UTF-8 text.")}
			}
			if err := cols[i].set(&f, csvsafe.Unguard(cell)); err != nil {
				return nil, &LineError{Line: line, Err: err}
			}
		}
		out.Fields = append(out.Fields, f)
		out.Lines = append(out.Lines, line)
	}
}

// csvHeader returns the columns the header names, in its order.
func csvHeader(header []string) ([]csvColumn, error) {
	cols := make([]csvColumn, 0, len(header))
	seen := map[string]bool{}
	for _, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		i := slices.IndexFunc(csvColumns, func(c csvColumn) bool { return c.name == name })
		switch {
		case !utf8.ValidString(h):
			return nil, aims.Errorf(aims.EINVALID, "The header is not valid UTF-8 text.")
		case name == "":
			return nil, aims.Errorf(aims.EINVALID, "Every column needs a name in the first row.")
		case i < 0:
			return nil, aims.FieldError(name, "Unknown column %q; the columns are %s.", h, strings.Join(CSVColumns(), ", "))
		case seen[name]:
			return nil, aims.FieldError(name, "The column %q appears more than once.", name)
		}
		seen[name] = true
		cols = append(cols, csvColumns[i])
	}
	for _, name := range csvRequired {
		if !seen[name] {
			return nil, aims.FieldError(name, "The first row must name the column %q.", name)
		}
	}
	return cols, nil
}

// csvReadError turns a fault of the CSV syntax into a *LineError.
func csvReadError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("cannot read the CSV file: %w", err)
	}
	msg := "The row is not valid CSV."
	switch {
	case errors.Is(pe.Err, csv.ErrFieldCount):
		msg = "The row has a different number of cells from the header."
	case errors.Is(pe.Err, csv.ErrBareQuote):
		msg = fmt.Sprintf("A quote (\") appears inside a cell that is not quoted (column %d); put the cell in quotes and double the quote.", pe.Column)
	case errors.Is(pe.Err, csv.ErrQuote):
		msg = fmt.Sprintf("A quoted cell is not closed, or has text after its closing quote (column %d).", pe.Column)
	}
	line := pe.StartLine
	if line == 0 {
		line = pe.Line
	}
	return &LineError{Line: line, Err: aims.Errorf(aims.EINVALID, "%s", msg)}
}

// EncodeCSV writes fs in the CSV layout to w, header first.
func EncodeCSV(w io.Writer, fs []Fields) error {
	cw := NewCSVWriter(w)
	for i := range fs {
		if err := cw.Write(&fs[i]); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// CSVWriter writes systems in the CSV layout one at a time, the header before the first, so that an
// export need not hold the whole inventory.
type CSVWriter struct {
	w      *csvsafe.Writer
	header bool
	row    []string
}

// NewCSVWriter returns a CSVWriter on w.
func NewCSVWriter(w io.Writer) *CSVWriter {
	return &CSVWriter{w: csvsafe.NewWriter(w), row: make([]string, len(csvColumns))}
}

// Write writes f as one row (after the header, on the first call).
func (cw *CSVWriter) Write(f *Fields) error {
	if err := cw.writeHeader(); err != nil {
		return err
	}
	for i, c := range csvColumns {
		cw.row[i] = c.get(f)
	}
	return cw.w.Write(cw.row)
}

func (cw *CSVWriter) writeHeader() error {
	if cw.header {
		return nil
	}
	cw.header = true
	return cw.w.Write(CSVColumns())
}

// Flush writes the header if no row came, and anything buffered.
func (cw *CSVWriter) Flush() error {
	if err := cw.writeHeader(); err != nil {
		return err
	}
	return cw.w.Flush()
}
