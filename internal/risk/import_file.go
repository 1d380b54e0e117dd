package risk

// Reading an imported register: a CSV file or a JSON array, told apart by content, into a table of
// cells by column name, each row with where it is in the file. The columns' meaning is import.go's.

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/csvsafe"
)

// importTable is a file read: its columns (lower-case names, in the order they first appear) and its rows
// of cells in that order ("" for a member a JSON object leaves out), with where each row is.
type importTable struct {
	json   bool
	header []string
	rows   [][]string
	// pos is each row's line (CSV: the line where the row starts) or index (JSON: from 0).
	pos []int
	// first is, for JSON, the row where each column first appears.
	first []int
	index map[string]int
}

// col returns the position of column name, or -1.
func (t *importTable) col(name string) int {
	if t.index == nil {
		t.index = make(map[string]int, len(t.header))
		for i := len(t.header) - 1; i >= 0; i-- {
			t.index[t.header[i]] = i
		}
	}
	if i, ok := t.index[name]; ok {
		return i
	}
	return -1
}

// readImport reads a whole file of risks from r, at most MaxImportBytes (ETOOLARGE beyond), and tells
// CSV from JSON by its first character: '[' (or '{', refused) is JSON. Syntax faults and faults of single cells are issues;
// more than MaxImportRows risks is an *ImportTooManyError.
func readImport(r io.Reader) (*importTable, []ImportIssue, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read the file of risks: %w", err)
	}
	if len(data) > MaxImportBytes {
		return nil, nil, tooLarge()
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if first := bytes.TrimLeft(data, " \t\r\n"); len(first) > 0 && (first[0] == '[' || first[0] == '{') {
		return readJSON(data)
	}
	return readCSV(data)
}

func tooLarge() error {
	return aims.Errorf(aims.ETOOLARGE, "The file is larger than %d MiB, the most one import of risks takes; split it. Nothing was imported.",
		MaxImportBytes>>20)
}

// ImportTooManyError is an import of more risks than MaxImportRows: reading stopped at the first one over
// it and nothing was stored. It is ETOOLARGE.
type ImportTooManyError struct{ Limit int }

func (e *ImportTooManyError) Error() string {
	return fmt.Sprintf("the import has more than %d risks", e.Limit)
}

// Unwrap gives the coded error, which the transports answer with 413.
func (e *ImportTooManyError) Unwrap() error {
	return aims.Errorf(aims.ETOOLARGE, "The file holds more than %s risks, the most one import takes; split it. Nothing was imported.",
		aims.Thousands(e.Limit))
}

func readCSV(data []byte) (*importTable, []ImportIssue, error) {
	if !utf8.Valid(data) {
		return nil, []ImportIssue{{Line: 1, Message: "The file is not UTF-8 text."}}, nil
	}
	cr := csv.NewReader(bufio.NewReader(bytes.NewReader(data)))
	cr.FieldsPerRecord = 0
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, []ImportIssue{{Line: 1, Message: "The file is empty: its first row must name the columns: " +
			strings.Join(importRequired, ",") + "."}}, nil
	}
	if err != nil {
		return nil, []ImportIssue{csvIssue(err)}, nil
	}
	t := &importTable{}
	for _, h := range header {
		t.header = append(t.header, strings.ToLower(strings.TrimSpace(h)))
	}
	var issues []ImportIssue
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return t, issues, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				line, _ := cr.FieldPos(0)
				issues = append(issues, ImportIssue{Line: line, Message: fmt.Sprintf("The row has %d cells; the header names %d columns.",
					len(rec), len(t.header))})
				if len(issues) >= maxImportIssues {
					return t, issues, nil
				}
				continue
			}
			return t, append(issues, csvIssue(err)), nil // the rest cannot be read
		}
		if len(t.rows) == MaxImportRows {
			return nil, nil, &ImportTooManyError{Limit: MaxImportRows}
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = csvsafe.Unguard(rec[i])
		}
		t.rows = append(t.rows, rec)
		t.pos = append(t.pos, line)
	}
}

// csvIssue says where and how a file is not valid CSV.
func csvIssue(err error) ImportIssue {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return ImportIssue{Line: 1, Message: "The file is not valid CSV."}
	}
	msg := "The row is not valid CSV."
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		msg = fmt.Sprintf("A quote (\") appears inside a cell that is not quoted (character %d); put the cell in quotes and double the quote.", pe.Column)
	case errors.Is(pe.Err, csv.ErrQuote):
		msg = fmt.Sprintf("A quoted cell is not closed, or has text after its closing quote (character %d).", pe.Column)
	}
	line := pe.StartLine
	if line == 0 {
		line = pe.Line
	}
	return ImportIssue{Line: line, Message: msg}
}

// readJSON reads a JSON array of objects whose members are the CSV layout's columns, each a string or a
// number (null for none).
func readJSON(data []byte) (*importTable, []ImportIssue, error) {
	if !utf8.Valid(data) {
		return nil, []ImportIssue{{Index: -1, JSON: true, Message: "The file is not UTF-8 text."}}, nil
	}
	if err := aims.CheckJSONSurrogates(data); err != nil {
		return nil, []ImportIssue{{Index: -1, JSON: true, Message: aims.ErrorMessage(err)}}, nil
	}
	fatal := func(msg string) (*importTable, []ImportIssue, error) {
		return nil, []ImportIssue{{Index: -1, JSON: true, Message: msg}}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return fatal("The file must be a JSON array of risks: [{\"title\": ..., \"source\": ...}, ...].")
	}
	t := &importTable{json: true}
	cols := map[string]int{}
	var issues []ImportIssue
	add := func(is ImportIssue) {
		if len(issues) < maxImportIssues {
			issues = append(issues, is)
		}
	}
	for i := 0; dec.More(); i++ {
		if i == MaxImportRows {
			return nil, nil, &ImportTooManyError{Limit: MaxImportRows}
		}
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			var typ *json.UnmarshalTypeError
			if errors.As(err, &typ) {
				add(ImportIssue{Index: i, JSON: true, Message: fmt.Sprintf("Each item must be a JSON object, not %s.", typ.Value)})
				t.rows, t.pos = append(t.rows, nil), append(t.pos, i)
				continue
			}
			return fatal(jsonSyntax(err))
		}
		row := make([]string, len(t.header))
		for k, v := range obj {
			name := strings.ToLower(strings.TrimSpace(k))
			c, ok := cols[name]
			if !ok {
				c = len(t.header)
				cols[name] = c
				t.header = append(t.header, name)
				t.first = append(t.first, len(t.rows))
			}
			for len(row) <= c {
				row = append(row, "")
			}
			switch v := v.(type) {
			case nil:
			case string:
				row[c] = v
			case json.Number:
				row[c] = v.String()
			default:
				add(ImportIssue{Index: i, JSON: true, Field: name, Message: "Give a string or a number."})
			}
		}
		t.rows, t.pos = append(t.rows, row), append(t.pos, i)
	}
	if _, err := dec.Token(); err != nil {
		return fatal(jsonSyntax(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fatal("The file must hold one JSON array and nothing after it.")
	}
	// Rows read before a later column appeared are shorter: pad them.
	for i, row := range t.rows {
		if row != nil && len(row) < len(t.header) {
			t.rows[i] = append(row, make([]string, len(t.header)-len(row))...)
		}
	}
	return t, issues, nil
}

func jsonSyntax(err error) string {
	var syntax *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "The file is not complete JSON."
	case errors.As(err, &syntax):
		return fmt.Sprintf("The file is not valid JSON (at byte %d).", syntax.Offset)
	}
	return "The file is not valid JSON."
}
