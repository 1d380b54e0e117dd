package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/cli"
	"github.com/aimsproject/aims/internal/config"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
)

// TestScripts runs the command-line scripts in testdata/script against a fresh store each: SQLite in the
// script's work directory, or a fresh PostgreSQL schema when AIMS_TEST_POSTGRES_DSN is set. The store
// reaches aims through AIMS_DATA or AIMS_DATABASE_URL, as it would in a shell.
//
// Commands: aims ARGS runs aims in-process; 'exit N' asserts the last aims exit code; 'tamper MODE ORG'
// alters the activity trail behind aims's back (alter, delete, reorder, truncate, recompute, wipe);
// 'replace FILE OLD NEW' replaces text in a file (to tamper with a checkpoint); 'envfile NAME FILE' sets NAME
// to the file's trimmed text (an id a command printed).
func TestScripts(t *testing.T) {
	var mu sync.Mutex
	lastExit := map[*testscript.TestScript]int{}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("OSCAL", oscalTestData())
			if dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "evals")); err == nil {
				env.Setenv("EVALS", dir)
			}
			if storetest.Postgres() {
				u, err := storetest.NewPostgresSchema(env.Defer)
				if err != nil {
					return err
				}
				env.Setenv("AIMS_DATABASE_URL", u)
				env.Setenv("DIALECT", "postgres")
				// Without a data directory the blobs would land in ./aims-data of the package.
				env.Setenv("AIMS_BLOB_URL", "file://"+env.WorkDir+"/blobs")
			} else {
				env.Setenv("AIMS_DATA", env.WorkDir+"/data")
				env.Setenv("DIALECT", "sqlite")
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"aims": func(ts *testscript.TestScript, neg bool, args []string) {
				var stdin bytes.Buffer
				if s := ts.Getenv("STDIN"); s != "" {
					stdin.WriteString(s + "\n")
				}
				err := cli.Run(context.Background(), args, ts.Getenv, &stdin, ts.Stdout(), ts.Stderr())
				code := cli.ExitCode(err, ts.Stderr())
				mu.Lock()
				lastExit[ts] = code
				mu.Unlock()
				if neg && code == 0 {
					ts.Fatalf("aims %s succeeded unexpectedly", strings.Join(args, " "))
				}
				if !neg && code != 0 {
					ts.Fatalf("aims %s exited %d", strings.Join(args, " "), code)
				}
			},
			"exit": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: exit N")
				}
				want, err := strconv.Atoi(args[0])
				ts.Check(err)
				mu.Lock()
				got := lastExit[ts]
				mu.Unlock()
				if got != want {
					ts.Fatalf("last aims exit code %d, want %d", got, want)
				}
			},
			"tamper": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: tamper alter|delete|reorder|truncate ORG")
				}
				ts.Check(tamper(ts.Getenv("AIMS_DATA"), ts.Getenv("AIMS_DATABASE_URL"), args[0], args[1]))
			},
			"receiver": func(ts *testscript.TestScript, neg bool, args []string) {
				// receiver STATUS: start a webhook receiver answering STATUS; its URL is $HOOK.
				if len(args) != 1 {
					ts.Fatalf("usage: receiver STATUS")
				}
				status, err := strconv.Atoi(args[0])
				ts.Check(err)
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Header.Get("Aims-Signature") == "" {
						http.Error(w, "unsigned", http.StatusBadRequest)
						return
					}
					w.WriteHeader(status)
				}))
				ts.Defer(srv.Close)
				ts.Setenv("HOOK", srv.URL)
			},
			"server": func(ts *testscript.TestScript, neg bool, args []string) {
				// server: run aims's HTTP server over the script's store and blob store; its URL is $SERVER.
				url, stop, err := serveScriptStore(ts.Getenv)
				ts.Check(err)
				ts.Defer(stop)
				ts.Setenv("SERVER", url)
			},
			"envfile": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: envfile NAME FILE")
				}
				b, err := os.ReadFile(ts.MkAbs(args[1]))
				ts.Check(err)
				ts.Setenv(args[0], strings.TrimSpace(string(b)))
			},
			"replace": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 3 {
					ts.Fatalf("usage: replace FILE OLD NEW")
				}
				b, err := os.ReadFile(ts.MkAbs(args[0]))
				ts.Check(err)
				if !bytes.Contains(b, []byte(args[1])) {
					ts.Fatalf("%s does not hold %q", args[0], args[1])
				}
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), bytes.Replace(b, []byte(args[1]), []byte(args[2]), 1), 0o644))
			},
		},
	})
}

