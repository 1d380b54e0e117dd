package component_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/aimsproject/aims/internal/component"
	"github.com/google/go-cmp/cmp"
)

// exportDoc is an exported BOM decoded into generic values, without what differs between two exports
// of the same components (the time, and the serial number made from it).
func exportDoc(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	delete(doc, "serialNumber")
	if m, ok := doc["metadata"].(map[string]any); ok {
		delete(m, "timestamp")
	}
	return doc
}

// sameExports checks that ExportBOM writes what the in-memory export wrote, and returns the document.
func sameExports(t *testing.T, f *bomFixture) map[string]any {
	t.Helper()
	var streamed, inMemory bytes.Buffer
	if err := f.svc.ExportBOM(f.ctx, f.org.ID, f.sys.ID, "test", &streamed, nil); err != nil {
		t.Fatalf("ExportBOM: %v", err)
	}
	if err := f.svc.ExportBOMInMemory(f.ctx, f.org.ID, f.sys.ID, "test", &inMemory); err != nil {
		t.Fatalf("ExportBOMInMemory: %v", err)
	}
	want, got := exportDoc(t, inMemory.Bytes()), exportDoc(t, streamed.Bytes())
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("the streamed export differs (-in memory +streamed):\n%s", d)
	}
	return got
}

func TestExportBOMStreamsWhatTheInMemoryExportWrote(t *testing.T) {
	t.Parallel()
	f := newBOMFixture(t)
	f.svc.WalkPage = 500 // pages of 500 components, so that the walks cross pages
	if doc := sameExports(t, f); doc["components"] != nil || doc["dependencies"] != nil {
		t.Errorf("the export of a system of no component = %v", doc)
	}
	f.importBytes(t, readBOM(t, "mlbom-model-foundationmodels-gpt-4o.bom.json"), "gpt-4o.json")
	f.importBytes(t, []byte(assistantBOM), "assistant.json")
	f.importBytes(t, readBOM(t, "valid-machine-learning-1.6.json"), "sd.json")
	// More components than a page (500 here), with dependencies, in a BOM of its own.
	f.importBytes(t, exportBOMData(1234), "generated.json")
	// Components entered by hand: a person (not exported), one changed after its import (aims's fields
	// win), and one of another kind under an imported bom-ref (only one of the two is exported).
	for _, cf := range []component.ComponentFields{
		{Kind: "compute", Name: "gpu-pool", Supplier: "Acme Cloud", Details: json.RawMessage(`{"hardware":"8x A100"}`)},
		{Kind: "human", Name: "Reviewer", Details: json.RawMessage(`{"role":"checks answers"}`)},
		{Kind: "tool", Name: "twin", BOMRef: "m-base"},
	} {
		c, err := f.svc.CreateComponent(f.ctx, f.org.ID, cf)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Link(f.ctx, f.org.ID, f.sys.ID, c.ID, "runs", ""); err != nil {
			t.Fatal(err)
		}
	}
	torch := componentsByName(t, f)["torch"]
	if _, err := f.svc.UpdateComponent(f.ctx, f.org.ID, torch.ID, component.ComponentFields{Kind: "tool", Name: "torch",
		ComponentVersion: "2.4.0", Licence: "BSD-3-Clause", Supplier: "PyTorch", BOMRef: torch.BOMRef}, 0); err != nil {
		t.Fatal(err)
	}
	doc := sameExports(t, f)
	comps, _ := doc["components"].([]any)
	svcs, _ := doc["services"].([]any)
	// 1 + 5 + 1 + 1234 imported and gpu-pool; the service, search-api, in services; "twin" is left out, as
	// the model of its bom-ref comes first.
	if len(comps)+len(svcs) != 1242 || len(svcs) != 1 {
		t.Errorf("exported %d components and %d services, want 1242 in all, one service", len(comps), len(svcs))
	}
	for _, c := range comps {
		if c.(map[string]any)["name"] == "twin" {
			t.Errorf("exported twin, whose bom-ref a model has: %v", c)
		}
	}
	deps, _ := doc["dependencies"].([]any)
	if len(deps) < 1234 {
		t.Errorf("exported %d dependencies", len(deps))
	}

	// Import the export and export again: the newest import now enriches every component.
	var again bytes.Buffer
	if err := f.svc.ExportBOM(f.ctx, f.org.ID, f.sys.ID, "test", &again, nil); err != nil {
		t.Fatal(err)
	}
	f.importBytes(t, again.Bytes(), "export.json")
	sameExports(t, f)
}
