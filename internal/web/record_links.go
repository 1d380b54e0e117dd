package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/system"
)

// recordLinksPageSize is how many links a record's page lists at a time; linkFindShown bounds the records
// the "link a record" search offers.
const (
	recordLinksPageSize = 50
	linkFindShown       = 20
)

// RecordLinks is the "Linked records" card every record's page shows: its links in both directions, a page
// at a time, and, for those who may link, a form to find a record and link it.
type RecordLinks struct {
	Self  record.End
	Items []LinkRow
	// MoreHref is the address of the next page of links ("" on the last); FirstHref that of the first
	// when this is not it.
	MoreHref, FirstHref string
	CanLink, CanUnlink  bool
	// Choices are the relationships the record may take part in, from either end.
	Choices []RelationshipChoice
	// FindType and FindQuery are the search for a record to link; Found what it found (FoundMore: more
	// than shown), Searched whether there was a search.
	FindType, FindQuery string
	Found               []record.End
	FoundMore, Searched bool
}

// LinkRow is one link as seen from the record whose page lists it.
type LinkRow struct {
	ID     string
	Phrase string
	Other  record.End
	Note   string
	By     string
	At     time.Time
}

// RelationshipChoice is one option of the link form: a relationship and the end the page's record is at.
type RelationshipChoice struct {
	Value, Label string
}

// Types are the record types the search offers.
func (RecordLinks) Types() []record.Type { return record.Types }

// recordLinks builds the "Linked records" card of the record self for the request r.
func (w *Web) recordLinks(ctx context.Context, r *http.Request, v *visit, self record.End) (RecordLinks, error) {
	q := r.URL.Query()
	rl := RecordLinks{Self: self, CanLink: v.may(aims.ActionCreate, aims.ResLink), CanUnlink: v.may(aims.ActionDelete, aims.ResLink)}
	ls, next, err := w.Records.List(ctx, v.org.ID, record.Filter{Record: &record.Ref{Type: self.Type, ID: self.ID}},
		pageOf(q.Get("links"), recordLinksPageSize))
	if err != nil {
		return rl, err
	}
	for _, l := range ls {
		other, _ := l.Other(self.Ref())
		rl.Items = append(rl.Items, LinkRow{ID: l.ID, Phrase: l.Phrase(self.Ref()), Other: other, Note: l.Note, By: l.CreatedBy, At: l.CreatedAt})
	}
	if next != "" {
		rl.MoreHref = self.Path() + "?" + url.Values{"links": {next}}.Encode() + "#record-links-title"
	}
	if q.Get("links") != "" {
		rl.FirstHref = self.Path() + "#record-links-title"
	}
	if !rl.CanLink {
		return rl, nil
	}
	for _, rule := range record.Rules {
		if !rule.Usable() {
			continue
		}
		if rule.FromAllows(self.Type) {
			rl.Choices = append(rl.Choices, RelationshipChoice{Value: string(rule.Relationship) + ":from", Label: rule.Label})
		}
		if rule.ToAllows(self.Type) && rule.Inverse != rule.Label {
			rl.Choices = append(rl.Choices, RelationshipChoice{Value: string(rule.Relationship) + ":to", Label: rule.Inverse})
		}
	}
	rl.FindType, rl.FindQuery = q.Get("link_type"), strings.TrimSpace(q.Get("link_find"))
	if !record.Type(rl.FindType).Valid() {
		rl.FindType = string(record.TypeControl)
		if self.Type == record.TypeControl {
			rl.FindType = string(record.TypeSystem)
		}
	}
	if q.Has("link_find") {
		rl.Searched = true
		rl.Found, rl.FoundMore, err = w.findRecords(ctx, v.org.ID, record.Type(rl.FindType), rl.FindQuery)
		if err != nil {
			return rl, err
		}
		for i, e := range rl.Found { // the record itself is not offered
			if e.Ref() == self.Ref() {
				rl.Found = append(rl.Found[:i], rl.Found[i+1:]...)
				break
			}
		}
	}
	return rl, nil
}

