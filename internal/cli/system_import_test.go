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
	"github.com/aimsproject/aims/internal/framework"
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

// TestImportsRefuseAFileOverTheirLimitBeforeReadingIt gives each file import a (sparse) file one byte
// over its limit: each refuses it by its size, naming the limit, and reads none of it.
func TestImportsRefuseAFileOverTheirLimitBeforeReadingIt(t *testing.T) {
	t.Parallel()
	opts := storetest.Options(t)
	db := storetest.OpenWith(t, opts)
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "Test"})
	if _, err := account.NewService(db, db.Now).CreateOrganization(ctx, "lumen", "Lumen Labs"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	big := func(name string, size int64) string {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err == nil {
			err = f.Truncate(size)
		}
		if err == nil {
			err = f.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
		return path
	}
	small := filepath.Join(dir, "small.json")
	if err := os.WriteFile(small, []byte(`{"profile": {}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	const limit = 32 << 20 // framework.MaxImportBytes
	env := map[string]string{"AIMS_DATA": opts.DataDir, "AIMS_DATABASE_URL": opts.URL}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"a framework", []string{"framework", "import", "--org", "lumen", big("framework.csv", limit+1)}, "framework.csv is larger than 32 MiB"},
		{"a profile's catalog", []string{"framework", "import", "--org", "lumen", "--catalog", big("catalog.json", limit+1), small},
			"catalog.json is larger than 32 MiB"},
		{"licensed texts", []string{"framework", "texts", "import", "--org", "lumen", big("texts.csv", limit+1)}, "texts.csv is larger than 32 MiB"},
		{"AI systems", []string{"system", "import", "--org", "lumen", big("systems.csv", 64<<20+1)}, "systems.csv is larger than 64 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := cli.Run(context.Background(), tc.args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
			if code := cli.ExitCode(err, &errOut); code != 2 || !strings.Contains(errOut.String(), tc.want) {
				t.Fatalf("exit %d: %s, want 2 saying %q", code, errOut.String(), tc.want)
			}
		})
	}
}

// TestAFrameworkImportOfTooManyRowsNamesTheFileAndTheLimit imports CSV files one row over the most an
// import takes: each is refused (exit 1) with the file and the limit named, and nothing imported.
func TestAFrameworkImportOfTooManyRowsNamesTheFileAndTheLimit(t *testing.T) {
	t.Parallel()
	opts := storetest.Options(t)
	db := storetest.OpenWith(t, opts)
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "Test"})
	if _, err := account.NewService(db, db.Now).CreateOrganization(ctx, "lumen", "Lumen Labs"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, header, row string) string {
		var b strings.Builder
		b.WriteString(header)
		for i := range framework.MaxImportRequirements + 1 {
			fmt.Fprintf(&b, row, i)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	env := map[string]string{"AIMS_DATA": opts.DataDir, "AIMS_DATABASE_URL": opts.URL}
	for _, args := range [][]string{
		{"framework", "import", "--org", "lumen", "--key", "many", write("many.csv", "ref,title\n", "R-%d,x\n")},
		{"framework", "texts", "import", "--org", "lumen", write("texts.csv", "framework,ref,text\n", "iso42001,A.%d,x\n")},
	} {
		var out, errOut bytes.Buffer
		err := cli.Run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
		want := fmt.Sprintf("%s: The file holds more than %d rows", filepath.Base(args[len(args)-1]), framework.MaxImportRequirements)
		if code := cli.ExitCode(err, &errOut); code != 1 || !strings.Contains(errOut.String(), want) {
			t.Errorf("%s: exit %d: %s, want 1 saying %q", args[1], code, errOut.String(), want)
		}
	}
}
