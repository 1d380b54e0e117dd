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
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/store"
)

// Postgres reports whether tests run on PostgreSQL.
func Postgres() bool { return os.Getenv("AIMS_TEST_POSTGRES_DSN") != "" }

// Options returns store options for a fresh, empty database for t, removed when t ends. It does not open
// or migrate the store.
func Options(t testing.TB) store.Options {
	t.Helper()
	dsn := os.Getenv("AIMS_TEST_POSTGRES_DSN")
	if dsn == "" {
		return store.Options{DataDir: t.TempDir()}
	}
	schema := "t_" + strings.ToLower(aims.NewID())
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("cannot open %s: %v", redact(dsn), err)
	}
	t.Cleanup(func() { admin.Close() })
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("cannot create test schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("cannot drop test schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("AIMS_TEST_POSTGRES_DSN is not a URL: %v", err)
	}
	qs := u.Query()
	qs.Set("search_path", schema)
	u.RawQuery = qs.Encode()
	return store.Options{URL: u.String(), MaxOpen: 8}
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
	return db
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "the test database"
	}
	return fmt.Sprintf("%s://%s%s", u.Scheme, u.Host, u.Path)
}
