// Package framework holds the requirement catalogs aims knows: the built-in frameworks (ISO/IEC 42001
// clauses and Annex A, NIST AI RMF 1.0, NIST AI 600-1, the EU AI Act obligations, ISO/IEC 27001:2022
// Annex A), frameworks an organization imports (OSCAL catalogs and profiles, CSV) or writes itself, and
// the mappings between requirements of different frameworks.
package framework

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/aimsproject/aims"
)

// Well-known keys of the built-in frameworks.
const (
	ISO42001  = "iso42001-2023"
	NISTAIRMF = "nist-ai-rmf-1.0"
	NIST600   = "nist-ai-600-1"
	EUAIAct   = "eu-ai-act"
	ISO27001  = "iso27001-2022"
)

// Kinds of framework.
const (
	KindBuiltin = "builtin" // shipped with aims, shared by every organization
	KindOSCAL   = "oscal"   // imported from an OSCAL catalog or profile
	KindCSV     = "csv"     // imported from a CSV file
	KindCustom  = "custom"  // the organization's own controls
)

// Framework is a catalog of requirements. Built-in frameworks have an empty OrgID and are visible to every
// organization; all others belong to one organization.
type Framework struct {
	ID          string    `json:"id"`
	OrgID       string    `json:"-"`
	Key         string    `json:"key"`
	Revision    int       `json:"revision"`
	Name        string    `json:"name"`
	Version     string    `json:"version"`
	Publisher   string    `json:"publisher"`
	Kind        string    `json:"kind"`
	Description string    `json:"description"`
	Source      string    `json:"source"`
	SourceHash  string    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`

	// Counts, filled in by listings.
	Requirements int `json:"requirements"`
	Assessable   int `json:"assessable"`
}

// Builtin reports whether f ships with aims.
func (f *Framework) Builtin() bool { return f.OrgID == "" }

// Kinds of requirement (node of a framework's tree).
const (
	ReqClause      = "clause"      // a management-system clause (assessable, or a heading)
	ReqGroup       = "group"       // a group of controls (e.g. an Annex A objective)
	ReqControl     = "control"     // a control
	ReqFunction    = "function"    // NIST AI RMF function
	ReqCategory    = "category"    // NIST AI RMF category
	ReqSubcategory = "subcategory" // NIST AI RMF subcategory
	ReqArticle     = "article"     // an EU AI Act article
	ReqRisk        = "risk"        // a NIST AI 600-1 risk
)

// Requirement is one node of a framework: a clause item, a control, a group heading, an article. Ref is its
// identifier in the framework ("A.6.2.4", "GOVERN 1.1", "50"); ParentRef places it in the tree.
type Requirement struct {
	ID          string    `json:"id"`
	FrameworkID string    `json:"framework_id"`
	Ref         string    `json:"ref"`
	Title       string    `json:"title"`
	Kind        string    `json:"kind"`
	ParentRef   string    `json:"parent_ref"`
	Position    int       `json:"position"`
	Assessable  bool      `json:"assessable"`
	Text        string    `json:"text"`
	Guidance    *Guidance `json:"guidance,omitempty"`
	// SourceID is the requirement's id in the document it was imported from (an OSCAL control's id), if any.
	SourceID string `json:"source_id,omitempty"`

	// FrameworkKey is filled in by queries that join the framework.
	FrameworkKey string `json:"framework_key,omitempty"`
}

// Guidance is aims's own explanation of a requirement, written in our words: what it asks, the records an
// auditor expects, and the questions an auditor asks.
type Guidance struct {
	Summary          string   `json:"summary"`
	Evidence         []string `json:"evidence,omitempty"`
	AuditorQuestions []string `json:"auditor_questions,omitempty"`
}

// EncodeGuidance returns g as stored ("" for none).
func EncodeGuidance(g *Guidance) string {
	if g == nil {
		return ""
	}
	b, _ := json.Marshal(g)
	return string(b)
}

// DecodeGuidance parses stored guidance ("" is none).
func DecodeGuidance(s string) *Guidance {
	if s == "" {
		return nil
	}
	var g Guidance
	if json.Unmarshal([]byte(s), &g) != nil {
		return nil
	}
	return &g
}

// Relationships between two requirements, read "from REL to".
const (
	RelEquivalent = "equivalent" // they ask for the same thing
	RelSubset     = "subset"     // from asks for part of what to asks
	RelSuperset   = "superset"   // from asks for more than to
	RelIntersects = "intersects" // they overlap
)

// ValidRelationship reports whether r is a known relationship.
func ValidRelationship(r string) bool {
	switch r {
	case RelEquivalent, RelSubset, RelSuperset, RelIntersects:
		return true
	}
	return false
}

// Inverse returns the relationship read from the other side.
func Inverse(r string) string {
	switch r {
	case RelSubset:
		return RelSuperset
	case RelSuperset:
		return RelSubset
	}
	return r
}

// SourceAims marks mappings that aims authored.
const SourceAims = "aims"

// SourceDerivedPrefix starts the source of every shipped mapping that aims derived from a shared structure
// (the clause numbering ISO management-system standards have in common) rather than took from a published
// crosswalk.
const SourceDerivedPrefix = "derived-structural"

// What a mapping's source is, so that people can tell a published crosswalk from aims's reading: the
// values of Mapping.SourceKind and of the API's source_kind.
const (
	SourcePublished = "published" // a crosswalk someone else published, named in Source
	SourceDerived   = "derived"   // aligned by aims from the standards' shared structure; published by no one
	SourceByAims    = "aims"      // authored by aims, with a one-line rationale
	SourceByOrg     = "own"       // the organization's own
)

// SourceKindOf returns the kind of a mapping with source, own when it is the organization's own.
func SourceKindOf(source string, own bool) string {
	switch {
	case own:
		return SourceByOrg
	case source == SourceAims:
		return SourceByAims
	case strings.HasPrefix(source, SourceDerivedPrefix):
		return SourceDerived
	}
	return SourcePublished
}

// Mapping relates a requirement of one framework to a requirement of another. Shipped mappings have an
// empty OrgID; an organization's own have its id.
type Mapping struct {
	ID           string    `json:"id"`
	OrgID        string    `json:"-"`
	FromID       string    `json:"from_id"`
	ToID         string    `json:"to_id"`
	Relationship string    `json:"relationship"`
	Source       string    `json:"source"`
	Rationale    string    `json:"rationale"`
	CreatedAt    time.Time `json:"created_at"`
	Own          bool      `json:"own"`
	// SourceKind is SourceKindOf(Source, Own), set by the store.
	SourceKind string `json:"source_kind"`
}

// Related is a mapping seen from one requirement: the requirement on the other side, with the
// relationship read from the first.
type Related struct {
	Mapping      *Mapping     `json:"mapping"`
	Requirement  *Requirement `json:"requirement"`
	Relationship string       `json:"relationship"`
}

// LicensedText is requirement text an organization has licensed and imported into its own instance. It is
// shown beside aims's guidance and never included in exports meant for others.
type LicensedText struct {
	RequirementID string    `json:"requirement_id"`
	Text          string    `json:"text"`
	Source        string    `json:"source"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Store persists frameworks. Reads take the caller's organization and return built-in frameworks and that
// organization's own, never another's (ENOTFOUND). Changes write activity entries in the same transaction.
type Store interface {
	aims.Transactor
	// SeedBuiltins installs or updates the built-in frameworks and shipped mappings when they differ from
	// what the database holds; it is idempotent and cheap when nothing changed.
	SeedBuiltins(ctx context.Context, c *Catalog) error

	ListFrameworks(ctx context.Context, orgID string) ([]*Framework, error)
	FrameworkByKey(ctx context.Context, orgID, key string) (*Framework, error)
	FrameworkByID(ctx context.Context, orgID, id string) (*Framework, error)
	Requirements(ctx context.Context, orgID, frameworkID string) ([]*Requirement, error)
	RequirementByRef(ctx context.Context, orgID, frameworkID, ref string) (*Requirement, error)
	RequirementByID(ctx context.Context, orgID, id string) (*Requirement, error)
	SearchRequirements(ctx context.Context, orgID, frameworkID, query string, limit int) ([]*Requirement, error)

	// ImportFramework stores an organization's framework and all its requirements in one transaction.
	ImportFramework(ctx context.Context, f *Framework, reqs []*Requirement) error
	DeleteFramework(ctx context.Context, orgID, id string) error
	// DeleteFrameworkKey removes every revision of orgID's framework with key in one transaction
	// (ENOTFOUND when it has none).
	DeleteFrameworkKey(ctx context.Context, orgID, key string) error

	RelatedRequirements(ctx context.Context, orgID, requirementID string) ([]*Related, error)
	MappingsBetween(ctx context.Context, orgID, fromFrameworkID, toFrameworkID string) ([]*Mapping, error)
	CreateMapping(ctx context.Context, m *Mapping) error
	DeleteMapping(ctx context.Context, orgID, id string) error

	SetLicensedTexts(ctx context.Context, orgID string, texts []*LicensedText) error
	LicensedText(ctx context.Context, orgID, requirementID string) (*LicensedText, error)
}
