package aibom

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// errSyntax marks input that is not JSON. The tree reader does not say why: the caller asks
// encoding/json for the exact message and position (see parser.syntax), on this error path only.
var errSyntax = errors.New("not JSON")

// maxDepth is encoding/json's limit of nesting.
const maxDepth = 10000

// treeReader reads JSON text into the generic values the schema validator takes, the same ones that
// jsonschema.UnmarshalJSON makes: map[string]any, []any, string, json.Number, bool and nil. It is about
// three times faster than encoding/json's decoding into any and allocates less, and schema validation
// of a large BOM spends most of its time making these values.
type treeReader struct {
	data  []byte
	off   int
	depth int
	// keys holds object member names the reader returns instead of a copy of each (see
	// schemaSet.keys): a large BOM repeats the same few dozen names hundreds of thousands of times.
	keys map[string]string
}

// readTree returns the value of data, which must hold exactly one JSON value (and white space).
func readTree(data []byte) (any, error) {
	r := &treeReader{data: data}
	v, err := r.value()
	if err != nil {
		return nil, err
	}
	if r.space(); r.off != len(data) {
		return nil, errSyntax
	}
	return v, nil
}

func (r *treeReader) space() {
	for r.off < len(r.data) {
		switch r.data[r.off] {
		case ' ', '\t', '\n', '\r':
			r.off++
		default:
			return
		}
	}
}

func (r *treeReader) value() (any, error) {
	r.space()
	if r.off >= len(r.data) {
		return nil, errSyntax
	}
	switch c := r.data[r.off]; {
	case c == '{':
		return r.object()
	case c == '[':
		return r.array()
	case c == '"':
		return r.string()
	case c == '-' || c >= '0' && c <= '9':
		return r.number()
	case r.literal("true"):
		return true, nil
	case r.literal("false"):
		return false, nil
	case r.literal("null"):
		return nil, nil
	}
	return nil, errSyntax
}

func (r *treeReader) literal(lit string) bool {
	if len(r.data)-r.off >= len(lit) && string(r.data[r.off:r.off+len(lit)]) == lit {
		r.off += len(lit)
		return true
	}
	return false
}

func (r *treeReader) object() (any, error) {
	if r.depth++; r.depth > maxDepth {
		return nil, errSyntax
	}
	r.off++ // {
	m := map[string]any{}
	r.space()
	if r.off < len(r.data) && r.data[r.off] == '}' {
		r.off++
		r.depth--
		return m, nil
	}
	for {
		r.space()
		if r.off >= len(r.data) || r.data[r.off] != '"' {
			return nil, errSyntax
		}
		k, err := r.text(r.keys)
		if err != nil {
			return nil, err
		}
		r.space()
		if r.off >= len(r.data) || r.data[r.off] != ':' {
			return nil, errSyntax
		}
		r.off++
		v, err := r.value()
		if err != nil {
			return nil, err
		}
		m[k] = v
		r.space()
		if r.off >= len(r.data) {
			return nil, errSyntax
		}
		switch r.data[r.off] {
		case ',':
			r.off++
		case '}':
			r.off++
			r.depth--
			return m, nil
		default:
			return nil, errSyntax
		}
	}
}

func (r *treeReader) array() (any, error) {
	if r.depth++; r.depth > maxDepth {
		return nil, errSyntax
	}
	r.off++ // [
	a := []any{}
	r.space()
	if r.off < len(r.data) && r.data[r.off] == ']' {
		r.off++
		r.depth--
		return a, nil
	}
	for {
		v, err := r.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		r.space()
		if r.off >= len(r.data) {
			return nil, errSyntax
		}
		switch r.data[r.off] {
		case ',':
			r.off++
		case ']':
			r.off++
			r.depth--
			return a, nil
		default:
			return nil, errSyntax
		}
	}
}

// string reads a string. One of plain ASCII or valid UTF-8 without escapes, the common case, is copied
// as it is; any other is decoded by encoding/json, so that escapes, surrogates and invalid UTF-8 come
// out exactly as there.
func (r *treeReader) string() (string, error) { return r.text(nil) }

// text reads a string as string does, returning the one in intern when there is one equal to it.
func (r *treeReader) text(intern map[string]string) (string, error) {
	start := r.off
	r.off++ // "
	plain := true
	for r.off < len(r.data) {
		c := r.data[r.off]
		switch {
		case c == '"':
			r.off++
			raw := r.data[start+1 : r.off-1]
			if plain || utf8.Valid(raw) && !hasByte(raw, '\\') {
				if k, ok := intern[string(raw)]; ok {
					return k, nil
				}
				return string(raw), nil
			}
			var s string
			if err := json.Unmarshal(r.data[start:r.off], &s); err != nil {
				return "", errSyntax
			}
			return s, nil
		case c == '\\':
			plain = false
			r.off += 2
		case c < 0x20:
			return "", errSyntax
		default:
			if c >= utf8.RuneSelf {
				plain = false
			}
			r.off++
		}
	}
	return "", errSyntax
}

func hasByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// number reads a number by the JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (r *treeReader) number() (any, error) {
	start := r.off
	if r.data[r.off] == '-' {
		r.off++
	}
	switch {
	case r.off < len(r.data) && r.data[r.off] == '0':
		r.off++
	case r.digits() == 0:
		return nil, errSyntax
	}
	if r.off < len(r.data) && r.data[r.off] == '.' {
		r.off++
		if r.digits() == 0 {
			return nil, errSyntax
		}
	}
	if r.off < len(r.data) && (r.data[r.off] == 'e' || r.data[r.off] == 'E') {
		r.off++
		if r.off < len(r.data) && (r.data[r.off] == '+' || r.data[r.off] == '-') {
			r.off++
		}
		if r.digits() == 0 {
			return nil, errSyntax
		}
	}
	return json.Number(r.data[start:r.off]), nil
}

func (r *treeReader) digits() int {
	n := 0
	for r.off < len(r.data) && r.data[r.off] >= '0' && r.data[r.off] <= '9' {
		r.off++
		n++
	}
	return n
}

// skipValue moves past the value that starts at off (after white space) without decoding it, checking
// only its nesting and its strings: the bytes in between are checked when the value is read. It
// returns the offset after the value.
func skipValue(data []byte, off int) (int, error) {
	depth := 0
	for off < len(data) {
		switch c := data[off]; c {
		case '"':
			off++
			for {
				if off >= len(data) {
					return 0, errSyntax
				}
				if b := data[off]; b == '"' {
					break
				} else if b == '\\' {
					off++
				}
				off++
			}
			off++
			if depth == 0 {
				return off, nil
			}
		case '{', '[':
			depth++
			off++
		case '}', ']':
			depth--
			off++
			if depth < 0 {
				return 0, errSyntax
			}
			if depth == 0 {
				return off, nil
			}
		case ',', ' ', '\t', '\n', '\r', ':':
			if depth == 0 && c == ',' {
				return 0, errSyntax
			}
			off++
		default:
			// A number or a literal: at the top level it ends before a delimiter.
			off++
			if depth == 0 {
				for off < len(data) {
					switch data[off] {
					case ',', ']', '}', ' ', '\t', '\n', '\r':
						return off, nil
					}
					off++
				}
				return off, nil
			}
		}
	}
	return 0, errSyntax
}
