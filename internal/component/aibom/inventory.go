// Package aibom converts between CycloneDX JSON bills of materials for AI
// systems (ML-BOMs) and the neutral inventory types that aims stores.
//
// It is a pure library: no database, no HTTP, no network. Parse validates a
// CycloneDX 1.5 or 1.6 JSON document against the embedded CycloneDX 1.6 JSON
// schema and converts the validated values (checked against the official
// CycloneDX Go library's decoding in the tests); Write produces a CycloneDX 1.6
// ML-BOM with that library; Diff compares two inventories.
package aibom

// Component types of the neutral inventory.
const (
	TypeModel   = "model"
	TypeDataset = "dataset"
	TypeTool    = "tool"
	TypeService = "service"
	TypeLibrary = "library"
	TypeOther   = "other"
)

// Inventory is the neutral form of a bill of materials for one AI system:
// every component (nested CycloneDX components and services are flattened)
// and the dependency graph between them.
type Inventory struct {
	Metadata     Metadata     `json:"metadata"`
	Components   []Component  `json:"components,omitempty"`
	Dependencies []Dependency `json:"dependencies,omitempty"`
}

// Metadata describes the BOM document an inventory was read from.
type Metadata struct {
	SpecVersion  string `json:"specVersion,omitempty"`
	SerialNumber string `json:"serialNumber,omitempty"`
	Version      int    `json:"version,omitempty"`
	Timestamp    string `json:"timestamp,omitempty"`
	Manufacturer string `json:"manufacturer,omitempty"`
	Supplier     string `json:"supplier,omitempty"`
	// Subject is metadata.component: what the BOM describes (for an aims
	// export, the AI system itself). It is not part of Components.
	Subject *Component `json:"subject,omitempty"`
}

// Component is one model, dataset, tool, service, library or other part of
// an AI system.
type Component struct {
	// BOMRef identifies the component within the BOM. Components that had
	// none get a stable generated one (see GeneratedRefPrefix).
	BOMRef string `json:"bomRef"`
	Type   string `json:"type"`
	// CycloneDXType is the original CycloneDX component type when it is not
	// the canonical one for Type (for example "framework" or "container" for
	// TypeLibrary and TypeOther); Write uses it to keep the type.
	CycloneDXType string        `json:"cycloneDXType,omitempty"`
	Name          string        `json:"name"`
	Version       string        `json:"version,omitempty"`
	Group         string        `json:"group,omitempty"`
	Supplier      string        `json:"supplier,omitempty"`
	Manufacturer  string        `json:"manufacturer,omitempty"`
	Publisher     string        `json:"publisher,omitempty"`
	Description   string        `json:"description,omitempty"`
	Licenses      []string      `json:"licenses,omitempty"`
	PURL          string        `json:"purl,omitempty"`
	Hashes        []Hash        `json:"hashes,omitempty"`
	ExternalRefs  []ExternalRef `json:"externalRefs,omitempty"`
	Tags          []string      `json:"tags,omitempty"`
	Properties    []Property    `json:"properties,omitempty"`
	Model         *ModelInfo    `json:"model,omitempty"`
	Dataset       *DatasetInfo  `json:"dataset,omitempty"`
	Service       *ServiceInfo  `json:"service,omitempty"`
}

// Hash is a digest of a component's artifact.
type Hash struct {
	Alg     string `json:"alg"`
	Content string `json:"content"`
}

// ExternalRef points outside the BOM (website, VCS, model card, ...).
type ExternalRef struct {
	Type    string `json:"type"`
	URL     string `json:"url"`
	Comment string `json:"comment,omitempty"`
}

// Property is a free-form name/value pair.
type Property struct {
	Name  string `json:"name"`
	Value string `json:"value,omitempty"`
}

// ModelInfo is the model card of a machine-learning model component.
type ModelInfo struct {
	Approach           string         `json:"approach,omitempty"`
	Task               string         `json:"task,omitempty"`
	ArchitectureFamily string         `json:"architectureFamily,omitempty"`
	Architecture       string         `json:"architecture,omitempty"`
	Datasets           []ModelDataset `json:"datasets,omitempty"`
	Inputs             []string       `json:"inputs,omitempty"`
	Outputs            []string       `json:"outputs,omitempty"`
	Metrics            []Metric       `json:"metrics,omitempty"`
	Considerations     Considerations `json:"considerations"`
}

