package aibom

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/component/aibom/aibomtest"
)

// The conversion that Parse made from the CycloneDX library's types until it converted the validated
// generic values directly (convert.go); kept as the oracle that TestConversionMatchesCycloneDXLibrary
// holds the direct conversion to.

func fromComponent(c *cdx.Component, refs *refMaker) Component {
	typ, ok := typeFromCDX[c.Type]
	if !ok {
		typ = TypeOther
	}
	out := Component{
		BOMRef:       refs.ref(c.BOMRef, typ, c.Group, c.Name),
		Type:         typ,
		Name:         c.Name,
		Version:      c.Version,
		Group:        c.Group,
		Supplier:     orgName(c.Supplier),
		Manufacturer: orgName(c.Manufacturer),
		Publisher:    c.Publisher,
		Description:  c.Description,
		Licenses:     licenseStrings(c.Licenses),
		PURL:         c.PackageURL,
		Hashes:       hashes(c.Hashes),
		ExternalRefs: externalRefs(c.ExternalReferences),
		Tags:         strs(c.Tags),
		Properties:   properties(c.Properties),
	}
	if cdxFromType[typ] != c.Type {
		out.CycloneDXType = string(c.Type)
	}
	if c.ModelCard != nil {
		out.Model = modelInfo(c.ModelCard)
	}
	if c.Data != nil && len(*c.Data) > 0 {
		out.Dataset = datasetInfo(&(*c.Data)[0])
	}
	return out
}

func fromService(s *cdx.Service, refs *refMaker) Component {
	out := Component{
		BOMRef:       refs.ref(s.BOMRef, TypeService, s.Group, s.Name),
		Type:         TypeService,
		Name:         s.Name,
		Version:      s.Version,
		Group:        s.Group,
		Description:  s.Description,
		Licenses:     licenseStrings(s.Licenses),
		ExternalRefs: externalRefs(s.ExternalReferences),
		Tags:         strs(s.Tags),
		Properties:   properties(s.Properties),
		Service: &ServiceInfo{
			Provider:      orgName(s.Provider),
			Endpoints:     strs(s.Endpoints),
			Authenticated: s.Authenticated,
			TrustBoundary: s.CrossesTrustBoundary,
			TrustZone:     s.TrustZone,
		},
	}
	if s.Data != nil {
		for _, d := range *s.Data {
			out.Service.DataFlows = append(out.Service.DataFlows, DataFlow{
				Flow:           string(d.Flow),
				Classification: d.Classification,
				Name:           d.Name,
				Description:    d.Description,
				Source:         strs(d.Source),
				Destination:    strs(d.Destination),
			})
		}
	}
	return out
}

func modelInfo(mc *cdx.MLModelCard) *ModelInfo {
	m := &ModelInfo{}
	if p := mc.ModelParameters; p != nil {
		if p.Approach != nil {
			m.Approach = string(p.Approach.Type)
		}
		m.Task = p.Task
		m.ArchitectureFamily = p.ArchitectureFamily
		m.Architecture = p.ModelArchitecture
		if p.Datasets != nil {
			for _, d := range *p.Datasets {
				md := ModelDataset{Ref: d.Ref}
				if cd := d.ComponentData; cd != nil {
					md.Ref = cd.BOMRef
					md.Name = cd.Name
					md.Description = cd.Description
					md.Classification = cd.Classification
					if cd.Contents != nil {
						md.URL = cd.Contents.URL
					}
				}
				m.Datasets = append(m.Datasets, md)
			}
		}
		m.Inputs = formats(p.Inputs)
		m.Outputs = formats(p.Outputs)
	}
	if q := mc.QuantitativeAnalysis; q != nil && q.PerformanceMetrics != nil {
		for _, pm := range *q.PerformanceMetrics {
			mt := Metric{Type: pm.Type, Value: pm.Value, Slice: pm.Slice}
			if ci := pm.ConfidenceInterval; ci != nil {
				mt.LowerBound, mt.UpperBound = ci.LowerBound, ci.UpperBound
			}
			m.Metrics = append(m.Metrics, mt)
		}
	}
	if c := mc.Considerations; c != nil {
		m.Considerations = Considerations{
			Users:                strs(c.Users),
			UseCases:             strs(c.UseCases),
			TechnicalLimitations: strs(c.TechnicalLimitations),
			PerformanceTradeoffs: strs(c.PerformanceTradeoffs),
		}
		if c.EthicalConsiderations != nil {
			for _, e := range *c.EthicalConsiderations {
				m.Considerations.EthicalConsiderations = append(m.Considerations.EthicalConsiderations,
					EthicalRisk{Name: e.Name, Mitigation: e.MitigationStrategy})
			}
		}
		if c.FairnessAssessments != nil {
			for _, f := range *c.FairnessAssessments {
				m.Considerations.FairnessAssessments = append(m.Considerations.FairnessAssessments,
					FairnessAssessment{GroupAtRisk: f.GroupAtRisk, Benefits: f.Benefits, Harms: f.Harms, Mitigation: f.MitigationStrategy})
			}
		}
	}
	return m
}

