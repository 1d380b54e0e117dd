package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
)

// SystemPage is everything known about one AI system: its fields, owner, version, components and the history of its
// changes with who made them, when and why (ISO/IEC 42001, 6.3).
type SystemPage struct {
	Layout
	System     *system.System
	Components []*system.SystemComponent
	History    []*system.Change
	CanEdit    bool
	// LinkChoices are the components the "link existing" form offers: the first linkComponentsShown by
	// name that match LinkQuery (name or supplier; all when empty), less those the system uses.
	LinkChoices []*system.Component
	LinkQuery   string
	// LinkMore says that more components match than are offered.
	LinkMore bool
	// Classification is the system's EU AI Act classification, nil while it has none.
	Classification *system.Classification
	// LatestBOM is the newest imported CycloneDX BOM (without its inventory), nil while there is none.
	LatestBOM *system.BOMImport
}

// systemPage shows the AI system named by the request's path.
func (w *Web) systemPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	s, err := w.Systems.System(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	hs, err := w.Systems.History(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	cs, err := w.Systems.SystemComponents(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	cl, err := w.Systems.Classification(ctx, v.org.ID, id)
	if err != nil && aims.ErrorCode(err) != aims.ENOTFOUND {
		return err
	}
	boms, err := w.Systems.BOMs(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	p := SystemPage{Layout: w.layout(rw, r, v, s.Name, systemsPath), System: s, Components: cs, History: hs,
		CanEdit: v.may(aims.ActionUpdate, aims.ResSystem), Classification: cl}
	if len(boms) > 0 {
		p.LatestBOM = boms[0]
	}
	if p.CanEdit {
		p.LinkQuery = strings.TrimSpace(r.URL.Query().Get("link_q"))
		all, next, err := w.Systems.Components(ctx, v.org.ID, system.ComponentFilter{Query: p.LinkQuery},
			pageOf("", linkComponentsShown))
		if err != nil {
			return err
		}
		p.LinkMore = next != ""
		// A component the system uses already is not offered again.
		for _, c := range all {
			if !slices.ContainsFunc(cs, func(sc *system.SystemComponent) bool { return sc.ID == c.ID }) {
				p.LinkChoices = append(p.LinkChoices, c)
			}
		}
	}
	return w.render(rw, r, http.StatusOK, "system", p)
}