// ModelDataset is a dataset a model was trained or evaluated on: either a
// reference to a data component (Ref) or described inline.
type ModelDataset struct {
	Ref            string `json:"ref,omitempty"`
	Name           string `json:"name,omitempty"`
	Description    string `json:"description,omitempty"`
	URL            string `json:"url,omitempty"`
	Classification string `json:"classification,omitempty"`
}

// Metric is one quantitative performance result of a model.
type Metric struct {
	Type       string `json:"type"`
	Value      string `json:"value"`
	Slice      string `json:"slice,omitempty"`
	LowerBound string `json:"lowerBound,omitempty"`
	UpperBound string `json:"upperBound,omitempty"`
}

// Considerations are the qualitative parts of a model card.
type Considerations struct {
	Users                 []string             `json:"users,omitempty"`
	UseCases              []string             `json:"useCases,omitempty"`
	TechnicalLimitations  []string             `json:"technicalLimitations,omitempty"`
	PerformanceTradeoffs  []string             `json:"performanceTradeoffs,omitempty"`
	EthicalConsiderations []EthicalRisk        `json:"ethicalConsiderations,omitempty"`
	FairnessAssessments   []FairnessAssessment `json:"fairnessAssessments,omitempty"`
}

// IsZero reports whether no consideration is recorded.
func (c Considerations) IsZero() bool {
	return len(c.Users) == 0 && len(c.UseCases) == 0 && len(c.TechnicalLimitations) == 0 &&
		len(c.PerformanceTradeoffs) == 0 && len(c.EthicalConsiderations) == 0 && len(c.FairnessAssessments) == 0
}

// EthicalRisk is an ethical consideration and how it is mitigated.
type EthicalRisk struct {
	Name       string `json:"name,omitempty"`
	Mitigation string `json:"mitigation,omitempty"`
}

// FairnessAssessment records benefits and harms for a group at risk.
type FairnessAssessment struct {
	GroupAtRisk string `json:"groupAtRisk,omitempty"`
	Benefits    string `json:"benefits,omitempty"`
	Harms       string `json:"harms,omitempty"`
	Mitigation  string `json:"mitigation,omitempty"`
}

// DatasetInfo describes a data component (CycloneDX "data" with its first
// data entry; further entries are not kept).
type DatasetInfo struct {
	Kind           string   `json:"kind,omitempty"` // dataset, configuration, definition, source-code, other
	Name           string   `json:"name,omitempty"`
	Classification string   `json:"classification,omitempty"`
	URL            string   `json:"url,omitempty"`
	SensitiveData  []string `json:"sensitiveData,omitempty"`
	Owners         []string `json:"owners,omitempty"`
	Custodians     []string `json:"custodians,omitempty"`
	Stewards       []string `json:"stewards,omitempty"`
	// Provenance is the data entry's description: where the data comes
	// from and how it was prepared.
	Provenance string `json:"provenance,omitempty"`
}

// ServiceInfo describes an external or internal service the system calls.
type ServiceInfo struct {
	Provider      string     `json:"provider,omitempty"`
	Endpoints     []string   `json:"endpoints,omitempty"`
	Authenticated *bool      `json:"authenticated,omitempty"`
	TrustBoundary *bool      `json:"trustBoundary,omitempty"`
	TrustZone     string     `json:"trustZone,omitempty"`
	DataFlows     []DataFlow `json:"dataFlows,omitempty"`
}

// DataFlow is data a service sends or receives.
type DataFlow struct {
	Flow           string   `json:"flow"` // inbound, outbound, bi-directional, unknown
	Classification string   `json:"classification"`
	Name           string   `json:"name,omitempty"`
	Description    string   `json:"description,omitempty"`
	Source         []string `json:"source,omitempty"`
	Destination    []string `json:"destination,omitempty"`
}

// Dependency says that the component Ref depends on the components DependsOn.
type Dependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn,omitempty"`
}
