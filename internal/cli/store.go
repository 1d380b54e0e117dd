package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/config"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/notify"
	"github.com/aimsproject/aims/internal/store"
)

// openStore opens the configured store. An empty database gets the schema created; a database with
// pending migrations is refused unless migrate is set, and one newer than this build always is.
func openStore(ctx context.Context, c *config.Config, migrate bool, log *slog.Logger) (*store.DB, error) {
	return openStoreWith(ctx, c, migrate, log, nil)
}

// openStoreWith is openStore with the built-in catalog already loaded (nil: load it), so that serve
// parses it once for seeding and serving.
func openStoreWith(ctx context.Context, c *config.Config, migrate bool, log *slog.Logger, cat *framework.Catalog) (*store.DB, error) {
	if err := c.Validate(); err != nil {
		return nil, usageError("%s", err)
	}
	db, err := store.Open(ctx, store.Options{URL: c.DatabaseURL, DataDir: c.DataDir, Synchronous: c.SQLiteSynchronous})
	if err != nil {
		return nil, err
	}
	st, err := db.Status(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	switch {
	case st.Newer():
		db.Close()
		return nil, aims.Errorf(aims.ECONFLICT, "the database schema (version %d) is newer than this aims knows (version %d): run a newer aims", st.Current, st.Latest)
	case st.Current == 0 || (st.Pending() && migrate):
		applied, err := db.Migrate(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		if log != nil && len(applied) > 0 {
			log.Info("applied migrations", "migrations", applied)
		}
	case st.Pending():
		db.Close()
		return nil, aims.Errorf(aims.ECONFLICT, "the database schema (version %d) is older than this aims (version %d): back it up, then run 'aims migrate' or 'aims serve --migrate'", st.Current, st.Latest)
	}
	if err := seed(ctx, db, cat); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// seed installs or refreshes the built-in frameworks; it costs one query when they are current.
func seed(ctx context.Context, db *store.DB, c *framework.Catalog) error {
	if c == nil {
		var err error
		if c, err = framework.LoadCatalog(); err != nil {
			return err
		}
	}
	if err := db.SeedBuiltins(ctx, c); err != nil {
		return fmt.Errorf("cannot install the built-in frameworks: %w", err)
	}
	return nil
}

func describeStore(c *config.Config) string {
	if c.DatabaseURL != "" {
		return "PostgreSQL"
	}
	return fmt.Sprintf("SQLite in %s", c.DataDir)
}

func runMigrate(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "migrate", "migrate [--data DIR | --database URL]")
	c.StoreFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return usageError("%s", err)
	}
	db, err := store.Open(ctx, store.Options{URL: c.DatabaseURL, DataDir: c.DataDir, Synchronous: c.SQLiteSynchronous})
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	for _, name := range applied {
		fmt.Fprintf(env.Stderr, "applied %s\n", name)
	}
	if err != nil {
		return err
	}
	if err := seed(ctx, db, nil); err != nil {
		return err
	}
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "%s: schema version %d, up to date\n", describeStore(&c), st.Current)
	return nil
}

func countUsers(ctx context.Context, db *store.DB) (int, error) { return db.CountUsers(ctx) }

// findOrg returns the organization with slug. Only a missing one is "no organization" (exit 2); a failing
// database is reported as what it is.
func findOrg(ctx context.Context, db *store.DB, slug string) (*account.Organization, error) {
	o, err := db.OrganizationBySlug(ctx, slug)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return nil, aims.Errorf(aims.ENOTFOUND, "no organization %q", slug)
	}
	return o, err
}

// servicesOf assembles the domain services over db exactly as serve does (app.NewServices), with the
// limits of c: a command and the server apply the same rules and caps.
func servicesOf(db *store.DB, c *config.Config) (*app.Services, error) {
	mail, err := mailerOf(c)
	if err != nil {
		return nil, err
	}
	return app.NewServices(db, app.ServiceOptions{BlobURL: c.BlobStoreURL(), EvidenceMaxBytes: c.EvidenceMaxBytes, BOMMaxBytes: c.BOMMaxBytes, EvalMaxBytes: c.EvalMaxBytes, BOMMaxComponents: c.BOMMaxComponents,
		ImportMaxRows: c.ImportMaxRows, SessionIdle: c.SessionIdle, SessionMax: c.SessionMax, Mail: mail, PublicURL: c.PublicURL,
		Self: []string{c.Addr}})
}

// mailerOf returns the SMTP mailer --smtp-url configures, or nil when there is none: a command queues the
// e-mails of what it changes, and the server's worker sends them.
func mailerOf(c *config.Config) (*notify.Mailer, error) {
	if c.SMTPURL == "" {
		return nil, nil
	}
	m, err := notify.ParseSMTPURL(c.SMTPURL)
	if err != nil {
		return nil, usageError("--smtp-url: %s", err)
	}
	return m, nil
}

// orgServices opens the store, finds the organization slug and assembles the services, as every command
// that acts inside one organization begins; the caller closes the store.
func orgServices(ctx context.Context, c *config.Config, slug string) (*store.DB, *account.Organization, *app.Services, error) {
	db, o, err := orgStore(ctx, c, slug)
	if err != nil {
		return nil, nil, nil, err
	}
	sv, err := servicesOf(db, c)
	if err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	return db, o, sv, nil
}

// eachPage calls fn with every item that list returns, reading a page of aims.MaxPageLimit at a time, so
// that a command prints a list of any length holding one page.
func eachPage[T any](list func(aims.Page) ([]T, string, error), fn func(T) error) error {
	p := aims.Page{Limit: aims.MaxPageLimit}
	for {
		items, next, err := list(p)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := fn(it); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		p.Cursor = next
	}
}

// writeItems writes what each hands over as a JSON array (format json) or as a table with header whose
// rows row writes, aligned a page at a time.
func writeItems[T any](w io.Writer, format, header string, each func(func(T) error) error, row func(T) string) error {
	if format == "json" {
		return writeJSONArray(w, func(item func(any) error) error {
			return each(func(x T) error { return item(x) })
		})
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	n := 0
	if err := each(func(x T) error {
		fmt.Fprintln(tw, row(x))
		if n++; n%textPage == 0 {
			return tw.Flush()
		}
		return nil
	}); err != nil {
		return err
	}
	return tw.Flush()
}
