package component_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
	"github.com/google/go-cmp/cmp"
)

const boms = "../../testdata/cyclonedx"

// assistantBOM is a small ML-BOM with a fine-tuned model, its base model, a dataset, a library and a
// hosted service.
const assistantBOM = `{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:0b6f2a3c-1111-4c4c-8888-123456789abc","version":3,
 "components":[
  {"bom-ref":"m-assist","type":"machine-learning-model","name":"assist-ft","version":"2.1","supplier":{"name":"Acme"},
   "licenses":[{"license":{"id":"Apache-2.0"}}],"hashes":[{"alg":"SHA-256","content":"` + strings64 + `"}],
   "externalReferences":[{"type":"model-card","url":"https://models.example/assist-ft"}],
   "modelCard":{"modelParameters":{"task":"text-generation","datasets":[{"ref":"d-tickets"}]},
    "quantitativeAnalysis":{"performanceMetrics":[{"type":"accuracy","value":"0.91","slice":"en"}]}}},
  {"bom-ref":"m-base","type":"machine-learning-model","name":"llama-3-8b","version":"3.0","supplier":{"name":"Meta"}},
  {"bom-ref":"d-tickets","type":"data","name":"support-tickets","version":"2024-06",
   "data":[{"type":"dataset","name":"support-tickets","contents":{"url":"s3://acme/tickets"},"description":"Exported from the help desk, pseudonymised.","sensitiveData":["names"]}]},
  {"bom-ref":"lib-torch","type":"library","name":"torch","version":"2.3.0","purl":"pkg:pypi/torch@2.3.0"}],
 "services":[{"bom-ref":"s-search","name":"search-api","provider":{"name":"Acme Cloud"},"endpoints":["https://search.example/v1"],
   "data":[{"flow":"outbound","classification":"internal","name":"queries"}]}],
 "dependencies":[{"ref":"m-assist","dependsOn":["m-base","d-tickets"]}]}`

const strings64 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

type bomFixture struct {
	db        *store.DB
	svc       *component.Service
	systems   *system.Service
	ctx       context.Context
	org       *account.Organization
	sys       *system.System
	trail     func(t testing.TB) int
	lastEntry func(t testing.TB) *activity.Entry
}

