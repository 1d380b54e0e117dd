package store

import (
	"encoding/json"
	"testing"

	"github.com/aimsproject/aims/internal/system/aibom"
)

// TestInventoryJSONIsJSONMarshal holds inventoryJSON to json.Marshal, byte for byte.
func TestInventoryJSONIsJSONMarshal(t *testing.T) {
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
			got, err := inventoryJSON(inv)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("inventoryJSON =\n%s\nwant\n%s", got, want)
			}
		})
	}
}
