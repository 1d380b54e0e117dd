package aibom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// streamOf hands over inv's components and dependencies, counting the passes over the components.
func streamOf(inv *Inventory, passes *int) Stream {
	return Stream{
		Components: func(services bool, yield func(*Component) error) error {
			*passes++
			for i := range inv.Components {
				if (inv.Components[i].Type == TypeService) != services {
					continue
				}
				if err := yield(&inv.Components[i]); err != nil {
					return err
				}
			}
			return nil
		},
		Refs: func(yield func(string) error) error {
			for _, c := range inv.Components {
				if err := yield(c.BOMRef); err != nil {
					return err
				}
			}
			return nil
		},
		Dependencies: func(yield func(*Dependency) error) error {
			for i := range inv.Dependencies {
				if err := yield(&inv.Dependencies[i]); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// withSystemDependency is inv with the dependency of the system sysRef on every component appended, as
// WriteStream writes it.
func withSystemDependency(inv *Inventory, sysRef string) *Inventory {
	out := *inv
	out.Dependencies = append([]Dependency(nil), inv.Dependencies...)
	var all []string
	for _, c := range inv.Components {
		all = append(all, c.BOMRef)
	}
	if len(all) > 0 {
		out.Dependencies = append(out.Dependencies, Dependency{Ref: sysRef, DependsOn: all})
	}
	return &out
}

// generatedInventory is an inventory of n components of every type, each depending on the one before.
func generatedInventory(n int) *Inventory {
	inv := &Inventory{}
	for i := range n {
		ref := fmt.Sprintf("ref-%d", i)
		c := Component{BOMRef: ref, Name: fmt.Sprintf("part-%d", i), Version: "1." + fmt.Sprint(i),
			Supplier: "Acme <&> Co", Licenses: []string{"MIT"}, Properties: []Property{{Name: "aims:detail:x", Value: "y"}}}
		switch i % 5 {
		case 0:
			c.Type = TypeModel
			c.Model = &ModelInfo{Task: "classification", Metrics: []Metric{{Type: "accuracy", Value: "0.9"}}}
		case 1:
			c.Type, c.Dataset = TypeDataset, &DatasetInfo{URL: "https://data.example/" + ref}
		case 2:
			c.Type, c.Service = TypeService, &ServiceInfo{Provider: "Cloud", Endpoints: []string{"https://api.example"}}
			c.Supplier = ""
		case 3:
			c.Type, c.PURL = TypeLibrary, "pkg:pypi/p"+fmt.Sprint(i)+"@1"
			c.Hashes = []Hash{{Alg: "SHA-256", Content: strings.Repeat("ab", 32)}}
		default:
			c.Type, c.CycloneDXType = TypeOther, "platform"
		}
		inv.Components = append(inv.Components, c)
		if i > 0 {
			inv.Dependencies = append(inv.Dependencies, Dependency{Ref: ref, DependsOn: []string{fmt.Sprintf("ref-%d", i-1)}})
		}
	}
	return inv
}

// decoded is a JSON document decoded into generic values, to compare documents whatever their layout.
func decoded(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return v
}

func TestWriteStreamWritesWhatWriteWrites(t *testing.T) {
	cases := map[string]*Inventory{
		"gpt-4o":             mustParse(t, readFile(t, "mlbom-model-foundationmodels-gpt-4o.bom.json")),
		"bert":               mustParse(t, bertFixed(t)),
		"stable diffusion":   mustParse(t, readFile(t, "valid-machine-learning-1.6.json")),
		"rich":               richInventory(),
		"generated":          generatedInventory(1000),
		"no components":      {},
		"services only":      {Components: []Component{{BOMRef: "s", Type: TypeService, Name: "s"}}},
		"no dependency list": {Components: []Component{{BOMRef: "l", Type: TypeLibrary, Name: "l"}}},
	}
	for name, inv := range cases {
		t.Run(name, func(t *testing.T) {
			var old, streamed bytes.Buffer
			if err := Write(&old, withSystemDependency(inv, testMeta.SystemRef), testMeta); err != nil {
				t.Fatalf("Write: %v", err)
			}
			passes := 0
			if err := WriteStream(&streamed, streamOf(inv, &passes), testMeta); err != nil {
				t.Fatalf("WriteStream: %v", err)
			}
			if d := cmp.Diff(decoded(t, old.Bytes()), decoded(t, streamed.Bytes())); d != "" {
				t.Errorf("WriteStream differs from Write (-Write +WriteStream):\n%s", d)
			}
			if _, err := Parse(bytes.NewReader(streamed.Bytes()), limit); err != nil {
				t.Errorf("the streamed document does not validate: %v", err)
			}
			if len(inv.Components) > 0 && passes < 3 {
				t.Errorf("%d passes over the components", passes)
			}
		})
	}
}

func TestWriteStreamRefusesInvalidBeforeWriting(t *testing.T) {
	inv := generatedInventory(20)
	inv.Components[13].Hashes = []Hash{{Alg: "SHA-256", Content: "nothex"}}
	var buf bytes.Buffer
	passes := 0
	err := WriteStream(&buf, streamOf(inv, &passes), testMeta)
	var ie *InvalidError
	// Of the first 13 components, 3 are services (2, 7, 12): the 14th is the 11th of the components array.
	if !errors.As(err, &ie) || ie.Issues[0].Pointer != "/components/10/hashes/0/content" {
		t.Fatalf("WriteStream = %v, want InvalidError at /components/10/hashes/0/content", err)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %d bytes of an invalid document", buf.Len())
	}
	inv.Components[13].Hashes = nil
	inv.Components[13].Type = "gadget"
	if err := WriteStream(&buf, streamOf(inv, &passes), testMeta); err == nil || !strings.Contains(err.Error(), `unknown type "gadget"`) || buf.Len() != 0 {
		t.Fatalf("WriteStream unknown type = %v, %d bytes written", err, buf.Len())
	}
}

func TestScanInventoryReadsWhatMarshalWrites(t *testing.T) {
	for name, inv := range map[string]*Inventory{"rich": richInventory(), "generated": generatedInventory(50), "empty": {}} {
		t.Run(name, func(t *testing.T) {
			data, err := json.Marshal(inv)
			if err != nil {
				t.Fatal(err)
			}
			got := &Inventory{}
			err = ScanInventory(bytes.NewReader(data), func(raw json.RawMessage) error {
				var c Component
				got.Components = append(got.Components, c)
				return json.Unmarshal(raw, &got.Components[len(got.Components)-1])
			}, func(d *Dependency) error {
				got.Dependencies = append(got.Dependencies, *d)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(inv.Components, got.Components); d != "" {
				t.Errorf("components (-want +got):\n%s", d)
			}
			if d := cmp.Diff(inv.Dependencies, got.Dependencies); d != "" {
				t.Errorf("dependencies (-want +got):\n%s", d)
			}
		})
	}
	if err := ScanInventory(strings.NewReader("null"), nil, nil); err != nil {
		t.Errorf("null inventory: %v", err)
	}
}
