package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
)

// SoADiffPage shows what changed between two SoAs, control by control.
type SoADiffPage struct {
	Layout
	Diff *control.Diff
	// Choices are the versions to compare and the live SoA.
	Choices []string
	From    string
	To      string
}

// soaDiffPage compares ?from= and ?to= (version numbers or live; by default the latest version and the
// live SoA).
func (w *Web) soaDiffPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	vs, _, err := w.Controls.Versions(ctx, v.org.ID, pageOf("", 200))
	if err != nil {
		return err
	}
	p := SoADiffPage{Layout: w.layout(rw, r, v, "Changes to the SoA", "/soa"), Choices: []string{control.Live},
		From: r.URL.Query().Get("from"), To: r.URL.Query().Get("to")}
	for _, x := range vs {
		p.Choices = append(p.Choices, itoa(x.Number))
	}
	if p.To == "" {
		p.To = control.Live
	}
	if p.From == "" {
		if len(vs) == 0 {
			return aims.Errorf(aims.ENOTFOUND, "No version of the SoA is approved yet, so there is nothing to compare.")
		}
		p.From = itoa(vs[0].Number)
	}
	if p.Diff, err = w.Controls.Diff(ctx, v.org.ID, p.From, p.To); err != nil {
		return err
	}
	return w.render(rw, r, http.StatusOK, "soa_diff", p)
}
