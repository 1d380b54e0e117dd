package web

import (
	"net/http"
	"strings"

	"github.com/aimsproject/aims/internal/control"
)

// ClausesPage lists the implementation of the management system's own requirements, clauses 4.1 to 10.2,
// which always apply.
type ClausesPage struct {
	Layout
	Groups      []ClauseGroup
	Implemented int
	Total       int
	Today       string
}

// ClauseGroup is the items of one clause (4 to 10).
type ClauseGroup struct {
	Clause string
	Title  string
	Items  []*control.Control
}

// clausesPage shows the clause items under their clauses.
func (w *Web) clausesPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	cs, err := w.Controls.Clauses(r.Context(), v.org.ID)
	if err != nil {
		return err
	}
	p := ClausesPage{Layout: w.layout(rw, r, v, "Clause status", "/clauses"), Total: len(cs), Today: w.Controls.Today()}
	for _, c := range cs {
		top, _, _ := strings.Cut(c.Ref, ".")
		if len(p.Groups) == 0 || p.Groups[len(p.Groups)-1].Clause != top {
			g := ClauseGroup{Clause: top}
			for _, a := range areas {
				if a.Clause == top {
					g.Title = a.Title
				}
			}
			p.Groups = append(p.Groups, g)
		}
		p.Groups[len(p.Groups)-1].Items = append(p.Groups[len(p.Groups)-1].Items, c)
		if c.Status == control.Implemented {
			p.Implemented++
		}
	}
	return w.render(rw, r, http.StatusOK, "clauses", p)
}
