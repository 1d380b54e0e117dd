package store

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"testing"

	"github.com/aimsproject/aims/internal/system/aibom"
)

// TestInventoryGzipIsJSONMarshal holds the stored inventory, uncompressed, to json.Marshal, byte for byte.
func TestInventoryGzipIsJSONMarshal(t *testing.T) {
	yes := true
	full := &aibom.Inventory{
		Metadata: aibom.Metadata{SpecVersion: "1.6", SerialNumber: "urn:uuid:x", Version: 2, Timestamp: "2024-01-01T00:00:00Z",
			Subject: &aibom.Component{BOMRef: "s", Type: aibom.TypeTool, Name: "system <&>"}},
		Components: []aibom.Component{
			{BOMRef: "m", Type: aibom.TypeModel, Name: "m", Licenses: []string{"MIT"}, Hashes: []aibom.Hash{{Alg: "SHA-256", Content: "ab"}},
				Model: &aibom.ModelInfo{Task: "t", Metrics: []aibom.Metric{{Type: "acc", Value: "0.9"}}}},
			{BOMRef: "s1", Type: aibom.TypeService, Name: "api", Service: &aibom.ServiceInfo{Provider: "p", Authenticated: &yes}},
			{BOMRef: "d", Type: aibom.TypeDataset, Name: "d\u2028", Dataset: &aibom.DatasetInfo{Kind: "dataset"}},
		},
		Dependencies: []aibom.Dependency{{Ref: "m", DependsOn: []string{"d"}}, {Ref: "d"}},
	}
	for name, inv := range map[string]*aibom.Inventory{
		"nil": nil, "empty": {}, "metadata only": {Metadata: full.Metadata}, "full": full,
		"no dependencies": {Components: full.Components},
	} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(inv)
			if err != nil {
				t.Fatal(err)
			}
			gz, err := inventoryGzip(inv)
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
