package server_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
)

// panicDetail is what the panicking route panics with; it must reach the log and never the client.
const panicDetail = "boom: the secret panic detail"

// routes is a test surface: a route with an id, state-changing routes inside and outside the API, and a
// route that panics. It counts the calls of its state-changing handlers.
type routes struct{ posts atomic.Int64 }

func (rt *routes) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "thing "+r.PathValue("id"))
	})
	post := func(w http.ResponseWriter, r *http.Request) {
		rt.posts.Add(1)
		if _, err := io.ReadAll(r.Body); err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				w.WriteHeader(http.StatusRequestEntityTooLarge)
				return
			}
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}
	mux.HandleFunc("POST /things", post)
	mux.HandleFunc("POST /api/v1/things", post)
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic(panicDetail) })
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type fixture struct {
	srv    *server.Server
	db     *store.DB
	routes *routes
	logs   *syncBuffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.Open(t)
	logs := &syncBuffer{}
	rt := &routes{}
	srv := server.New(db, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), rt)
	return &fixture{srv: srv, db: db, routes: rt, logs: logs}
}

// do serves one request in process.
func (f *fixture) do(r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, r)
	return rec
}

func (f *fixture) get(path string) *httptest.ResponseRecorder {
	return f.do(httptest.NewRequest("GET", path, nil))
}

// exec runs a statement on the store's writer pool, behind the store's back.
func (f *fixture) exec(t *testing.T, query string) {
	t.Helper()
	write, _ := f.db.Pools()
	if _, err := write.ExecContext(context.Background(), query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := f.get("/healthz")
	if rec.Code != http.StatusOK || rec.Body.String() != "ok\n" {
		t.Fatalf("GET /healthz = %d %q", rec.Code, rec.Body)
	}
	if rec := f.do(httptest.NewRequest("POST", "/healthz", nil)); rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST /healthz = %d, want 405", rec.Code)
	}
}

type readiness struct {
	Ready    bool   `json:"ready"`
	Database string `json:"database"`
	Schema   string `json:"schema"`
}

func readyz(t *testing.T, f *fixture) (int, readiness) {
	t.Helper()
	rec := f.get("/readyz")
	var got readiness
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("GET /readyz body %q: %v", rec.Body, err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	return rec.Code, got
}

func TestReadyz(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		arrange    func(t *testing.T, f *fixture)
		wantStatus int
		want       readiness
	}{
		{"ready on the current schema", func(*testing.T, *fixture) {}, 200, readiness{true, "ok", "current"}},
		{"not ready while a migration is pending", func(t *testing.T, f *fixture) {
			f.exec(t, `DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)`)
		}, 503, readiness{false, "ok", "outdated"}},
		{"not ready on an empty database", func(t *testing.T, f *fixture) {
			f.exec(t, `DROP TABLE schema_migrations`)
		}, 503, readiness{false, "ok", "outdated"}},
		{"not ready on a schema from a newer build", func(t *testing.T, f *fixture) {
			f.exec(t, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', '2099-01-01T00:00:00.000000Z')`)
		}, 503, readiness{false, "ok", "newer than this build"}},
		{"not ready when the database does not answer", func(t *testing.T, f *fixture) {
			if err := f.db.Close(); err != nil {
				t.Fatal(err)
			}
		}, 503, readiness{false, "unreachable", "unknown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			tc.arrange(t, f)
			status, got := readyz(t, f)
			if status != tc.wantStatus || got != tc.want {
				t.Fatalf("GET /readyz = %d %+v, want %d %+v", status, got, tc.wantStatus, tc.want)
			}
		})
	}
}

func TestEveryResponseCarriesSecurityHeadersAndARequestID(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.srv.MaxBodyBytes = 8
	crossSite := httptest.NewRequest("POST", "/things", strings.NewReader("x"))
	crossSite.Header.Set("Sec-Fetch-Site", "cross-site")
	for _, tc := range []struct {
		name string
		req  *http.Request
		code int
	}{
		{"health", httptest.NewRequest("GET", "/healthz", nil), 200},
		{"readiness", httptest.NewRequest("GET", "/readyz", nil), 200},
		{"metrics", httptest.NewRequest("GET", "/metrics", nil), 200},
		{"a surface's route", httptest.NewRequest("GET", "/things/1", nil), 200},
		{"an unknown path", httptest.NewRequest("GET", "/nope", nil), 404},
		{"a panic", httptest.NewRequest("GET", "/panic", nil), 500},
		{"a cross-origin refusal", crossSite, 403},
		{"a body too large", httptest.NewRequest("POST", "/things", strings.NewReader("123456789")), 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.do(tc.req)
			if rec.Code != tc.code {
				t.Fatalf("status = %d, want %d", rec.Code, tc.code)
			}
			h := rec.Header()
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %s", csp, want)
				}
			}
			for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*", "http:", "https:"} {
				if strings.Contains(csp, bad) {
					t.Errorf("CSP %q allows %s", csp, bad)
				}
			}
			for name, want := range map[string]string{
				"X-Content-Type-Options":     "nosniff",
				"X-Frame-Options":            "DENY",
				"Referrer-Policy":            "same-origin",
				"Cross-Origin-Opener-Policy": "same-origin",
			} {
				if got := h.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if h.Get("Strict-Transport-Security") != "" {
				t.Error("HSTS sent over plain HTTP")
			}
			if id := h.Get("X-Request-Id"); !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) {
				t.Errorf("X-Request-Id = %q, want 16 hex digits", id)
			}
		})
	}
	t.Run("HSTS over TLS", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/healthz", nil)
		r.TLS = &tls.ConnectionState{}
		if got := f.do(r).Header().Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
			t.Fatalf("Strict-Transport-Security = %q", got)
		}
	})
}