func newBOMFixture(t testing.TB) *bomFixture {
	t.Helper()
	db := storetest.Open(t)
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorUser, ID: "tester", Name: "Tess Ter"})
	f := &bomFixture{db: db, svc: component.NewService(db), systems: system.NewService(db), ctx: ctx}
	f.svc.Links, f.systems.Links = record.NewService(db), record.NewService(db)
	f.org = &account.Organization{Slug: "acme", Name: "Acme"}
	if err := db.CreateOrganization(ctx, f.org); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.sys, err = f.systems.Create(ctx, f.org.ID, system.Fields{Name: "Assistant", Purpose: "Answers customers."}); err != nil {
		t.Fatal(err)
	}
	f.lastEntry = func(t testing.TB) *activity.Entry {
		t.Helper()
		var last *activity.Entry
		if err := db.EachActivity(ctx, f.org.ID, func(e *activity.Entry) error { last = e; return nil }); err != nil || last == nil {
			t.Fatalf("no activity: %v", err)
		}
		return last
	}
	f.trail = func(t testing.TB) int {
		t.Helper()
		n := 0
		if err := db.EachActivity(ctx, f.org.ID, func(*activity.Entry) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	return f
}

func (f *bomFixture) importBytes(t *testing.T, data []byte, name string) *component.BOMImport {
	t.Helper()
	imp, err := f.svc.ImportBOM(f.ctx, f.org.ID, f.sys.ID, bytes.NewReader(data), name)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return imp
}

func readBOM(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(boms, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func componentsByName(t *testing.T, f *bomFixture) map[string]*component.SystemComponent {
	t.Helper()
	cs, err := f.svc.SystemComponents(f.ctx, f.org.ID, f.sys.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*component.SystemComponent{}
	for _, c := range cs {
		out[c.Name] = c
	}
	return out
}

func detailsOf(t *testing.T, c *component.SystemComponent) map[string]any {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal(c.Details, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestImportBOMOfTheRealMLBOMs(t *testing.T) {
	f := newBOMFixture(t)
	imp := f.importBytes(t, readBOM(t, "mlbom-model-foundationmodels-gpt-4o.bom.json"), "gpt-4o.bom.json")
	if imp.Seq != 1 || imp.SpecVersion != "1.6" || imp.SerialNumber != "urn:uuid:56315ffe-c0af-4474-9c11-c94d1af986a9" ||
		imp.Components != 1 || imp.Stats.Created != 1 || imp.Stats.Linked != 1 || len(imp.SHA256) != 64 {
		t.Errorf("import = %+v, stats %+v", imp, imp.Stats)
	}
	imp = f.importBytes(t, readBOM(t, "valid-machine-learning-1.6.json"), "sd.json")
	if imp.Seq != 2 {
		t.Errorf("second import seq = %d", imp.Seq)
	}
	cs := componentsByName(t, f)
	gpt := cs["gpt-4o"]
	if gpt == nil || gpt.Kind != "model" || gpt.Supplier != "OpenAI Inc" || gpt.Role != component.BOMRole || gpt.BOMRef != "aims-gen:model/gpt-4o" {
		t.Fatalf("gpt-4o = %+v", gpt)
	}
	sd := cs["stable-diffusion"]
	if sd == nil || sd.Kind != "model" || sd.ComponentVersion != "1.4" || sd.BOMRef != "component-a" || sd.Supplier != "Acme Inc" {
		t.Fatalf("stable-diffusion = %+v", sd)
	}
	d := detailsOf(t, sd)
	if d["training_data"] != "Training Data" || !strings.Contains(d["evaluation_summary"].(string), "The type of performance metric") {
		t.Errorf("stable-diffusion details = %v", d)
	}
	got, err := f.svc.BOM(f.ctx, f.org.ID, f.sys.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got.Filename != "sd.json" || got.Inventory.Components[0].Model.Approach != "supervised" {
		t.Errorf("version 2 = %+v", got)
	}
	list, err := f.svc.BOMs(f.ctx, f.org.ID, f.sys.ID)
	if err != nil || len(list) != 2 || list[0].Seq != 2 || list[0].Inventory != nil {
		t.Errorf("BOMs = %v, %v", list, err)
	}
}

func TestImportBOMFillsDetailsByKind(t *testing.T) {
	f := newBOMFixture(t)
	before := f.trail(t)
	imp := f.importBytes(t, []byte(assistantBOM), "assistant.json")
	if imp.Stats.Created != 5 || imp.Stats.Linked != 5 || imp.BOMVersion != 3 {
		t.Fatalf("stats = %+v", imp.Stats)
	}
	// One activity entry for the import, not one per component or link: it names the stored version and
	// says what the import did.
	if n := f.trail(t); n != before+1 {
		t.Errorf("the import added %d activity entries, want 1", n-before)
	}
	last := f.lastEntry(t)
	var summary struct {
		ID    string             `json:"id"`
		Seq   int64              `json:"seq"`
		Stats component.BOMStats `json:"stats"`
		Inv   *json.RawMessage   `json:"inventory"`
	}
	if err := json.Unmarshal(last.After, &summary); err != nil {
		t.Fatal(err)
	}
	if last.RecordType != "bom_import" || last.RecordID != imp.ID || last.Action != activity.ActionCreate ||
		summary.ID != imp.ID || summary.Seq != 1 || summary.Stats != *imp.Stats || summary.Inv != nil {
		t.Errorf("activity entry = %s %s %s %s", last.Action, last.RecordType, last.RecordID, last.After)
	}
	cs := componentsByName(t, f)
	want := map[string]struct {
		kind    string
		details map[string]any
	}{
		"assist-ft": {"model", map[string]any{"base_model": "llama-3-8b 3.0", "training_data": "support-tickets",
			"evaluation_summary": "accuracy 0.91 (en)", "model_card_url": "https://models.example/assist-ft"}},
		"llama-3-8b":      {"model", map[string]any{}},
		"support-tickets": {"dataset", map[string]any{"source": "s3://acme/tickets", "provenance": "Exported from the help desk, pseudonymised.", "personal_data": true}},
		"torch":           {"tool", map[string]any{}},
		"search-api":      {"service", map[string]any{"provider": "Acme Cloud", "endpoint": "https://search.example/v1", "data_shared": "queries internal (outbound)"}},
	}
	for name, w := range want {
		c := cs[name]
		if c == nil {
			t.Errorf("%s missing", name)
			continue
		}
		if c.Kind != w.kind {
			t.Errorf("%s kind = %s, want %s", name, c.Kind, w.kind)
		}
		if d := cmp.Diff(w.details, detailsOf(t, c)); d != "" {
			t.Errorf("%s details (-want +got):\n%s", name, d)
		}
	}
	if cs["assist-ft"].Licence != "Apache-2.0" || cs["search-api"].Supplier != "Acme Cloud" {
		t.Errorf("licence %q, supplier %q", cs["assist-ft"].Licence, cs["search-api"].Supplier)
	}

	// The same BOM again changes no component and links nothing more.
	again := f.importBytes(t, []byte(assistantBOM), "assistant.json")
	if again.Stats.Created != 0 || again.Stats.Updated != 0 || again.Stats.Unchanged != 5 || again.Stats.Linked != 0 {
		t.Errorf("re-import stats = %+v", again.Stats)
	}
	if n := f.trail(t); n != before+2 {
		t.Errorf("two imports added %d activity entries, want 2", n-before)
	}
	if _, err := f.db.VerifyActivity(f.ctx, f.org.ID); err != nil {
		t.Errorf("activity chain: %v", err)
	}
}

func TestImportBOMRefusesInvalidAndStoresNothing(t *testing.T) {
	f := newBOMFixture(t)
	before := f.trail(t)
	tests := []struct {
		name    string
		data    []byte
		pointer string
		message string
	}{
		{"trailing comma", readBOM(t, "mlbom-model-opensource-bert-base-cased.bom.json"), "", "line 9"},
		{"schema", []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"spaceship","name":"x"}]}`), "/components/0/type", ""},
		{"spec version", []byte(`{"bomFormat":"CycloneDX","specVersion":"1.2"}`), "/specVersion", "unsupported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.ImportBOM(f.ctx, f.org.ID, f.sys.ID, bytes.NewReader(tt.data), "x.json")
			var ie *component.BOMInvalidError
			if !errors.As(err, &ie) || aims.ErrorCode(err) != aims.EINVALID {
				t.Fatalf("err = %v, want *BOMInvalidError", err)
			}
			found := false
			for _, is := range ie.Issues {
				found = found || (is.Pointer == tt.pointer && strings.Contains(is.Message, tt.message))
			}
			if !found {
				t.Errorf("issues = %+v, want %q with %q", ie.Issues, tt.pointer, tt.message)
			}
		})
	}
	f.svc.BOMMaxBytes = 100
	_, err := f.svc.ImportBOM(f.ctx, f.org.ID, f.sys.ID, strings.NewReader(assistantBOM), "big.json")
	f.svc.BOMMaxBytes = 0
	if aims.ErrorCode(err) != aims.ETOOLARGE {
		t.Errorf("over the limit: %v", err)
	}
	if n := f.trail(t); n != before {
		t.Errorf("activity grew from %d to %d", before, n)
	}
	if list, _ := f.svc.BOMs(f.ctx, f.org.ID, f.sys.ID); len(list) != 0 {
		t.Errorf("imports stored: %d", len(list))
	}
	if cs := componentsByName(t, f); len(cs) != 0 {
		t.Errorf("components stored: %v", cs)
	}
}

func TestBOMOfAnotherOrganizationIsNotFound(t *testing.T) {
	f := newBOMFixture(t)
	f.importBytes(t, []byte(assistantBOM), "a.json")
	o := &account.Organization{Slug: "other", Name: "Other"}
	if err := f.db.CreateOrganization(f.ctx, o); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ImportBOM(f.ctx, o.ID, f.sys.ID, strings.NewReader(assistantBOM), "a.json"); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("import into another org's system: %v", err)
	}
	if _, err := f.svc.BOMs(f.ctx, o.ID, f.sys.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("list: %v", err)
	}
	if _, err := f.svc.BOM(f.ctx, o.ID, f.sys.ID, 1); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("get: %v", err)
	}
	if err := f.svc.ExportBOM(f.ctx, o.ID, f.sys.ID, "test", &bytes.Buffer{}, nil); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("export: %v", err)
	}
}

func TestExportBOMValidatesAndRoundTrips(t *testing.T) {
	f := newBOMFixture(t)
	f.importBytes(t, []byte(assistantBOM), "assistant.json")
	f.importBytes(t, readBOM(t, "valid-machine-learning-1.6.json"), "sd.json")
	// A component entered by hand is exported too, and a person is not.
	for _, cf := range []component.ComponentFields{
		{Kind: "compute", Name: "gpu-pool", Supplier: "Acme Cloud", Details: json.RawMessage(`{"hardware":"8x A100"}`)},
		{Kind: "human", Name: "Reviewer", Details: json.RawMessage(`{"role":"checks answers"}`)},
	} {
		c, err := f.svc.CreateComponent(f.ctx, f.org.ID, cf)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Link(f.ctx, f.org.ID, f.sys.ID, c.ID, "runs", ""); err != nil {
			t.Fatal(err)
		}
	}
	export := func() []byte {
		t.Helper()
		var buf bytes.Buffer
		if err := f.svc.ExportBOM(f.ctx, f.org.ID, f.sys.ID, "test", &buf, nil); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	first := export()
	inv, err := aibom.Parse(bytes.NewReader(first), 1<<20)
	if err != nil {
		t.Fatalf("export does not validate: %v", err)
	}
	if inv.Metadata.SpecVersion != "1.6" || inv.Metadata.Subject == nil || inv.Metadata.Subject.Name != "Assistant" {
		t.Errorf("metadata = %+v", inv.Metadata)
	}
	byName := map[string]aibom.Component{}
	for _, c := range inv.Components {
		byName[c.Name] = c
	}
	if len(inv.Components) != 7 {
		t.Errorf("exported %d components, want 7 (not the person)", len(inv.Components))
	}
	ft := byName["assist-ft"]
	if len(ft.Hashes) != 1 || ft.Hashes[0].Content != strings64 || ft.Model == nil || len(ft.Model.Metrics) != 1 {
		t.Errorf("assist-ft lost what aims does not model: %+v", ft)
	}
	if byName["torch"].PURL != "pkg:pypi/torch@2.3.0" || byName["stable-diffusion"].Group != "CompVis" {
		t.Errorf("torch purl %q, sd group %q", byName["torch"].PURL, byName["stable-diffusion"].Group)
	}
	if d := cmp.Diff([]aibom.Dependency{{Ref: "m-assist", DependsOn: []string{"m-base", "d-tickets"}}}, inv.Dependencies[:1]); d != "" {
		t.Errorf("dependencies (-want +got):\n%s", d)
	}
	gpu := byName["gpu-pool"]
	if gpu.CycloneDXType != "platform" || gpu.Supplier != "Acme Cloud" {
		t.Errorf("gpu-pool = %+v", gpu)
	}

	// import(export(x)), then export again: the same components.
	f.importBytes(t, first, "export.json")
	second := export()
	inv2, err := aibom.Parse(bytes.NewReader(second), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(inv.Components, inv2.Components); d != "" {
		t.Errorf("round trip changed components (-first +second):\n%s", d)
	}
	if d := cmp.Diff(inv.Dependencies, inv2.Dependencies); d != "" {
		t.Errorf("round trip changed dependencies (-first +second):\n%s", d)
	}
	if inv2.Metadata.Version != 4 {
		t.Errorf("second export version = %d, want 4 (after three imports)", inv2.Metadata.Version)
	}
}

func TestDiffBOM(t *testing.T) {
	f := newBOMFixture(t)
	f.importBytes(t, []byte(assistantBOM), "v1.json")
	v2 := strings.Replace(assistantBOM, `"name":"torch","version":"2.3.0"`, `"name":"torch","version":"2.4.1"`, 1)
	v2 = strings.Replace(v2, `{"bom-ref":"m-base","type":"machine-learning-model","name":"llama-3-8b","version":"3.0","supplier":{"name":"Meta"}},`, "", 1)
	v2 = strings.Replace(v2, `"dependsOn":["m-base","d-tickets"]`, `"dependsOn":["d-tickets"]`, 1)
	if v2 == assistantBOM {
		t.Fatal("edits did not apply")
	}
	f.importBytes(t, []byte(v2), "v2.json")
	d, err := f.svc.DiffBOM(f.ctx, f.org.ID, f.sys.ID, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Changes.Removed) != 1 || d.Changes.Removed[0].Name != "llama-3-8b" || len(d.Changes.Changed) != 1 ||
		d.Changes.Changed[0].Name != "torch" || len(d.Changes.DepsRemoved) != 1 {
		t.Errorf("changes = %+v", d.Changes)
	}
	if d.From.Seq != 1 || d.To.Seq != 2 || d.From.Inventory != nil || len(d.Lines) == 0 {
		t.Errorf("diff = %+v", d)
	}
	if _, err := f.svc.DiffBOM(f.ctx, f.org.ID, f.sys.ID, 1, 3); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("diff to a missing version: %v", err)
	}
	if _, err := f.svc.DiffBOM(f.ctx, f.org.ID, f.sys.ID, 0, 2); aims.ErrorField(err) != "from" {
		t.Errorf("diff from 0: %v", err)
	}
}

// BenchmarkImportBOM imports a generated BOM of 2,000 components (1 in 10 a model trained on the
// previous data set) into a fresh system, all in one transaction with one activity entry. See
// BenchmarkImportBOM20MB for a large BOM.
func BenchmarkImportBOM(b *testing.B) {
	var doc strings.Builder
	doc.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[`)
	for i := range 2000 {
		if i > 0 {
			doc.WriteByte(',')
		}
		if i%10 == 0 {
			fmt.Fprintf(&doc, `{"bom-ref":"m%d","type":"machine-learning-model","name":"model-%d","version":"1","modelCard":{"modelParameters":{"datasets":[{"ref":"d%d"}]},"quantitativeAnalysis":{"performanceMetrics":[{"type":"accuracy","value":"0.9"}]}}}`, i, i, i-1)
		} else {
			fmt.Fprintf(&doc, `{"bom-ref":"d%d","type":"data","name":"data-%d","version":"1","data":[{"type":"dataset","contents":{"url":"s3://bucket/%d"}}]}`, i, i, i)
		}
	}
	doc.WriteString(`]}`)
	data := []byte(doc.String())
	f := newBOMFixture(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s, err := f.systems.Create(f.ctx, f.org.ID, system.Fields{Name: "System " + aims.NewID(), Purpose: "Benchmark."})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := f.svc.ImportBOM(f.ctx, f.org.ID, s.ID, bytes.NewReader(data), "bench.json"); err != nil {
			b.Fatal(err)
		}
	}
}

// manyBOM is a BOM of n libraries lib-0 ... lib-<n-1> (bom-refs c0 ...) of version version, each
// supplied by supplier(i), more than one batch of the store's multi-row statements.
func manyBOM(n int, version string, supplier func(i int) string) []byte {
	var b strings.Builder
	b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"bom-ref":"c%d","type":"library","name":"lib-%d","version":"%s","supplier":{"name":%q}}`, i, i, version, supplier(i))
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

func systemsOfSupplier(t *testing.T, f *bomFixture, supplier string) int {
	t.Helper()
	list, _, err := f.systems.List(f.ctx, f.org.ID, system.Filter{Supplier: supplier}, aims.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func TestImportBOMUpdatesInBulk(t *testing.T) {
	const n = 1234 // three batches
	f := newBOMFixture(t)
	first := f.importBytes(t, manyBOM(n, "1.0", func(int) string { return "Acme" }), "v1.json")
	if *first.Stats != (component.BOMStats{Created: n, Linked: n}) {
		t.Fatalf("first import stats = %+v", first.Stats)
	}
	if systemsOfSupplier(t, f, "acme") != 1 {
		t.Errorf("the links do not carry the supplier of their components")
	}
	// Version 2 of every library, matched by bom-ref; the last one changes supplier.
	second := f.importBytes(t, manyBOM(n, "2.0", func(i int) string {
		if i == n-1 {
			return "Globex"
		}
		return "Acme"
	}), "v2.json")
	if *second.Stats != (component.BOMStats{Updated: n}) {
		t.Fatalf("second import stats = %+v", second.Stats)
	}
	cs := componentsByName(t, f)
	if len(cs) != n {
		t.Fatalf("%d components linked, want %d", len(cs), n)
	}
	for _, name := range []string{"lib-0", "lib-500", fmt.Sprintf("lib-%d", n-1)} {
		if c := cs[name]; c.ComponentVersion != "2.0" || c.Version != 2 {
			t.Errorf("%s = version %q, record version %d", name, c.ComponentVersion, c.Version)
		}
	}
	if c := cs[fmt.Sprintf("lib-%d", n-1)]; c.Supplier != "Globex" {
		t.Errorf("supplier = %q, want Globex", c.Supplier)
	}
	// The trigger kept the links' copy of the supplier in step.
	if systemsOfSupplier(t, f, "GLOBEX") != 1 || systemsOfSupplier(t, f, "acme") != 1 {
		t.Errorf("supplier filter: globex %d, acme %d systems", systemsOfSupplier(t, f, "globex"), systemsOfSupplier(t, f, "acme"))
	}
	// The same again: nothing to write but the version.
	third := f.importBytes(t, manyBOM(n, "2.0", func(i int) string {
		if i == n-1 {
			return "Globex"
		}
		return "Acme"
	}), "v3.json")
	if *third.Stats != (component.BOMStats{Unchanged: n}) {
		t.Errorf("third import stats = %+v", third.Stats)
	}
	// A BOM of fewer components than the organization holds is matched by its names, not by reading them all.
	few := f.importBytes(t, manyBOM(2, "2.0", func(int) string { return "Acme" }), "v4.json")
	if *few.Stats != (component.BOMStats{Unchanged: 2}) {
		t.Errorf("import of 2 of %d components: stats = %+v", n, few.Stats)
	}
}

// TestImportBOMIsAllOrNothing makes the database refuse the link of the last component of a BOM of
// several batches, after the components and the first batches of links were written: nothing of the
// import may stay.
func TestImportBOMIsAllOrNothing(t *testing.T) {
	const n = 1100
	f := newBOMFixture(t)
	f.importBytes(t, []byte(assistantBOM), "assistant.json")
	before := f.trail(t)
	beforeComps := componentsByName(t, f)
	poison := fmt.Sprintf("lib-%d", n-1)
	write, _ := f.db.Pools()
	// On SQLite the trigger breaks a real primary key, since the store reads the driver's code (a RAISE
	// would be SQLITE_CONSTRAINT_TRIGGER, whatever its message says).
	ddl := []string{`CREATE TABLE poison_keys (k INTEGER PRIMARY KEY)`, `INSERT INTO poison_keys VALUES (1)`,
		`CREATE TRIGGER poison BEFORE INSERT ON system_components
		WHEN (SELECT name FROM components WHERE id = NEW.component_id) = '` + poison + `'
		BEGIN INSERT INTO poison_keys VALUES (1); END`}
	if storetest.Postgres() {
		ddl = []string{`CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF (SELECT name FROM components WHERE id = NEW.component_id) = '` + poison + `' THEN
					RAISE unique_violation USING MESSAGE = 'injected';
				END IF;
				RETURN NEW;
			END $$`,
			`CREATE TRIGGER poison BEFORE INSERT ON system_components FOR EACH ROW EXECUTE FUNCTION poison()`}
	}
	for _, q := range ddl {
		if _, err := write.ExecContext(f.ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	// Every component is new except torch, which the BOM updates.
	data := manyBOM(n, "1.0", func(int) string { return "Acme" })
	data = bytes.Replace(data, []byte(`{"bom-ref":"c0","type":"library","name":"lib-0"`),
		[]byte(`{"bom-ref":"lib-torch","type":"library","name":"torch","version":"2.3.0","supplier":{"name":"Initech"}},{"bom-ref":"c0","type":"library","name":"lib-0"`), 1)
	_, err := f.svc.ImportBOM(f.ctx, f.org.ID, f.sys.ID, bytes.NewReader(data), "poison.json")
	if aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("err = %v, want ECONFLICT", err)
	}
	if n := f.trail(t); n != before {
		t.Errorf("activity grew from %d to %d entries", before, n)
	}
	if list, _ := f.svc.BOMs(f.ctx, f.org.ID, f.sys.ID); len(list) != 1 {
		t.Errorf("%d BOM versions, want 1", len(list))
	}
	if d := cmp.Diff(beforeComps, componentsByName(t, f)); d != "" {
		t.Errorf("linked components changed (-before +after):\n%s", d)
	}
	if _, err := f.svc.ComponentByKey(f.ctx, f.org.ID, "tool", "lib-0", "1.0"); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("lib-0 stored: %v", err)
	}
}
