package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aimsproject/aims"
)

// MaxBodyBytes bounds every JSON request body.
const MaxBodyBytes = 1 << 20

// decode reads r's JSON body into dst. It insists on application/json, rejects unknown fields, trailing
// data and bodies over MaxBodyBytes, and names the offending field.
func decode(w http.ResponseWriter, r *http.Request, dst any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return aims.Errorf(aims.EMEDIATYPE, "Send the request body as application/json.")
	}
	body := http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	return DecodeJSON(body, dst)
}

// DecodeJSON decodes exactly one JSON value from body into dst, rejecting unknown fields (matched
// exactly: encoding/json alone would take "Name" for "name"), repeated fields, trailing data and half a
// UTF-16 surrogate pair escaped on its own ("\ud800", see aims.CheckJSONSurrogates), and turns
// decoding failures into EINVALID (or ETOOLARGE) errors that name the field.
func DecodeJSON(body io.Reader, dst any) error {
	data, err := io.ReadAll(body)
	if err != nil {
		return decodeError(err)
	}
	if !utf8.Valid(data) {
		// encoding/json would replace invalid bytes silently, so that what is stored (and hashed into the
		// activity trail) differs from what was sent.
		return aims.Errorf(aims.EINVALID, "The request body is not valid UTF-8.")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return decodeError(err)
		}
		return aims.Errorf(aims.EINVALID, "The request body must hold one JSON value and nothing after it.")
	}
	if err := aims.CheckJSONSurrogates(data); err != nil {
		// Like invalid UTF-8, encoding/json would store U+FFFD for it without a word.
		return err
	}
	return exactFields(data, dst)
}

// exactFields checks the member names of the JSON object data, which has decoded into dst already,
// against the names of dst's fields, in document order.
func exactFields(data []byte, dst any) error {
	names := jsonNames(reflect.TypeOf(dst))
	if names == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil // null, which decodes to nothing
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return decodeError(err)
		}
		name, _ := tok.(string)
		if !names[name] {
			return aims.FieldError(name, "Unknown field %q.", name)
		}
		if seen[name] {
			return aims.FieldError(name, "The field %q appears more than once.", name)
		}
		seen[name] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return decodeError(err)
		}
	}
	return nil
}

// jsonNames returns the JSON member names of struct type t (or a pointer to one), or nil for other types.
func jsonNames(t reflect.Type) map[string]bool {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	names := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		switch {
		case tag == "-":
			continue
		case f.Anonymous && name == "":
			for n := range jsonNames(f.Type) {
				names[n] = true
			}
			continue
		case !f.IsExported():
			continue
		case name == "":
			name = f.Name
		}
		names[name] = true
	}
	return names
}

func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return aims.Errorf(aims.ETOOLARGE, "The request body is larger than %d bytes.", tooLarge.Limit)
	case errors.Is(err, io.EOF):
		return aims.Errorf(aims.EINVALID, "The request body is empty; send a JSON object.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return aims.Errorf(aims.EINVALID, "The request body is not complete JSON.")
	case errors.As(err, &syntax):
		return aims.Errorf(aims.EINVALID, "The request body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return aims.Errorf(aims.EINVALID, "The request body must be a JSON %s.", "object")
		}
		return aims.FieldError(field, "%s must be a JSON %s, not %s.", field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return aims.FieldError(field, "Unknown field %q.", field)
	}
	return aims.Errorf(aims.EINVALID, "The request body could not be read as JSON.")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	}
	return "number"
}

// writeJSON sends v with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	h := w.Header()
	h["Content-Type"] = hdrJSON // shared read-only values: see securityHeaders in internal/server
	h["Cache-Control"] = hdrNoStore
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

var (
	hdrJSON    = []string{"application/json"}
	hdrNoStore = []string{"no-store"}
)

// etag is the entity tag of a record at version.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// writeResource sends one record with its ETag.
func writeResource(w http.ResponseWriter, status int, version int64, v any) error {
	w.Header().Set("ETag", etag(version))
	return writeJSON(w, status, v)
}

// ifMatch returns the version named by r's If-Match header, 0 when there is none or it is "*".
func ifMatch(r *http.Request) (int64, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0, nil
	}
	if strings.HasPrefix(h, "W/") {
		// Weak tags never match for If-Match (RFC 9110, 13.1.1), and this API only hands out strong ones.
		return 0, aims.Errorf(aims.EPRECONDITION, "If-Match needs the strong ETag this API returned, like %s, not a weak one.", etag(1))
	}
	v, err := strconv.ParseInt(strings.Trim(h, `"`), 10, 64)
	if err != nil || v <= 0 || !strings.HasPrefix(h, `"`) || !strings.HasSuffix(h, `"`) {
		return 0, aims.Errorf(aims.EPRECONDITION, "If-Match must be an ETag this API returned, like %s.", etag(1))
	}
	return v, nil
}

// List is one page of a collection.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// page reads the limit and cursor query parameters.
func page(r *http.Request) (aims.Page, error) {
	p := aims.Page{Cursor: r.URL.Query().Get("cursor")}
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > aims.MaxPageLimit {
			return p, aims.FieldError("limit", "limit must be a whole number from 1 to %d.", aims.MaxPageLimit)
		}
		p.Limit = n
	}
	return p, nil
}

// pathID returns the {id} path value if it has the shape of an aims id; otherwise the record cannot
// exist, and the answer is ENOTFOUND.
func pathID(r *http.Request, what string) (string, error) {
	id := r.PathValue("id")
	if !aims.ValidID(id) {
		return "", aims.Errorf(aims.ENOTFOUND, "%s %q not found.", what, id)
	}
	return id, nil
}

func items[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
