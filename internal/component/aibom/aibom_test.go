package aibom

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/component/aibom/aibomtest"
)

const testdata = "../../../testdata/cyclonedx"

const limit = 32 << 20

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustParse(t testing.TB, data []byte) *Inventory {
	t.Helper()
	inv, err := Parse(bytes.NewReader(data), limit)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return inv
}

// bertJSON is the bert-base-cased BOM with the trailing comma (which makes
// the shared file invalid JSON) removed. It is still invalid CycloneDX 1.6:
// its license has both "id" and "name", which the schema's oneOf forbids.
func bertJSON(t testing.TB) []byte {
	b := readFile(t, "mlbom-model-opensource-bert-base-cased.bom.json")
	fixed := bytes.Replace(b, []byte(`"2024-11-24T13:10:49Z",`), []byte(`"2024-11-24T13:10:49Z"`), 1)
	if bytes.Equal(b, fixed) {
		t.Fatal("bert fixture changed; update bertJSON")
	}
	return fixed
}

// bertFixed is bertJSON with the license name dropped, which makes it a
// valid CycloneDX 1.6 BOM.
func bertFixed(t testing.TB) []byte {
	b := bertJSON(t)
	fixed := bytes.Replace(b, []byte(`"name": "Apache License 2.0",`), nil, 1)
	if bytes.Equal(b, fixed) {
		t.Fatal("bert fixture changed; update bertFixed")
	}
	return fixed
}

func TestParseGPT4o(t *testing.T) {
	inv := mustParse(t, readFile(t, "mlbom-model-foundationmodels-gpt-4o.bom.json"))
	if inv.Metadata.SpecVersion != "1.6" || inv.Metadata.Manufacturer != "Noma Security Inc." ||
		inv.Metadata.SerialNumber != "urn:uuid:56315ffe-c0af-4474-9c11-c94d1af986a9" {
		t.Errorf("metadata = %+v", inv.Metadata)
	}
	if len(inv.Components) != 1 {
		t.Fatalf("components = %d, want 1", len(inv.Components))
	}
	c := inv.Components[0]
	want := Component{
		BOMRef:       "aims-gen:model/gpt-4o",
		Type:         TypeModel,
		Name:         "gpt-4o",
		Supplier:     "OpenAI Inc",
		Manufacturer: "OpenAI Inc",
		Publisher:    "OpenAI Inc",
		Model: &ModelInfo{
			Architecture: "GPT-4",
			Inputs:       []string{"string", "image"},
			Outputs:      []string{"string", "image"},
		},
	}
	if d := cmp.Diff(want, c); d != "" {
		t.Errorf("component (-want +got):\n%s", d)
	}
}

func TestParseBERT(t *testing.T) {
	// The shared file has a trailing comma: it must be refused as not JSON,
	// with the line of the error.
	_, err := Parse(bytes.NewReader(readFile(t, "mlbom-model-opensource-bert-base-cased.bom.json")), limit)
	var ie *InvalidError
	if !errors.As(err, &ie) || !strings.Contains(ie.Issues[0].Message, "line 9") {
		t.Fatalf("Parse(bert as shared) = %v, want not-JSON error at line 9", err)
	}
	_, err = Parse(bytes.NewReader(bertJSON(t)), limit)
	if !errors.As(err, &ie) || ie.Issues[0].Pointer != "/components/0/licenses/0/license" {
		t.Fatalf("Parse(bert with id and name) = %v, want issue at /components/0/licenses/0/license", err)
	}

	inv := mustParse(t, bertFixed(t))
	c := inv.Components[0]
	if c.Name != "bert-base-cased" || c.Version != "cd5ef92a9fb2f889e972770a36d4ed042daf221e" ||
		c.Supplier != "google-bert" || c.Publisher != "Hugging Face Inc" || c.Type != TypeModel {
		t.Errorf("component = %+v", c)
	}
	if d := cmp.Diff([]string{"Apache-2.0"}, c.Licenses); d != "" {
		t.Errorf("licenses: %s", d)
	}
	if d := cmp.Diff([]Hash{{Alg: "SHA-1", Content: "cd5ef92a9fb2f889e972770a36d4ed042daf221e"}}, c.Hashes); d != "" {
		t.Errorf("hashes: %s", d)
	}
	if d := cmp.Diff([]ExternalRef{{Type: "website", URL: "https://huggingface.co/google-bert/bert-base-cased"}}, c.ExternalRefs); d != "" {
		t.Errorf("external refs: %s", d)
	}
	wantDS := []ModelDataset{
		{Name: "legacy-datasets/wikipedia", URL: "https://huggingface.co/datasets/legacy-datasets/wikipedia",
			Description: "Wikipedia dataset containing cleaned articles of all languages."},
		{Name: "bookcorpus/bookcorpus", URL: "https://huggingface.co/datasets/bookcorpus/bookcorpus",
			Description: "A corpus of fine-grained information and high-level semantics text"},
	}
	if d := cmp.Diff(wantDS, c.Model.Datasets); d != "" {
		t.Errorf("datasets (-want +got):\n%s", d)
	}
	if len(c.Tags) != 12 || c.Tags[0] != "transformers" || c.Tags[6] != "fill-mask" {
		t.Errorf("tags = %v", c.Tags)
	}
	if d := cmp.Diff([]Property{{Name: "region", Value: "us"}}, c.Properties); d != "" {
		t.Errorf("properties: %s", d)
	}
}