// findRecords returns up to linkFindShown records of type t in orgID that match query, and whether there
// are more.
func (w *Web) findRecords(ctx context.Context, orgID string, t record.Type, query string) ([]record.End, bool, error) {
	if r := []rune(query); len(r) > 200 { // the search fields' bound, in characters: never cut one in two
		query = string(r[:200])
	}
	var out []record.End
	switch t {
	case record.TypeSystem:
		ss, next, err := w.Systems.List(ctx, orgID, system.Filter{Query: query}, pageOf("", linkFindShown))
		if err != nil {
			return nil, false, err
		}
		for _, s := range ss {
			out = append(out, record.End{Type: t, ID: s.ID, Title: s.Name})
		}
		return out, next != "", nil
	case record.TypeComponent:
		cs, next, err := w.Components.Components(ctx, orgID, component.ComponentFilter{Query: query}, pageOf("", linkFindShown))
		if err != nil {
			return nil, false, err
		}
		for _, c := range cs {
			title := c.Name
			if c.ComponentVersion != "" {
				title += " " + c.ComponentVersion
			}
			out = append(out, record.End{Type: t, ID: c.ID, Title: title})
		}
		return out, next != "", nil
	case record.TypeControl:
		if query == "" {
			return nil, false, nil
		}
		fws, err := w.Frameworks.Frameworks(ctx, orgID)
		if err != nil {
			return nil, false, err
		}
		for _, f := range fws {
			rs, err := w.Frameworks.Search(ctx, orgID, f, query, linkFindShown+1-len(out))
			if err != nil {
				return nil, false, err
			}
			for _, r := range rs {
				if r.Assessable && len(out) <= linkFindShown {
					out = append(out, record.End{Type: t, ID: f.Key + "/" + r.Ref, Title: f.Name + " " + r.Ref + " " + r.Title})
				}
			}
			if len(out) > linkFindShown {
				return out[:linkFindShown], true, nil
			}
		}
		return out, false, nil
	}
	return nil, false, nil
}

// createRecordLink links the record the form names as "self" to the chosen one, from the end the relationship
// choice says, and returns to the record's page.
func (w *Web) createRecordLink(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	ctx := r.Context()
	self, err := w.selfRecord(ctx, v, r.PostFormValue("self"))
	if err != nil {
		return err
	}
	back := self.Path() + "#record-links-title"
	rel, end, _ := strings.Cut(r.PostFormValue("relationship"), ":")
	target := r.PostFormValue("target")
	if target == "" {
		w.flash(rw, flashWarn, "Choose the record to link.")
		http.Redirect(rw, r, back, http.StatusSeeOther)
		return nil
	}
	n := record.NewLink{Relationship: rel, From: self.Ref().String(), To: target, Note: r.PostFormValue("note")}
	if end == "to" {
		n.From, n.To = target, self.Ref().String()
	}
	l, err := w.Records.Link(ctx, v.org.ID, n)
	if err != nil {
		switch aims.ErrorCode(err) {
		case aims.EINVALID, aims.ECONFLICT, aims.ENOTFOUND:
			w.flash(rw, flashWarn, "Not linked: "+aims.ErrorMessage(err))
			http.Redirect(rw, r, back, http.StatusSeeOther)
			return nil
		}
		return err
	}
	w.flash(rw, flashOK, fmt.Sprintf("Linked: %s %s %s.", l.From.Name(), l.Phrase(l.From.Ref()), l.To.Name()))
	http.Redirect(rw, r, back, http.StatusSeeOther)
	return nil
}

// removeRecordLink removes the link named by the path and returns to the page of the record the form names.
func (w *Web) removeRecordLink(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	ctx := r.Context()
	self, err := w.selfRecord(ctx, v, r.PostFormValue("self"))
	if err != nil {
		return err
	}
	if err := w.Records.Unlink(ctx, v.org.ID, id); err != nil {
		return err
	}
	w.flash(rw, flashOK, "The link is removed.")
	http.Redirect(rw, r, self.Path()+"#record-links-title", http.StatusSeeOther)
	return nil
}

// selfRecord resolves the record whose page a link form was on; one of another organization is not found.
func (w *Web) selfRecord(ctx context.Context, v *visit, s string) (record.End, error) {
	ref, err := record.ParseRef(s, "self")
	if err != nil {
		return record.End{}, errNotFound
	}
	return w.Records.Resolve(ctx, v.org.ID, ref)
}

// RecordCards are the cards a record's page ends with: its links, tasks and comments.
type RecordCards struct {
	Links    RecordLinks
	Comments RecordComments
	Tasks    RecordTasks
}

// recordCards reads the cards of the record self for the visitor.
func (w *Web) recordCards(ctx context.Context, r *http.Request, v *visit, self record.End) (RecordCards, error) {
	var c RecordCards
	var err error
	if c.Links, err = w.recordLinks(ctx, r, v, self); err != nil {
		return c, err
	}
	if c.Comments, err = w.recordComments(ctx, r, v, self); err != nil {
		return c, err
	}
	if c.Tasks, err = w.recordTasks(ctx, r, v, self); err != nil {
		return c, err
	}
	return c, nil
}
