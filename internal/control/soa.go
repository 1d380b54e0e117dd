package control

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/framework"
)

// SoA is a Statement of Applicability: the live one, derived from the control implementations, or an
// approved, frozen version. It holds references, titles and the organization's own decisions, never the
// text of a requirement, so that it can be given to others.
type SoA struct {
	Organization Organization `json:"organization"`
	// Version is the approved version's number; 0 is the live SoA.
	Version     int        `json:"version"`
	ApprovedBy  string     `json:"approved_by,omitempty"`
	ApprovedAt  *time.Time `json:"approved_at,omitempty"`
	Note        string     `json:"note,omitempty"`
	Hash        string     `json:"hash,omitempty"`
	GeneratedAt time.Time  `json:"generated_at"`
	Rows        []*Row     `json:"controls"`
	Checks      Checks     `json:"checks"`
	Summary     Summary    `json:"summary"`
	// Comparison compares the controls the risk treatments select with Annex A (6.1.3).
	Comparison Comparison `json:"comparison"`
}

// Organization names the organization an SoA belongs to.
type Organization struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// Row is one control of an SoA.
type Row struct {
	Framework     string `json:"framework"`
	FrameworkName string `json:"framework_name"`
	Ref           string `json:"ref"`
	Title         string `json:"title"`
	GroupRef      string `json:"group_ref"`
	GroupTitle    string `json:"group_title"`
	Applicability string `json:"applicability"`
	Justification string `json:"justification"`
	Status        string `json:"status"`
	OwnerID       string `json:"owner_id"`
	Owner         string `json:"owner"`
	TargetDate    string `json:"target_date"`
	Links         int    `json:"links"`
	// Risks counts the risks whose treatment selects the control.
	Risks int `json:"risks"`
	// Flags repeat the checks for the row, for people reading it.
	NoDecision bool `json:"no_decision"`
	NoOwner    bool `json:"no_owner"`
	Overdue    bool `json:"overdue"`
	// Unchosen is set for an applicable control no risk treatment selects and with no reason of the
	// organization's own; ExcludedButSelected for an excluded control a treatment selects.
	Unchosen            bool `json:"unchosen"`
	ExcludedButSelected bool `json:"excluded_but_selected"`
}

// Key identifies a row across versions.
func (r *Row) Key() string { return r.Framework + " " + r.Ref }

// AnnexA reports whether the row is an Annex A control.
func (r *Row) AnnexA() bool { return r.Framework == framework.ISO42001 }

// Checks are what an SoA still lacks: controls with no decision or no justification (which block
// approval when they are Annex A controls), applicable controls with no owner who is a member, and
// applicable controls not implemented by their target date.
type Checks struct {
	Undecided []CheckItem `json:"undecided"`
	NoOwner   []CheckItem `json:"no_owner"`
	Overdue   []CheckItem `json:"overdue"`
	// Unchosen are the applicable controls no risk treatment selects, with no reason of the organization's
	// own (an empty justification or aims's default); ExcludedButSelected the excluded controls a risk
	// treatment selects; Risks what the risk register lacks (6.1.3).
	Unchosen            []CheckItem `json:"unchosen"`
	ExcludedButSelected []CheckItem `json:"excluded_but_selected"`
	Risks               *RiskGaps   `json:"risks,omitempty"`
}

// CheckItem names a control that fails a check.
type CheckItem struct {
	Framework  string `json:"framework"`
	Ref        string `json:"ref"`
	Title      string `json:"title"`
	TargetDate string `json:"target_date,omitempty"`
}

// Failing counts the failures of the checks: controls, and risks of the register.
func (c Checks) Failing() int {
	n := len(c.Undecided) + len(c.NoOwner) + len(c.Overdue) + len(c.Unchosen) + len(c.ExcludedButSelected)
	if c.Risks != nil {
		n += c.Risks.UnacceptedCount + c.Risks.NoControlCount
	}
	return n
}

// ControlChecks are the checks of controls with what each says, in the order people read them.
func (c Checks) ControlChecks() []NamedCheck {
	return []NamedCheck{
		{"No decision or justification", c.Undecided},
		{"Applicable, no owner", c.NoOwner},
		{"Not implemented by its target date", c.Overdue},
		{"Applicable, selected by no risk treatment and no reason of the organization's own", c.Unchosen},
		{"Excluded, yet selected by a risk treatment", c.ExcludedButSelected},
	}
}

// RiskChecks are the checks of the risk register with what each says and the refs of the risks listed.
func (c Checks) RiskChecks() []NamedRiskCheck {
	if c.Risks == nil {
		return nil
	}
	return []NamedRiskCheck{
		{"Risks above the acceptable level without a treatment or an acceptance", c.Risks.UnacceptedCount, c.Risks.Unaccepted},
		{"Treatments that select no control", c.Risks.NoControlCount, c.Risks.NoControl},
	}
}

// NamedCheck is a check of controls and the controls that fail it.
type NamedCheck struct {
	What  string
	Items []CheckItem
}

// NamedRiskCheck is a check of the register, how many risks fail it, and the first of them.
type NamedRiskCheck struct {
	What  string
	Count int
	Items []RiskItem
}

// OK reports whether every check passes.
func (c Checks) OK() bool { return c.Failing() == 0 }

// Summary counts an SoA's rows.
type Summary struct {
	Controls    int `json:"controls"`
	Applicable  int `json:"applicable"`
	Excluded    int `json:"excluded"`
	Undecided   int `json:"undecided"`
	Implemented int `json:"implemented"`
	Partial     int `json:"partial"`
}

