package framework

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/aimsproject/aims/internal/csvsafe"
)

// CSVColumns are the columns of a framework as CSV, which ParseCSV reads and exports write. The first
// line names them, in any order; ref and title are required, the others may be left out:
//
//	ref         the requirement's reference, unique in the file ("A.6.2.4", "GOVERN 1.1"), at most 100 characters
//	title       its title, one line
//	parent_ref  the ref of the requirement it sits under, which the file must hold; empty at the top level
//	kind        clause, group, control, function, category, subcategory, article or risk; default control
//	text        its text, any number of lines
//	assessable  yes or no (also true/false, 1/0): whether it is a requirement to meet rather than a heading;
//	            default yes, except for the kinds group, function and category
//
// A cell that a spreadsheet would run as a formula is written with an apostrophe before it and read back
// without it (see csvsafe), so that an export opens safely and imports back as it was.
var CSVColumns = []string{"ref", "title", "parent_ref", "kind", "text", "assessable"}

// Kinds lists the kinds of requirement a CSV file may name.
var Kinds = []string{ReqClause, ReqGroup, ReqControl, ReqFunction, ReqCategory, ReqSubcategory, ReqArticle, ReqRisk}

// ParseCSV reads a framework's requirements from CSV (see CSVColumns), in the file's order. A file with
// any bad line is an *ImportError naming each bad line (up to a limit); nothing is returned for it.
func ParseCSV(data []byte) ([]*Requirement, error) {
	rows, err := readTable(data, CSVColumns, []string{"ref", "title"}, MaxImportRequirements)
	if err != nil {
		return nil, err
	}
	var issues []Issue
	bad := func(line int, format string, args ...any) {
		if len(issues) < maxIssues {
			issues = append(issues, Issue{Line: line, Message: fmt.Sprintf(format, args...)})
		}
	}
	var reqs []*Requirement
	lineOf := map[string]int{}
	for _, row := range rows {
		get := func(col string) string { return csvsafe.Unguard(row.get(col)) }
		r := &Requirement{Ref: strings.TrimSpace(get("ref")), Title: oneLine(get("title")),
			ParentRef: strings.TrimSpace(get("parent_ref")), Kind: strings.TrimSpace(get("kind")),
			Text: strings.TrimSpace(get("text"))}
		switch {
		case r.Ref == "":
			bad(row.line, "ref is empty")
			continue
		case utf8.RuneCountInString(r.Ref) > 100 || strings.ContainsAny(r.Ref, "\r\n\t"):
			bad(row.line, "ref %q is longer than 100 characters or holds a line break or tab", r.Ref)
			continue
		case lineOf[r.Ref] > 0:
			bad(row.line, "ref %q is on line %d already", r.Ref, lineOf[r.Ref])
			continue
		}
		lineOf[r.Ref] = row.line
		if r.Title == "" {
			bad(row.line, "title is empty")
		} else if utf8.RuneCountInString(r.Title) > 2000 {
			bad(row.line, "title is longer than 2,000 characters")
		}
		if r.Kind == "" {
			r.Kind = ReqControl
		} else if !knownKind(r.Kind) {
			bad(row.line, "kind %q is not one of %s", r.Kind, strings.Join(Kinds, ", "))
		}
		r.Assessable = r.Kind != ReqGroup && r.Kind != ReqFunction && r.Kind != ReqCategory
		switch strings.ToLower(strings.TrimSpace(get("assessable"))) {
		case "":
		case "yes", "true", "1":
			r.Assessable = true
		case "no", "false", "0":
			r.Assessable = false
		default:
			bad(row.line, "assessable is %q; use yes or no", get("assessable"))
		}
		reqs = append(reqs, r)
	}
	for _, r := range reqs {
		switch {
		case r.ParentRef == "":
		case r.ParentRef == r.Ref:
			bad(lineOf[r.Ref], "%q is its own parent", r.Ref)
		case lineOf[r.ParentRef] == 0:
			bad(lineOf[r.Ref], "parent_ref %q is not a ref of this file", r.ParentRef)
		}
	}
	if len(issues) == 0 {
		if ref := cycle(reqs); ref != "" {
			bad(lineOf[ref], "%q is its own ancestor through parent_ref", ref)
		}
	}
	if len(issues) > 0 {
		return nil, importError("The CSV file has errors; nothing was imported.", issues)
	}
	return reqs, nil
}

func knownKind(k string) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// cycle returns a ref whose parents lead back to it, or "".
func cycle(reqs []*Requirement) string {
	parent := map[string]string{}
	for _, r := range reqs {
		parent[r.Ref] = r.ParentRef
	}
	for _, r := range reqs {
		seen := map[string]bool{}
		for ref := r.Ref; ref != ""; ref = parent[ref] {
			if seen[ref] {
				return r.Ref
			}
			seen[ref] = true
		}
	}
	return ""
}

// csvRow is a data line of a CSV file with a header.
type csvRow struct {
	line   int
	fields map[string]string
}

func (r csvRow) get(col string) string { return r.fields[col] }

// readTable reads CSV data whose first line names its columns, which must be among allowed and include
// required. Data lines whose number of fields differs from the header's, and lines that are not CSV, are
// reported by line number. More than maxRows data lines is ETOOLARGE, found at the first line over it.
func readTable(data []byte, allowed, required []string, maxRows int) ([]csvRow, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, importError("The CSV file is not UTF-8 text; nothing was imported.", nil)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(err, 1)
	}
	cols := map[string]int{}
	var issues []Issue
	for _, c := range required {
		if !containsFold(header, c) {
			return nil, importError("The CSV file's first line must name its columns; nothing was imported.", []Issue{{Line: 1,
				Message: fmt.Sprintf("the columns are %s (%s at least); the first line names %q", strings.Join(allowed, ","),
					strings.Join(required, " and "), strings.Join(header, ","))}})
		}
	}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case !contains(allowed, h):
			issues = append(issues, Issue{Line: 1, Message: fmt.Sprintf("unknown column %q; the columns are %s", h, strings.Join(allowed, ","))})
		case cols[h] > 0:
			issues = append(issues, Issue{Line: 1, Message: fmt.Sprintf("column %q appears twice", h)})
		}
		cols[h] = i + 1
	}
	if len(issues) > 0 {
		return nil, importError("The CSV file's header is wrong; nothing was imported.", issues)
	}
	var rows []csvRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err, 0)
		}
		line, _ := cr.FieldPos(0)
		if len(rows)+len(issues) >= maxRows {
			return nil, tooManyError(maxRows, "rows")
		}
		if len(rec) != len(header) {
			issues = append(issues, Issue{Line: line, Message: fmt.Sprintf("the line has %d fields, the header %d", len(rec), len(header))})
			if len(issues) >= maxIssues {
				break
			}
			continue
		}
		row := csvRow{line: line, fields: make(map[string]string, len(header))}
		for col, i := range cols {
			row.fields[col] = rec[i-1]
		}
		rows = append(rows, row)
	}
	if len(issues) > 0 {
		return nil, importError("The CSV file has errors; nothing was imported.", issues)
	}
	return rows, nil
}

func csvError(err error, line int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line = pe.StartLine
		err = pe.Err
	}
	if err == io.EOF {
		return importError("The CSV file is empty; nothing was imported.", nil)
	}
	return importError("The file is not CSV; nothing was imported.", []Issue{{Line: line, Message: err.Error()}})
}

func containsFold(xs []string, s string) bool {
	for _, x := range xs {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
