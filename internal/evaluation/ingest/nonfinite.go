package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/aimsproject/aims"
)

type jsonNumber = json.Number

// Python's json module writes NaN, Infinity and -Infinity bare, which encoding/json refuses. Outside
// strings they are rewritten, in place and byte for byte, to strings of the same length that TextNum reads
// back: offsets and lines stay those of the file.
const (
	sentinelNaN    = "~"       // NaN       -> "~"
	sentinelInf    = "+Infin"  // Infinity  -> "+Infin"
	sentinelNegInf = "-Infini" // -Infinity -> "-Infini"
)

var nonFinite = []struct{ bare, quoted string }{
	{"NaN", `"` + sentinelNaN + `"`},
	{"Infinity", `"` + sentinelInf + `"`},
	{"-Infinity", `"` + sentinelNegInf + `"`},
}

// scanState is where a rewrite is in the JSON text: in a string, after a backslash in one.
type scanState struct{ inString, escaped bool }

// rewrite replaces the bare non-numbers of b outside strings. It stops before a possible non-number cut
// by the end of b unless final, and returns how many bytes it has done.
func (st *scanState) rewrite(b []byte, final bool) int {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if st.inString {
			switch {
			case st.escaped:
				st.escaped = false
			case c == '\\':
				st.escaped = true
			case c == '"':
				st.inString = false
			}
			continue
		}
		switch c {
		case '"':
			st.inString = true
		case 'N', 'I', '-':
			for _, nf := range nonFinite {
				if nf.bare[0] != c {
					continue
				}
				rest := b[i:]
				if len(rest) < len(nf.bare) {
					if !final && bytes.HasPrefix([]byte(nf.bare), rest) {
						return i
					}
					continue
				}
				if bytes.HasPrefix(rest, []byte(nf.bare)) {
					copy(rest, nf.quoted)
					i += len(nf.bare) - 1
					break
				}
			}
		}
	}
	return len(b)
}

// rewriteLine replaces the bare non-numbers of one whole JSON text in place.
func rewriteLine(b []byte) {
	var st scanState
	st.rewrite(b, true)
}

// finiteReader passes a JSON text through with its bare non-numbers rewritten, and keeps what it needs to
// name the line of an offset: the count of newlines passed and the offsets of the latest of them.
type finiteReader struct {
	r       io.Reader
	st      scanState
	buf     []byte
	start   int // buf[start:done] is rewritten and not yet passed on
	done    int
	end     int // buf[done:end] is read and not yet rewritten
	eof     bool
	offset  int64 // bytes passed on
	lines   int64 // newlines passed on
	recent  [1 << 14]int64
	nrecent int
}

func newFiniteReader(r io.Reader) *finiteReader {
	return &finiteReader{r: r, buf: make([]byte, 128<<10)}
}

func (f *finiteReader) Read(p []byte) (int, error) {
	for f.start == f.done {
		if f.eof {
			if f.done < f.end {
				f.done += f.st.rewrite(f.buf[f.done:f.end], true)
				continue
			}
			return 0, io.EOF
		}
		// Keep the unrewritten tail (a possible cut non-number) at the front.
		n := copy(f.buf, f.buf[f.done:f.end])
		f.start, f.done, f.end = 0, 0, n
		m, err := f.r.Read(f.buf[f.end:])
		f.end += m
		if err == io.EOF {
			f.eof = true
		} else if err != nil {
			return 0, err
		}
		f.done += f.st.rewrite(f.buf[f.done:f.end], f.eof)
	}
	n := copy(p, f.buf[f.start:f.done])
	for i, c := range p[:n] {
		if c == '\n' {
			f.recent[f.nrecent%len(f.recent)] = f.offset + int64(i)
			f.nrecent++
			f.lines++
		}
	}
	f.offset += int64(n)
	f.start += n
	return n, nil
}

// lineAt returns the line (from 1) of offset, when it is among the bytes passed on lately.
func (f *finiteReader) lineAt(offset int64) (int64, bool) {
	line := f.lines + 1
	kept := min(f.nrecent, len(f.recent))
	for i := 1; i <= kept; i++ {
		at := f.recent[(f.nrecent-i)%len(f.recent)]
		if at < offset {
			return line, true
		}
		line--
	}
	return line, kept == f.nrecent
}

// syntaxError turns an error of decoding (a JSON syntax error, an early end of the file) into EINVALID
// naming where reading stopped.
func (f *finiteReader) syntaxError(err error, at int64) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var ue *unexpectedError
	what := "is not valid JSON"
	switch {
	case errors.As(err, &se):
		at = se.Offset
		what = "is not valid JSON (" + se.Error() + ")"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		at = f.offset
		what = "ends early: the file is cut short"
	case errors.As(err, &te):
		what = fmt.Sprintf("has %s where %s is expected", jsonKindName(te.Value), typeName(te.Type))
		if te.Field != "" {
			what += " (" + te.Field + ")"
		}
	case isAims(err):
		return err
	case errors.As(err, &ue):
		at = ue.at
		what = fmt.Sprintf("has %s where %s is expected", tokenName(ue.tok), ue.want)
	default:
		return fmt.Errorf("cannot read the file: %w", err)
	}
	if line, ok := f.lineAt(at); ok {
		return aims.FieldError("file", "The file %s at line %d (byte %d).", what, line, at)
	}
	return aims.FieldError("file", "The file %s at byte %d.", what, at)
}

func isAims(err error) bool {
	var e *aims.Error
	return errors.As(err, &e)
}

// jsonKindName names the kind of JSON value encoding/json calls value in an UnmarshalTypeError.
func jsonKindName(value string) string {
	switch {
	case value == "object":
		return "an object"
	case value == "array":
		return "an array"
	case value == "string":
		return "a string"
	case value == "bool":
		return "true or false"
	case strings.HasPrefix(value, "number"):
		return "a number"
	}
	return value
}

// typeName names what a Go type reads, in JSON's words.
func typeName(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16,
		reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Pointer:
		return typeName(t.Elem())
	}
	return "another value"
}