// Groups returns the rows in runs of the same group, in order.
func (s *SoA) Groups() []Group {
	var out []Group
	for _, r := range s.Rows {
		if len(out) == 0 || out[len(out)-1].Ref != r.GroupRef || out[len(out)-1].Framework != r.Framework {
			out = append(out, Group{Framework: r.Framework, Ref: r.GroupRef, Title: r.GroupTitle})
		}
		out[len(out)-1].Rows = append(out[len(out)-1].Rows, r)
	}
	return out
}

// Group is a run of rows under one objective (Annex A) or one framework (added controls).
type Group struct {
	Framework string
	Ref       string
	Title     string
	Rows      []*Row
}

// buildSoA derives the live SoA from the controls in order, with the checks as of today (YYYY-MM-DD).
func buildSoA(org Organization, cs []*Control, now time.Time) *SoA {
	s := &SoA{Organization: org, GeneratedAt: now, Rows: make([]*Row, 0, len(cs)),
		Checks: Checks{Undecided: []CheckItem{}, NoOwner: []CheckItem{}, Overdue: []CheckItem{}}}
	today := now.UTC().Format(time.DateOnly)
	for _, c := range cs {
		r := &Row{Framework: c.Framework, FrameworkName: c.FrameworkName, Ref: c.Ref, Title: c.Title,
			GroupRef: c.GroupRef, GroupTitle: c.GroupTitle, Applicability: c.Applicability, Justification: c.Justification,
			Status: c.Status, OwnerID: c.OwnerID, Owner: c.OwnerName, TargetDate: c.TargetDate, Links: c.LinkCount, Risks: c.Risks}
		if !c.AnnexA() {
			// Added controls are grouped by their framework.
			r.GroupRef, r.GroupTitle = c.Framework, c.FrameworkName
		}
		item := CheckItem{Framework: c.Framework, Ref: c.Ref, Title: c.Title}
		if !c.Decided() {
			r.NoDecision = true
			s.Checks.Undecided = append(s.Checks.Undecided, item)
		}
		if c.Applicability == Applicable && !c.HasOwner() {
			r.NoOwner = true
			s.Checks.NoOwner = append(s.Checks.NoOwner, item)
		}
		if c.Overdue(today) {
			r.Overdue = true
			item.TargetDate = c.TargetDate
			s.Checks.Overdue = append(s.Checks.Overdue, item)
		}
		s.Rows = append(s.Rows, r)
	}
	s.count()
	return s
}

func (s *SoA) count() { s.Summary = summarize(s.Rows, func(*Row) bool { return true }) }

// AnnexASummary counts only the SoA's Annex A controls, leaving out the controls added from other
// frameworks, for sentences that speak of Annex A.
func (s *SoA) AnnexASummary() Summary { return summarize(s.Rows, (*Row).AnnexA) }

// summarize counts the rows that keep accepts.
func summarize(rows []*Row, keep func(*Row) bool) Summary {
	var sum Summary
	for _, r := range rows {
		if !keep(r) {
			continue
		}
		sum.Controls++
		switch r.Applicability {
		case Applicable:
			sum.Applicable++
			switch r.Status {
			case Implemented:
				sum.Implemented++
			case Partial:
				sum.Partial++
			}
		case Excluded:
			sum.Excluded++
		default:
			sum.Undecided++
		}
	}
	return sum
}

// AnnexAUndecided returns the Annex A controls that lack a decision with a justification: while there are
// any, the SoA cannot be approved.
func (s *SoA) AnnexAUndecided() []CheckItem {
	var out []CheckItem
	for _, c := range s.Checks.Undecided {
		if c.Framework == framework.ISO42001 {
			out = append(out, c)
		}
	}
	return out
}

// Version is an approved, frozen Statement of Applicability: its number (1, 2, ...), who approved it and
// when, and the SoA as it was then, as JSON with its SHA-256.
type Version struct {
	ID             string          `json:"-"`
	OrgID          string          `json:"-"`
	Number         int             `json:"number"`
	ApprovedByID   string          `json:"approved_by_id"`
	ApprovedByName string          `json:"approved_by"`
	ApprovedAt     time.Time       `json:"approved_at"`
	Note           string          `json:"note"`
	Snapshot       json.RawMessage `json:"-"`
	Hash           string          `json:"hash"`
}

// freeze encodes s as v's snapshot and hashes it. The snapshot holds the content only: the version's
// number, approver and date live beside it.
func (v *Version) freeze(s *SoA) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("cannot encode the SoA: %w", err)
	}
	sum := sha256.Sum256(b)
	v.Snapshot, v.Hash = b, hex.EncodeToString(sum[:])
	return nil
}

// SoA returns the frozen SoA of v, with the version's approval filled in. It fails when the snapshot does
// not match its hash.
func (v *Version) SoA() (*SoA, error) {
	sum := sha256.Sum256(v.Snapshot)
	if hex.EncodeToString(sum[:]) != v.Hash {
		return nil, fmt.Errorf("the snapshot of SoA version %d does not match its hash", v.Number)
	}
	var s SoA
	if err := json.Unmarshal(v.Snapshot, &s); err != nil {
		return nil, fmt.Errorf("cannot read SoA version %d: %w", v.Number, err)
	}
	// Versions approved before a check existed hold none of it.
	for _, l := range []*[]CheckItem{&s.Checks.Unchosen, &s.Checks.ExcludedButSelected} {
		if *l == nil {
			*l = []CheckItem{}
		}
	}
	at := v.ApprovedAt
	s.Version, s.ApprovedBy, s.ApprovedAt, s.Note, s.Hash = v.Number, v.ApprovedByName, &at, v.Note, v.Hash
	return &s, nil
}
