package cli_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestEvalPushSendsAResultFileToARunningServer: a CI pipeline's token pushes a garak report to a system by
// name; a broken file is refused by the server, naming where, and an unknown system is named.
func TestEvalPushSendsAResultFileToARunningServer(t *testing.T) {
	env := storeEnv(t)
	env["AIMS_PASSWORD"] = "a long enough passphrase"
	if _, stderr, code := run(t, env, "", "user", "create", "--email", "ml@example.com", "--org", "acme", "--role", "contributor"); code != 0 {
		t.Fatal(stderr)
	}
	if _, stderr, code := run(t, env, "", "system", "create", "--org", "acme", "--name", "Support bot", "--purpose", "Answers",
		"--stage", "deployment", "--eu-role", "provider"); code != 0 {
		t.Fatal(stderr)
	}
	token, stderr, code := run(t, env, "", "token", "create", "--email", "ml@example.com", "--org", "acme", "--name", "ci", "--role", "contributor")
	if code != 0 {
		t.Fatal(stderr)
	}
	s := startServe(t, env)
	remote := map[string]string{"AIMS_SERVER": s.URL, "AIMS_TOKEN": strings.TrimSpace(token)}
	garak := filepath.Join("..", "..", "testdata", "evals", "garak-agg.report.jsonl")
	stdout, stderr, code := run(t, remote, "", "eval", "push", "--system", "Support bot", garak)
	if code != 0 || !strings.Contains(stderr, "imported garak 0.14.0.pre1 run") || len(strings.TrimSpace(stdout)) != 26 {
		t.Fatalf("push: exit %d\n%s%s", code, stdout, stderr)
	}
	inspect := filepath.Join("..", "..", "testdata", "evals", "inspect_ai-log_read_sample.json")
	_, stderr, code = run(t, remote, "", "eval", "push", "--system", "Support bot", "--format", "garak", inspect)
	if code != 2 || !strings.Contains(stderr, "the server answered 400") || !strings.Contains(stderr, "Line 1 of the garak report") {
		t.Fatalf("push of a broken file: exit %d, %s", code, stderr)
	}
	_, stderr, code = run(t, remote, "", "eval", "push", "--system", "Nobody", garak)
	if code != 2 || !strings.Contains(stderr, `no AI system named "Nobody"`) {
		t.Fatalf("push to an unknown system: exit %d, %s", code, stderr)
	}
	stdout, _, code = run(t, env, "", "eval", "list", "--org", "acme")
	if code != 0 || strings.Count(stdout, "garak") != 1 {
		t.Fatalf("after the pushes:\n%s", stdout)
	}
	first := strings.Fields(strings.Split(strings.TrimSpace(stdout), "\n")[1])[0]

	// A second push is compared with the first, from the server and on this machine's data.
	second, stderr, code := run(t, remote, "", "eval", "push", "--system", "Support bot", garak)
	if code != 0 {
		t.Fatalf("second push: exit %d, %s", code, stderr)
	}
	second = strings.TrimSpace(second)
	stdout, stderr, code = run(t, remote, "", "eval", "compare", second)
	if code != 0 || !strings.Contains(stdout, "before garak 0.14.0.pre1") || !strings.Contains(stdout, "run "+first+" of Support bot") ||
		!strings.Contains(stdout, "after  garak") || !strings.Contains(stdout, "same") || !strings.Contains(stdout, "TASK") {
		t.Errorf("eval compare: exit %d\n%s%s", code, stdout, stderr)
	}
	if stdout, stderr, code = run(t, env, "", "eval", "compare", "--org", "acme", first, "--with", second, "--format", "json"); code != 0 ||
		!strings.Contains(stdout, `"change": "same"`) {
		t.Errorf("eval compare on this machine's data: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, stderr, code = run(t, remote, "", "eval", "compare", first); code != 2 || !strings.Contains(stderr, "the server answered 404: No earlier garak run of Support bot") {
		t.Errorf("the first run compared: exit %d, %s", code, stderr)
	}
	if _, stderr, code = run(t, remote, "", "eval", "compare"); code != 2 || !strings.Contains(stderr, "give the id of the run to compare") {
		t.Errorf("no id: exit %d, %s", code, stderr)
	}
}