func datasetInfo(d *cdx.ComponentData) *DatasetInfo {
	out := &DatasetInfo{
		Kind:           string(d.Type),
		Name:           d.Name,
		Classification: d.Classification,
		SensitiveData:  strs(d.SensitiveData),
		Provenance:     d.Description,
	}
	if d.Contents != nil {
		out.URL = d.Contents.URL
	}
	if g := d.Governance; g != nil {
		out.Owners = parties(g.Owners)
		out.Custodians = parties(g.Custodians)
		out.Stewards = parties(g.Stewards)
	}
	return out
}

func parties(ps *[]cdx.ComponentDataGovernanceResponsibleParty) []string {
	if ps == nil {
		return nil
	}
	var out []string
	for _, p := range *ps {
		switch {
		case p.Organization != nil && p.Organization.Name != "":
			out = append(out, p.Organization.Name)
		case p.Contact != nil && p.Contact.Name != "":
			out = append(out, p.Contact.Name)
		case p.Contact != nil && p.Contact.Email != "":
			out = append(out, p.Contact.Email)
		}
	}
	return out
}

func orgName(o *cdx.OrganizationalEntity) string {
	if o == nil {
		return ""
	}
	return o.Name
}

func licenseStrings(ls *cdx.Licenses) []string {
	if ls == nil {
		return nil
	}
	var out []string
	for _, l := range *ls {
		switch {
		case l.Expression != "":
			out = append(out, l.Expression)
		case l.License != nil && l.License.ID != "":
			out = append(out, l.License.ID)
		case l.License != nil && l.License.Name != "":
			out = append(out, l.License.Name)
		}
	}
	return out
}

func hashes(hs *[]cdx.Hash) []Hash {
	if hs == nil {
		return nil
	}
	var out []Hash
	for _, h := range *hs {
		out = append(out, Hash{Alg: string(h.Algorithm), Content: strings.ToLower(h.Value)})
	}
	return out
}

func externalRefs(rs *[]cdx.ExternalReference) []ExternalRef {
	if rs == nil {
		return nil
	}
	var out []ExternalRef
	for _, r := range *rs {
		out = append(out, ExternalRef{Type: string(r.Type), URL: r.URL, Comment: r.Comment})
	}
	return out
}

func properties(ps *[]cdx.Property) []Property {
	if ps == nil {
		return nil
	}
	var out []Property
	for _, p := range *ps {
		out = append(out, Property{Name: p.Name, Value: p.Value})
	}
	return out
}

func formats(ps *[]cdx.MLInputOutputParameters) []string {
	if ps == nil {
		return nil
	}
	var out []string
	for _, p := range *ps {
		out = append(out, p.Format)
	}
	return out
}

func strs(p *[]string) []string {
	if p == nil || len(*p) == 0 {
		return nil
	}
	return append([]string(nil), *p...)
}

