package aibom

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"testing"
)

// TestInventoryGzipIsJSONMarshal holds the stored inventory, uncompressed, to json.Marshal, byte for byte.
func TestInventoryGzipIsJSONMarshal(t *testing.T) {
	yes := true
	full := &Inventory{
		Metadata: Metadata{SpecVersion: "1.6", SerialNumber: "urn:uuid:x", Version: 2, Timestamp: "2024-01-01T00:00:00Z",
			Subject: &Component{BOMRef: "s", Type: TypeTool, Name: "system <&>"}},
		Components: []Component{
			{BOMRef: "m", Type: TypeModel, Name: "m", Licenses: []string{"MIT"}, Hashes: []Hash{{Alg: "SHA-256", Content: "ab"}},
				Model: &ModelInfo{Task: "t", Metrics: []Metric{{Type: "acc", Value: "0.9"}}}},
			{BOMRef: "s1", Type: TypeService, Name: "api", Service: &ServiceInfo{Provider: "p", Authenticated: &yes}},
			{BOMRef: "d", Type: TypeDataset, Name: "d\u2028", Dataset: &DatasetInfo{Kind: "dataset"}},
		},
		Dependencies: []Dependency{{Ref: "m", DependsOn: []string{"d"}}, {Ref: "d"}},
	}
	for name, inv := range map[string]*Inventory{
		"nil": nil, "empty": {}, "metadata only": {Metadata: full.Metadata}, "full": full,
		"no dependencies": {Components: full.Components},
	} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(inv)
			if err != nil {
				t.Fatal(err)
			}
			gz, err := GzipJSON(inv)
			if err != nil {
				t.Fatal(err)
			}
			zr, err := gzip.NewReader(bytes.NewReader(gz))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("inventory =\n%s\nwant\n%s", got, want)
			}
		})
	}
}
