package aibom

import (
	"bytes"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// DefaultSystemRef is the bom-ref of the AI system in an export when
// ExportMeta.SystemRef is empty.
const DefaultSystemRef = "aims-system"

// ExportMeta describes the AI system a BOM is exported for. It becomes
// metadata.component (an application) and determines the serial number.
type ExportMeta struct {
	SystemRef   string // bom-ref of the system; DefaultSystemRef if empty
	Name        string // required
	Version     string
	Description string
	Supplier    string    // organization that operates the system
	Timestamp   time.Time // zero: no timestamp
	BOMVersion  int       // increments with each export of the same system; 1 if zero
	ToolVersion string    // aims version recorded in metadata.tools
}

// SerialNumber is the deterministic urn:uuid of the export described by
// meta: a name-based (version 5 style, SHA-1) UUID over the system ref,
// name, version, BOM version and timestamp.
func (meta ExportMeta) SerialNumber() string {
	h := sha1.New()
	ts := ""
	if !meta.Timestamp.IsZero() {
		ts = meta.Timestamp.UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(h, "aims-aibom\x00%s\x00%s\x00%s\x00%d\x00%s", meta.systemRef(), meta.Name, meta.Version, meta.bomVersion(), ts)
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (meta ExportMeta) systemRef() string {
	if meta.SystemRef == "" {
		return DefaultSystemRef
	}
	return meta.SystemRef
}

func (meta ExportMeta) bomVersion() int {
	if meta.BOMVersion <= 0 {
		return 1
	}
	return meta.BOMVersion
}

// Write encodes inv as a CycloneDX 1.6 JSON ML-BOM for the AI system
// described by meta. Models carry a modelCard, datasets a data entry,
// services go to the services array. The output is validated against the
// CycloneDX 1.6 schema before anything is written to w; a value the schema
// refuses (a malformed hash, say) yields an *InvalidError. Parse of the
// output gives back inv's Components and Dependencies.
//
// Inventory.Metadata is not written: the export's metadata comes from meta.
func Write(w io.Writer, inv *Inventory, meta ExportMeta) error {
	if meta.Name == "" {
		return errors.New("cannot export AIBOM: system name is required")
	}
	schemas, err := compiled()
	if err != nil {
		return err
	}
	bom, err := toBOM(inv, meta, schemas.spdxIDs)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := cdx.NewBOMEncoder(&buf, cdx.BOMFileFormatJSON)
	enc.SetPretty(true).SetEscapeHTML(false)
	if err := enc.Encode(bom); err != nil {
		return fmt.Errorf("cannot encode AIBOM: %w", err)
	}
	if err := validate(schemas, buf.Bytes()); err != nil {
		return fmt.Errorf("cannot export AIBOM: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("cannot write AIBOM: %w", err)
	}
	return nil
}

func toBOM(inv *Inventory, meta ExportMeta, spdxIDs map[string]bool) (*cdx.BOM, error) {
	tool := cdx.Component{Type: cdx.ComponentTypeApplication, Name: "aims", Version: meta.ToolVersion}
	subject := &cdx.Component{
		BOMRef:      meta.systemRef(),
		Type:        cdx.ComponentTypeApplication,
		Name:        meta.Name,
		Version:     meta.Version,
		Description: meta.Description,
	}
	if meta.Supplier != "" {
		subject.Supplier = &cdx.OrganizationalEntity{Name: meta.Supplier}
	}
	bom := &cdx.BOM{
		JSONSchema:   bomSchemaURL,
		BOMFormat:    cdx.BOMFormat,
		SpecVersion:  cdx.SpecVersion1_6,
		SerialNumber: meta.SerialNumber(),
		Version:      meta.bomVersion(),
		Metadata: &cdx.Metadata{
			Tools:     &cdx.ToolsChoice{Components: &[]cdx.Component{tool}},
			Component: subject,
		},
	}
	if !meta.Timestamp.IsZero() {
		bom.Metadata.Timestamp = meta.Timestamp.UTC().Format(time.RFC3339)
	}
	var comps []cdx.Component
	var svcs []cdx.Service
	for i := range inv.Components {
		c := &inv.Components[i]
		if c.Type == TypeService {
			svcs = append(svcs, toService(c, spdxIDs))
			continue
		}
		cc, err := toComponent(c, spdxIDs)
		if err != nil {
			return nil, err
		}
		comps = append(comps, cc)
	}
	if len(comps) > 0 {
		bom.Components = &comps
	}
	if len(svcs) > 0 {
		bom.Services = &svcs
	}
	if len(inv.Dependencies) > 0 {
		deps := make([]cdx.Dependency, 0, len(inv.Dependencies))
		for _, d := range inv.Dependencies {
			deps = append(deps, cdx.Dependency{Ref: d.Ref, Dependencies: ptr(d.DependsOn)})
		}
		bom.Dependencies = &deps
	}
	return bom, nil
}

func toComponent(c *Component, spdxIDs map[string]bool) (cdx.Component, error) {
	typ := cdx.ComponentType(c.CycloneDXType)
	if typ == "" {
		var ok bool
		if typ, ok = cdxFromType[c.Type]; !ok {
			return cdx.Component{}, fmt.Errorf("cannot export component %q: unknown type %q", c.BOMRef, c.Type)
		}
	}
	out := cdx.Component{
		BOMRef:             c.BOMRef,
		Type:               typ,
		Supplier:           org(c.Supplier),
		Manufacturer:       org(c.Manufacturer),
		Publisher:          c.Publisher,
		Group:              c.Group,
		Name:               c.Name,
		Version:            c.Version,
		Description:        c.Description,
		Hashes:             toHashes(c.Hashes),
		Licenses:           toLicenses(c.Licenses, spdxIDs),
		PackageURL:         c.PURL,
		ExternalReferences: toExternalRefs(c.ExternalRefs),
		Properties:         toProperties(c.Properties),
		Tags:               ptr(c.Tags),
	}
	if c.Model != nil {
		out.ModelCard = toModelCard(c.Model)
	}
	if d := c.Dataset; d != nil {
		kind := d.Kind
		if kind == "" {
			kind = string(cdx.ComponentDataTypeDataset)
		}
		cd := cdx.ComponentData{
			Type:           cdx.ComponentDataType(kind),
			Name:           d.Name,
			Classification: d.Classification,
			SensitiveData:  ptr(d.SensitiveData),
			Description:    d.Provenance,
		}
		if d.URL != "" {
			cd.Contents = &cdx.ComponentDataContents{URL: d.URL}
		}
		if len(d.Owners)+len(d.Custodians)+len(d.Stewards) > 0 {
			cd.Governance = &cdx.DataGovernance{
				Owners:     toParties(d.Owners),
				Custodians: toParties(d.Custodians),
				Stewards:   toParties(d.Stewards),
			}
		}
		out.Data = &[]cdx.ComponentData{cd}
	}
	return out, nil
}

func toService(c *Component, spdxIDs map[string]bool) cdx.Service {
	out := cdx.Service{
		BOMRef:             c.BOMRef,
		Group:              c.Group,
		Name:               c.Name,
		Version:            c.Version,
		Description:        c.Description,
		Licenses:           toLicenses(c.Licenses, spdxIDs),
		ExternalReferences: toExternalRefs(c.ExternalRefs),
		Properties:         toProperties(c.Properties),
		Tags:               ptr(c.Tags),
	}
	if s := c.Service; s != nil {
		out.Provider = org(s.Provider)
		out.Endpoints = ptr(s.Endpoints)
		out.Authenticated = s.Authenticated
		out.CrossesTrustBoundary = s.TrustBoundary
		out.TrustZone = s.TrustZone
		if len(s.DataFlows) > 0 {
			flows := make([]cdx.DataClassification, 0, len(s.DataFlows))
			for _, f := range s.DataFlows {
				flows = append(flows, cdx.DataClassification{
					Flow:           cdx.DataFlow(f.Flow),
					Classification: f.Classification,
					Name:           f.Name,
					Description:    f.Description,
					Source:         ptr(f.Source),
					Destination:    ptr(f.Destination),
				})
			}
			out.Data = &flows
		}
	}
	return out
}

func toModelCard(m *ModelInfo) *cdx.MLModelCard {
	mc := &cdx.MLModelCard{}
	p := cdx.MLModelParameters{
		Task:               m.Task,
		ArchitectureFamily: m.ArchitectureFamily,
		ModelArchitecture:  m.Architecture,
		Inputs:             toFormats(m.Inputs),
		Outputs:            toFormats(m.Outputs),
	}
	if m.Approach != "" {
		p.Approach = &cdx.MLModelParametersApproach{Type: cdx.MLModelParametersApproachType(m.Approach)}
	}
	if len(m.Datasets) > 0 {
		ds := make([]cdx.MLDatasetChoice, 0, len(m.Datasets))
		for _, d := range m.Datasets {
			if d.Name == "" && d.Description == "" && d.URL == "" && d.Classification == "" {
				ds = append(ds, cdx.MLDatasetChoice{Ref: d.Ref})
				continue
			}
			cd := &cdx.ComponentData{
				BOMRef:         d.Ref,
				Type:           cdx.ComponentDataTypeDataset,
				Name:           d.Name,
				Description:    d.Description,
				Classification: d.Classification,
			}
			if d.URL != "" {
				cd.Contents = &cdx.ComponentDataContents{URL: d.URL}
			}
			ds = append(ds, cdx.MLDatasetChoice{ComponentData: cd})
		}
		p.Datasets = &ds
	}
	if p != (cdx.MLModelParameters{}) {
		mc.ModelParameters = &p
	}
	if len(m.Metrics) > 0 {
		pms := make([]cdx.MLPerformanceMetric, 0, len(m.Metrics))
		for _, mt := range m.Metrics {
			pm := cdx.MLPerformanceMetric{Type: mt.Type, Value: mt.Value, Slice: mt.Slice}
			if mt.LowerBound != "" || mt.UpperBound != "" {
				pm.ConfidenceInterval = &cdx.MLPerformanceMetricConfidenceInterval{LowerBound: mt.LowerBound, UpperBound: mt.UpperBound}
			}
			pms = append(pms, pm)
		}
		mc.QuantitativeAnalysis = &cdx.MLQuantitativeAnalysis{PerformanceMetrics: &pms}
	}
	if c := m.Considerations; !c.IsZero() {
		cc := &cdx.MLModelCardConsiderations{
			Users:                ptr(c.Users),
			UseCases:             ptr(c.UseCases),
			TechnicalLimitations: ptr(c.TechnicalLimitations),
			PerformanceTradeoffs: ptr(c.PerformanceTradeoffs),
		}
		if len(c.EthicalConsiderations) > 0 {
			es := make([]cdx.MLModelCardEthicalConsideration, 0, len(c.EthicalConsiderations))
			for _, e := range c.EthicalConsiderations {
				es = append(es, cdx.MLModelCardEthicalConsideration{Name: e.Name, MitigationStrategy: e.Mitigation})
			}
			cc.EthicalConsiderations = &es
		}
		if len(c.FairnessAssessments) > 0 {
			fs := make([]cdx.MLModelCardFairnessAssessment, 0, len(c.FairnessAssessments))
			for _, f := range c.FairnessAssessments {
				fs = append(fs, cdx.MLModelCardFairnessAssessment{GroupAtRisk: f.GroupAtRisk, Benefits: f.Benefits, Harms: f.Harms, MitigationStrategy: f.Mitigation})
			}
			cc.FairnessAssessments = &fs
		}
		mc.Considerations = cc
	}
	return mc
}

// toLicenses writes a single SPDX expression as an expression, known SPDX
// ids as ids and anything else as a license name, so the output always
// validates (an expression may not be mixed with other entries).
func toLicenses(ls []string, spdxIDs map[string]bool) *cdx.Licenses {
	if len(ls) == 0 {
		return nil
	}
	if len(ls) == 1 && isExpression(ls[0]) {
		return &cdx.Licenses{{Expression: ls[0]}}
	}
	out := make(cdx.Licenses, 0, len(ls))
	for _, l := range ls {
		if spdxIDs[l] {
			out = append(out, cdx.LicenseChoice{License: &cdx.License{ID: l}})
		} else {
			out = append(out, cdx.LicenseChoice{License: &cdx.License{Name: l}})
		}
	}
	return &out
}

func isExpression(s string) bool {
	return strings.Contains(s, " AND ") || strings.Contains(s, " OR ") || strings.Contains(s, " WITH ")
}

func toHashes(hs []Hash) *[]cdx.Hash {
	if len(hs) == 0 {
		return nil
	}
	out := make([]cdx.Hash, 0, len(hs))
	for _, h := range hs {
		out = append(out, cdx.Hash{Algorithm: cdx.HashAlgorithm(h.Alg), Value: h.Content})
	}
	return &out
}

func toExternalRefs(rs []ExternalRef) *[]cdx.ExternalReference {
	if len(rs) == 0 {
		return nil
	}
	out := make([]cdx.ExternalReference, 0, len(rs))
	for _, r := range rs {
		out = append(out, cdx.ExternalReference{Type: cdx.ExternalReferenceType(r.Type), URL: r.URL, Comment: r.Comment})
	}
	return &out
}

func toProperties(ps []Property) *[]cdx.Property {
	if len(ps) == 0 {
		return nil
	}
	out := make([]cdx.Property, 0, len(ps))
	for _, p := range ps {
		out = append(out, cdx.Property{Name: p.Name, Value: p.Value})
	}
	return &out
}

func toFormats(fs []string) *[]cdx.MLInputOutputParameters {
	if len(fs) == 0 {
		return nil
	}
	out := make([]cdx.MLInputOutputParameters, 0, len(fs))
	for _, f := range fs {
		out = append(out, cdx.MLInputOutputParameters{Format: f})
	}
	return &out
}

func toParties(names []string) *[]cdx.ComponentDataGovernanceResponsibleParty {
	if len(names) == 0 {
		return nil
	}
	out := make([]cdx.ComponentDataGovernanceResponsibleParty, 0, len(names))
	for _, n := range names {
		out = append(out, cdx.ComponentDataGovernanceResponsibleParty{Organization: &cdx.OrganizationalEntity{Name: n}})
	}
	return &out
}

func org(name string) *cdx.OrganizationalEntity {
	if name == "" {
		return nil
	}
	return &cdx.OrganizationalEntity{Name: name}
}

func ptr(s []string) *[]string {
	if len(s) == 0 {
		return nil
	}
	c := append([]string(nil), s...)
	return &c
}
