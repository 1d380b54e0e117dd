package web

import (
	"net/http"
	"net/url"

	"github.com/aimsproject/aims/internal/readiness"
)

// readinessSystemsPath is the roll-up of readiness by AI system.
const readinessSystemsPath = "/readiness/systems"

// ReadinessSystemsPage is a page of the organization's AI systems, each against the release gate of its
// next stage.
type ReadinessSystemsPage struct {
	Layout
	Systems []readiness.SystemState
	// Open counts the systems of the page whose gate is open.
	Open    int
	NextURL string
}

// readinessSystems shows a page of the systems, by name, with their gate (?cursor= pages on).
func (w *Web) readinessSystems(rw http.ResponseWriter, r *http.Request, v *visit) error {
	ss, next, err := w.Readiness.SystemsPage(r.Context(), v.org.ID, pageOf(r.URL.Query().Get("cursor"), 50))
	if err != nil {
		return err
	}
	p := ReadinessSystemsPage{Layout: w.layout(rw, r, v, "AI systems against their release gate", "/"), Systems: ss}
	for _, s := range ss {
		if s.Open {
			p.Open++
		}
	}
	if next != "" {
		p.NextURL = readinessSystemsPath + "?" + url.Values{"cursor": {next}}.Encode()
	}
	return w.render(rw, r, http.StatusOK, "readiness_systems", p)
}
