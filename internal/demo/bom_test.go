package demo_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component/aibom"
	"github.com/aimsproject/aims/internal/system"
)

// TestLumenAssistHasTwoBOMVersionsWithADiff loads the demo twice and checks that Lumen Assist has two BOM
// versions whose diff shows the release's changes, and that its export validates.
func TestLumenAssistHasTwoBOMVersionsWithADiff(t *testing.T) {
	t.Parallel()
	ctx, systems, org := loadTwice(t, true)
	ss, _, err := systems.List(ctx, org.ID, system.Filter{Query: "Lumen Assist"}, aims.Page{Limit: 10})
	if err != nil || len(ss) != 1 {
		t.Fatalf("systems %v, %v", ss, err)
	}
	vs, err := systems.comps.BOMs(ctx, org.ID, ss[0].ID)
	if err != nil || len(vs) != 2 {
		t.Fatalf("BOM versions %v, %v", vs, err)
	}
	d, err := systems.comps.DiffBOM(ctx, org.ID, ss[0].ID, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Join(d.Lines, "\n")
	for _, want := range []string{"added model nw-guard-1b 1.0", "changed model lumen-assist-lora: version: 1.0 -> 1.1", "changed library vllm: version: 0.6.3 -> 0.6.4"} {
		if !strings.Contains(lines, want) {
			t.Errorf("diff lacks %q:\n%s", want, lines)
		}
	}
	cs, err := systems.comps.SystemComponents(ctx, org.ID, ss[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]string{}
	for _, c := range cs {
		roles[c.Name] = c.Role
	}
	if roles["nw-chat-8b-instruct"] != "base model (third party)" || roles["lumen-assist-lora"] != "bom" || roles["lumen-kb-search"] != "bom" {
		t.Errorf("roles = %v", roles)
	}
	var buf bytes.Buffer
	if err := systems.comps.ExportBOM(ctx, org.ID, ss[0].ID, "test", &buf, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := aibom.Parse(&buf, 1<<20); err != nil {
		t.Errorf("export does not validate: %v", err)
	}
}
