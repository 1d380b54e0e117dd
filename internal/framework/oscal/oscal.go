// Package oscal reads and writes the parts of NIST's Open Security Controls Assessment Language (OSCAL,
// https://pages.nist.gov/OSCAL/) that aims uses: catalogs and profiles in JSON, validated against the
// official OSCAL 1.2.1 JSON schemas, which are embedded. It knows the format only; turning documents into
// frameworks is the framework package's business.
package oscal

import (
	"crypto/sha1"
	"fmt"
	"strings"
)

// Document is a parsed OSCAL document: exactly one of Catalog and Profile is set.
type Document struct {
	Catalog *Catalog `json:"catalog,omitempty"`
	Profile *Profile `json:"profile,omitempty"`
}

// Catalog is an OSCAL catalog: a structured collection of controls, optionally in groups.
type Catalog struct {
	UUID       string      `json:"uuid"`
	Metadata   Metadata    `json:"metadata"`
	Params     []Param     `json:"params,omitempty"`
	Controls   []*Control  `json:"controls,omitempty"`
	Groups     []*Group    `json:"groups,omitempty"`
	BackMatter *BackMatter `json:"back-matter,omitempty"`
}

// Metadata is a document's metadata. Only what aims reads or writes is modelled.
type Metadata struct {
	Title        string  `json:"title"`
	Published    string  `json:"published,omitempty"`
	LastModified string  `json:"last-modified"`
	Version      string  `json:"version"`
	OSCALVersion string  `json:"oscal-version"`
	Props        []Prop  `json:"props,omitempty"`
	Roles        []Role  `json:"roles,omitempty"`
	Parties      []Party `json:"parties,omitempty"`
	Responsible  []RP    `json:"responsible-parties,omitempty"`
	Remarks      string  `json:"remarks,omitempty"`
}

// Role is a metadata role.
type Role struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Party is a person or organization named in metadata.
type Party struct {
	UUID string `json:"uuid"`
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
}

// RP is a responsible party: a role and the parties that hold it.
type RP struct {
	RoleID     string   `json:"role-id"`
	PartyUUIDs []string `json:"party-uuids"`
}

// Group is a group of controls (and of further groups).
type Group struct {
	ID       string     `json:"id,omitempty"`
	Class    string     `json:"class,omitempty"`
	Title    string     `json:"title"`
	Params   []Param    `json:"params,omitempty"`
	Props    []Prop     `json:"props,omitempty"`
	Parts    []*Part    `json:"parts,omitempty"`
	Groups   []*Group   `json:"groups,omitempty"`
	Controls []*Control `json:"controls,omitempty"`
}

// Control is a control, which may contain further controls (enhancements).
type Control struct {
	ID       string     `json:"id"`
	Class    string     `json:"class,omitempty"`
	Title    string     `json:"title"`
	Params   []Param    `json:"params,omitempty"`
	Props    []Prop     `json:"props,omitempty"`
	Parts    []*Part    `json:"parts,omitempty"`
	Controls []*Control `json:"controls,omitempty"`
}

// Part is a part of a control or group: its statement, guidance, an item of the statement, ...
type Part struct {
	ID    string  `json:"id,omitempty"`
	Name  string  `json:"name"`
	NS    string  `json:"ns,omitempty"`
	Class string  `json:"class,omitempty"`
	Title string  `json:"title,omitempty"`
	Props []Prop  `json:"props,omitempty"`
	Prose string  `json:"prose,omitempty"`
	Parts []*Part `json:"parts,omitempty"`
}

// Prop is a name/value property.
type Prop struct {
	Name  string `json:"name"`
	NS    string `json:"ns,omitempty"`
	Value string `json:"value"`
	Class string `json:"class,omitempty"`
}

// Param is a parameter that statements insert with {{ insert: param, ID }}.
type Param struct {
	ID     string   `json:"id"`
	Label  string   `json:"label,omitempty"`
	Values []string `json:"values,omitempty"`
	Select *Select  `json:"select,omitempty"`
}