func TestParseStableDiffusion(t *testing.T) {
	inv := mustParse(t, readFile(t, "valid-machine-learning-1.6.json"))
	c := inv.Components[0]
	if c.BOMRef != "component-a" || c.Group != "CompVis" || c.Name != "stable-diffusion" || c.Version != "1.4" {
		t.Errorf("component = %s %s/%s %s", c.BOMRef, c.Group, c.Name, c.Version)
	}
	m := c.Model
	if m.Approach != "supervised" || m.Task != "task goes here" ||
		m.ArchitectureFamily != "the architecture family goes here" || m.Architecture != "The architecture of the model." {
		t.Errorf("model = %+v", m)
	}
	if d := cmp.Diff([]ModelDataset{{Name: "Training Data", URL: "https://example.com/path/to/dataset", Classification: "public"}}, m.Datasets); d != "" {
		t.Errorf("datasets: %s", d)
	}
	if len(m.Metrics) != 1 || m.Metrics[0].Type != "The type of performance metric" ||
		m.Metrics[0].LowerBound != "The lower bound of the confidence interval" {
		t.Errorf("metrics = %+v", m.Metrics)
	}
	cons := m.Considerations
	if len(cons.UseCases) != 2 || cons.UseCases[1] != "Text-to-image generation for creative applications" {
		t.Errorf("use cases = %q", cons.UseCases)
	}
	if len(cons.TechnicalLimitations) != 2 || cons.TechnicalLimitations[1] != "Limited performance on non-photographic styles" {
		t.Errorf("limitations = %q", cons.TechnicalLimitations)
	}
	if d := cmp.Diff([]EthicalRisk{{Name: "The name of the risk", Mitigation: "Strategy used to address this risk"}}, cons.EthicalConsiderations); d != "" {
		t.Errorf("ethical: %s", d)
	}
	if len(cons.FairnessAssessments) != 1 || !strings.HasPrefix(cons.FairnessAssessments[0].Harms, "Expected harms") {
		t.Errorf("fairness = %+v", cons.FairnessAssessments)
	}
}

