package framework_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/aimsproject/aims/internal/framework"
)

// sp80053Sized returns an OSCAL catalog the size of the full NIST SP 800-53 rev. 5 catalog (about 1,200
// controls and enhancements): the real LOW baseline's 18 families and 149 controls, copied times times
// with new ids and labels, and the size of the file.
func sp80053Sized(tb testing.TB, times int) []byte {
	tb.Helper()
	var doc map[string]any
	if err := json.Unmarshal(oscalFile(tb, "NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json"), &doc); err != nil {
		tb.Fatal(err)
	}
	cat := doc["catalog"].(map[string]any)
	orig := cat["groups"].([]any)
	var groups []any
	for k := 1; k <= times; k++ {
		var copied any
		b, _ := json.Marshal(orig)
		if err := json.Unmarshal(b, &copied); err != nil {
			tb.Fatal(err)
		}
		for _, g := range copied.([]any) {
			renumber(g.(map[string]any), fmt.Sprintf("-c%d", k))
			groups = append(groups, g)
		}
	}
	cat["groups"] = groups
	b, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// renumber gives a group or control and everything in it new ids and labels.
func renumber(node map[string]any, suffix string) {
	if id, ok := node["id"].(string); ok {
		node["id"] = id + suffix
	}
	if props, ok := node["props"].([]any); ok {
		for _, p := range props {
			if pm := p.(map[string]any); pm["name"] == "label" {
				pm["value"] = pm["value"].(string) + suffix
			}
		}
	}
	for _, list := range []string{"groups", "controls"} {
		if kids, ok := node[list].([]any); ok {
			for _, k := range kids {
				renumber(k.(map[string]any), suffix)
			}
		}
	}
}

// BenchmarkImportSP80053SizedCatalog imports a catalog of SP 800-53's size through the whole import path:
// schema validation, conversion, and one transaction that stores every requirement and the activity
// entry. Each iteration imports it under a new key.
func BenchmarkImportSP80053SizedCatalog(b *testing.B) {
	f := newFixture(b)
	data := sp80053Sized(b, 8)
	b.SetBytes(int64(len(data)))
	for i := 0; b.Loop(); i++ {
		fw, err := f.svc.Import(f.ctx, framework.ImportRequest{OrgID: f.org.ID, Key: fmt.Sprintf("sp800-53-%d", i), Data: data})
		if err != nil {
			b.Fatal(err)
		}
		if fw.Assessable != 8*149 {
			b.Fatalf("%d controls", fw.Assessable)
		}
	}
	b.ReportMetric(float64(len(data))/(1<<20), "MiB/file")
}

// TestAnSP80053SizedCatalogImportsWhole imports the benchmark's catalog once in every test run, so that a
// large import is known to work; how fast it is, BenchmarkImportSP80053SizedCatalog measures.
func TestAnSP80053SizedCatalogImportsWhole(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	f := newFixture(t)
	data := sp80053Sized(t, 8)
	fw, err := f.svc.Import(f.ctx, framework.ImportRequest{OrgID: f.org.ID, Key: "sp800-53", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if fw.Assessable != 8*149 || fw.Requirements != 8*167 {
		t.Fatalf("%d controls, %d requirements", fw.Assessable, fw.Requirements)
	}
}
