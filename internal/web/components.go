package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/record"
)

// componentsPath is the address of the components' list, under which every component's pages are.
const componentsPath = "/components"

// componentsPageSize is how many components one page of the list shows.
const componentsPageSize = 50

// componentHref returns the address of component id's page.
func componentHref(id string) string { return componentsPath + "/" + id }

// ComponentsPage lists the organization's components: models, data sets, tools, computing resources,
// people and services, each kept once and linked to the systems that use it.
type ComponentsPage struct {
	Layout
	Components []*component.Component
	Filter     ComponentFilter
	NextHref   string
	Later      bool
	CanCreate  bool
}

// ComponentFilter is the list's filter form as submitted.
type ComponentFilter struct {
	Kind string
	Q    string
}

// Kinds are the filter's choices.
func (ComponentFilter) Kinds() []string { return component.ComponentKinds }

// Active reports whether the filter narrows the list.
func (f ComponentFilter) Active() bool { return f.Kind != "" || f.Q != "" }

func (f ComponentFilter) query(cursor string) string {
	q := url.Values{}
	for k, v := range map[string]string{"kind": f.Kind, "q": f.Q, "cursor": cursor} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

// componentsPage lists the components, filtered by kind and text.
func (w *Web) componentsPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	q := r.URL.Query()
	f := ComponentFilter{Kind: q.Get("kind"), Q: q.Get("q")}
	cursor := q.Get("cursor")
	cs, next, err := w.Components.Components(r.Context(), v.org.ID, component.ComponentFilter{Kind: f.Kind, Query: f.Q},
		pageOf(cursor, componentsPageSize))
	if err != nil {
		return err
	}
	p := ComponentsPage{Layout: w.layout(rw, r, v, "Components", componentsPath), Components: cs, Filter: f, Later: cursor != "",
		CanCreate: v.may(aims.ActionCreate, aims.ResSystem)}
	if next != "" {
		p.NextHref = componentsPath + "?" + f.query(next)
	}
	return w.render(rw, r, http.StatusOK, "components", p)
}

// ComponentPage is everything known about one component: its fields, the details of its kind, and the
// systems that use it with its role in each.
type ComponentPage struct {
	Layout
	Component *component.Component
	Details   []Detail
	// UsedBy is a page of the systems that use the component, by name; MoreUsedByHref is the address of
	// the next page, FirstUsedByHref that of the first when this is not it.
	UsedBy                          []*component.SystemRef
	MoreUsedByHref, FirstUsedByHref string
	// ModelCards are a page of a model's imported cards, newest first; OlderCardsHref and
	// NewestCardsHref as for UsedBy.
	ModelCards                      []*component.ModelCard
	OlderCardsHref, NewestCardsHref string
	CanEdit                         bool
	CanDelete                       bool
	// Links are the component's links to other records; Comments its comments.
	RecordCards
}

// Detail is one of a component's details as a page shows it: its key and its value, as text.
type Detail struct {
	Key   string
	Value string
	Bool  bool // the detail is yes/no
	On    bool // its value, when it is yes/no
}

// componentDetails returns the details of c in the order of its kind's keys, with the empty ones.
func componentDetails(c *component.Component) []Detail {
	m := map[string]any{}
	_ = json.Unmarshal(c.Details, &m) // the store holds what checkDetails made: a JSON object
	var ds []Detail
	for _, k := range component.DetailKeys(c.Kind) {
		d := Detail{Key: k}
		switch x := m[k].(type) {
		case bool:
			d.Bool, d.On = true, x
		case string:
			d.Value = x
		}
		if slices.Contains(detailBools, k) {
			d.Bool = true
		}
		ds = append(ds, d)
	}
	return ds
}

// detailBools are the yes/no details (system's own list is not exported).
var detailBools = []string{"personal_data"}

// componentListsPageSize is how many systems and model cards a component's page lists at a time.
const componentListsPageSize = 50

// componentPage shows the component named by the request's path.
func (w *Web) componentPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := w.Components.Component(r.Context(), v.org.ID, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	used, nextUsed, err := w.Components.ComponentSystemsPage(r.Context(), v.org.ID, id, pageOf(q.Get("systems"), componentListsPageSize))
	if err != nil {
		return err
	}
	var cards []*component.ModelCard
	nextCards := ""
	if c.Kind == "model" {
		if cards, nextCards, err = w.Components.ComponentModelCardsPage(r.Context(), v.org.ID, id, pageOf(q.Get("cards"), componentListsPageSize)); err != nil {
			return err
		}
	}
	p := ComponentPage{Layout: w.layout(rw, r, v, c.Name, componentsPath), Component: c, Details: componentDetails(c), UsedBy: used,
		ModelCards: cards, CanEdit: v.may(aims.ActionUpdate, aims.ResSystem), CanDelete: v.may(aims.ActionDelete, aims.ResSystem)}
	base := componentHref(id)
	if nextUsed != "" {
		p.MoreUsedByHref = base + "?" + url.Values{"systems": {nextUsed}}.Encode() + "#used-title"
	}
	if q.Get("systems") != "" {
		p.FirstUsedByHref = base + "#used-title"
	}
	if nextCards != "" {
		p.OlderCardsHref = base + "?" + url.Values{"cards": {nextCards}}.Encode() + "#cards-title"
	}
	if q.Get("cards") != "" {
		p.NewestCardsHref = base + "#cards-title"
	}
	title := c.Name
	if c.ComponentVersion != "" {
		title += " " + c.ComponentVersion
	}
	self := record.End{Type: record.TypeComponent, ID: c.ID, Title: title}
	if p.RecordCards, err = w.recordCards(r.Context(), r, v, self); err != nil {
		return err
	}
	return w.render(rw, r, http.StatusOK, "component", p)
}
