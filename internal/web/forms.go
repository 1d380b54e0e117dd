package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/problem"
)

// maxFormBytes bounds a form body; aims's forms are a few short fields.
const maxFormBytes = 64 << 10

// parseForm reads r's urlencoded form, refusing bodies over maxFormBytes.
func parseForm(rw http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(rw, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return aims.Errorf(aims.ETOOLARGE, "The form is larger than %d bytes.", maxFormBytes)
		}
		return aims.Errorf(aims.EINVALID, "The form could not be read.")
	}
	return nil
}

// Errors maps a form field's name to the message shown beside it.
type Errors map[string]string

// FormError is a failed form submission: messages for the fields at fault, and one for the form as a
// whole when the error names no field of the form.
type FormError struct {
	Fields  Errors
	Message string
}

// Field returns the message for field, or "".
func (e *FormError) Field(field string) string {
	if e == nil {
		return ""
	}
	return e.Fields[field]
}

// formError turns a domain error into a FormError for a form with fields, and the status to send with
// it. Internal errors are not a form's business: ok is false and the caller returns err for the error
// page.
func formError(err error, fields ...string) (fe *FormError, status int, ok bool) {
	status = problem.Status(err)
	if status >= 500 {
		return nil, status, false
	}
	fe = &FormError{Fields: Errors{}}
	if f := aims.ErrorField(err); f != "" && slices.Contains(fields, f) {
		fe.Fields[f] = aims.ErrorMessage(err)
	} else {
		fe.Message = aims.ErrorMessage(err)
	}
	return fe, status, true
}

// formVersion reads the hidden version field that guards an edit against lost updates. A form always
// sends it; a missing or malformed one is refused rather than taken as "any version".
func formVersion(r *http.Request) (int64, error) {
	v, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil || v <= 0 {
		return 0, aims.Errorf(aims.EINVALID, "The form is missing the record's version; reload the page and try again.")
	}
	return v, nil
}

// pathID returns the {id} path value if it has the shape of an aims id; otherwise the record cannot
// exist.
func pathID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if !aims.ValidID(id) {
		return "", errNotFound
	}
	return id, nil
}

// localPath reports whether p is a path on this site: it starts with one slash, names no other host or
// scheme, and carries no backslashes or control characters, which some browsers read as a slash. Only
// such paths are followed after login or a switch of organization, so that aims cannot be used to
// redirect people elsewhere.
func localPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || len(p) > 2000 {
		return false
	}
	for _, c := range p {
		if c == '\\' || c < 0x20 || c == 0x7f {
			return false
		}
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}

// nextPath returns p when it is a local path, otherwise the dashboard.
func nextPath(p string) string {
	if localPath(p) {
		return p
	}
	return "/"
}

// pageOf asks for limit items after cursor.
func pageOf(cursor string, limit int) aims.Page { return aims.Page{Cursor: cursor, Limit: limit} }