// serveScriptStore starts aims's HTTP server over the store and blob store a script's environment names,
// as aims serve would.
func serveScriptStore(getenv func(string) string) (string, func(), error) {
	c := config.Default()
	if err := c.FromEnv(getenv); err != nil {
		return "", nil, err
	}
	db, err := store.Open(context.Background(), store.Options{DataDir: c.DataDir, URL: c.DatabaseURL})
	if err != nil {
		return "", nil, err
	}
	a, err := app.New(db, app.Options{BlobURL: c.BlobStoreURL(), EvidenceMaxBytes: c.EvidenceMaxBytes})
	if err != nil {
		db.Close()
		return "", nil, err
	}
	srv := httptest.NewServer(a.Handler())
	return srv.URL, func() { srv.Close(); db.Close() }, nil
}

// tamper changes an organization's activity trail directly in the database, as an attacker with database
// access would.
func tamper(dataDir, url, mode, org string) error {
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: dataDir, URL: url})
	if err != nil {
		return err
	}
	defer db.Close()
	write, _ := db.Pools()
	orgID := fmt.Sprintf("(SELECT id FROM organizations WHERE slug = '%s')", strings.ReplaceAll(org, "'", ""))
	var stmts []string
	switch mode {
	case "alter":
		stmts = []string{`UPDATE activity SET actor_name = 'someone else' WHERE seq = 2 AND org_id = ` + orgID}
	case "delete":
		stmts = []string{`DELETE FROM activity WHERE seq = 2 AND org_id = ` + orgID}
	case "reorder":
		stmts = []string{
			`UPDATE activity SET seq = -2 WHERE seq = 2 AND org_id = ` + orgID,
			`UPDATE activity SET seq = 2 WHERE seq = 3 AND org_id = ` + orgID,
			`UPDATE activity SET seq = 3 WHERE seq = -2 AND org_id = ` + orgID,
		}
	case "recompute":
		return recomputeChain(ctx, db, org)
	case "wipe":
		stmts = []string{`DELETE FROM activity WHERE org_id = ` + orgID, `DELETE FROM activity_heads WHERE org_id = ` + orgID}
	case "truncate":
		stmts = []string{`DELETE FROM activity WHERE org_id = ` + orgID + ` AND seq = (SELECT max(seq) FROM activity WHERE org_id = ` + orgID + `)`}
	default:
		return fmt.Errorf("unknown tamper mode %q", mode)
	}
	if err := dropTrailTriggers(ctx, db); err != nil {
		return err
	}
	for _, s := range stmts {
		res, err := write.ExecContext(ctx, s)
		if err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
		if n, _ := res.RowsAffected(); n != 1 && mode != "wipe" {
			return fmt.Errorf("%s changed %d rows, want 1", s, n)
		}
	}
	return nil
}

// dropTrailTriggers removes the append-only triggers, as an attacker with write access to the database can.
func dropTrailTriggers(ctx context.Context, db *store.DB) error {
	write, _ := db.Pools()
	drop := []string{`DROP TRIGGER IF EXISTS activity_no_update`, `DROP TRIGGER IF EXISTS activity_no_delete`}
	if db.Dialect() == store.Postgres {
		drop = []string{`DROP TRIGGER IF EXISTS activity_append_only ON activity`}
	}
	for _, s := range drop {
		if _, err := write.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// recomputeChain is the attack of issue 9 on the trail of the organization slug (see storetest.RecomputeTrail).
func recomputeChain(ctx context.Context, db *store.DB, slug string) error {
	o, err := db.OrganizationBySlug(ctx, slug)
	if err != nil {
		return fmt.Errorf("cannot find organization %s: %w", slug, err)
	}
	return storetest.RecomputeTrail(ctx, db, o.ID)
}