// oracleInventory converts data the way Parse did with the CycloneDX library's types.
func oracleInventory(t *testing.T, data []byte) *Inventory {
	t.Helper()
	var bom cdx.BOM
	if err := json.Unmarshal(data, &bom); err != nil {
		t.Fatal(err)
	}
	inv := &Inventory{Metadata: Metadata{SpecVersion: bom.SpecVersion.String(), SerialNumber: bom.SerialNumber, Version: bom.Version}}
	refs := newRefMaker()
	if m := bom.Metadata; m != nil {
		inv.Metadata.Timestamp = m.Timestamp
		inv.Metadata.Manufacturer = orgName(m.Manufacturer)
		if inv.Metadata.Manufacturer == "" {
			inv.Metadata.Manufacturer = orgName(m.Manufacture)
		}
		inv.Metadata.Supplier = orgName(m.Supplier)
		if m.Component != nil {
			c := fromComponent(m.Component, refs)
			inv.Metadata.Subject = &c
		}
	}
	var walk func(*cdx.Component)
	walk = func(c *cdx.Component) {
		inv.Components = append(inv.Components, fromComponent(c, nil))
		if c.Components != nil {
			for j := range *c.Components {
				walk(&(*c.Components)[j])
			}
		}
	}
	if bom.Components != nil {
		for i := range *bom.Components {
			walk(&(*bom.Components)[i])
		}
	}
	var walkS func(*cdx.Service)
	walkS = func(s *cdx.Service) {
		inv.Components = append(inv.Components, fromService(s, nil))
		if s.Services != nil {
			for j := range *s.Services {
				walkS(&(*s.Services)[j])
			}
		}
	}
	if bom.Services != nil {
		for i := range *bom.Services {
			walkS(&(*bom.Services)[i])
		}
	}
	for i := range inv.Components {
		if c := &inv.Components[i]; c.BOMRef == "" {
			c.BOMRef = refs.ref("", c.Type, c.Group, c.Name)
		}
	}
	if bom.Dependencies != nil {
		for _, d := range *bom.Dependencies {
			dep := Dependency{Ref: d.Ref}
			if d.Dependencies != nil && len(*d.Dependencies) > 0 {
				dep.DependsOn = append([]string(nil), *d.Dependencies...)
			}
			inv.Dependencies = append(inv.Dependencies, dep)
		}
	}
	return inv
}

// everyField is a BOM that uses every member the conversion reads.
const everyField = `{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79","version":7,
 "metadata":{"timestamp":"2024-05-01T10:00:00Z","manufacture":{"name":"Old Maker"},"supplier":{"name":"Sup"},
  "component":{"type":"application","name":"the system","description":"what it is"}},
 "components":[
  {"bom-ref":"m1","type":"machine-learning-model","group":"acme","name":"m","version":"1","supplier":{"name":"S"},
   "manufacturer":{"name":"Mf"},"publisher":"P","description":"D","purl":"pkg:huggingface/acme/m@1","tags":["a","b"],
   "licenses":[{"license":{"id":"MIT"}},{"license":{"name":"Custom"}}],
   "hashes":[{"alg":"SHA-256","content":"9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"}],
   "externalReferences":[{"type":"model-card","url":"https://x.example/card","comment":"c"}],
   "properties":[{"name":"base_model","value":"llama"},{"name":"empty"}],
   "modelCard":{"modelParameters":{"approach":{"type":"supervised"},"task":"t","architectureFamily":"af","modelArchitecture":"ma",
     "datasets":[{"ref":"d1"},{"type":"dataset","name":"inline","bom-ref":"d-inline","description":"dd","classification":"public","contents":{"url":"https://d.example"}},{"type":"dataset"}],
     "inputs":[{"format":"text"}],"outputs":[{"format":"label"},{"format":"score"}]},
    "quantitativeAnalysis":{"performanceMetrics":[{"type":"f1","value":"0.8","slice":"en","confidenceInterval":{"lowerBound":"0.7","upperBound":"0.9"}},{"type":"acc","value":"0.9"}]},
    "considerations":{"users":["u"],"useCases":["uc"],"technicalLimitations":["tl"],"performanceTradeoffs":["pt"],
     "ethicalConsiderations":[{"name":"bias","mitigationStrategy":"review"}],
     "fairnessAssessments":[{"groupAtRisk":"g","benefits":"b","harms":"h","mitigationStrategy":"m"}]}},
   "components":[{"type":"framework","name":"nested-fw","version":"2"},{"type":"container","name":"img"}]},
  {"bom-ref":"d1","type":"data","name":"d","data":[{"type":"dataset","name":"dn","classification":"internal","sensitiveData":["pii"],
    "description":"from logs","contents":{"url":"s3://b/d"},"governance":{"owners":[{"organization":{"name":"Org"}},{"contact":{"name":"Ann"}},{"contact":{"email":"a@x.example"}}],
    "custodians":[{"organization":{"name":"Cust"}}],"stewards":[{"contact":{"name":"Ste"}}]}},{"type":"configuration","name":"second"}]},
  {"type":"data","name":"no-ref-data"},
  {"type":"library","name":"lib","modelCard":{}},
  {"type":"platform","name":"gpu","licenses":[{"expression":"Apache-2.0 OR MIT"}]}],
 "services":[{"bom-ref":"s1","group":"g","name":"api","version":"v1","description":"sd","provider":{"name":"Cloud"},
   "endpoints":["https://api.example"],"authenticated":true,"x-trust-boundary":false,"trustZone":"dmz",
   "licenses":[{"license":{"id":"Apache-2.0"}}],"externalReferences":[{"type":"website","url":"https://api.example"}],
   "tags":["t"],"properties":[{"name":"k","value":"v"}],
   "data":[{"flow":"outbound","classification":"pii","name":"q","description":"queries","source":["https://a"],"destination":["https://b"]}],
   "services":[{"name":"inner"}]},
  {"name":"bare"}],
 "dependencies":[{"ref":"m1","dependsOn":["d1"]},{"ref":"d1"},{"ref":"s1","dependsOn":[]}]}`

