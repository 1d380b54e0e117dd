package web

import (
	"net/http"
	"strconv"

	"github.com/aimsproject/aims/internal/control"
)

// SoAVersionPage is an approved, frozen version of the SoA.
type SoAVersionPage struct {
	Layout
	Version *control.Version
	SoA     *control.SoA
	Table   SoATable
	// Number is the version's number as text, for the export links.
	Number string
}

// soaVersionPage shows an approved version as it was approved.
func (w *Web) soaVersionPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	n, err := control.ParseVersion(r.PathValue("number"), "number")
	if err != nil {
		return errNotFound
	}
	ver, s, err := w.Controls.Version(r.Context(), v.org.ID, n)
	if err != nil {
		return err
	}
	p := SoAVersionPage{Layout: w.layout(rw, r, v, "SoA version "+strconv.Itoa(n), "/soa"), Version: ver, SoA: s,
		Table: SoAFilter{}.table(s, false), Number: strconv.Itoa(n)}
	return w.render(rw, r, http.StatusOK, "soa_version", p)
}

func itoa(n int) string { return strconv.Itoa(n) }
