package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
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

// DecodeJSON decodes exactly one JSON value from body into dst, rejecting unknown fields and trailing
// data, and turns decoding failures into EINVALID (or ETOOLARGE) errors that name the field.
func DecodeJSON(body io.Reader, dst any) error {
	dec := json.NewDecoder(body)
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
	return nil
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
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

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
	h = strings.TrimPrefix(h, "W/")
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
func page(r *http.Request) (account.Page, error) {
	p := account.Page{Cursor: r.URL.Query().Get("cursor")}
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 200 {
			return p, aims.FieldError("limit", "limit must be a whole number from 1 to 200.")
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
