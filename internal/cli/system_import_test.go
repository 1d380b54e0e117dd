package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/cli"
	"github.com/aimsproject/aims/internal/storetest"
)

// TestSystemImportShowsItsProgress imports a CSV file of over a megabyte and follows the progress bar
// (its log form, as stderr is not a terminal): reading, checking, storing as it goes, done.
func TestSystemImportShowsItsProgress(t *testing.T) {
	t.Parallel()
	opts := storetest.Options(t)
	db := storetest.OpenWith(t, opts)
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "Test"})
	if _, err := account.NewService(db, db.Now).CreateOrganization(ctx, "lumen", "Lumen Labs"); err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("name,purpose\n")
	for i := range 400 {
		fmt.Fprintf(&csv, "System %03d,%s\n", i, strings.Repeat("Answers customer questions. ", 100))
	}
	file := filepath.Join(t.TempDir(), "systems.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AIMS_DATA": opts.DataDir, "AIMS_DATABASE_URL": opts.URL}
	var out, errOut bytes.Buffer
	err := cli.Run(context.Background(), []string{"system", "import", "--org", "lumen", file},
		func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	if code := cli.ExitCode(err, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var steps []string
	for line := range strings.Lines(errOut.String()) {
		if rest, ok := strings.CutPrefix(line, "import systems.csv: "); ok {
			steps = append(steps, strings.Join(strings.Fields(rest), " "))
		}
	}
	// 250 of 400 stored is 81%: the bar logs each quarter it enters and each new step.
	want := []string{"50% checking", "81% storing", "100% storing", "100% done"}
	if !slicesHaveSuffix(steps, want) {
		t.Errorf("progress:\n%s\nwant it to end with %q", errOut.String(), want)
	}
	if !strings.Contains(errOut.String(), "imported 400 AI systems into lumen") {
		t.Errorf("stderr: %s", errOut.String())
	}
}

func slicesHaveSuffix(s, suffix []string) bool {
	if len(s) < len(suffix) {
		return false
	}
	for i, v := range suffix {
		if s[len(s)-len(suffix)+i] != v {
			return false
		}
	}
	return true
}
