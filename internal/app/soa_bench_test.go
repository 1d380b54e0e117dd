package app_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/authn"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
)

// soaFixture is an organization whose SoA holds the 38 Annex A controls, decided, and 100 own controls,
// with owners and a link each on a few, and a reader's token and session cookie.
func soaFixture(b *testing.B) (*apptest.Fixture, string, *http.Cookie) {
	b.Helper()
	f := apptest.New(b)
	o := f.Org(b, "acme")
	u := f.User(b, "a@example.com", o, aims.RoleOwner)
	ctx := f.Member(b, u, o)
	if _, err := f.Controls.UpdateProfile(ctx, o.ID, control.ProfileUpdate{AIRoles: []string{"ai_provider", "ai_customer"},
		EUDates: control.DatesPublished}, 0); err != nil {
		b.Fatal(err)
	}
	if _, err := f.Controls.ApplyProposals(ctx, o.ID); err != nil {
		b.Fatal(err)
	}
	for i := range 100 {
		ref := fmt.Sprintf("OWN-%03d", i)
		if _, err := f.Controls.AddToSoA(ctx, o.ID, control.OwnKey, ref, "Own control number "+ref); err != nil {
			b.Fatal(err)
		}
		if _, err := f.Controls.UpdateControl(ctx, o.ID, control.OwnKey, ref, control.Update{Applicability: control.Applicable,
			Justification: "Needed by our customers' contracts.", Status: control.Planned, OwnerID: u.ID, TargetDate: "2030-01-01"}, 0); err != nil {
			b.Fatal(err)
		}
		if i%10 == 0 {
			if _, err := f.Controls.AddLink(ctx, o.ID, control.OwnKey, ref, control.LinkDocument, "Procedure", "DMS-1"); err != nil {
				b.Fatal(err)
			}
		}
	}
	if _, err := f.Controls.AddLink(ctx, o.ID, framework.ISO42001, "A.6.2.4", control.LinkURL, "Evals", "https://ci.example/evals"); err != nil {
		b.Fatal(err)
	}
	secret, _, err := f.Accounts.Login(f.Ctx, "a@example.com", apptest.Password, "192.0.2.1", "")
	if err != nil {
		b.Fatal(err)
	}
	return f, f.Token(b, u, o, aims.RoleViewer), &http.Cookie{Name: authn.CookieName, Value: secret}
}

// benchGET measures GET path through the whole handler, one request at a time, and reports the 99th
// percentile latency besides the mean.
func benchGET(b *testing.B, h http.Handler, path string, auth func(*http.Request)) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		auth(req)
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		lat = append(lat, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: status %d: %.300s", path, rec.Code, rec.Body)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}

// BenchmarkSoAPage renders the live SoA page of 138 controls for a logged-in person.
func BenchmarkSoAPage(b *testing.B) {
	f, _, cookie := soaFixture(b)
	benchGET(b, f.Handler(), "/soa", func(r *http.Request) { r.AddCookie(cookie) })
}

// BenchmarkSoAAPI reads the live SoA of 138 controls with its checks through the API.
func BenchmarkSoAAPI(b *testing.B) {
	f, tok, _ := soaFixture(b)
	benchGET(b, f.Handler(), "/api/v1/soa", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) })
}
