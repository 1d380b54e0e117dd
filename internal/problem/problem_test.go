package problem_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/problem"
)

func TestWriteSaysWhenToRetry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		err    error
		status int
		want   string
	}{
		{"a rate limit with a wait, rounded up to whole seconds", &aims.Error{Code: aims.ETOOMANY, Message: "Slow down.", RetryAfter: 1500 * time.Millisecond}, http.StatusTooManyRequests, "2"},
		{"a rate limit of whole minutes", &aims.Error{Code: aims.ETOOMANY, Message: "Slow down.", RetryAfter: 15 * time.Minute}, http.StatusTooManyRequests, "900"},
		{"a rate limit that does not say", aims.Errorf(aims.ETOOMANY, "Slow down."), http.StatusTooManyRequests, ""},
		{"another error", aims.Errorf(aims.EINVALID, "No."), http.StatusBadRequest, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			problem.Write(rec, httptest.NewRequest(http.MethodPost, "/api/v1/x", nil), nil, tc.err)
			if rec.Code != tc.status || rec.Header().Get("Retry-After") != tc.want {
				t.Fatalf("status %d, Retry-After %q; want %d, %q", rec.Code, rec.Header().Get("Retry-After"), tc.status, tc.want)
			}
		})
	}
}
