package api_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTheOpenAPIPartsShareTheirComponents keeps the parts from growing copies of what is common: every
// error response is the shared one by $ref (or, where a route says more, a problem+json schema built on a
// shared schema), and the paging and If-Match parameters are the shared ones.
func TestTheOpenAPIPartsShareTheirComponents(t *testing.T) {
	files, err := filepath.Glob("openapi/*.json")
	if err != nil || len(files) < 10 {
		t.Fatalf("the OpenAPI parts: %v, %v", files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for path, ops := range doc.Paths {
			for method, raw := range ops {
				if method == "parameters" {
					continue
				}
				var op struct {
					Parameters []map[string]any          `json:"parameters"`
					Responses  map[string]map[string]any `json:"responses"`
				}
				if err := json.Unmarshal(raw, &op); err != nil {
					t.Fatalf("%s %s %s: %v", f, method, path, err)
				}
				for code, r := range op.Responses {
					if code[0] != '4' && code[0] != '5' {
						continue
					}
					if ref, _ := r["$ref"].(string); strings.HasPrefix(ref, "#/components/responses/") {
						continue
					}
					content, _ := r["content"].(map[string]any)
					schema, _ := json.Marshal(content["application/problem+json"])
					if !strings.Contains(string(schema), `"$ref":"#/components/schemas/`) {
						t.Errorf("%s: %s %s answers %s with neither a shared response nor a problem schema built on a shared one", f, strings.ToUpper(method), path, code)
					}
				}
				for _, p := range op.Parameters {
					if name, _ := p["name"].(string); name == "cursor" || name == "limit" || name == "If-Match" {
						t.Errorf("%s: %s %s writes out the %s parameter; use #/components/parameters/", f, strings.ToUpper(method), path, name)
					}
				}
			}
		}
	}
}
