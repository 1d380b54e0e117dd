package web

import (
	"net/http"
	"net/url"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
)

// systemComponentsPageSize is how many of a system's components one page shows, on the system page and the
// components page.
const systemComponentsPageSize = 50

// ComponentsTable is one page of an AI system's components, as the template system-components-table
// shows it.
type ComponentsTable struct {
	SystemID string
	CanEdit  bool
	Items    []*component.SystemComponent
	// Total is how many components the system uses; Next and Prev are the cursors of the pages after
	// and before ("" at either end).
	Total      int
	Next, Prev string
}

func componentsTable(systemID string, canEdit bool, p *component.ComponentsPage) ComponentsTable {
	return ComponentsTable{SystemID: systemID, CanEdit: canEdit, Items: p.Items, Total: p.Total, Next: p.Next, Prev: p.Prev}
}

// SystemComponentsPage lists an AI system's components a page at a time.
type SystemComponentsPage struct {
	Layout
	System     *system.System
	Components ComponentsTable
	// NextHref, PrevHref and FirstHref are the addresses of the pages after, before and first, "" where
	// there is none.
	NextHref, PrevHref, FirstHref string
}

// systemComponentsPage shows a page of the components of the system named by the path: the page after
// the query's after cursor, or before its before cursor, or the first.
func (w *Web) systemComponentsPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	s, err := w.Systems.System(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	cursor, before := q.Get("after"), false
	if b := q.Get("before"); b != "" {
		cursor, before = b, true
	}
	cp, err := w.Components.SystemComponentsPage(ctx, v.org.ID, id, pageOf(cursor, systemComponentsPageSize), before)
	if err != nil {
		return err
	}
	base := systemHref(id) + "/components"
	p := SystemComponentsPage{Layout: w.layout(rw, r, v, "Components of "+s.Name, systemsPath), System: s,
		Components: componentsTable(id, v.may(aims.ActionUpdate, aims.ResSystem), cp)}
	if cp.Next != "" {
		p.NextHref = base + "?" + url.Values{"after": {cp.Next}}.Encode()
	}
	if cp.Prev != "" {
		p.PrevHref = base + "?" + url.Values{"before": {cp.Prev}}.Encode()
		p.FirstHref = base
	}
	return w.render(rw, r, http.StatusOK, "system_components", p)
}
