package cli_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServeDeliversWhatACommandQueued: a task given from the command line while serve runs is delivered
// to the organization's webhook by serve's worker, signed; the command never waits for the receiver.
func TestServeDeliversWhatACommandQueued(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, r.Header.Get("Aims-Event")+" "+r.Header.Get("Aims-Signature"))
	}))
	defer hook.Close()
	env := storeEnv(t)
	env["AIMS_PASSWORD"] = "a long enough passphrase"
	for _, args := range [][]string{
		{"user", "create", "--email", "maya@lumen.example", "--org", "acme", "--role", "manager"},
		{"user", "create", "--email", "priya@lumen.example", "--org", "acme", "--role", "contributor"},
		{"system", "create", "--org", "acme", "--name", "TalentMatch", "--purpose", "CV screening", "--stage", "deployment"},
		{"webhook", "add", "--org", "acme", "--url", hook.URL, "--events", "task.created"},
	} {
		if _, stderr, code := run(t, env, "", args...); code != 0 {
			t.Fatalf("aims %s: %s", strings.Join(args, " "), stderr)
		}
	}
	startServe(t, env)
	if _, stderr, code := run(t, env, "", "task", "add", "--org", "acme", "--as", "maya@lumen.example", "--record", "system:TalentMatch",
		"--title", "Run the bias test", "--owner", "priya@lumen.example"); code != 0 {
		t.Fatalf("task add: %s", stderr)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || !strings.HasPrefix(got[0], "task.created t=") || !strings.Contains(got[0], ",v1=") {
		t.Errorf("the webhook received %q, want one signed task.created", got)
	}
}
