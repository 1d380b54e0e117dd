package web

import (
	"net/http"

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
	p := SystemPage{Layout: w.layout(rw, r, v, s.Name, systemsPath), System: s, Components: cs, History: hs,
		CanEdit: v.may(aims.ActionUpdate, aims.ResSystem)}
	return w.render(rw, r, http.StatusOK, "system", p)
}