// TestConversionMatchesCycloneDXLibrary holds Parse's direct conversion of the validated values to the
// conversion from the CycloneDX library's decoding of the same documents.
func TestConversionMatchesCycloneDXLibrary(t *testing.T) {
	var rich bytes.Buffer
	if err := Write(&rich, richInventory(), ExportMeta{SystemRef: "aims:system/1", Name: "Rich", BOMVersion: 2}); err != nil {
		t.Fatal(err)
	}
	docs := map[string][]byte{
		"every field": []byte(everyField),
		"gpt-4o":      readFile(t, "mlbom-model-foundationmodels-gpt-4o.bom.json"),
		"bert":        bertFixed(t),
		"sd":          readFile(t, "valid-machine-learning-1.6.json"),
		"rich export": rich.Bytes(),
		"generated":   aibomtest.BigBOM(64 << 10),
	}
	for name, data := range docs {
		t.Run(name, func(t *testing.T) {
			got := mustParse(t, data)
			want := oracleInventory(t, data)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("conversion differs from the CycloneDX library's (-library +direct):\n%s", d)
			}
		})
	}
}

// TestHexDigestMatchesPattern holds the hand-written matcher of hash contents to the schema's pattern.
func TestHexDigestMatchesPattern(t *testing.T) {
	re := regexp.MustCompile(hashPattern)
	var cases []string
	for _, n := range []int{0, 1, 31, 32, 33, 39, 40, 41, 63, 64, 65, 95, 96, 97, 127, 128, 129} {
		for _, c := range []string{"a", "F", "9", "g", "-", "é"} {
			cases = append(cases, strings.Repeat("0", max(n-1, 0))+c, strings.Repeat("ab", n/2))
		}
	}
	cases = append(cases, strings.Repeat("0", 32)+"\n", "\n"+strings.Repeat("0", 32), strings.Repeat("0", 64)+"\x00")
	for _, s := range cases {
		if got, want := (hexDigest{}).MatchString(s), re.MatchString(s); got != want {
			t.Errorf("MatchString(%q) = %v, regexp says %v", s, got, want)
		}
	}
	// The schema has the pattern, and a content that does not match it is refused where it is.
	schema, err := schemaFS.ReadFile("schema/bom-1.6.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(schema, []byte(`"pattern": "`+hashPattern+`"`)) {
		t.Error("the CycloneDX schema does not have hashPattern")
	}
	_, err = Parse(strings.NewReader(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a",
		"hashes":[{"alg":"SHA-256","content":"`+strings.Repeat("0", 63)+`"}]}]}`), limit)
	var ie *InvalidError
	if !errors.As(err, &ie) || len(ie.Issues) == 0 || ie.Issues[0].Pointer != "/components/0/hashes/0/content" {
		t.Errorf("a short hash: %v", err)
	}
}