// richInventory exercises every part of the neutral model.
func richInventory() *Inventory {
	yes, no := true, false
	return &Inventory{
		Components: []Component{
			{
				BOMRef: "model-1", Type: TypeModel, Name: "credit-scorer", Version: "2.1.0", Group: "acme",
				Supplier: "Acme", Licenses: []string{"Apache-2.0", "Acme Proprietary"}, PURL: "pkg:huggingface/acme/credit-scorer@2.1.0",
				Hashes:       []Hash{{Alg: "SHA-256", Content: strings.Repeat("ab", 32)}},
				ExternalRefs: []ExternalRef{{Type: "model-card", URL: "https://example.com/card", Comment: "card"}},
				Model: &ModelInfo{
					Approach: "supervised", Task: "tabular-classification", ArchitectureFamily: "gradient boosting", Architecture: "xgboost",
					Datasets: []ModelDataset{{Ref: "data-1"}, {Name: "holdout", URL: "https://example.com/holdout", Classification: "internal"}},
					Inputs:   []string{"table"}, Outputs: []string{"score"},
					Metrics: []Metric{{Type: "auc", Value: "0.91", Slice: "all", LowerBound: "0.89", UpperBound: "0.93"}, {Type: "f1", Value: "0.8"}},
					Considerations: Considerations{
						Users: []string{"loan officers"}, UseCases: []string{"pre-screening"},
						TechnicalLimitations:  []string{"not calibrated for SMEs"},
						PerformanceTradeoffs:  []string{"recall over precision"},
						EthicalConsiderations: []EthicalRisk{{Name: "proxy discrimination", Mitigation: "feature review"}},
						FairnessAssessments:   []FairnessAssessment{{GroupAtRisk: "young applicants", Benefits: "b", Harms: "h", Mitigation: "m"}},
					},
				},
			},
			{
				BOMRef: "data-1", Type: TypeDataset, Name: "loans-2024", Version: "2024-06",
				Dataset: &DatasetInfo{Kind: "dataset", Name: "loans", Classification: "confidential", URL: "s3://bucket/loans",
					SensitiveData: []string{"income"}, Owners: []string{"Risk dept"}, Custodians: []string{"Data platform"},
					Stewards: []string{"Jane"}, Provenance: "core banking export"},
			},
			{BOMRef: "lib-1", Type: TypeLibrary, Name: "xgboost", Version: "2.0.3", Licenses: []string{"Apache-2.0 OR MIT"}},
			{BOMRef: "fw-1", Type: TypeLibrary, CycloneDXType: "framework", Name: "pytorch", Version: "2.3"},
			{BOMRef: "tool-1", Type: TypeTool, Name: "mlflow", Version: "2.14"},
			{BOMRef: "other-1", Type: TypeOther, CycloneDXType: "container", Name: "serving-image", Version: "sha"},
			{
				BOMRef: "svc-1", Type: TypeService, Name: "openai-api", Version: "v1", Description: "LLM explanations",
				Service: &ServiceInfo{Provider: "OpenAI", Endpoints: []string{"https://api.openai.com/v1"}, Authenticated: &yes, TrustBoundary: &no,
					TrustZone: "external",
					DataFlows: []DataFlow{{Flow: "outbound", Classification: "PII", Name: "prompts", Source: []string{"https://app"}, Destination: []string{"https://api.openai.com"}}}},
			},
		},
		Dependencies: []Dependency{
			{Ref: "model-1", DependsOn: []string{"data-1", "lib-1"}},
			{Ref: "tool-1", DependsOn: []string{"model-1", "svc-1"}},
		},
	}
}

var testMeta = ExportMeta{
	SystemRef: "sys-42", Name: "Credit scoring", Version: "3", Description: "Scores loan applications",
	Supplier: "Acme Bank", Timestamp: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC), BOMVersion: 7, ToolVersion: "0.1.0",
}

func TestWriteRoundTrip(t *testing.T) {
	inv := richInventory()
	var buf bytes.Buffer
	if err := Write(&buf, inv, testMeta); err != nil {
		t.Fatal(err)
	}
	// Write validates before writing; validate again explicitly so a
	// regression there can't hide a schema failure.
	schemas, err := compiled()
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(schemas, buf.Bytes()); err != nil {
		t.Fatalf("export does not validate: %v", err)
	}
	var raw map[string]any
	if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if raw["specVersion"] != "1.6" || raw["serialNumber"] != testMeta.SerialNumber() {
		t.Errorf("specVersion/serial = %v %v", raw["specVersion"], raw["serialNumber"])
	}
	got := mustParse(t, buf.Bytes())
	if d := cmp.Diff(inv.Components, got.Components); d != "" {
		t.Errorf("components round trip (-want +got):\n%s", d)
	}
	if d := cmp.Diff(inv.Dependencies, got.Dependencies); d != "" {
		t.Errorf("dependencies round trip (-want +got):\n%s", d)
	}
	wantMeta := Metadata{
		SpecVersion: "1.6", SerialNumber: testMeta.SerialNumber(), Version: 7, Timestamp: "2025-03-01T12:00:00Z",
		Subject: &Component{BOMRef: "sys-42", Type: TypeTool, Name: "Credit scoring", Version: "3",
			Description: "Scores loan applications", Supplier: "Acme Bank"},
	}
	if d := cmp.Diff(wantMeta, got.Metadata); d != "" {
		t.Errorf("metadata (-want +got):\n%s", d)
	}
	// Deterministic: writing the re-parsed inventory gives the same bytes.
	var again bytes.Buffer
	if err := Write(&again, got, testMeta); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("second export differs from the first")
	}
}

func TestRoundTripFixtures(t *testing.T) {
	for name, data := range map[string][]byte{
		"gpt-4o":           readFile(t, "mlbom-model-foundationmodels-gpt-4o.bom.json"),
		"bert":             bertFixed(t),
		"stable-diffusion": readFile(t, "valid-machine-learning-1.6.json"),
	} {
		t.Run(name, func(t *testing.T) {
			inv := mustParse(t, data)
			var buf bytes.Buffer
			if err := Write(&buf, inv, ExportMeta{Name: "sys"}); err != nil {
				t.Fatal(err)
			}
			got := mustParse(t, buf.Bytes())
			if d := cmp.Diff(inv.Components, got.Components); d != "" {
				t.Errorf("round trip (-want +got):\n%s", d)
			}
		})
	}
}

