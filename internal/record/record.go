// Package record holds what every kind of record in aims shares: links between any two records of one
// organization, with a typed relationship and rules for what happens when a linked record is deleted.
// Later capabilities (risks, evidence, findings) register a record type here instead of growing their own
// links.
package record

import (
	"net/url"
	"strings"

	"github.com/aimsproject/aims"
)

// Type is a kind of record that links can join.
type Type string

// The record types known today. A new capability adds its type here, a label, a web path, and the store's
// query that finds a record of it (store/record.go).
const (
	TypeSystem    Type = "system"
	TypeComponent Type = "component"
	TypeControl   Type = "control"
	TypeRisk      Type = "risk"
	TypeImpact    Type = "impact"
	TypeEvidence  Type = "evidence"
	// TypeEvaluation is an imported evaluation run of a system.
	TypeEvaluation Type = "evaluation"
)

// Types lists every record type in the order the UI offers them.
var Types = []Type{TypeSystem, TypeComponent, TypeControl, TypeRisk, TypeImpact, TypeEvidence, TypeEvaluation}

var typeLabels = map[Type]string{
	TypeSystem:     "AI system",
	TypeComponent:  "Component",
	TypeControl:    "Control",
	TypeRisk:       "Risk",
	TypeImpact:     "Impact assessment",
	TypeEvidence:   "Evidence",
	TypeEvaluation: "Evaluation run",
}

// Valid reports whether t is a known record type.
func (t Type) Valid() bool { _, ok := typeLabels[t]; return ok }

// Label is the type's name for people.
func (t Type) Label() string { return typeLabels[t] }

func typeList() string {
	s := make([]string, len(Types))
	for i, t := range Types {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// Ref names one record of an organization: its type and id. A control's id is its framework's key and its
// requirement's reference ("iso42001-2023/A.6.2.4"), which stay the same across revisions of the framework.
type Ref struct {
	Type Type   `json:"type"`
	ID   string `json:"id"`
}

// String writes r as TYPE:ID, the form ParseRef reads.
func (r Ref) String() string { return string(r.Type) + ":" + r.ID }

// ParseRef reads "TYPE:ID" ("control:KEY/REF" for a control): EINVALID about field when it is malformed,
// ENOTFOUND when its id cannot name a record.
func ParseRef(s, field string) (Ref, error) {
	s = strings.TrimSpace(s)
	t, id, ok := strings.Cut(s, ":")
	if !ok || id == "" {
		return Ref{}, aims.FieldError(field, "Name a record as TYPE:ID, for example system:%s; %q is not one.", aims.NewID(), clip(s))
	}
	r := Ref{Type: Type(strings.ToLower(strings.TrimSpace(t))), ID: strings.TrimSpace(id)}
	if !r.Type.Valid() {
		return Ref{}, aims.FieldError(field, "Unknown record type %q: use %s.", clip(t), typeList())
	}
	if len(r.ID) > 300 || strings.ContainsAny(r.ID, "\x00\n\r") {
		return Ref{}, aims.FieldError(field, "The record id is not valid.")
	}
	if r.Type == TypeControl {
		if k, ref, ok := strings.Cut(r.ID, "/"); !ok || k == "" || ref == "" {
			return Ref{}, aims.FieldError(field, "Name a control by framework key and reference, for example control:iso42001-2023/A.6.2.4.")
		}
	} else if r.Type == TypeRisk && RiskSeq(r.ID) > 0 {
		r.ID = strings.ToUpper(r.ID) // a risk by its number in the register: risk:R-3
	} else if !aims.ValidID(r.ID) {
		// Ids are made by aims; anything else names no record, in this organization or any other.
		return Ref{}, notFound(r)
	}
	return r, nil
}

// RiskSeq returns n of a risk's reference R-n (any case), or 0 when s is not one.
func RiskSeq(s string) int64 {
	if len(s) < 3 || len(s) > 12 || (s[0] != 'R' && s[0] != 'r') || s[1] != '-' {
		return 0
	}
	var n int64
	for _, c := range s[2:] {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// End is one end of a link as people see it: the record's type and id, its title, and where its page is.
type End struct {
	Type  Type   `json:"type"`
	ID    string `json:"id"`
	Title string `json:"title"`
	// Missing is set when the record no longer exists (it was deleted by a path that kept the link).
	Missing bool `json:"missing,omitempty"`
}

// Ref returns the end's record reference.
func (e End) Ref() Ref { return Ref{Type: e.Type, ID: e.ID} }

// Path is the record's page in the web UI, relative to the organization.
func (e End) Path() string {
	switch e.Type {
	case TypeSystem:
		return "/systems/" + e.ID
	case TypeComponent:
		return "/components/" + e.ID
	case TypeRisk:
		return "/risks/" + e.ID
	case TypeImpact:
		return "/impact-assessments/" + e.ID
	case TypeEvidence:
		return "/evidence/" + e.ID
	case TypeEvaluation:
		return "/evaluations/" + e.ID
	case TypeControl:
		key, ref, _ := strings.Cut(e.ID, "/")
		return "/controls/" + url.PathEscape(key) + "/" + url.PathEscape(ref)
	}
	return ""
}

// Name is the end's title with its type, for sentences: "AI system TalentMatch".
func (e End) Name() string { return e.Type.Label() + " " + e.Title }