// Select is a parameter's choice of values.
type Select struct {
	HowMany string   `json:"how-many,omitempty"`
	Choice  []string `json:"choice,omitempty"`
}

// BackMatter holds a document's resources.
type BackMatter struct {
	Resources []Resource `json:"resources,omitempty"`
}

// Resource is a back-matter resource: a reference to a document, by title and links.
type Resource struct {
	UUID        string  `json:"uuid"`
	Title       string  `json:"title,omitempty"`
	Description string  `json:"description,omitempty"`
	RLinks      []RLink `json:"rlinks,omitempty"`
}

// RLink is a link to a resource's content.
type RLink struct {
	Href      string `json:"href"`
	MediaType string `json:"media-type,omitempty"`
}

// Profile is an OSCAL profile: a selection of controls from imported catalogs.
type Profile struct {
	UUID       string      `json:"uuid"`
	Metadata   Metadata    `json:"metadata"`
	Imports    []Import    `json:"imports"`
	Merge      *Merge      `json:"merge,omitempty"`
	BackMatter *BackMatter `json:"back-matter,omitempty"`
}

// Import names a catalog (or profile) and the controls the profile takes from it.
type Import struct {
	Href            string          `json:"href"`
	IncludeAll      *struct{}       `json:"include-all,omitempty"`
	IncludeControls []SelectControl `json:"include-controls,omitempty"`
	ExcludeControls []SelectControl `json:"exclude-controls,omitempty"`
}

// SelectControl selects controls by id or by id pattern.
type SelectControl struct {
	WithChildControls string     `json:"with-child-controls,omitempty"`
	WithIDs           []string   `json:"with-ids,omitempty"`
	Matching          []Matching `json:"matching,omitempty"`
}

// Matching selects the controls whose ids match a glob pattern.
type Matching struct {
	Pattern string `json:"pattern"`
}

// Merge says how a profile's controls are structured after resolution.
type Merge struct {
	AsIs *bool     `json:"as-is,omitempty"`
	Flat *struct{} `json:"flat,omitempty"`
}

// Resource returns the back-matter resource with uuid, or nil.
func (b *BackMatter) Resource(uuid string) *Resource {
	if b == nil {
		return nil
	}
	for i := range b.Resources {
		if strings.EqualFold(b.Resources[i].UUID, uuid) {
			return &b.Resources[i]
		}
	}
	return nil
}

// Label returns the label property of props that OSCAL displays ("AC-1"): the first label without a
// class, else the first label, else "".
func Label(props []Prop) string {
	first := ""
	for _, p := range props {
		if p.Name != "label" || (p.NS != "" && p.NS != NISTNS) {
			continue
		}
		if p.Class == "" {
			return strings.TrimSpace(p.Value)
		}
		if first == "" {
			first = strings.TrimSpace(p.Value)
		}
	}
	return first
}

// PropValue returns the value of the first property with name in namespace ns ("" for OSCAL's own).
func PropValue(props []Prop, ns, name string) (string, bool) {
	for _, p := range props {
		if p.Name == name && (p.NS == ns || (ns == "" && p.NS == NISTNS)) {
			return p.Value, true
		}
	}
	return "", false
}

// NISTNS is the namespace of OSCAL's own names, which documents may also state explicitly.
const NISTNS = "http://csrc.nist.gov/ns/oscal"

// Version is the OSCAL version of the embedded schemas, which exports declare.
const Version = "1.2.1"

// uuidNamespace is the name space of aims's name-based (version 5) UUIDs.
var uuidNamespace = [16]byte{0x6b, 0x1e, 0x4a, 0x0c, 0x3d, 0x52, 0x4f, 0x61, 0x9a, 0x2e, 0x5b, 0x3f, 0x80, 0x11, 0x7c, 0x44}

// UUID5 returns the version 5 (SHA-1, name-based) UUID of name in aims's name space (RFC 9562, 5.5): the
// same name always gives the same UUID, so that exports of unchanged content are identical.
func UUID5(name string) string {
	h := sha1.New()
	h.Write(uuidNamespace[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = (u[6] & 0x0f) | 0x50
	u[8] = (u[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
