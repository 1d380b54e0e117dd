package aibom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// TooLargeError is returned by Parse when the input exceeds the limit.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("CycloneDX BOM is larger than the limit of %d bytes", e.Limit)
}

// GeneratedRefPrefix starts the bom-refs Parse makes up for components that
// have none.
const GeneratedRefPrefix = "aims-gen:"

// Parse reads a CycloneDX 1.5 or 1.6 JSON BOM of at most limit bytes,
// validates it and converts it to an Inventory. A longer input is refused
// with a *TooLargeError once limit+1 bytes have been read.
//
// Validation uses the CycloneDX 1.6 JSON schema for both versions: 1.6 is a
// superset of 1.5 and the 1.5 schema is not bundled, so a 1.5 document that
// uses a 1.6-only construct is accepted. Other specVersions are refused.
// A document that is not JSON or does not validate is refused with an
// *InvalidError listing JSON pointers and messages; nothing is returned.
//
// Memory: the input bytes are held (at most limit), but the components,
// services and dependencies arrays are validated and decoded one item at a
// time on a few goroutines (see parse), so no generic JSON tree or
// CycloneDX value of the whole document exists. Measured with
// BenchmarkParse20MB (a synthetic 20 MB BOM of 62,000 components and
// 62,000 dependencies): a peak heap of about 210 MiB (580 MiB when the
// whole document was decoded twice at once) and 1.0 GB allocated in total
// (1.2 GB), for about 10% more CPU time, most of it in schema validation.
func Parse(r io.Reader, limit int64) (*Inventory, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("cannot parse CycloneDX BOM: limit must be positive, got %d", limit)
	}
	data, err := readLimited(r, limit)
	if err != nil {
		return nil, err
	}
	schemas, err := compiled()
	if err != nil {
		return nil, err
	}
	return parse(schemas, data, true)
}

// readLimited reads all of r, or refuses with a *TooLargeError past limit
// bytes. A reader that knows its length (bytes.Reader, strings.Reader) is
// read into one buffer of the right size.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	if l, ok := r.(interface{ Len() int }); ok && int64(l.Len()) <= limit {
		buf.Grow(l.Len() + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, fmt.Errorf("cannot read CycloneDX BOM: %w", err)
	}
	if int64(buf.Len()) > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	return buf.Bytes(), nil
}

// validate checks data against the CycloneDX 1.6 schema the way Parse does.
func validate(schemas *schemaSet, data []byte) error {
	_, err := parse(schemas, data, false)
	return err
}

// syntaxMessage turns a JSON decoding error into a message with a line and
// column when the offset is known.
func syntaxMessage(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var off int64 = -1
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "not JSON: unexpected end of input"
	}
	if off < 0 || off > int64(len(data)) {
		return "not JSON: " + err.Error()
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Sprintf("not JSON: line %d, column %d: %v", line, col, err)
}

// refMaker makes stable bom-refs for components that have none: from the
// type, group and name (not the version, so a new version of a component
// keeps its ref), with a counter for duplicates.
type refMaker struct{ used map[string]int }

func newRefMaker() *refMaker { return &refMaker{used: map[string]int{}} }

func (m *refMaker) ref(given, typ, group, name string) string {
	if given != "" || m == nil {
		// A nil refMaker leaves missing refs empty, for a later pass.
		return given
	}
	base := GeneratedRefPrefix + typ + "/"
	if group != "" {
		base += group + "/"
	}
	base += name
	m.used[base]++
	if n := m.used[base]; n > 1 {
		return fmt.Sprintf("%s#%d", base, n)
	}
	return base
}

var typeFromCDX = map[cdx.ComponentType]string{
	cdx.ComponentTypeMachineLearningModel: TypeModel,
	cdx.ComponentTypeData:                 TypeDataset,
	cdx.ComponentTypeApplication:          TypeTool,
	cdx.ComponentTypeLibrary:              TypeLibrary,
	cdx.ComponentTypeFramework:            TypeLibrary,
}

// cdxFromType is the canonical CycloneDX type of each neutral type.
var cdxFromType = map[string]cdx.ComponentType{
	TypeModel:   cdx.ComponentTypeMachineLearningModel,
	TypeDataset: cdx.ComponentTypeData,
	TypeTool:    cdx.ComponentTypeApplication,
	TypeLibrary: cdx.ComponentTypeLibrary,
	TypeOther:   cdx.ComponentTypeFile,
}

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
