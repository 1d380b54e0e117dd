package control

// Diff is what changed between two SoAs, control by control.
type Diff struct {
	From    string   `json:"from"`
	To      string   `json:"to"`
	Changes []Change `json:"changes"`
}

// Kinds of change of a control between two SoAs.
const (
	ChangeAdded   = "added"
	ChangeRemoved = "removed"
	ChangeChanged = "changed"
)

// Change is one control that differs: added to the SoA, removed from it, or changed in the fields listed.
type Change struct {
	Framework string        `json:"framework"`
	Ref       string        `json:"ref"`
	Title     string        `json:"title"`
	Kind      string        `json:"change"`
	Fields    []FieldChange `json:"fields"`
}

// FieldChange is one field's value before and after.
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// DiffSoA compares two SoAs (from, the older, and to) in the fields an approver cares about:
// applicability, justification, status, owner and target date. Rows are matched by framework and ref;
// changes come in the order of to, then the rows only from has.
func DiffSoA(from, to *SoA, fromName, toName string) *Diff {
	d := &Diff{From: fromName, To: toName, Changes: []Change{}}
	old := make(map[string]*Row, len(from.Rows))
	for _, r := range from.Rows {
		old[r.Key()] = r
	}
	seen := map[string]bool{}
	for _, r := range to.Rows {
		seen[r.Key()] = true
		o := old[r.Key()]
		if o == nil {
			d.Changes = append(d.Changes, Change{Framework: r.Framework, Ref: r.Ref, Title: r.Title, Kind: ChangeAdded, Fields: fields(&Row{}, r)})
			continue
		}
		if fs := fields(o, r); len(fs) > 0 {
			d.Changes = append(d.Changes, Change{Framework: r.Framework, Ref: r.Ref, Title: r.Title, Kind: ChangeChanged, Fields: fs})
		}
	}
	for _, r := range from.Rows {
		if !seen[r.Key()] {
			d.Changes = append(d.Changes, Change{Framework: r.Framework, Ref: r.Ref, Title: r.Title, Kind: ChangeRemoved, Fields: []FieldChange{}})
		}
	}
	return d
}

// fields lists the fields that differ between a and b.
func fields(a, b *Row) []FieldChange {
	out := []FieldChange{}
	add := func(name, x, y string) {
		if x != y {
			out = append(out, FieldChange{Field: name, From: x, To: y})
		}
	}
	add("applicability", a.Applicability, b.Applicability)
	add("justification", a.Justification, b.Justification)
	add("status", a.Status, b.Status)
	if a.OwnerID != b.OwnerID || a.Owner != b.Owner {
		out = append(out, FieldChange{Field: "owner", From: a.Owner, To: b.Owner})
	}
	add("target_date", a.TargetDate, b.TargetDate)
	return out
}
