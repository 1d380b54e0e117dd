// Package storetest opens a fresh, migrated store for a test: a SQLite file in the test's temporary
// directory, or, when AIMS_TEST_POSTGRES_DSN is set, a new schema in that PostgreSQL database that is
// dropped when the test ends. The same tests thus run on both databases.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/store"
)

// Postgres reports whether tests run on PostgreSQL.
func Postgres() bool { return os.Getenv("AIMS_TEST_POSTGRES_DSN") != "" }

// Options returns store options for a fresh, empty database for t, removed when t ends. It does not open
// or migrate the store.
func Options(t testing.TB) store.Options {
	t.Helper()
	if !Postgres() {
		return store.Options{DataDir: t.TempDir()}
	}
	u, err := NewPostgresSchema(t.Cleanup)
	if err != nil {
		t.Fatal(err)
	}
	return store.Options{URL: u, MaxOpen: 8}
}

// NewPostgresSchema creates an empty schema in the AIMS_TEST_POSTGRES_DSN database and returns a URL
// whose connections use it. defer receives the function that drops it. It is for harnesses that have no
// testing.TB (test scripts); tests use Options or Open.
func NewPostgresSchema(deferFn func(func())) (string, error) {
	dsn := os.Getenv("AIMS_TEST_POSTGRES_DSN")
	schema := "t_" + strings.ToLower(aims.NewID())
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", fmt.Errorf("cannot open %s: %w", redact(dsn), err)
	}
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", fmt.Errorf("cannot create test schema in %s: %w", redact(dsn), err)
	}
	deferFn(func() {
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			fmt.Fprintf(os.Stderr, "storetest: cannot drop test schema %s: %v\n", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("AIMS_TEST_POSTGRES_DSN is not a URL: %w", err)
	}
	qs := u.Query()
	qs.Set("search_path", schema)
	u.RawQuery = qs.Encode()
	return u.String(), nil
}

// Open returns a fresh, migrated store for t, closed when t ends.
func Open(t testing.TB) *store.DB {
	t.Helper()
	return OpenWith(t, Options(t))
}

// OpenWith opens and migrates the store described by o, closed when t ends.
func OpenWith(t testing.TB, o store.Options) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, o)
	if err != nil {
		t.Fatalf("cannot open test store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("cannot migrate test store: %v", err)
	}
	if err := db.SeedBuiltins(ctx, Catalog(t)); err != nil {
		t.Fatalf("cannot seed the built-in frameworks: %v", err)
	}
	return db
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "the test database"
	}
	return fmt.Sprintf("%s://%s%s", u.Scheme, u.Host, u.Path)
}

var catalog = sync.OnceValues(framework.LoadCatalog)

// Catalog returns the built-in catalog, parsed once per test binary.
func Catalog(t testing.TB) *framework.Catalog {
	t.Helper()
	c, err := catalog()
	if err != nil {
		t.Fatalf("cannot load the catalog: %v", err)
	}
	return c
}
