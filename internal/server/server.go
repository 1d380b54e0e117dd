// Package server assembles aims's HTTP handler: one ServeMux carrying the API, the web UI and the
// operational endpoints, behind the middleware every request passes (request id, logging, panic
// recovery, security headers, cross-origin protection, body limit, metrics).
package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/problem"
	"github.com/aimsproject/aims/internal/store"
)

// Registrar adds a surface's routes to the mux (the API, the web UI).
type Registrar interface {
	Register(mux *http.ServeMux)
}

// Server is aims's HTTP handler.
type Server struct {
	DB  *store.DB
	Log *slog.Logger
	// RequestLog receives the one line each request is logged with; nil uses Log. aims serve gives it a
	// logger whose lines are written in batches (package logbuf).
	RequestLog *slog.Logger
	// JSONLines, when set, receives the request lines instead of RequestLog's handler (whose level still
	// decides whether they are written), formatted here in the layout of slog's JSON handler: aims serve
	// sets it when it logs JSON.
	JSONLines io.Writer
	Surfaces  []Registrar
	// MaxBodyBytes bounds every request body (API bodies have a smaller bound of their own).
	MaxBodyBytes int64
	// MetricsToken, when set before serving, is the bearer token GET /metrics requires; empty leaves
	// /metrics public.
	MetricsToken string

	handler  http.Handler
	registry *prometheus.Registry
	metrics  *metrics
}

// New builds the server's handler.
func New(db *store.DB, log *slog.Logger, surfaces ...Registrar) *Server {
	s := &Server{DB: db, Log: log, Surfaces: surfaces, MaxBodyBytes: 32 << 20, registry: prometheus.NewRegistry()}
	s.metrics = newMetrics(s.registry)
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	write, read := db.Pools()
	s.registry.MustRegister(collectors.NewDBStatsCollector(write, "write"))
	if read != write {
		s.registry.MustRegister(collectors.NewDBStatsCollector(read, "read"))
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.guardMetrics(promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry})))
	for _, sf := range surfaces {
		sf.Register(mux)
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(crossOriginDenied))
	s.handler = s.observe(securityHeaders(cop.Handler(s.limitBody(s.measure(mux)))))
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 200 when the database answers and its schema is the one this build expects.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	type check struct {
		Ready    bool   `json:"ready"`
		Database string `json:"database"`
		Schema   string `json:"schema"`
	}
	c := check{Database: "ok", Schema: "current"}
	status := http.StatusOK
	if err := s.DB.Ping(ctx); err != nil {
		c.Database, c.Schema, status = "unreachable", "unknown", http.StatusServiceUnavailable
	} else if st, err := s.DB.Status(ctx); err != nil {
		c.Schema, status = "unknown", http.StatusServiceUnavailable
	} else if !st.UpToDate() {
		c.Schema, status = "outdated", http.StatusServiceUnavailable
		if st.Newer() {
			c.Schema = "newer than this build"
		}
	}
	c.Ready = status == http.StatusOK
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(c)
}

// guardMetrics serves next only to a request that carries "Authorization: Bearer <MetricsToken>", when a
// MetricsToken is set, and answers 401 otherwise. The tokens are compared as SHA-256 digests in constant
// time, so that neither their content nor their length shows in the timing.
func (s *Server) guardMetrics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.MetricsToken != "" {
			scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
			got, want := sha256.Sum256([]byte(strings.TrimSpace(tok))), sha256.Sum256([]byte(s.MetricsToken))
			if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="aims metrics"`)
				problem.Write(w, r, nil, aims.Errorf(aims.EUNAUTHORIZED, "The metrics need the bearer token aims was started with (--metrics-token)."))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Version is reported by aims version and in logs.
func Version() string { return aims.Version }
