// Package store implements every concept's Store over database/sql, on SQLite (modernc.org/sqlite) or
// PostgreSQL (pgx). Query texts are written once with ? placeholders and rebound for PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aimsproject/aims"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"               // registers the "sqlite" driver
)

// Dialect names the SQL dialect of a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the store. On SQLite it holds one writer connection and a pool of readers; on PostgreSQL both are
// the same pool.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	now     aims.Clock

	// stmts caches prepared statements of the read and write pools by query text: parsing SQL is a third
	// of a simple request's cost on SQLite. A *sql.Stmt is safe for concurrent use and re-prepares itself
	// on each connection it runs on.
	stmts     sync.Map // stmtKey -> *sql.Stmt
	stmtCount atomic.Int64

	// On SQLite, checkpoints copy the write-ahead log back into the database file in the background (see
	// checkpoints), so that no writer waits for one after its commit.
	ckpt     *sql.DB
	ckptWake chan struct{}
	ckptStop chan struct{}
	ckptDone chan struct{}
	ckptOnce sync.Once

	// importFault, set by tests only, is called after each batch of a BOM import has been committed (see
	// importStep), with its number; an error aborts the import there, as a failure would.
	importFault func(step int) error
	importMu    sync.Mutex
	importSteps map[string]int // the batches committed of each pending import, counted for importFault
}

type stmtKey struct {
	pool  *sql.DB
	query string
}

// maxStmts bounds the statement cache; queries built at run time (searches) beyond it run unprepared.
const maxStmts = 512

// Options configure Open.
type Options struct {
	// URL is a postgres:// or postgresql:// URL; empty means SQLite in DataDir.
	URL string
	// DataDir holds the SQLite file (aims.db) when URL is empty.
	DataDir string
	// Clock is the time source; nil means aims.Now.
	Clock aims.Clock
	// MaxOpen bounds the reader pool (and the PostgreSQL pool); 0 means a default.
	MaxOpen int
	// Synchronous is SQLite's synchronous setting on every connection: "normal" (or empty) or "full".
	// In WAL mode NORMAL syncs the disk only at checkpoints, so a power cut or operating-system crash can
	// lose the last transactions committed before it (never corrupt the database); FULL syncs on every
	// commit, so none is lost, and writes are slower. PostgreSQL ignores it.
	Synchronous string
}

// Open connects to the database described by o. It does not migrate; see Migrate and SchemaStatus.
func Open(ctx context.Context, o Options) (*DB, error) {
	now := o.Clock
	if now == nil {
		now = aims.Now
	}
	maxOpen := o.MaxOpen
	if maxOpen <= 0 {
		maxOpen = 16
	}
	if o.URL != "" {
		if !strings.HasPrefix(o.URL, "postgres://") && !strings.HasPrefix(o.URL, "postgresql://") {
			return nil, aims.Errorf(aims.EINVALID, "database URL must start with postgres:// or postgresql://")
		}
		pool, err := sql.Open("pgx", o.URL)
		if err != nil {
			return nil, fmt.Errorf("cannot open postgres: %w", err)
		}
		pool.SetMaxOpenConns(maxOpen)
		pool.SetMaxIdleConns(maxOpen)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		db := &DB{dialect: Postgres, write: pool, read: pool, now: now}
		if err := pool.PingContext(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("cannot reach postgres: %w", err)
		}
		return db, nil
	}
	if o.DataDir == "" {
		return nil, aims.Errorf(aims.EINVALID, "a data directory or a database URL is required")
	}
	var synchronous string
	switch strings.ToLower(o.Synchronous) {
	case "", "normal":
		synchronous = "NORMAL"
	case "full":
		synchronous = "FULL"
	default:
		return nil, aims.Errorf(aims.EINVALID, "the SQLite synchronous setting must be normal or full, not %q", o.Synchronous)
	}
	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create data directory: %w", err)
	}
	path := filepath.Join(o.DataDir, "aims.db")
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(" + synchronous + ")&_time_format=sqlite"
	write, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=wal_autocheckpoint(0)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("cannot open sqlite writer: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)
	// The writer must exist first so that WAL mode is set before readers open the file.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("cannot open %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("cannot open sqlite readers: %w", err)
	}
	read.SetMaxOpenConns(maxOpen)
	read.SetMaxIdleConns(maxOpen)
	ckpt, err := sql.Open("sqlite", "file:"+path+"?"+pragmas)
	if err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("cannot open sqlite checkpointer: %w", err)
	}
	ckpt.SetMaxOpenConns(1)
	ckpt.SetMaxIdleConns(1)
	db := &DB{dialect: SQLite, write: write, read: read, now: now, ckpt: ckpt,
		ckptWake: make(chan struct{}, 1), ckptStop: make(chan struct{}), ckptDone: make(chan struct{})}
	go db.checkpoints(filepath.Join(o.DataDir, "aims.db-wal"))
	return db, nil
}