func TestRequestIDsAreUnique(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	seen := map[string]bool{}
	for range 200 {
		id := f.get("/healthz").Header().Get("X-Request-Id")
		if id == "" || seen[id] {
			t.Fatalf("request id %q is empty or repeated", id)
		}
		seen[id] = true
	}
}

func TestAPanicIsA500WithoutDetailAndTheServerKeepsServing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ts := httptest.NewServer(f.srv)
	t.Cleanup(ts.Close)

	for range 2 { // twice, to show that the first panic did not take the server down
		resp, err := http.Get(ts.URL + "/panic")
		if err != nil {
			t.Fatalf("GET /panic: %v", err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 500 || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("GET /panic = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		for _, leak := range []string{"boom", "secret", "goroutine", ".go:", "panic("} {
			if strings.Contains(string(body), leak) {
				t.Fatalf("the 500 body leaks %q: %s", leak, body)
			}
		}
		var p struct {
			Status    int    `json:"status"`
			Code      string `json:"code"`
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal(body, &p); err != nil || p.Status != 500 || p.Code != aims.EINTERNAL ||
			p.RequestID != resp.Header.Get("X-Request-Id") {
			t.Fatalf("problem = %s (%v); want status 500, code internal and the request id", body, err)
		}
	}
	resp, err := http.Get(ts.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /healthz after panics = %v, %v", resp, err)
	}
	resp.Body.Close()

	logs := f.logs.String()
	if !strings.Contains(logs, panicDetail) || !strings.Contains(logs, `"level":"ERROR"`) {
		t.Fatalf("the panic is not logged as an error with its detail:\n%s", logs)
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.srv.MaxBodyBytes = 16

	t.Run("a declared length over the limit is refused before the handler", func(t *testing.T) {
		before := f.routes.posts.Load()
		rec := f.do(httptest.NewRequest("POST", "/things", strings.NewReader(strings.Repeat("x", 17))))
		if rec.Code != http.StatusRequestEntityTooLarge || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("status %d, Content-Type %q; want 413 problem+json", rec.Code, rec.Header().Get("Content-Type"))
		}
		var p struct{ Code string }
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Code != aims.ETOOLARGE {
			t.Fatalf("problem = %s, %v", rec.Body, err)
		}
		if f.routes.posts.Load() != before {
			t.Fatal("the handler ran")
		}
	})
	t.Run("a body at the limit is accepted", func(t *testing.T) {
		if rec := f.do(httptest.NewRequest("POST", "/things", strings.NewReader(strings.Repeat("x", 16)))); rec.Code != http.StatusCreated {
			t.Fatalf("status = %d, want 201", rec.Code)
		}
	})
	t.Run("a body of undeclared length stops at the limit", func(t *testing.T) {
		r := httptest.NewRequest("POST", "/things", io.MultiReader(strings.NewReader(strings.Repeat("x", 1000))))
		r.ContentLength = -1
		if rec := f.do(r); rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("status = %d; want the handler to meet an *http.MaxBytesError (413)", rec.Code)
		}
	})
}

func TestCrossOriginProtection(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tc := range []struct {
		name    string
		method  string
		path    string
		headers map[string]string
		want    int
	}{
		{"refuses a cross-site POST", "POST", "/things", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"refuses a same-site (another subdomain) POST", "POST", "/things", map[string]string{"Sec-Fetch-Site": "same-site"}, 403},
		{"refuses a cross-site POST to the API", "POST", "/api/v1/things", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"refuses an old browser's POST from another origin", "POST", "/things", map[string]string{"Origin": "https://evil.example"}, 403},
		{"allows a same-origin POST", "POST", "/things", map[string]string{"Sec-Fetch-Site": "same-origin"}, 201},
		{"allows a POST the user started (Sec-Fetch-Site: none)", "POST", "/things", map[string]string{"Sec-Fetch-Site": "none"}, 201},
		{"allows an old browser's POST from the same origin", "POST", "/things", map[string]string{"Origin": "http://example.com"}, 201},
		{"allows a POST without browser headers (curl, API clients)", "POST", "/api/v1/things", nil, 201},
		{"allows a cross-site GET", "GET", "/things/1", map[string]string{"Sec-Fetch-Site": "cross-site"}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.path, strings.NewReader("{}"))
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			before := f.routes.posts.Load()
			rec := f.do(r)
			if rec.Code != tc.want {
				t.Fatalf("status = %d, want %d (%s)", rec.Code, tc.want, rec.Body)
			}
			called := f.routes.posts.Load() != before
			if tc.method == "POST" && called != (tc.want != 403) {
				t.Fatalf("handler called = %v with status %d", called, rec.Code)
			}
			if tc.want == 403 {
				wantType := "text/plain; charset=utf-8"
				if strings.HasPrefix(tc.path, "/api/") {
					wantType = "application/problem+json"
				}
				if ct := rec.Header().Get("Content-Type"); ct != wantType {
					t.Fatalf("Content-Type = %q, want %q", ct, wantType)
				}
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const rawID = "01hzzzzzzzzzzzzzzzzzzzzzzz"
	f.get("/healthz")
	f.get("/healthz")
	f.get("/things/" + rawID)
	f.get("/nope/" + rawID)
	f.get("/panic")
	rec := f.get("/metrics")
	if rec.Code != 200 {
		t.Fatalf("GET /metrics = %d", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`aims_http_requests_total{code="200",method="GET",route="GET /healthz"} 2`,
		`aims_http_requests_total{code="200",method="GET",route="GET /things/{id}"} 1`,
		`aims_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`aims_http_requests_total{code="500",method="GET",route="GET /panic"} 1`,
		`aims_http_request_duration_seconds_count{method="GET",route="GET /healthz"} 2`,
		`go_sql_max_open_connections{db_name="write"}`,
		`go_sql_open_connections{db_name="write"}`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, rawID) {
		t.Error("/metrics carries a raw path with an id")
	}
	hasRead := strings.Contains(body, `go_sql_max_open_connections{db_name="read"}`)
	if storetest.Postgres() == hasRead {
		t.Errorf("reader pool metrics present = %v; want them on SQLite only (PostgreSQL has one pool)", hasRead)
	}
}

func TestMetricsToken(t *testing.T) {
	t.Parallel()
	const token = "a metrics token of the operator's choosing"
	metrics := func(f *fixture, authorization string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/metrics", nil)
		if authorization != "" {
			r.Header.Set("Authorization", authorization)
		}
		return f.do(r)
	}
	t.Run("without a token /metrics is public", func(t *testing.T) {
		t.Parallel()
		if rec := metrics(newFixture(t), ""); rec.Code != http.StatusOK {
			t.Fatalf("GET /metrics = %d", rec.Code)
		}
	})
	f := newFixture(t)
	f.srv.MetricsToken = token
	for _, tc := range []struct {
		name, authorization string
		want                int
	}{
		{"no credentials are refused", "", http.StatusUnauthorized},
		{"a wrong token is refused", "Bearer not the token", http.StatusUnauthorized},
		{"a prefix of the token is refused", "Bearer " + token[:10], http.StatusUnauthorized},
		{"the token in another scheme is refused", "Basic " + token, http.StatusUnauthorized},
		{"the token is accepted", "Bearer " + token, http.StatusOK},
		{"the scheme is case-insensitive", "bearer " + token, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := metrics(f, tc.authorization)
			if rec.Code != tc.want {
				t.Fatalf("GET /metrics with %q = %d, want %d", tc.authorization, rec.Code, tc.want)
			}
			if tc.want == http.StatusOK && !strings.Contains(rec.Body.String(), "go_goroutines") {
				t.Fatalf("GET /metrics answered without metrics:\n%s", rec.Body)
			}
			if tc.want == http.StatusUnauthorized {
				if strings.Contains(rec.Body.String(), "go_goroutines") {
					t.Fatal("a refused request got the metrics")
				}
				if rec.Header().Get("WWW-Authenticate") == "" || rec.Header().Get("Content-Type") != "application/problem+json" {
					t.Fatalf("401 without WWW-Authenticate or problem+json: %v", rec.Header())
				}
			}
		})
	}
}

func TestLogsAreJSONWithRequestIDsAndNoCredentials(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const (
		bearer = "aims_abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqr"
		cookie = "zyxwvutsrqponmlkjihgfedcba765432zyxwvutsrqponmlkjihg"
		rawID  = "01hyyyyyyyyyyyyyyyyyyyyyyy"
	)
	var ids []string
	for _, path := range []string{"/healthz", "/things/" + rawID, "/panic", "/nope?token=" + bearer} {
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("Authorization", "Bearer "+bearer)
		r.AddCookie(&http.Cookie{Name: "aims_session", Value: cookie})
		r.AddCookie(&http.Cookie{Name: "__Host-aims_session", Value: cookie})
		ids = append(ids, f.do(r).Header().Get("X-Request-Id"))
	}
	logs := f.logs.String()
	for _, secret := range []string{bearer, cookie, rawID} {
		if strings.Contains(logs, secret) {
			t.Fatalf("the logs contain %q:\n%s", secret, logs)
		}
	}

	logged := map[string]map[string]any{} // request id → its "request" record
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("a log line is not JSON: %q", sc.Text())
		}
		id, _ := rec["request_id"].(string)
		if id == "" {
			t.Fatalf("a log record has no request_id: %s", sc.Text())
		}
		if rec["msg"] == "request" {
			logged[id] = rec
		}
	}
	wantRoutes := []string{"GET /healthz", "GET /things/{id}", "GET /panic", "unmatched"}
	wantStatus := []float64{200, 200, 500, 404}
	for i, id := range ids {
		rec, ok := logged[id]
		if !ok {
			t.Fatalf("no request record for request %d (id %s)", i, id)
		}
		if rec["route"] != wantRoutes[i] || rec["status"] != wantStatus[i] || rec["method"] != "GET" {
			t.Errorf("request %d logged as %v", i, rec)
		}
	}
}
