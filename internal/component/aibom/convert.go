package aibom

import (
	"encoding/json"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// The conversion of a validated document to an Inventory reads the generic values that were validated
// (see treeReader) instead of decoding the text a second time into the CycloneDX library's types: the
// schema has checked every member's type, so each is read by its name. The member names are those of
// the CycloneDX 1.6 JSON format; aibom_cdx_test.go checks the result against the CycloneDX library's
// decoding of the same documents.

type object = map[string]any

func str(o object, k string) string {
	s, _ := o[k].(string)
	return s
}

func sub(o object, k string) object {
	m, _ := o[k].(map[string]any)
	return m
}

func list(o object, k string) []any {
	a, _ := o[k].([]any)
	return a
}

// objects calls fn for each object of the array under k.
func objects(o object, k string, fn func(object)) {
	for _, v := range list(o, k) {
		if m, ok := v.(map[string]any); ok {
			fn(m)
		}
	}
}

// strList is the array of strings under k, nil when it is missing or empty.
func strList(o object, k string) []string {
	a := list(o, k)
	if len(a) == 0 {
		return nil
	}
	out := make([]string, 0, len(a))
	for _, v := range a {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}

func boolPtr(o object, k string) *bool {
	b, ok := o[k].(bool)
	if !ok {
		return nil
	}
	return &b
}

// entityName is the name of the organizational entity under k.
func entityName(o object, k string) string { return str(sub(o, k), "name") }

// componentOf converts a component object (without the ones nested in it).
func componentOf(c object, refs *refMaker) Component {
	cdxType := str(c, "type")
	typ, ok := typeFromCDX[cdx.ComponentType(cdxType)]
	if !ok {
		typ = TypeOther
	}
	out := Component{
		BOMRef:       refs.ref(str(c, "bom-ref"), typ, str(c, "group"), str(c, "name")),
		Type:         typ,
		Name:         str(c, "name"),
		Version:      str(c, "version"),
		Group:        str(c, "group"),
		Supplier:     entityName(c, "supplier"),
		Manufacturer: entityName(c, "manufacturer"),
		Publisher:    str(c, "publisher"),
		Description:  str(c, "description"),
		Licenses:     licensesOf(c),
		PURL:         str(c, "purl"),
		ExternalRefs: externalRefsOf(c),
		Tags:         strList(c, "tags"),
		Properties:   propertiesOf(c),
	}
	objects(c, "hashes", func(h object) {
		out.Hashes = append(out.Hashes, Hash{Alg: str(h, "alg"), Content: strings.ToLower(str(h, "content"))})
	})
	if string(cdxFromType[typ]) != cdxType {
		out.CycloneDXType = cdxType
	}
	if mc, ok := c["modelCard"].(map[string]any); ok {
		out.Model = modelInfoOf(mc)
	}
	if data := list(c, "data"); len(data) > 0 {
		d, _ := data[0].(map[string]any)
		out.Dataset = datasetInfoOf(d)
	}
	return out
}

// serviceOf converts a service object (without the ones nested in it).
func serviceOf(s object, refs *refMaker) Component {
	out := Component{
		BOMRef:       refs.ref(str(s, "bom-ref"), TypeService, str(s, "group"), str(s, "name")),
		Type:         TypeService,
		Name:         str(s, "name"),
		Version:      str(s, "version"),
		Group:        str(s, "group"),
		Description:  str(s, "description"),
		Licenses:     licensesOf(s),
		ExternalRefs: externalRefsOf(s),
		Tags:         strList(s, "tags"),
		Properties:   propertiesOf(s),
		Service: &ServiceInfo{
			Provider:      entityName(s, "provider"),
			Endpoints:     strList(s, "endpoints"),
			Authenticated: boolPtr(s, "authenticated"),
			TrustBoundary: boolPtr(s, "x-trust-boundary"),
			TrustZone:     str(s, "trustZone"),
		},
	}
	objects(s, "data", func(d object) {
		out.Service.DataFlows = append(out.Service.DataFlows, DataFlow{
			Flow:           str(d, "flow"),
			Classification: str(d, "classification"),
			Name:           str(d, "name"),
			Description:    str(d, "description"),
			Source:         strList(d, "source"),
			Destination:    strList(d, "destination"),
		})
	})
	return out
}

func modelInfoOf(mc object) *ModelInfo {
	m := &ModelInfo{}
	if p := sub(mc, "modelParameters"); p != nil {
		m.Approach = str(sub(p, "approach"), "type")
		m.Task = str(p, "task")
		m.ArchitectureFamily = str(p, "architectureFamily")
		m.Architecture = str(p, "modelArchitecture")
		objects(p, "datasets", func(d object) {
			// A reference, or the data inline (whose own bom-ref is then the reference).
			if ref := str(d, "ref"); ref != "" {
				m.Datasets = append(m.Datasets, ModelDataset{Ref: ref})
				return
			}
			m.Datasets = append(m.Datasets, ModelDataset{Ref: str(d, "bom-ref"), Name: str(d, "name"),
				Description: str(d, "description"), Classification: str(d, "classification"),
				URL: str(sub(d, "contents"), "url")})
		})
		m.Inputs = formatsOf(p, "inputs")
		m.Outputs = formatsOf(p, "outputs")
	}
	objects(sub(mc, "quantitativeAnalysis"), "performanceMetrics", func(pm object) {
		ci := sub(pm, "confidenceInterval")
		m.Metrics = append(m.Metrics, Metric{Type: str(pm, "type"), Value: str(pm, "value"), Slice: str(pm, "slice"),
			LowerBound: str(ci, "lowerBound"), UpperBound: str(ci, "upperBound")})
	})
	if c := sub(mc, "considerations"); c != nil {
		m.Considerations = Considerations{
			Users:                strList(c, "users"),
			UseCases:             strList(c, "useCases"),
			TechnicalLimitations: strList(c, "technicalLimitations"),
			PerformanceTradeoffs: strList(c, "performanceTradeoffs"),
		}
		objects(c, "ethicalConsiderations", func(e object) {
			m.Considerations.EthicalConsiderations = append(m.Considerations.EthicalConsiderations,
				EthicalRisk{Name: str(e, "name"), Mitigation: str(e, "mitigationStrategy")})
		})
		objects(c, "fairnessAssessments", func(f object) {
			m.Considerations.FairnessAssessments = append(m.Considerations.FairnessAssessments,
				FairnessAssessment{GroupAtRisk: str(f, "groupAtRisk"), Benefits: str(f, "benefits"), Harms: str(f, "harms"),
					Mitigation: str(f, "mitigationStrategy")})
		})
	}
	return m
}

func datasetInfoOf(d object) *DatasetInfo {
	out := &DatasetInfo{
		Kind:           str(d, "type"),
		Name:           str(d, "name"),
		Classification: str(d, "classification"),
		SensitiveData:  strList(d, "sensitiveData"),
		Provenance:     str(d, "description"),
		URL:            str(sub(d, "contents"), "url"),
	}
	if g := sub(d, "governance"); g != nil {
		out.Owners = partiesOf(g, "owners")
		out.Custodians = partiesOf(g, "custodians")
		out.Stewards = partiesOf(g, "stewards")
	}
	return out
}

func partiesOf(g object, k string) []string {
	var out []string
	objects(g, k, func(p object) {
		org, contact := sub(p, "organization"), sub(p, "contact")
		switch {
		case str(org, "name") != "":
			out = append(out, str(org, "name"))
		case str(contact, "name") != "":
			out = append(out, str(contact, "name"))
		case str(contact, "email") != "":
			out = append(out, str(contact, "email"))
		}
	})
	return out
}

func licensesOf(o object) []string {
	var out []string
	objects(o, "licenses", func(l object) {
		lic := sub(l, "license")
		switch {
		case str(l, "expression") != "":
			out = append(out, str(l, "expression"))
		case str(lic, "id") != "":
			out = append(out, str(lic, "id"))
		case str(lic, "name") != "":
			out = append(out, str(lic, "name"))
		}
	})
	return out
}

func externalRefsOf(o object) []ExternalRef {
	var out []ExternalRef
	objects(o, "externalReferences", func(r object) {
		out = append(out, ExternalRef{Type: str(r, "type"), URL: str(r, "url"), Comment: str(r, "comment")})
	})
	return out
}

func propertiesOf(o object) []Property {
	var out []Property
	objects(o, "properties", func(p object) {
		out = append(out, Property{Name: str(p, "name"), Value: str(p, "value")})
	})
	return out
}

func formatsOf(o object, k string) []string {
	var out []string
	objects(o, k, func(p object) { out = append(out, str(p, "format")) })
	return out
}

// metadataOf reads the document's identity and metadata from its top-level members; a missing
// metadata.component bom-ref is made by refs.
func metadataOf(doc object, refs *refMaker) Metadata {
	md := Metadata{SpecVersion: str(doc, "specVersion"), SerialNumber: str(doc, "serialNumber")}
	if n, ok := doc["version"].(json.Number); ok {
		if v, err := n.Int64(); err == nil {
			md.Version = int(v)
		}
	}
	if m := sub(doc, "metadata"); m != nil {
		md.Timestamp = str(m, "timestamp")
		md.Manufacturer = entityName(m, "manufacturer")
		if md.Manufacturer == "" {
			md.Manufacturer = entityName(m, "manufacture")
		}
		md.Supplier = entityName(m, "supplier")
		if c := sub(m, "component"); c != nil {
			sc := componentOf(c, refs)
			md.Subject = &sc
		}
	}
	return md
}
