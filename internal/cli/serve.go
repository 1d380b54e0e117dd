package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/gctune"
	"github.com/aimsproject/aims/internal/logbuf"
	"github.com/aimsproject/aims/internal/store"
)

func newLogger(w io.Writer, format, level string) *slog.Logger {
	return slog.New(newLogHandler(w, format, level))
}

func newLogHandler(w io.Writer, format, level string) slog.Handler {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lv}
	if format == "text" {
		return slog.NewTextHandler(w, opts)
	}
	return slog.NewJSONHandler(w, opts)
}

// requestLogDelay is how long a request's log line may wait to be written with others (package logbuf).
const requestLogDelay = 50 * time.Millisecond

// newServeLoggers returns the server's logger, whose every record is written at once, and the request
// logger, whose lines are written in batches through buf: at most requestLogDelay later, or at once when
// a record of the first logger follows them, so the order of lines is kept.
func newServeLoggers(w io.Writer, format, level string) (log, requests *slog.Logger, buf *logbuf.Buffer) {
	buf = logbuf.New(w, requestLogDelay)
	h := newLogHandler(buf, format, level)
	return slog.New(logbuf.Flushing(h, buf)), slog.New(h), buf
}

func runServe(ctx context.Context, env *Env, args []string) error {
	start := time.Now()
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "serve", "serve [--addr HOST:PORT] [--data DIR | --database URL] [--demo] [--migrate]")
	c.ServeFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return usageError("%s", err)
	}
	// The checkpoint key is read before listening: a flag at fault is named whatever holds the address.
	cps, err := serveCheckpoints(&c)
	if err != nil {
		return err
	}
	// Listen first: an address in use fails here, before a migration, the demo or any line of output.
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return usageError("cannot listen on %s: %v", c.Addr, err)
	}
	defer ln.Close() // Serve closes it too; this covers the returns before it.
	log, requestLog, logBuf := newServeLoggers(env.Stderr, c.LogFormat, c.LogLevel)
	defer logBuf.Flush()
	cat, err := framework.LoadCatalog()
	if err != nil {
		return err
	}
	db, err := openStoreWith(ctx, &c, c.Migrate, log, cat)
	if err != nil {
		return err
	}
	defer db.Close()
	// A BOM import whose process died (its lease run out) left invisible rows: delete them.
	if n, err := db.DropStaleImports(ctx); err != nil {
		log.Warn("cannot delete the rows of abandoned BOM imports", "err", err)
	} else if n > 0 {
		log.Info("deleted abandoned BOM imports", "imports", n)
	}

	var jsonLines io.Writer
	if c.LogFormat != "text" {
		jsonLines = logBuf // the request lines are written in slog's JSON layout without its handler (package server)
	}
	mail, err := mailerOf(&c)
	if err != nil {
		return err
	}
	a, err := app.New(db, app.Options{Secure: c.Secure(), Log: log, RequestLog: requestLog, JSONLines: jsonLines, SessionIdle: c.SessionIdle, SessionMax: c.SessionMax, TrustProxy: c.TrustProxy, Catalog: cat,
		BlobURL: c.BlobStoreURL(), EvidenceMaxBytes: c.EvidenceMaxBytes, BOMMaxBytes: c.BOMMaxBytes, EvalMaxBytes: c.EvalMaxBytes, BOMMaxComponents: c.BOMMaxComponents, ImportMaxRows: c.ImportMaxRows, PublicURL: c.PublicURL, Checkpoints: cps, MetricsToken: c.MetricsToken,
		Mail: mail, ListenAddr: c.Addr})
	if err != nil {
		return err
	}
	if c.Demo {
		demoStart := time.Now()
		logins, err := demo.Load(ctx, a.Accounts, db)
		if err != nil {
			return fmt.Errorf("cannot load the demo organization: %w", err)
		}
		if err := demo.LoadSoA(ctx, a.Controls, db); err != nil {
			return fmt.Errorf("cannot load the demo Statement of Applicability: %w", err)
		}
		if err := demo.LoadSystems(ctx, a.Systems, a.Components, db); err != nil {
			return fmt.Errorf("cannot load the demo AI systems: %w", err)
		}
		if err := demo.LoadBOMs(ctx, a.Systems, a.Components, db); err != nil {
			return fmt.Errorf("cannot load the demo BOMs: %w", err)
		}
		if err := demo.LoadLinks(ctx, a.Records, a.Systems, a.Components, db); err != nil {
			return fmt.Errorf("cannot load the demo links: %w", err)
		}
		if err := demo.LoadWork(ctx, a.Records, a.Systems, db); err != nil {
			return fmt.Errorf("cannot load the demo comments and tasks: %w", err)
		}
		if err := demo.LoadRisks(ctx, a.Risks, a.Records, a.Systems, db); err != nil {
			return fmt.Errorf("cannot load the demo risk register: %w", err)
		}
		if err := demo.LoadImpacts(ctx, a.Impacts, a.Risks, a.Systems, db); err != nil {
			return fmt.Errorf("cannot load the demo impact assessments: %w", err)
		}
		if err := demo.LoadEvidence(ctx, a.Evidence, a.Systems, db); err != nil {
			return fmt.Errorf("cannot load the demo evidence: %w", err)
		}
		if err := demo.LoadEvaluations(ctx, a.Evaluations, a.Systems, db); err != nil {
			return fmt.Errorf("cannot load the demo evaluations: %w", err)
		}
		log.Info("loaded the demo organization", "org", demo.OrgSlug, "load_ms", time.Since(demoStart).Milliseconds())
		fmt.Fprintf(env.Stderr, "Demo organization %q is loaded. Log in as any of these (password %q):\n", demo.OrgSlug, demo.Password)
		for _, l := range logins {
			fmt.Fprintf(env.Stderr, "  %-28s %s\n", l.Email, l.Description)
		}
	} else if n, err := countUsers(ctx, db); err != nil {
		return err
	} else if n == 0 {
		fmt.Fprintf(env.Stderr, "No users yet. Create the first administrator with:\n"+
			"  AIMS_PASSWORD='a long passphrase' %s user create --email you@example.com --org your-org --role owner%s\n",
			env.Program, storeFlagsHint(c.DatabaseURL, c.DataDir))
	}

	// Start-up (the catalog, migrations, the demo and its password hash) allocates far more than a server
	// at rest holds; hand it back to the operating system now rather than over the next minutes.
	debug.FreeOSMemory()
	// From here on the collector may let the heap grow by a few tens of MB between collections, unless GOGC is
	// set (package gctune): at the default a busy server spent a fifth of its CPU re-marking a small heap.
	gctune.Start()
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	scheme := "http"
	if c.TLSCert != "" {
		scheme = "https"
	}
	done := make(chan error, 1)
	go func() {
		if c.TLSCert != "" {
			done <- srv.ServeTLS(ln, c.TLSCert, c.TLSKey)
			return
		}
		done <- srv.Serve(ln)
	}()
	log.Info("aims is ready", "url", scheme+"://"+ln.Addr().String(), "store", describeStore(&c), "version", aims.Version,
		"startup_ms", time.Since(start).Milliseconds())
	fmt.Fprintf(env.Stderr, "aims is listening on %s://%s (%s)\n", scheme, ln.Addr(), describeStore(&c))

	go housekeeping(ctx, db, log)
	if cps != nil {
		go checkpointing(ctx, db, cps, log)
	}
	// The worker sends webhook deliveries and e-mail, here and on every other replica; stopping it lets
	// the jobs it started finish and be recorded.
	workerDone := make(chan struct{})
	wctx, stopWorker := context.WithCancel(ctx)
	go func() { a.Worker.Run(wctx); close(workerDone) }()
	defer func() { stopWorker(); <-workerDone }()
	go scheduling(ctx, a, log)

	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests", "timeout", c.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

func storeFlagsHint(url, dir string) string {
	if url != "" {
		return " --database \"$AIMS_DATABASE_URL\""
	}
	if dir != "./aims-data" {
		return " --data " + dir
	}
	return ""
}

// scheduling makes sure the day's daily job (reminders, digests) exists, now and every ten minutes, until
// ctx ends.
func scheduling(ctx context.Context, a *app.App, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if err := a.ScheduleDaily(ctx); err != nil && ctx.Err() == nil {
			log.Warn("cannot schedule the daily job", "err", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// housekeeping prunes expired sessions and old login failures every ten minutes until ctx ends.
func housekeeping(ctx context.Context, db *store.DB, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		now := db.Now()
		if err := db.Prune(ctx, now, now.Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			log.Warn("housekeeping failed", "err", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
