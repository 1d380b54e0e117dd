package app_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
)

// BenchmarkAuthenticatedRead measures GET /api/v1/organization with a bearer token through the whole
// handler: request id, logging, security headers, cross-origin protection, body limit, metrics, token
// authentication, authorization, the store read and JSON encoding.
func BenchmarkAuthenticatedRead(b *testing.B) {
	f := apptest.New(b)
	o := f.Org(b, "acme")
	u := f.User(b, "a@example.com", o, aims.RoleOwner)
	tok := f.Token(b, u, o, aims.RoleViewer)
	h := f.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/organization", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
	})
}

// BenchmarkAuthenticatedWrite measures PATCH /api/v1/organization through the whole handler: each one
// updates the record and appends a hash-chained activity entry in the same transaction.
func BenchmarkAuthenticatedWrite(b *testing.B) {
	f := apptest.New(b)
	o := f.Org(b, "acme")
	u := f.User(b, "a@example.com", o, aims.RoleOwner)
	tok := f.Token(b, u, o, aims.RoleAdmin)
	h := f.Handler()
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := fmt.Sprintf(`{"name":"Acme %d"}`, n.Add(1))
			req := httptest.NewRequest(http.MethodPatch, "/api/v1/organization", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
	})
	b.StopTimer()
	if _, err := f.DB.VerifyActivity(f.Ctx, o.ID); err != nil {
		b.Fatalf("activity trail after the benchmark: %v", err)
	}
}
