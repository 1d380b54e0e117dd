package cli_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/cli"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
)

// storeEnv returns an environment that points aims at a fresh store for t.
func storeEnv(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{"AIMS_LOG_LEVEL": "warn"}
	o := storetest.Options(t)
	if o.URL != "" {
		env["AIMS_DATABASE_URL"] = o.URL
		// Without a data directory, evidence files would land in ./aims-data of the package.
		env["AIMS_BLOB_URL"] = "file://" + t.TempDir()
	} else {
		env["AIMS_DATA"] = o.DataDir
	}
	return env
}

// syncBuffer is a writer that several goroutines may use.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func run(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errw syncBuffer
	err := cli.Run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errw)
	code = cli.ExitCode(err, &errw)
	return out.String(), errw.String(), code
}

// server is aims serve running in-process.
type server struct {
	URL    string
	stderr *syncBuffer
	stop   context.CancelFunc
	done   chan error
}

var listening = regexp.MustCompile(`listening on (http://[0-9.:]+)`)

func startServe(t *testing.T, env map[string]string, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{stderr: &syncBuffer{}, stop: cancel, done: make(chan error, 1)}
	go func() {
		s.done <- cli.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, nil, io.Discard, s.stderr)
	}()
	deadline := time.Now().Add(2 * time.Minute) // generous: a loaded CI machine migrates and loads the demo slowly
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(s.stderr.String()); m != nil {
			s.URL = m[1]
			t.Cleanup(func() { s.shutdown(t) })
			return s
		}
		select {
		case err := <-s.done:
			t.Fatalf("serve stopped: %v\n%s", err, s.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("serve did not start:\n%s", s.stderr.String())
	return nil
}

func (s *server) shutdown(t *testing.T) error {
	t.Helper()
	if s.stop == nil {
		return nil
	}
	s.stop()
	s.stop = nil
	select {
	case err := <-s.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	return nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestServeOnAFreshStoreCreatesTheSchemaAndSaysHowToBegin(t *testing.T) {
	env := storeEnv(t)
	s := startServe(t, env)
	if code, body := get(t, s.URL+"/readyz"); code != 200 || !strings.Contains(body, `"ready":true`) {
		t.Fatalf("readyz = %d %s", code, body)
	}
	if code, _ := get(t, s.URL+"/healthz"); code != 200 {
		t.Fatalf("healthz = %d", code)
	}
	if !strings.Contains(s.stderr.String(), "aims user create --email") {
		t.Fatalf("serve did not say how to create the first administrator:\n%s", s.stderr.String())
	}
	if err := s.shutdown(t); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}

func TestServeDemoLoadsLumenLabsAndPrintsALogin(t *testing.T) {
	env := storeEnv(t)
	s := startServe(t, env, "--demo")
	out := s.stderr.String()
	for _, want := range []string{`"lumen-labs"`, "maya.okafor@lumenlabs.example", "lumen-demo-2026", "(auditor)"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	s.shutdown(t)
	// Loading the demo again changes nothing.
	s = startServe(t, env, "--demo")
	s.shutdown(t)
	stdout, _, code := run(t, env, "", "audit", "verify", "--org", "lumen-labs")
	// 8 entries for the organization and its members, 67 for the AI roles and the SoA's story, 3 for the AI
	// systems, 3 for their EU AI Act classifications, and 4 for Lumen Assist's base model (registered,
	// linked, described by its model card) and the card itself; then 2 for Lumen Assist's two BOM versions:
	// an import is one entry that counts the components it registered, changed and linked (the stored
	// BOM version is the detailed record), where it was one entry per component and link before (22); then
	// 5 for the links between Lumen's records; then 4 for the auditor's question, its answer and two tasks;
	// then 75 for the risk register (24 risks, the controls their treatments select, their actions and
	// acceptances) and 10 for the impact assessments: 3 started, 2 approved, and 5 links to what addresses
	// their impacts; then 13 for the evidence: 4 pieces, 8 links to what they evidence, 1 approval; then 8
	// for the evaluations: 3 systems' acceptance criteria set and 5 runs imported (an import is one entry,
	// its links to the system and controls included). The daily job, which the server starts in the
	// background, may have added what it makes of the demo on the day it runs (tasks to renew the evidence
	// that lapses within 30 days, reminders), each once.
	trail, _, _ := run(t, env, "", "audit", "export", "--org", "lumen-labs")
	daily := strings.Count(trail, `"actor_id":"daily"`)
	if want := fmt.Sprintf("ok      lumen-labs: %d entries intact", 215+daily); code != 0 || !strings.Contains(stdout, want) || daily > 12 {
		t.Fatalf("after two demo loads (%d entries of the daily job): %d %s", daily, code, stdout)
	}
}

func TestServeFinishesInFlightRequestsOnShutdown(t *testing.T) {
	env := storeEnv(t)
	env["AIMS_PASSWORD"] = "a long enough passphrase"
	if _, stderr, code := run(t, env, "", "user", "create", "--email", "a@example.com", "--org", "acme", "--role", "owner"); code != 0 {
		t.Fatal(stderr)
	}
	token, stderr, code := run(t, env, "", "token", "create", "--email", "a@example.com", "--org", "acme", "--name", "t")
	if code != 0 {
		t.Fatal(stderr)
	}
	s := startServe(t, env)
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"name":"made during shutdown"}`
	fmt.Fprintf(conn, "POST /api/v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		strings.TrimSpace(token), len(body), body[:10])
	time.Sleep(200 * time.Millisecond) // the handler is now waiting for the rest of the body
	stopped := make(chan error, 1)
	go func() { stopped <- s.shutdown(t) }()
	time.Sleep(200 * time.Millisecond)
	select {
	case err := <-stopped:
		t.Fatalf("serve stopped (%v) while a request was in flight", err)
	default:
	}
	fmt.Fprint(conn, body[10:])
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request got no response: %v", err)
	}
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("in-flight request status %d, want 201", res.StatusCode)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}

func TestServeRefusesASchemaItDoesNotKnow(t *testing.T) {
	env := storeEnv(t)
	if _, stderr, code := run(t, env, "", "migrate"); code != 0 {
		t.Fatal(stderr)
	}
	db, err := store.Open(context.Background(), store.Options{DataDir: env["AIMS_DATA"], URL: env["AIMS_DATABASE_URL"]})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	write, _ := db.Pools()
	if _, err := write.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future.sql', 'x')`); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := run(t, env, "", "serve", "--addr", "127.0.0.1:0")
	if code != 2 || !strings.Contains(stderr, "newer than this aims knows") {
		t.Fatalf("serve on a newer schema: exit %d, %s", code, stderr)
	}
	_, stderr, code = run(t, env, "", "migrate")
	if code != 2 || !strings.Contains(stderr, "newer than this aims knows") {
		t.Fatalf("migrate on a newer schema: exit %d, %s", code, stderr)
	}
}

func TestServeMigratesAnOlderSchemaOnlyWhenTold(t *testing.T) {
	env := storeEnv(t)
	db, err := store.Open(context.Background(), store.Options{DataDir: env["AIMS_DATA"], URL: env["AIMS_DATABASE_URL"]})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Make the database as the previous release of aims left it: every migration but the last.
	st, err := db.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.MigrateTo(context.Background(), st.Latest-1); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := run(t, env, "", "serve", "--addr", "127.0.0.1:0")
	if code != 2 || !strings.Contains(stderr, "run 'aims migrate' or 'aims serve --migrate'") {
		t.Fatalf("serve on an older schema: exit %d, %s", code, stderr)
	}
	_, stderr, code = run(t, env, "", "user", "create", "--email", "a@example.com", "--org", "acme", "--role", "owner")
	if code != 2 || !strings.Contains(stderr, "older than this aims") {
		t.Fatalf("user create on an older schema: exit %d, %s", code, stderr)
	}
	s := startServe(t, env, "--migrate")
	if code, body := get(t, s.URL+"/readyz"); code != 200 {
		t.Fatalf("readyz after serve --migrate = %d %s", code, body)
	}
}

func TestServeRejectsBadConfiguration(t *testing.T) {
	env := storeEnv(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr", "nonsense"}, "--addr must be HOST:PORT"},
		{[]string{"serve", "--database", "mysql://x"}, "--database must be a postgres:// URL"},
		{[]string{"serve", "--log-level", "loud"}, "--log-level must be"},
		{[]string{"serve", "--tls-cert", "x.pem"}, "--tls-cert and --tls-key go together"},
		{[]string{"serve", "--no-such-flag"}, "flag provided but not defined"},
	} {
		_, stderr, code := run(t, env, "", tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	env["AIMS_MIGRATE"] = "perhaps"
	if _, stderr, code := run(t, env, "", "serve"); code != 2 || !strings.Contains(stderr, "AIMS_MIGRATE must be true or false") {
		t.Errorf("bad AIMS_MIGRATE: exit %d, %q", code, stderr)
	}
}

func TestWhoamiTalksToARunningServerWithAToken(t *testing.T) {
	env := storeEnv(t)
	env["AIMS_PASSWORD"] = "a long enough passphrase"
	if _, stderr, code := run(t, env, "", "user", "create", "--email", "a@example.com", "--org", "acme", "--role", "admin"); code != 0 {
		t.Fatal(stderr)
	}
	token, stderr, code := run(t, env, "", "token", "create", "--email", "a@example.com", "--org", "acme", "--name", "ci", "--role", "contributor")
	if code != 0 {
		t.Fatal(stderr)
	}
	s := startServe(t, env)
	remote := map[string]string{"AIMS_SERVER": s.URL, "AIMS_TOKEN": strings.TrimSpace(token)}
	stdout, stderr, code := run(t, remote, "", "whoami")
	if code != 0 || !strings.Contains(stdout, "organization: acme\nrole: contributor") {
		t.Fatalf("whoami: exit %d\n%s%s", code, stdout, stderr)
	}
	stdout, _, code = run(t, map[string]string{}, "", "whoami", "--server", s.URL, "--token", strings.TrimSpace(token), "--format", "json")
	if code != 0 || !strings.Contains(stdout, `"slug": "acme"`) {
		t.Fatalf("whoami --format json: exit %d\n%s", code, stdout)
	}
	_, stderr, code = run(t, map[string]string{"AIMS_SERVER": s.URL, "AIMS_TOKEN": "aims_" + strings.Repeat("a", 52)}, "", "whoami")
	if code != 2 || !strings.Contains(stderr, "the server answered 401") {
		t.Fatalf("whoami with an unknown token: exit %d, %s", code, stderr)
	}
	_, stderr, code = run(t, map[string]string{"AIMS_TOKEN": "x"}, "", "whoami")
	if code != 2 || !strings.Contains(stderr, "--server (or AIMS_SERVER) is required") {
		t.Fatalf("whoami without a server: exit %d, %s", code, stderr)
	}
	_, stderr, code = run(t, map[string]string{"AIMS_SERVER": "http://127.0.0.1:1", "AIMS_TOKEN": "x"}, "", "whoami")
	if code != 1 || !strings.Contains(stderr, "cannot reach") {
		t.Fatalf("whoami with no server listening: exit %d, %s", code, stderr)
	}
}

// TestServeWritesSignedCheckpoints starts serve with --checkpoint-dir and --checkpoint-key: it writes a
// checkpoint of every organization at start, named TIME-SLUG.json, that 'audit verify' accepts.
func TestServeWritesSignedCheckpoints(t *testing.T) {
	env := storeEnv(t)
	env["AIMS_PASSWORD"] = "a long enough passphrase"
	for _, org := range []string{"acme", "other"} {
		if _, stderr, code := run(t, env, "", "user", "create", "--email", "ada@example.com", "--org", org, "--role", "owner"); code != 0 {
			t.Fatalf("user create: %s", stderr)
		}
	}
	dir := t.TempDir()
	key := dir + "/audit.key"
	if _, stderr, code := run(t, env, "", "audit", "keygen", "--out", key); code != 0 {
		t.Fatalf("keygen: %s", stderr)
	}
	cps := dir + "/checkpoints"
	env["AIMS_CHECKPOINT_KEY"], env["AIMS_CHECKPOINT_DIR"] = key, cps
	s := startServe(t, env, "--checkpoint-interval", "1h")
	var names []string
	for deadline := time.Now().Add(15 * time.Second); len(names) < 2 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		names, _ = filepath.Glob(cps + "/*.json")
	}
	if len(names) != 2 {
		t.Fatalf("checkpoints written: %v\n%s", names, s.stderr.String())
	}
	for _, n := range names {
		if !regexp.MustCompile(`/\d{8}T\d{6}Z-(acme|other)\.json$`).MatchString(n) {
			t.Errorf("checkpoint file name %s, want TIME-SLUG.json", n)
		}
	}
	if err := s.shutdown(t); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := run(t, env, "", "audit", "verify", "--checkpoint", cps, "--pub", key+".pub")
	if code != 0 || !strings.Contains(stdout, "ok      acme: extends checkpoint") || !strings.Contains(stdout, "ok      other: extends checkpoint") {
		t.Fatalf("audit verify of the server's checkpoints: exit %d\n%s%s", code, stdout, stderr)
	}

	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{}, []string{"--checkpoint-dir", cps}, "--checkpoint-dir and --checkpoint-key go together"},
		{map[string]string{"AIMS_CHECKPOINT_KEY": key + ".pub"}, []string{"--checkpoint-dir", cps}, "--checkpoint-key: "},
		{map[string]string{"AIMS_CHECKPOINT_KEY": key, "AIMS_CHECKPOINT_INTERVAL": "1s"}, []string{"--checkpoint-dir", cps}, "--checkpoint-interval must be at least 1m"},
	} {
		e := storeEnv(t)
		for k, v := range tc.env {
			e[k] = v
		}
		if _, stderr, code := run(t, e, "", append([]string{"serve"}, tc.args...)...); code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("serve %v with %v: exit %d, %q; want exit 2 and %q", tc.args, tc.env, code, stderr, tc.want)
		}
	}
}

// The request lines are written in batches (package logbuf): a normal stop writes every one of them, before
// the lines that follow them.
func TestServeWritesEveryRequestLineBeforeItStops(t *testing.T) {
	env := storeEnv(t)
	env["AIMS_LOG_LEVEL"] = "info"
	s := startServe(t, env)
	for range 20 {
		if code, _ := get(t, s.URL+"/healthz"); code != http.StatusOK {
			t.Fatalf("GET /healthz: %d", code)
		}
	}
	if err := s.shutdown(t); err != nil {
		t.Fatal(err)
	}
	out := s.stderr.String()
	if n := strings.Count(out, `"route":"GET /healthz"`); n != 20 {
		t.Fatalf("%d request lines for GET /healthz, want 20:\n%s", n, out)
	}
	last, stopping := strings.LastIndex(out, `"route":"GET /healthz"`), strings.Index(out, `"msg":"shutting down`)
	if stopping < 0 || last > stopping {
		t.Fatalf("the request lines must come before the shutdown line:\n%s", out)
	}
}