func TestSerialNumberDeterministic(t *testing.T) {
	a, b := testMeta.SerialNumber(), testMeta.SerialNumber()
	m2 := testMeta
	m2.BOMVersion++
	if a != b || a == m2.SerialNumber() {
		t.Errorf("serials %s %s %s", a, b, m2.SerialNumber())
	}
}

func TestWriteRefusesInvalid(t *testing.T) {
	inv := &Inventory{Components: []Component{{BOMRef: "x", Type: TypeLibrary, Name: "x", Hashes: []Hash{{Alg: "SHA-256", Content: "nothex"}}}}}
	err := Write(&bytes.Buffer{}, inv, ExportMeta{Name: "s"})
	var ie *InvalidError
	if !errors.As(err, &ie) || ie.Issues[0].Pointer != "/components/0/hashes/0/content" {
		t.Fatalf("Write = %v, want InvalidError at /components/0/hashes/0/content", err)
	}
	err = Write(&bytes.Buffer{}, &Inventory{Components: []Component{{BOMRef: "x", Type: "gadget", Name: "x"}}}, ExportMeta{Name: "s"})
	if err == nil || !strings.Contains(err.Error(), `unknown type "gadget"`) {
		t.Fatalf("Write unknown type = %v", err)
	}
}

func TestParseInvalid(t *testing.T) {
	base := readFile(t, "valid-machine-learning-1.6.json")
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		t.Fatal(err)
	}
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		_ = json.Unmarshal(base, &m)
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	tests := []struct {
		name    string
		data    []byte
		pointer string
		message string
	}{
		{"not JSON", []byte(`{"bomFormat": "CycloneDX",`), "", "not JSON"},
		{"array", []byte(`[1,2]`), "", "must be a JSON object"},
		{"trailing data", []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6"} x`), "", "after top-level value"},
		{"two documents", []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6"}{}`), "", "after top-level value"},
		{"broken component", []byte("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\n\"components\":[{\"type\":\"library\",\"name\":x}]}"), "", "line 2, column 41"},
		{"duplicate components", []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a"},{"name":"a","type":"library"}]}`), "/components", "items at 0 and 1 are equal"},
		{"unknown specVersion", edit(func(m map[string]any) { m["specVersion"] = "1.2" }), "/specVersion", "unsupported specVersion"},
		{"missing bomFormat", edit(func(m map[string]any) { delete(m, "bomFormat") }), "", "bomFormat"},
		{"missing specVersion", edit(func(m map[string]any) { delete(m, "specVersion") }), "", "specVersion"},
		{"wrong component type", edit(func(m map[string]any) {
			m["components"].([]any)[0].(map[string]any)["type"] = "spaceship"
		}), "/components/0/type", ""},
		{"version not a number", edit(func(m map[string]any) { m["version"] = "one" }), "/version", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := Parse(bytes.NewReader(tt.data), limit)
			var ie *InvalidError
			if !errors.As(err, &ie) {
				t.Fatalf("Parse = %v, %v; want *InvalidError", inv, err)
			}
			if inv != nil {
				t.Error("inventory returned with error")
			}
			found := false
			for _, is := range ie.Issues {
				if is.Pointer == tt.pointer && strings.Contains(is.Message, tt.message) {
					found = true
				}
			}
			if !found {
				t.Errorf("issues = %+v, want pointer %q with %q", ie.Issues, tt.pointer, tt.message)
			}
		})
	}
}

func TestParseSpecVersion15(t *testing.T) {
	data := bytes.Replace(readFile(t, "mlbom-model-foundationmodels-gpt-4o.bom.json"), []byte(`"specVersion": "1.6"`), []byte(`"specVersion": "1.5"`), 1)
	inv := mustParse(t, data)
	if inv.Metadata.SpecVersion != "1.5" || inv.Components[0].Name != "gpt-4o" {
		t.Errorf("got %+v", inv.Metadata)
	}
}

func TestParseTooLarge(t *testing.T) {
	data := readFile(t, "valid-machine-learning-1.6.json")
	_, err := Parse(bytes.NewReader(data), 1000)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Limit != 1000 || !strings.Contains(err.Error(), "1000 bytes") {
		t.Fatalf("Parse over limit = %v", err)
	}
	if _, err := Parse(bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatalf("Parse at exactly the limit = %v", err)
	}
}

func TestParseNestedAndGeneratedRefs(t *testing.T) {
	data := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
	 "components":[{"type":"application","name":"app","bom-ref":"app",
	   "components":[{"type":"library","name":"dup"},{"type":"library","name":"dup","version":"2"},
	                 {"type":"machine-learning-model","name":"m","bom-ref":"m"}]}],
	 "services":[{"name":"api","services":[{"name":"inner","bom-ref":"inner"}]}],
	 "dependencies":[{"ref":"app","dependsOn":["m","inner"]}]}`)
	inv := mustParse(t, data)
	if len(inv.Dependencies) != 1 || inv.Dependencies[0].Ref != "app" {
		t.Errorf("dependencies = %+v", inv.Dependencies)
	}
	var refs []string
	for _, c := range inv.Components {
		refs = append(refs, c.Type+"="+c.BOMRef)
	}
	want := []string{"tool=app", "library=aims-gen:library/dup", "library=aims-gen:library/dup#2", "model=m",
		"service=aims-gen:service/api", "service=inner"}
	if d := cmp.Diff(want, refs); d != "" {
		t.Errorf("refs (-want +got):\n%s", d)
	}
	again := mustParse(t, data)
	if d := cmp.Diff(inv, again); d != "" {
		t.Errorf("generated refs not stable: %s", d)
	}
}

func TestDiff(t *testing.T) {
	old := richInventory()
	nw := richInventory()
	nw.Components[0].Version = "2.2.0"
	nw.Components[0].Licenses = []string{"MIT"}
	nw.Components[0].Model.Metrics[0].Value = "0.93"
	nw.Components[0].Model.Metrics = append(nw.Components[0].Model.Metrics, Metric{Type: "accuracy", Value: "0.88"})
	nw.Components[1].BOMRef = "data-renamed" // matched by type+name
	nw.Components[1].Dataset.Classification = "restricted"
	nw.Components = append(nw.Components[:2], nw.Components[3:]...) // remove xgboost
	nw.Components = append(nw.Components, Component{BOMRef: "lib-2", Type: TypeLibrary, Name: "lightgbm", Version: "4.0"})
	nw.Dependencies = []Dependency{
		{Ref: "model-1", DependsOn: []string{"data-renamed", "lib-2"}},
		{Ref: "tool-1", DependsOn: []string{"model-1", "svc-1"}},
	}
	ch := Diff(old, nw)
	want := []string{
		"added library lightgbm 4.0",
		"removed library xgboost 2.0.3",
		"changed dataset loans-2024: bom-ref: data-1 -> data-renamed",
		"changed dataset loans-2024: data classification: confidential -> restricted",
		"changed model credit-scorer: version: 2.1.0 -> 2.2.0",
		"changed model credit-scorer: licenses: Acme Proprietary, Apache-2.0 -> MIT",
		"changed model credit-scorer: metric accuracy: (none) -> 0.88",
		"changed model credit-scorer: metric auc [all]: 0.91 -> 0.93",
		"added dependency model-1 -> lib-2",
		"removed dependency model-1 -> lib-1",
	}
	if d := cmp.Diff(want, ch.Lines()); d != "" {
		t.Errorf("diff lines (-want +got):\n%s", d)
	}
	if !Diff(old, richInventory()).IsEmpty() {
		t.Error("diff of equal inventories is not empty")
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"mlbom-model-foundationmodels-gpt-4o.bom.json", "mlbom-model-opensource-bert-base-cased.bom.json"} {
		f.Add(readFile(f, name))
	}
	f.Add(bertJSON(f))
	f.Add(bertFixed(f))
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"data","name":"d","data":[{"type":"dataset"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDocument(t, data, 1<<20)
		inv, err := Parse(bytes.NewReader(data), 1<<20)
		if err != nil {
			if inv != nil {
				t.Fatal("inventory with error")
			}
			return
		}
		// Anything accepted must export to a valid BOM that parses back.
		var buf bytes.Buffer
		if err := Write(&buf, inv, ExportMeta{Name: "fuzz"}); err != nil {
			var ie *InvalidError
			if errors.As(err, &ie) {
				return // e.g. an input value the exporter cannot place validly
			}
			t.Fatalf("Write: %v", err)
		}
		if _, err := Parse(&buf, 4<<20); err != nil {
			t.Fatalf("Parse(Write(x)): %v", err)
		}
	})
}

func BenchmarkParse20MB(b *testing.B) {
	data := aibomtest.BigBOM(20 << 20)
	if _, err := Parse(bytes.NewReader(data), 64<<20); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	peak := aibomtest.HeapPeak()
	cpu0 := aibomtest.CPUTime()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data), 64<<20); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MiB")
	// CPU time says what a parse costs when other processes share the machine, and with ns/op how much
	// of it ran in parallel.
	b.ReportMetric((aibomtest.CPUTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}