// checkpointPages is the size of the write-ahead log, in 4 KiB pages, past which a commit is followed by a
// checkpoint: SQLite's own default for its automatic checkpoints.
const checkpointPages = 1000

// checkpoints runs SQLite's checkpoints on their own connection, which SQLite would otherwise run in the
// writer after a commit that grows the write-ahead log past checkpointPages: after a large import that
// took a tenth of a second or more of its caller's time, with every other writer waiting. A PASSIVE
// checkpoint runs alongside readers and writers. After each commit (see WithTx) it checkpoints when the
// log has grown past the threshold, at most once a second.
func (db *DB) checkpoints(wal string) {
	defer close(db.ckptDone)
	for {
		select {
		case <-db.ckptStop:
			return
		case <-db.ckptWake:
		}
		if st, err := os.Stat(wal); err == nil && st.Size() >= checkpointPages*4096 {
			// A checkpoint that cannot finish now (SQLITE_BUSY) is retried after the next commit.
			_, _ = db.ckpt.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
		}
		select {
		case <-db.ckptStop:
			return
		case <-time.After(time.Second):
		}
	}
}

// Close closes every cached statement and connection.
func (db *DB) Close() error {
	db.stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
	var err error
	if db.ckpt != nil {
		db.ckptOnce.Do(func() { close(db.ckptStop) }) // Close may be called again
		<-db.ckptDone
		err = db.ckpt.Close()
	}
	err = errors.Join(err, db.write.Close())
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Dialect returns the SQL dialect in use.
func (db *DB) Dialect() Dialect { return db.dialect }

// Now returns the store's clock reading.
func (db *DB) Now() time.Time { return db.now() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Stats returns the connection pool statistics of the writer and reader pools (the same on PostgreSQL).
func (db *DB) Stats() (write, read sql.DBStats) { return db.write.Stats(), db.read.Stats() }

// rebind turns ? placeholders into $1, $2, ... for PostgreSQL. Query texts never contain a literal '?'.
func (db *DB) rebind(q string) string {
	if db.dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// querier is what both *sql.DB and *sql.Tx offer; private helpers take one so that they compose inside a
// caller's transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is a write transaction. Its methods rebind placeholders like DB's.
type Tx struct {
	db   *DB
	tx   *sql.Tx
	conn *sql.Conn // the connection tx runs on, for what database/sql cannot do (see copyRows)
	done bool      // committed or rolled back: a context that outlives it no longer joins it
}

// q is a querier that rebinds placeholders.
type q struct {
	db *DB
	x  querier
	// pool is set for queriers over a pool (not a transaction), whose statements are cached.
	pool *sql.DB
}

// prepared returns the cached statement for query on q's pool, or nil to run the query unprepared.
func (q q) prepared(ctx context.Context, query string) *sql.Stmt {
	if q.pool == nil {
		return nil
	}
	key := stmtKey{q.pool, query}
	if st, ok := q.db.stmts.Load(key); ok {
		return st.(*sql.Stmt)
	}
	if q.db.stmtCount.Load() >= maxStmts {
		return nil
	}
	st, err := q.pool.PrepareContext(ctx, q.db.rebind(query))
	if err != nil {
		return nil // running it unprepared reports the error
	}
	if prev, loaded := q.db.stmts.LoadOrStore(key, st); loaded {
		st.Close()
		return prev.(*sql.Stmt)
	}
	q.db.stmtCount.Add(1)
	return st
}

func (q q) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if q.pool != nil {
		// A statement on a pool commits by itself.
		defer q.db.committed()
	}
	if st := q.prepared(ctx, query); st != nil {
		r, err := st.ExecContext(ctx, args...)
		return r, normalize(err)
	}
	r, err := q.x.ExecContext(ctx, q.db.rebind(query), args...)
	return r, normalize(err)
}

func (q q) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := q.prepared(ctx, query); st != nil {
		r, err := st.QueryContext(ctx, args...)
		return r, normalize(err)
	}
	r, err := q.x.QueryContext(ctx, q.db.rebind(query), args...)
	return r, normalize(err)
}

func (q q) row(ctx context.Context, query string, args ...any) *sql.Row {
	if st := q.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.x.QueryRowContext(ctx, q.db.rebind(query), args...)
}

// reader returns a querier over the read pool, or over the transaction ctx carries (see Atomically).
func (db *DB) reader(ctx context.Context) q {
	if tx := db.txFrom(ctx); tx != nil {
		return tx.q()
	}
	return q{db: db, x: db.read, pool: db.read}
}

// shareLock is the clause that keeps the rows a read in a transaction relies on from changing until it
// ends, on PostgreSQL (" FOR SHARE OF alias"); SQLite's single writer gives that already, and a read
// outside a transaction needs none.
func (db *DB) shareLock(ctx context.Context, alias string) string {
	if db.dialect == Postgres && db.txFrom(ctx) != nil {
		return " FOR SHARE OF " + alias
	}
	return ""
}

// q returns the transaction's querier.
func (tx *Tx) q() q { return q{db: tx.db, x: tx.tx} }

// txKey is the context key of the transaction a service opened with Atomically.
type txKey struct{}

// txFrom returns the open transaction of db that ctx carries, or nil.
// InTx reports whether ctx carries a transaction of db's (Atomically): what runs in it must not run
// queries at once.
func (db *DB) InTx(ctx context.Context) bool { return db.txFrom(ctx) != nil }

func (db *DB) txFrom(ctx context.Context) *Tx {
	if tx, ok := ctx.Value(txKey{}).(*Tx); ok && tx.db == db && !tx.done {
		return tx
	}
	return nil
}

// Atomically runs fn in one write transaction that every store method called with the context fn is
// given joins, reads included: a service reads, checks its rules and writes across concepts, with the
// activity entries, all or nothing. It commits when fn returns nil and rolls back otherwise; called with
// a context that carries a transaction already, fn joins it. fn must use the context it is given: on
// SQLite a write through another context would wait for the single writer that fn holds.
func (db *DB) Atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	if db.txFrom(ctx) != nil {
		return fn(ctx)
	}
	return db.WithTx(ctx, func(tx *Tx) error { return fn(context.WithValue(ctx, txKey{}, tx)) })
}

