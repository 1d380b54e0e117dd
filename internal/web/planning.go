package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
)

// planningPath is the address of the Planning area (clause 6), whose page is built.
const planningPath = "/planning"

// PlanningPage is clause 6: the state of the Statement of Applicability (6.1.3), the ways into it, and
// what the area will hold besides.
type PlanningPage struct {
	Layout
	Area Area
	// SoA is nil when the visitor's role may not read it.
	SoA *control.SoA
	// Latest is the latest approved version, or nil.
	Latest *control.Version
	// Annex counts the Annex A controls only: the sentence the page shows speaks of Annex A.
	Annex      control.Summary
	Decided    int
	AnnexA     int
	OpenChecks int
}

// planningPage shows the Planning area with the SoA's summary.
func (w *Web) planningPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	var a Area
	for _, x := range areas {
		if x.Path == planningPath {
			a = x
		}
	}
	p := PlanningPage{Layout: w.layout(rw, r, v, a.Title, a.Path), Area: a}
	if v.may(aims.ActionRead, aims.ResSoA) {
		s, err := w.Controls.SoA(r.Context(), v.org.ID)
		if err != nil {
			return err
		}
		p.SoA = s
		p.Annex = s.AnnexASummary()
		for _, row := range s.Rows {
			if row.AnnexA() {
				p.AnnexA++
				if !row.NoDecision {
					p.Decided++
				}
			}
		}
		p.OpenChecks = len(s.Checks.Undecided) + len(s.Checks.NoOwner) + len(s.Checks.Overdue)
		vs, _, err := w.Controls.Versions(r.Context(), v.org.ID, pageOf("", 1))
		if err != nil {
			return err
		}
		if len(vs) > 0 {
			p.Latest = vs[0]
		}
	}
	return w.render(rw, r, http.StatusOK, "planning", p)
}
