package web

import (
	"net/http"

	"github.com/aimsproject/aims/internal/control"
)

// exportSoA downloads the live SoA or an approved version (?version=N) as ?format=xlsx, csv, pdf or oscal.
func (w *Web) exportSoA(rw http.ResponseWriter, r *http.Request, v *visit) error {
	q := r.URL.Query()
	format, err := control.ParseFormat(q.Get("format"), "format")
	if err != nil {
		return err
	}
	s, err := w.Controls.SoAAt(r.Context(), v.org.ID, q.Get("version"), "version")
	if err != nil {
		return err
	}
	rw.Header().Set("Content-Type", control.ContentType(format))
	rw.Header().Set("Content-Disposition", `attachment; filename="`+control.Filename(s, format)+`"`)
	if err := control.Export(rw, s, format); err != nil {
		// The download has started; it ends short, and the log says why.
		w.Log.ErrorContext(r.Context(), "SoA export failed", "format", format, "err", err.Error())
	}
	return nil
}