// WithTx runs fn in a write transaction, committing when fn returns nil and rolling back otherwise. On
// SQLite the transaction starts IMMEDIATE on the single writer connection, so writers are serialized.
// Within Atomically, fn runs in the transaction ctx carries, which Atomically commits.
func (db *DB) WithTx(ctx context.Context, fn func(tx *Tx) error) error {
	if tx := db.txFrom(ctx); tx != nil {
		return fn(tx)
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("cannot begin transaction: %w", normalize(err))
	}
	defer conn.Close()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("cannot begin transaction: %w", normalize(err))
	}
	tx := &Tx{db: db, tx: sqlTx, conn: conn}
	defer func() { tx.done = true }()
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("cannot commit transaction: %w", normalize(err))
	}
	db.committed()
	return nil
}

// committed tells the checkpointer (SQLite) that a write was committed.
func (db *DB) committed() {
	if db.ckptWake != nil {
		select {
		case db.ckptWake <- struct{}{}:
		default: // a wake is pending already
		}
	}
}

// Driver error codes that mean something to a caller: a key in use, and a reference that does not hold
// (a row referring to one that does not exist, or a row still referred to). PostgreSQL's SQLSTATE codes;
// SQLite's extended result codes (https://sqlite.org/rescode.html).
const (
	pgUniqueViolation      = "23505"
	pgForeignKeyViolation  = "23503"
	sqliteConstraintPK     = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
	sqliteConstraintUnique = 2067 // SQLITE_CONSTRAINT_UNIQUE
	sqliteConstraintFK     = 787  // SQLITE_CONSTRAINT_FOREIGNKEY
)

