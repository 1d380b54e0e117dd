package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/cli"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom/aibomtest"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// cancelOnWrite cancels a context at the first write, and keeps what it is given.
type cancelOnWrite struct {
	cancel context.CancelFunc
	bytes.Buffer
}

func (w *cancelOnWrite) Write(p []byte) (int, error) { w.cancel(); return w.Buffer.Write(p) }

// TestSystemComponentsAreWrittenAsTheyAreRead lists a system of 11,000 components (three pages) as text and
// JSON: every one, in order, the JSON as an encoder writes the whole list; and the output begins before
// the last page is read (the command is stopped at its first write: it has not read them all).
func TestSystemComponentsAreWrittenAsTheyAreRead(t *testing.T) {
	t.Parallel()
	opts := storetest.Options(t)
	db := storetest.OpenWith(t, opts)
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "Test"})
	org, err := account.NewService(db, db.Now).CreateOrganization(ctx, "lumen", "Lumen Labs")
	if err != nil {
		t.Fatal(err)
	}
	svc := system.NewService(db)
	comps := component.NewService(db)
	s, err := svc.Create(ctx, org.ID, system.Fields{Name: "Big", Purpose: "Many parts."})
	if err != nil {
		t.Fatal(err)
	}
	const n = 11_000
	if _, err := comps.ImportBOM(ctx, org.ID, s.ID, bytes.NewReader(aibomtest.Trivial(n)), "libs.json"); err != nil {
		t.Fatal(err)
	}
	var all []*component.SystemComponent
	if err := comps.EachSystemComponent(ctx, org.ID, s.ID, component.KindFilter{}, func(c *component.SystemComponent) error {
		all = append(all, c)
		return nil
	}); err != nil || len(all) != n {
		t.Fatalf("%d components, %v", len(all), err)
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	if err := enc.Encode(all); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AIMS_DATA": opts.DataDir, "AIMS_DATABASE_URL": opts.URL}
	args := []string{"system", "components", "--org", "lumen", "--system", "Big"}
	out, errOut, code := run(t, env, "", append(args, "--format", "json")...)
	if code != 0 || out != want.String() {
		t.Errorf("json: exit %d, %s; the output is %d bytes, want the %d of the encoded list", code, errOut, len(out), want.Len())
	}
	out, errOut, code = run(t, env, "", args...)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 0 || len(lines) != n+1 || !strings.HasPrefix(lines[1], "tool  ") || !strings.Contains(lines[n], "lib-010999") {
		t.Errorf("text: exit %d, %s; %d lines, from %q to %q", code, errOut, len(lines), lines[1], lines[len(lines)-1])
	}

	for _, format := range []string{"text", "json"} {
		stopped, cancel := context.WithCancel(context.Background())
		w := &cancelOnWrite{cancel: cancel}
		var errw bytes.Buffer
		err := cli.Run(stopped, append(args, "--format", format), func(k string) string { return env[k] }, strings.NewReader(""), w, &errw)
		cancel()
		if err == nil || strings.Count(w.String(), "lib-") >= n {
			t.Errorf("%s: stopped at the first write, the command wrote %d components and returned %v", format, strings.Count(w.String(), "lib-"), err)
		}
	}
}
