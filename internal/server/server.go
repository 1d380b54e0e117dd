// Package server assembles aims's HTTP handler: one ServeMux carrying the API, the web UI and the
// operational endpoints, behind the middleware every request passes (request id, logging, panic
// recovery, security headers, cross-origin protection, body limit, metrics).
package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/store"
)

// Registrar adds a surface's routes to the mux (the API, the web UI).
type Registrar interface {
	Register(mux *http.ServeMux)
}

// Server is aims's HTTP handler.
type Server struct {
	DB       *store.DB
	Log      *slog.Logger
	Surfaces []Registrar
	// MaxBodyBytes bounds every request body (API bodies have a smaller bound of their own).
	MaxBodyBytes int64

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
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry}))
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

// Version is reported by aims version and in logs.
func Version() string { return aims.Version }
