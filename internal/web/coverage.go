package web

import (
	"net/http"

	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
)

// CoveragePage shows how much of another framework the ISO/IEC 42001 implementation covers, and what is
// left: the requirements not covered, each with the ISO/IEC 42001 items that would cover it.
type CoveragePage struct {
	Layout
	Coverage *control.Coverage
	Tabs     []CoverageTab
	Left     []control.CoverageItem
	Done     []control.CoverageItem
}

// CoverageTab is a framework whose coverage can be shown.
type CoverageTab struct {
	Key    string
	Label  string
	Active bool
}

// coveragePage shows the coverage of ?framework= (the NIST AI RMF by default).
func (w *Web) coveragePage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	key := r.URL.Query().Get("framework")
	if key == "" {
		key = framework.NISTAIRMF
	}
	cov, err := w.Controls.Coverage(r.Context(), v.org.ID, key)
	if err != nil {
		return err
	}
	p := CoveragePage{Layout: w.layout(rw, r, v, "Coverage", "/coverage"), Coverage: cov,
		Tabs: []CoverageTab{{Key: framework.NISTAIRMF, Label: "NIST AI RMF 1.0"}, {Key: framework.EUAIAct, Label: "EU AI Act"}}}
	for i := range p.Tabs {
		p.Tabs[i].Active = p.Tabs[i].Key == key
	}
	for _, it := range cov.Items {
		if it.State == control.CoverCovered {
			p.Done = append(p.Done, it)
		} else {
			p.Left = append(p.Left, it)
		}
	}
	return w.render(rw, r, http.StatusOK, "coverage", p)
}
