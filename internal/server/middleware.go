package server

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/problem"
)

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer (for flushing streams).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives every request an id, logs it when done, and turns a panic into a 500 problem.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		r = problem.WithRequestID(r, id)
		w.Header().Set(problem.RequestIDHeader, id)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Log.ErrorContext(r.Context(), "panic", "request_id", id, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if sw.status == 0 {
					problem.Write(sw, r, nil, aims.Errorf(aims.EINTERNAL, "internal error"))
				}
			}
			s.logRequest(r, id, sw, start)
		}()
		next.ServeHTTP(sw, r)
	})
}

// logRequest writes the request's log line. It builds the record itself with typed attributes and hands it
// to the handler: the line is written for every request, and Logger.LogAttrs would also look up the
// caller's program counter (which the handlers here never print) and box nothing less.
func (s *Server) logRequest(r *http.Request, id string, sw *statusWriter, start time.Time) {
	log := s.RequestLog
	if log == nil {
		log = s.Log
	}
	h, ctx := log.Handler(), r.Context()
	if !h.Enabled(ctx, slog.LevelInfo) {
		return
	}
	now := time.Now()
	if s.JSONLines != nil {
		writeJSONLine(s.JSONLines, &requestLine{time: now, id: id, method: r.Method, route: routeOf(r), status: sw.status,
			bytes: sw.bytes, duration: now.Sub(start)})
		return
	}
	rec := slog.NewRecord(now, slog.LevelInfo, "request", 0)
	rec.AddAttrs(slog.String("request_id", id), slog.String("method", r.Method), slog.String("route", routeOf(r)),
		slog.Int("status", sw.status), slog.Int64("bytes", sw.bytes),
		slog.Float64("duration_ms", float64(now.Sub(start).Microseconds())/1000))
	_ = h.Handle(ctx, rec)
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// routeOf returns the matched route pattern, never the raw path, so that logs and metrics carry no ids.
func routeOf(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	return "unmatched"
}

// contentSecurityPolicy allows only aims's own scripts, styles and images: no inline script, no CDN.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// The values of the headers every response carries.
var (
	hdrCSP        = []string{contentSecurityPolicy}
	hdrNosniff    = []string{"nosniff"}
	hdrDeny       = []string{"DENY"}
	hdrSameOrigin = []string{"same-origin"}
	hdrHSTS       = []string{"max-age=31536000"}
)

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// The keys are canonical already and the values are shared, read-only slices whose capacity equals
		// their length (so an Add elsewhere copies instead of writing into them): Header.Set would
		// canonicalize each key and allocate each value again on every request.
		h["Content-Security-Policy"] = hdrCSP
		h["X-Content-Type-Options"] = hdrNosniff
		h["X-Frame-Options"] = hdrDeny
		h["Referrer-Policy"] = hdrSameOrigin
		h["Cross-Origin-Opener-Policy"] = hdrSameOrigin
		if r.TLS != nil {
			h["Strict-Transport-Security"] = hdrHSTS
		}
		next.ServeHTTP(w, r)
	})
}

// crossOriginDenied answers a state-changing request from another origin, changing nothing.
func crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	err := aims.Errorf(aims.EFORBIDDEN, "Cross-origin requests that change data are refused.")
	if strings.HasPrefix(r.URL.Path, "/api/") {
		problem.Write(w, r, nil, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte("Forbidden: cross-origin requests that change data are refused.\n"))
}

// limitBody bounds every request body.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.MaxBodyBytes {
			problem.Write(w, r, nil, aims.Errorf(aims.ETOOLARGE, "The request body is larger than %d bytes.", s.MaxBodyBytes))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// series caches the counter and histogram of each (route, method, status): resolving them through the
	// vectors hashes the label values on every request.
	series sync.Map // seriesKey -> *series
}

type seriesKey struct {
	route, method string
	status        int
}

type series struct {
	requests prometheus.Counter
	latency  prometheus.Observer
}

// of returns the series of a request's route, method and status. Only matched routes with a standard
// method are cached, so that the cache stays bounded by the mux's patterns whatever clients send.
func (m *metrics) of(route, method string, status int) *series {
	k := seriesKey{route, method, status}
	if v, ok := m.series.Load(k); ok {
		return v.(*series)
	}
	sr := &series{m.requests.WithLabelValues(route, method, strconv.Itoa(status)), m.latency.WithLabelValues(route, method)}
	if route != "unmatched" && standardMethod(method) {
		m.series.Store(k, sr)
	}
	return sr
}

func standardMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aims_http_requests_total",
			Help: "HTTP requests by route pattern, method and status code."}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "aims_http_request_duration_seconds",
			Help: "HTTP request latency by route pattern.", Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}},
			[]string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

// measure records request count and latency by route. It wraps the mux directly, so that the route
// pattern the mux sets on the request is visible here afterwards.
func (s *Server) measure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw, ok := w.(*statusWriter)
		if !ok {
			sw = &statusWriter{ResponseWriter: w}
		}
		// Record in a deferred call, so that a request whose handler panics is counted too: as the 500 that
		// observe answers it with, unless the handler had already started its response.
		panicked := true
		defer func() {
			route := routeOf(r)
			status := sw.status
			switch {
			case status == 0 && panicked:
				status = http.StatusInternalServerError
			case status == 0:
				status = http.StatusOK
			}
			sr := s.metrics.of(route, r.Method, status)
			sr.requests.Inc()
			sr.latency.Observe(time.Since(start).Seconds())
		}()
		next.ServeHTTP(sw, r)
		panicked = false
	})
}
