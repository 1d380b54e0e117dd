// Package problem turns aims errors into HTTP: the one table from error code to status, and RFC 9457
// problem details (application/problem+json) for the API.
package problem

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/aimsproject/aims"
)

// TypeBase prefixes every problem type; the suffix is the error code, which is stable.
const TypeBase = "https://aims.dev/problems/"

// ContentType is the media type of problem details.
const ContentType = "application/problem+json"

// statuses is the one table from error code to HTTP status.
var statuses = map[string]int{
	aims.EINVALID:      http.StatusBadRequest,
	aims.ENOTFOUND:     http.StatusNotFound,
	aims.ECONFLICT:     http.StatusConflict,
	aims.EFORBIDDEN:    http.StatusForbidden,
	aims.EUNAUTHORIZED: http.StatusUnauthorized,
	aims.EPRECONDITION: http.StatusPreconditionFailed,
	aims.ETOOMANY:      http.StatusTooManyRequests,
	aims.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	aims.EMEDIATYPE:    http.StatusUnsupportedMediaType,
	aims.ECORRUPT:      http.StatusInternalServerError,
	aims.EINTERNAL:     http.StatusInternalServerError,
}

var titles = map[string]string{
	aims.EINVALID:      "Invalid request",
	aims.ENOTFOUND:     "Not found",
	aims.ECONFLICT:     "Conflict",
	aims.EFORBIDDEN:    "Forbidden",
	aims.EUNAUTHORIZED: "Unauthorized",
	aims.EPRECONDITION: "Precondition failed",
	aims.ETOOMANY:      "Too many requests",
	aims.ETOOLARGE:     "Request too large",
	aims.EMEDIATYPE:    "Unsupported media type",
	aims.ECORRUPT:      "Stored file is corrupt",
	aims.EINTERNAL:     "Internal error",
}

// Status returns the HTTP status for err.
func Status(err error) int {
	if s, ok := statuses[aims.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Details is an RFC 9457 problem details object, with aims's extension members.
type Details struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Instance  string `json:"instance,omitempty"`
	Code      string `json:"code"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// From builds the problem details for err on request r.
func From(r *http.Request, err error) Details {
	code := aims.ErrorCode(err)
	if _, ok := statuses[code]; !ok {
		code = aims.EINTERNAL
	}
	return Details{
		Type: TypeBase + code, Title: titles[code], Status: statuses[code], Detail: aims.ErrorMessage(err),
		Instance: r.URL.Path, Code: code, Field: aims.ErrorField(err), RequestID: RequestID(r),
	}
}

// Write sends err as problem+json. Internal errors are logged with their detail, which the client never
// sees.
func Write(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	d := From(r, err)
	if d.Status >= 500 && log != nil {
		log.ErrorContext(r.Context(), "request failed", "err", err.Error(), "request_id", d.RequestID,
			"method", r.Method, "path", r.URL.Path)
	}
	if d.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="aims"`)
	}
	SetRetryAfter(w, err)
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(d.Status)
	_ = json.NewEncoder(w).Encode(d)
}

// SetRetryAfter sets the Retry-After header (in whole seconds, rounded up) when err says how long to wait.
// The web UI calls it too before it renders a page that answers 429.
func SetRetryAfter(w http.ResponseWriter, err error) {
	if d := aims.ErrorRetryAfter(err); d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((d+time.Second-1)/time.Second)))
	}
}

type requestIDKey struct{}

// RequestIDHeader carries the request id in requests (from a trusted proxy) and responses.
const RequestIDHeader = "X-Request-Id"

// RequestID returns the id the server gave r, or "".
func RequestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}

// WithRequestID returns r carrying id.
func WithRequestID(r *http.Request, id string) *http.Request {
	return r.WithContext(contextWithRequestID(r, id))
}
