package record

import (
	"slices"
	"time"

	"github.com/aimsproject/aims"
)

// Relationship is the kind of a link, read from its "from" end to its "to" end: a component implements a
// control, a system depends on a component.
type Relationship string

const (
	RelImplements Relationship = "implements"
	RelEvidences  Relationship = "evidences"
	RelTreats     Relationship = "treats"
	RelMitigates  Relationship = "mitigates"
	RelAffects    Relationship = "affects"
	RelCausedBy   Relationship = "caused-by"
	RelFollowsUp  Relationship = "follows-up"
	RelDependsOn  Relationship = "depends-on"
	RelRelatesTo  Relationship = "relates-to"
	// RelAddressedBy leads from an impact assessment to the risks and controls that mitigate its impacts.
	RelAddressedBy Relationship = "addressed-by"
)

// OnDelete says what deleting the record at a link's "to" end does to the link. Deleting the record at its
// "from" end always removes the link: the link says something about that record, and it is gone.
type OnDelete int

const (
	// Remove deletes the link with the record.
	Remove OnDelete = iota
	// Refuse keeps the record from being deleted while the link exists: something else rests on it.
	Refuse
)

// Rule is what one relationship allows: the record types at each end (nil: any type) and what deleting
// the record at the "to" end does.
type Rule struct {
	Relationship Relationship
	Label        string // from the "from" end: "implements"
	Inverse      string // from the "to" end: "is implemented by"
	From, To     []Type
	OnDeleteTo   OnDelete
}

// Rules is every relationship aims knows, in the order the UI offers them. Types that later capabilities
// add (risks, treatments, evidence, incidents) join the lists of the relationships they take part in.
var Rules = []Rule{
	{RelImplements, "implements", "is implemented by", []Type{TypeSystem, TypeComponent}, []Type{TypeControl}, Remove},
	{RelDependsOn, "depends on", "is depended on by", []Type{TypeSystem, TypeComponent}, []Type{TypeSystem, TypeComponent}, Refuse},
	{RelEvidences, "evidences", "is evidenced by", []Type{TypeComponent, TypeEvidence, TypeEvaluation}, []Type{TypeControl, TypeSystem, TypeComponent, TypeRisk, TypeImpact}, Remove},
	{RelMitigates, "mitigates", "is mitigated by", []Type{TypeControl, TypeSystem, TypeComponent}, []Type{TypeRisk}, Remove},
	{RelTreats, "treats", "is treated by", []Type{TypeControl}, []Type{TypeRisk}, Remove},
	{RelAddressedBy, "is addressed by", "addresses impacts of", []Type{TypeImpact}, []Type{TypeRisk, TypeControl}, Remove},
	{RelAffects, "affects", "is affected by", nil, []Type{TypeSystem, TypeComponent, TypeControl}, Remove},
	{RelCausedBy, "was caused by", "caused", nil, nil, Remove},
	{RelFollowsUp, "follows up", "is followed up by", nil, nil, Remove},
	{RelRelatesTo, "relates to", "relates to", nil, nil, Remove},
}

// RuleOf returns the rule of relationship r, or nil when aims knows no such relationship.
func RuleOf(r Relationship) *Rule {
	for i := range Rules {
		if Rules[i].Relationship == r {
			return &Rules[i]
		}
	}
	return nil
}

// Allows reports whether the rule lets a record of type from link to one of type to.
func (r *Rule) Allows(from, to Type) bool {
	return allows(r.From, from) && allows(r.To, to)
}

// Usable reports whether some record type known today may be at each end of the rule.
func (r *Rule) Usable() bool {
	return (r.From == nil || len(r.From) > 0) && (r.To == nil || len(r.To) > 0)
}

// FromAllows reports whether a record of type t may be at the rule's "from" end.
func (r *Rule) FromAllows(t Type) bool { return allows(r.From, t) }

// ToAllows reports whether a record of type t may be at the rule's "to" end.
func (r *Rule) ToAllows(t Type) bool { return allows(r.To, t) }

func allows(ts []Type, t Type) bool { return ts == nil || slices.Contains(ts, t) }

func typeNames(ts []Type) string {
	if ts == nil {
		return "any record"
	}
	if len(ts) == 0 {
		return "no record type yet"
	}
	s := ""
	for i, t := range ts {
		if i > 0 {
			s += ", "
		}
		s += t.Label()
	}
	return s
}

// Link joins two records of one organization with a relationship, read from From to To.
type Link struct {
	ID           string       `json:"id"`
	OrgID        string       `json:"-"`
	Relationship Relationship `json:"relationship"`
	From         End          `json:"from"`
	To           End          `json:"to"`
	Note         string       `json:"note,omitempty"`
	CreatedBy    string       `json:"created_by"`
	CreatedByID  string       `json:"-"`
	CreatedAt    time.Time    `json:"created_at"`
}

// Other returns the end of l that is not r, and whether r is l's "from" end.
func (l *Link) Other(r Ref) (End, bool) {
	if l.From.Ref() == r {
		return l.To, true
	}
	return l.From, false
}

// Phrase is the relationship as read from the end r: "implements" from the from end, "is implemented by"
// from the to end.
func (l *Link) Phrase(r Ref) string {
	rule := RuleOf(l.Relationship)
	if rule == nil {
		return string(l.Relationship)
	}
	if l.From.Ref() == r {
		return rule.Label
	}
	return rule.Inverse
}

// NewLink is what a caller asks for: a relationship between two records, with an optional note.
type NewLink struct {
	Relationship string `json:"relationship"`
	From         string `json:"from"`
	To           string `json:"to"`
	Note         string `json:"note"`
}

// Filter selects links: those from a record, to a record, or either (Record).
type Filter struct {
	From, To, Record *Ref
	Relationship     Relationship
}

func (f Filter) check() error {
	n := 0
	for _, r := range []*Ref{f.From, f.To, f.Record} {
		if r != nil {
			n++
		}
	}
	if n != 1 {
		return aims.FieldError("from", "Name one record: from=TYPE:ID, to=TYPE:ID or record=TYPE:ID.")
	}
	if f.Relationship != "" && RuleOf(f.Relationship) == nil {
		return aims.FieldError("relationship", "Unknown relationship %q: %s.", clip(string(f.Relationship)), relationshipList())
	}
	return nil
}

func relationshipList() string {
	s := "use "
	for i, r := range Rules {
		if i > 0 {
			s += ", "
		}
		s += string(r.Relationship)
	}
	return s
}
