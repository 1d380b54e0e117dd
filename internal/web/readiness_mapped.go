package web

import (
	"net/http"
	"net/url"

	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/readiness"
)

// readinessMappedPath is the readiness of a mapped framework through the crosswalks.
const readinessMappedPath = "/readiness/frameworks"

// ReadinessMappedPage is a page of a mapped framework's requirements, each as far as the ISO/IEC 42001
// items mapped to it.
type ReadinessMappedPage struct {
	Layout
	Mapped *readiness.MappedReadiness
	Tabs   []CoverageTab
	// Ready counts the requirements of the page that are ready.
	Ready   int
	NextURL string
}

// readinessMapped shows the readiness of ?framework= (the NIST AI RMF by default), ?cursor= paging on.
func (w *Web) readinessMapped(rw http.ResponseWriter, r *http.Request, v *visit) error {
	key := r.URL.Query().Get("framework")
	if key == "" {
		key = framework.NISTAIRMF
	}
	m, next, err := w.Readiness.MappedPage(r.Context(), v.org.ID, key, pageOf(r.URL.Query().Get("cursor"), 100))
	if err != nil {
		return err
	}
	p := ReadinessMappedPage{Layout: w.layout(rw, r, v, m.Title+" readiness", "/"), Mapped: m,
		Tabs: []CoverageTab{{Key: framework.NISTAIRMF, Label: "NIST AI RMF 1.0"}, {Key: framework.EUAIAct, Label: "EU AI Act"}}}
	for i := range p.Tabs {
		p.Tabs[i].Active = p.Tabs[i].Key == key
	}
	for _, it := range m.Items {
		if it.Ready() {
			p.Ready++
		}
	}
	if next != "" {
		p.NextURL = readinessMappedPath + "?" + url.Values{"framework": {key}, "cursor": {next}}.Encode()
	}
	return w.render(rw, r, http.StatusOK, "readiness_mapped", p)
}
