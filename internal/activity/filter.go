package activity

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"github.com/aimsproject/aims"
)

// Filter narrows a listing of the trail. Empty fields keep every entry; From and To are days (UTC), both
// included.
type Filter struct {
	ActorID    string
	RecordType string
	// RecordID keeps the entries of one record (with RecordType): its history.
	RecordID string
	Action   string
	From, To time.Time
}

// Actions lists the actions the trail records, for choosing one.
var Actions = []string{ActionCreate, ActionUpdate, ActionDelete, ActionRevoke, "approve"}

var recordTypePattern = regexp.MustCompile(`^[a-z][a-z_]{0,39}$`)

// ParseFilter reads a filter from query parameters (get returns a parameter's value): actor_id,
// record_type, record_id, action, from and to (YYYY-MM-DD). A malformed value is EINVALID naming its parameter; to
// before from is EINVALID on to.
func ParseFilter(get func(string) string) (Filter, error) {
	f := Filter{ActorID: strings.TrimSpace(get("actor_id")), RecordType: strings.TrimSpace(get("record_type")),
		Action: strings.TrimSpace(get("action"))}
	if f.RecordID = strings.TrimSpace(get("record_id")); len(f.RecordID) > 200 {
		return Filter{}, aims.FieldError("record_id", "The record is not valid.")
	}
	if f.RecordID != "" && f.RecordType == "" {
		return Filter{}, aims.FieldError("record_id", "Name the record's type (record_type) with its id.")
	}
	if len(f.ActorID) > 200 {
		return Filter{}, aims.FieldError("actor_id", "The person is not valid.")
	}
	if f.RecordType != "" && !recordTypePattern.MatchString(f.RecordType) {
		return Filter{}, aims.FieldError("record_type", "The record type %q is not known.", f.RecordType)
	}
	if f.Action != "" {
		known := false
		for _, a := range Actions {
			known = known || a == f.Action
		}
		if !known {
			return Filter{}, aims.FieldError("action", "The action %q is not known: use %s.", f.Action, strings.Join(Actions, ", "))
		}
	}
	for _, d := range []struct {
		name string
		into *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		v := strings.TrimSpace(get(d.name))
		if v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return Filter{}, aims.FieldError(d.name, "The date %q is not a date like 2026-01-31.", v)
		}
		*d.into = t
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return Filter{}, aims.FieldError("to", "The end of the period is before its start.")
	}
	return f, nil
}

// Empty reports whether f keeps every entry.
func (f Filter) Empty() bool {
	return f.ActorID == "" && f.RecordType == "" && f.RecordID == "" && f.Action == "" && f.From.IsZero() && f.To.IsZero()
}

// Record is what people call the record an entry is about: its reference (a control's A.6.2.4, a
// version's number) and its name, either of which may be empty.
type Record struct {
	Ref  string `json:"ref,omitempty"`
	Name string `json:"name,omitempty"`
	// Framework (for controls) and SystemID (for records of a system) say where the record lives; Of, for a
	// comment, a task or a link, is the record it is about (its from end), as TYPE:ID.
	Framework string `json:"-"`
	SystemID  string `json:"-"`
	Of        string `json:"-"`
}

// snapshot holds the fields of a record's before or after state that name it.
type snapshot struct {
	Ref      string      `json:"ref"`
	Title    string      `json:"title"`
	Name     string      `json:"name"`
	Email    string      `json:"email"`
	Key      string      `json:"key"`
	Number   json.Number `json:"number"`
	Seq      json.Number `json:"seq"`
	Filename string      `json:"filename"`
	SystemID string      `json:"system_id"`
	Frame    string      `json:"framework"`
	// Comments, tasks and links name the records they are about; a webhook its URL.
	Record       *end   `json:"record"`
	From         *end   `json:"from"`
	To           *end   `json:"to"`
	Relationship string `json:"relationship"`
	Body         string `json:"body"`
	URL          string `json:"url"`
}

