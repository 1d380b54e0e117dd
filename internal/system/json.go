package system

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/aimsproject/aims"
)

// DecodeJSON reads a JSON array of systems' Fields (as the JSON export writes it) from r one item at a
// time, decoding each item's text with decode (nil: DecodeFields). It checks the layout, not the systems:
// Service.ImportChecked does that. An item at fault is an *ImportError with its index; a body that is
// not a JSON array is EINVALID; an array of more than maxRows items is an *ImportTooManyError, found at
// the first item over the limit: nothing after it is read. An error of r is returned wrapped.
func DecodeJSON(r io.Reader, maxRows int, decode func(data []byte, f *Fields) error) ([]Fields, error) {
	if decode == nil {
		decode = DecodeFields
	}
	dec := json.NewDecoder(r)
	// A number where the array should be is taken as text, not as a float64 it may not fit.
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonReadError(err)
	}
	if tok != json.Delim('[') {
		return nil, aims.Errorf(aims.EINVALID, "The file must be a JSON array of AI systems, [{\"name\": ..., \"purpose\": ...}, ...].")
	}
	var fs []Fields
	for dec.More() {
		if len(fs) == maxRows {
			return nil, &ImportTooManyError{Limit: maxRows}
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, jsonReadError(err)
		}
		var f Fields
		if err := decode(raw, &f); err != nil {
			return nil, &ImportError{Index: len(fs), Err: err}
		}
		fs = append(fs, f)
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonReadError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, jsonReadError(err)
		}
		return nil, aims.Errorf(aims.EINVALID, "The file must hold one JSON array and nothing after it.")
	}
	return fs, nil
}

// DecodeFields decodes one JSON object of a system's Fields strictly: valid UTF-8, no unknown member
// (EINVALID naming it), each member of the right type (EINVALID naming it).
func DecodeFields(data []byte, f *Fields) error {
	if !utf8.Valid(data) {
		return aims.Errorf(aims.EINVALID, "The item is not valid UTF-8 text.")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(f)
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &typ) && typ.Field != "":
		return aims.FieldError(typ.Field, "%s must be a JSON %s, not %s.", typ.Field, typ.Type.Kind(), typ.Value)
	case errors.As(err, &typ):
		return aims.Errorf(aims.EINVALID, "Each item must be a JSON object, not %s.", typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return aims.FieldError(field, "Unknown field %q.", field)
	}
	return aims.Errorf(aims.EINVALID, "The item could not be read as JSON.")
}

// jsonReadError turns a fault of the JSON syntax into EINVALID, and wraps an error of the reader.
func jsonReadError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ):
		return aims.Errorf(aims.EINVALID, "The file must be a JSON array of AI systems, not %s.", typ.Value)
	case errors.Is(err, io.EOF):
		return aims.Errorf(aims.EINVALID, "The file is empty; send a JSON array of AI systems.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return aims.Errorf(aims.EINVALID, "The file is not complete JSON.")
	case errors.As(err, &syntax):
		return aims.Errorf(aims.EINVALID, "The file is not valid JSON (at byte %d).", syntax.Offset)
	}
	return fmt.Errorf("cannot read the JSON file: %w", err)
}
