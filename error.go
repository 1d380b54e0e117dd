package aims

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. One table in the transport layer maps each to an HTTP status and a problem type.
const (
	EINVALID      = "invalid"      // the input is malformed or breaks a rule
	ENOTFOUND     = "not_found"    // no such record in the caller's organization
	ECONFLICT     = "conflict"     // the record exists already or the change clashes with another
	EFORBIDDEN    = "forbidden"    // the caller's role does not allow the action
	EUNAUTHORIZED = "unauthorized" // the caller is not authenticated
	EPRECONDITION = "precondition" // If-Match does not match: someone else changed the record
	ETOOMANY      = "too_many"     // rate limited
	ETOOLARGE     = "too_large"    // the request body is over the limit
	EMEDIATYPE    = "media_type"   // the request body is not of a media type the endpoint takes
	ECORRUPT      = "corrupt"      // stored content no longer matches its hash; it is never served
	EINTERNAL     = "internal"     // everything else; details are logged, never shown
)

// Error is a domain error with a code, a message safe to show to the caller, and optionally the input field
// at fault.
type Error struct {
	Code    string
	Message string
	Field   string
	// RetryAfter, when set on an ETOOMANY error, is how long the caller should wait before trying again.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error about one input field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Message: fmt.Sprintf(format, args...), Field: field}
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	if err == nil {
		return "" // before errors.As, whose target escapes: no allocation on the path every call takes
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the caller-safe message of err, or a generic one for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}

// ErrorField returns the input field named by err, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorRetryAfter returns how long the caller should wait before trying again after err, or 0 when err
// does not say.
func ErrorRetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// Stale returns the EPRECONDITION error of a write whose compare-and-set on a version failed: subject
// (the record as people name it mid-sentence: "TalentMatch", "the classification of TalentMatch", "the AI
// roles") is
// at version current, not read; current 0 means it changed while being written. The store states the
// facts; the sentence people read is made here, once.
func Stale(subject string, current, read int64) *Error {
	if current == 0 {
		return Errorf(EPRECONDITION, "Someone else changed %s at the same time; reload and try again.", subject)
	}
	return Errorf(EPRECONDITION, "Someone else changed %s: it is at version %d, not %d.", subject, current, read)
}