// end is a record a comment, task or link is about, as their states name it.
type end struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Describe names the record of e from its own states (after, or before for a deletion), without reading
// anything else: a control is its ref and title, a system or component its name, a member their name or
// email, an SoA version its number. Records whose states name nothing (links between systems and
// components, keyed by the system) are named by the caller.
func Describe(e *Entry) Record {
	var s snapshot
	for _, raw := range []json.RawMessage{e.After, e.Before} {
		if len(raw) > 0 && string(raw) != "null" && json.Unmarshal(raw, &s) == nil &&
			(s.Ref+s.Title+s.Name+s.Email+s.Key+s.Number.String()+s.Seq.String()+s.Body+s.URL != "" || s.From != nil) {
			break
		}
	}
	r := describe(e, s)
	r.Framework, r.SystemID = s.Frame, s.SystemID
	switch {
	case s.Record != nil:
		r.Of = s.Record.Type + ":" + s.Record.ID
	case s.From != nil:
		r.Of = s.From.Type + ":" + s.From.ID
	}
	if e.RecordType == "framework" {
		r.Framework = s.Key
	}
	if systemKeyed(e.RecordType) {
		r.SystemID = e.RecordID
	}
	return r
}

// systemKeyed reports whether entries of recordType have the system's id as their record id.
func systemKeyed(recordType string) bool {
	return recordType == "system" || recordType == "system_component" || recordType == "system_classification"
}

func describe(e *Entry, s snapshot) Record {
	switch {
	case e.RecordType == "comment" && s.Record != nil:
		return Record{Ref: "on " + s.Record.Title, Name: excerpt(s.Body, 80)}
	case e.RecordType == "link" && s.From != nil && s.To != nil:
		return Record{Name: s.From.Title + " " + s.Relationship + " " + s.To.Title}
	case e.RecordType == "task" && s.Record != nil && s.Title != "":
		return Record{Ref: "on " + s.Record.Title, Name: s.Title}
	case e.RecordType == "webhook" && s.URL != "":
		return Record{Name: s.URL}
	case s.Ref != "":
		return Record{Ref: s.Ref, Name: s.Title}
	case e.RecordType == "soa_version" && s.Number != "":
		return Record{Ref: "version " + s.Number.String()}
	case e.RecordType == "bom_import" && s.Seq != "":
		return Record{Ref: "version " + s.Seq.String(), Name: s.Filename}
	case e.RecordType == "model_card" && s.Number != "":
		return Record{Ref: "version " + s.Number.String()}
	case s.Name != "":
		return Record{Name: s.Name}
	case s.Title != "":
		return Record{Name: s.Title}
	case s.Email != "":
		return Record{Name: s.Email}
	case s.Key != "":
		return Record{Ref: s.Key}
	}
	return Record{}
}

// excerpt is the first n characters of text on one line, with an ellipsis when cut.
func excerpt(text string, n int) string {
	r := []rune(strings.Join(strings.Fields(text), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

// Label returns "A.6.2.4 Verification and validation", the ref and name joined, or "".
func (r Record) Label() string { return strings.TrimSpace(r.Ref + " " + r.Name) }

// Actor is someone who appears in a trail: a user, a token or the system, with the latest name it had.
type Actor struct {
	ID   string
	Kind string
	Name string
}

// Name returns the Record of each of es, by entry id: each from the entry's own states (Describe), with
// the current names of the AI systems that entries are keyed by, all looked up in one call of
// systemNames, so that a page of the trail costs one query however many entries it shows.
func Name(es []*Entry, systemNames func(ids []string) (map[string]string, error)) (map[string]Record, error) {
	out := make(map[string]Record, len(es))
	var ids []string
	seen := map[string]bool{}
	for _, e := range es {
		r := Describe(e)
		out[e.ID] = r
		if systemKeyed(e.RecordType) && !seen[e.RecordID] {
			seen[e.RecordID] = true
			ids = append(ids, e.RecordID)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	names, err := systemNames(ids)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if n, ok := names[e.RecordID]; ok && systemKeyed(e.RecordType) {
			r := out[e.ID]
			r.Name = n // the system's name today, which the trail's older entries may not know
			out[e.ID] = r
		}
	}
	return out, nil
}