// normalize maps driver errors by their code, never by their message: a unique or primary key violation
// is ECONFLICT ("already exists"), a foreign key violation ECONFLICT too (the record refers to one that is
// gone, or is referred to still); others are returned as they are. The driver error stays wrapped for logs.
func normalize(err error) error {
	if err == nil || errors.Is(err, sql.ErrNoRows) {
		return err
	}
	switch constraintOf(err) {
	case constraintUnique:
		return fmt.Errorf("%w: %v", &aims.Error{Code: aims.ECONFLICT, Message: "A record with the same key exists already."}, err)
	case constraintForeignKey:
		return fmt.Errorf("%w: %v", &aims.Error{Code: aims.ECONFLICT,
			Message: "The record refers to one that does not exist, or another record still refers to it."}, err)
	}
	return err
}

type constraint int

const (
	constraintNone constraint = iota
	constraintUnique
	constraintForeignKey
)

// constraintOf returns the constraint a driver error reports as violated, read from its code.
func constraintOf(err error) constraint {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case pgUniqueViolation:
			return constraintUnique
		case pgForeignKeyViolation:
			return constraintForeignKey
		}
		return constraintNone
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		switch lite.Code() {
		case sqliteConstraintUnique, sqliteConstraintPK:
			return constraintUnique
		case sqliteConstraintFK:
			return constraintForeignKey
		}
	}
	return constraintNone
}

// notFound turns sql.ErrNoRows into an ENOTFOUND error naming what was looked for.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return aims.Errorf(aims.ENOTFOUND, "%s not found.", what)
	}
	return err
}

// nullTime converts a nullable time column.
func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// timeArg converts an optional time for a query argument.
func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// writer returns a querier over the write pool, for single statements outside a transaction, or over the
// transaction ctx carries (see Atomically).
func (db *DB) writer(ctx context.Context) q {
	if tx := db.txFrom(ctx); tx != nil {
		return tx.q()
	}
	return q{db: db, x: db.write, pool: db.write}
}

// Pools returns the underlying connection pools (write, read), for metrics; they are the same pool on
// PostgreSQL.
func (db *DB) Pools() (write, read *sql.DB) { return db.write, db.read }

// sqliteTimeLayout is how the SQLite driver stores times (the DSN's _time_format=sqlite).
const sqliteTimeLayout = "2006-01-02 15:04:05.999999999-07:00"

// textTime scans a time column that a query reads as its stored text (on SQLite, CAST(col AS TEXT)) by
// parsing it in the one layout aims stores, or a time the driver already parsed (PostgreSQL). The SQLite
// driver parses a time column itself by first trying a layout aims never writes, which fails with an
// error it allocates and discards, so reading the text is cheaper on the hottest reads.
type textTime struct{ t *time.Time }

func (d textTime) Scan(v any) error {
	switch x := v.(type) {
	case time.Time:
		*d.t = x
	case string:
		return d.parse(x)
	case []byte:
		return d.parse(string(x))
	default:
		return fmt.Errorf("cannot read %T as a time", v)
	}
	return nil
}

func (d textTime) parse(s string) error {
	t, err := time.Parse(sqliteTimeLayout, s)
	if err != nil {
		// Not the layout aims writes: try the others the driver reads (an older database, a hand edit).
		if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return fmt.Errorf("cannot read %q as a time: %w", s, err)
		}
	}
	*d.t = t
	return nil
}
