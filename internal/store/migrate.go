package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/aimsproject/aims"
)

//go:embed migrations
var migrationFiles embed.FS

// migration is one numbered SQL file of a dialect.
type migration struct {
	Version int
	Name    string
	SQL     string
}

// migrations returns the dialect's migrations in order.
func (db *DB) migrations() ([]migration, error) {
	dir := "migrations/" + string(db.dialect)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("cannot list migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migration %s is not named NNNN_name.sql", name)
		}
		b, err := migrationFiles.ReadFile(dir + "/" + name)
		if err != nil {
			return nil, fmt.Errorf("cannot read migration %s: %w", name, err)
		}
		ms = append(ms, migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// SchemaStatus says how the database's schema compares with this build's migrations.
type SchemaStatus struct {
	Current int // the highest migration applied to the database (0: empty)
	Latest  int // the highest migration this build knows
}

// UpToDate reports whether the database has exactly this build's schema.
func (s SchemaStatus) UpToDate() bool { return s.Current == s.Latest }

// Newer reports whether the database was migrated by a later build than this one.
func (s SchemaStatus) Newer() bool { return s.Current > s.Latest }

// Pending reports whether migrations remain to apply.
func (s SchemaStatus) Pending() bool { return s.Current < s.Latest }

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
)`

// Status reports the schema version of the database against this build's migrations.
func (db *DB) Status(ctx context.Context) (SchemaStatus, error) {
	ms, err := db.migrations()
	if err != nil {
		return SchemaStatus{}, err
	}
	st := SchemaStatus{}
	if len(ms) > 0 {
		st.Latest = ms[len(ms)-1].Version
	}
	var exists bool
	switch db.dialect {
	case SQLite:
		var n int
		err = db.reader(ctx).row(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n)
		exists = n > 0
	default:
		err = db.reader(ctx).row(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists)
	}
	if err != nil {
		return st, fmt.Errorf("cannot inspect schema: %w", err)
	}
	if !exists {
		return st, nil
	}
	if err := db.reader(ctx).row(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&st.Current); err != nil {
		return st, fmt.Errorf("cannot read schema version: %w", err)
	}
	return st, nil
}

// Migrate applies every pending migration, each in its own transaction, and returns the names applied. It
// refuses a database whose schema is newer than this build knows.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	return db.MigrateTo(ctx, int(^uint(0)>>1))
}

// MigrateTo applies the pending migrations up to and including version, as Migrate does. Tests use it to
// make a database as an older aims left it.
func (db *DB) MigrateTo(ctx context.Context, version int) ([]string, error) {
	if db.dialect == Postgres {
		// Several replicas may start at once: one migrates, the others wait for it.
		conn, err := db.write.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot reserve a connection to migrate: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(4242001)`); err != nil {
			return nil, fmt.Errorf("cannot take the migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(4242001)`)
	}
	if _, err := db.write.ExecContext(ctx, createMigrationsTable); err != nil {
		return nil, fmt.Errorf("cannot create schema_migrations: %w", err)
	}
	st, err := db.Status(ctx)
	if err != nil {
		return nil, err
	}
	if st.Newer() {
		return nil, aims.Errorf(aims.ECONFLICT, "the database schema (version %d) is newer than this aims knows (version %d): upgrade aims", st.Current, st.Latest)
	}
	ms, err := db.migrations()
	if err != nil {
		return nil, err
	}
	var applied []string
	for _, m := range ms {
		if m.Version <= st.Current || m.Version > version {
			continue
		}
		err := db.WithTx(ctx, func(tx *Tx) error {
			if _, err := tx.tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("cannot apply migration %s: %w", m.Name, err)
			}
			_, err := tx.q().exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, db.now().Format("2006-01-02T15:04:05.000000Z"))
			return err
		})
		if err != nil {
			return applied, err
		}
		applied = append(applied, m.Name)
	}
	return applied, nil
}
