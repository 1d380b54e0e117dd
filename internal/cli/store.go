package cli

import (
	"context"
	"fmt"
	"log/slog"

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
	return app.NewServices(db, app.ServiceOptions{BOMMaxBytes: c.BOMMaxBytes, BOMMaxComponents: c.BOMMaxComponents,
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
