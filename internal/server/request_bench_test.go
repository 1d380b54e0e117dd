package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/storetest"
)

// BenchmarkRequestPath measures one authenticated GET /api/v1/organization through the handler stack that
// aims serve runs, JSON request logging included (to io.Discard): request id, logging, security headers,
// cross-origin protection, body limit, metrics, bearer-token authentication, authorization, the store read,
// the ETag and the JSON answer. It is the in-process counterpart of the team's compare tool (which sets
// aims against net/http plus one SQLite read); profile it with
//
//	go test -run '^$' -bench RequestPath -cpuprofile cpu.out ./internal/server && go tool pprof -top cpu.out
func BenchmarkRequestPath(b *testing.B) {
	db := storetest.Open(b)
	a, err := app.New(db, app.Options{Log: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	o, err := a.Accounts.CreateOrganization(ctx, "acme", "Acme")
	if err != nil {
		b.Fatal(err)
	}
	u, err := a.Accounts.CreateUser(ctx, "a@acme.example", "", "correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.Accounts.AddMember(ctx, o.ID, u.Email, aims.RoleOwner); err != nil {
		b.Fatal(err)
	}
	actx := aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: u.ID, UserID: u.ID, OrgID: o.ID, OrgSlug: o.Slug, Role: aims.RoleOwner})
	tok, _, err := a.Accounts.CreateToken(actx, "bench", aims.RoleOwner, 0)
	if err != nil {
		b.Fatal(err)
	}
	h := a.Handler()
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/organization", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	// The benchmark must measure a successful read, not a fast refusal.
	if rec := get(); rec.Code != http.StatusOK || rec.Header().Get("ETag") == "" {
		b.Fatalf("GET /api/v1/organization: status %d, ETag %q: %s", rec.Code, rec.Header().Get("ETag"), rec.Body)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rec := get(); rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
