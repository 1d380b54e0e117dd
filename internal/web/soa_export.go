package web

import (
	"net/http"

	"github.com/aimsproject/aims/internal/soaexport"
)

// exportSoA downloads the live SoA or an approved version (?version=N) as ?format=xlsx, csv, pdf or oscal.
func (w *Web) exportSoA(rw http.ResponseWriter, r *http.Request, v *visit) error {
	q := r.URL.Query()
	format, err := soaexport.ParseFormat(q.Get("format"), "format")
	if err != nil {
		return err
	}
	s, err := w.Controls.SoAAt(r.Context(), v.org.ID, q.Get("version"), "version")
	if err != nil {
		return err
	}
	rw.Header().Set("Content-Type", soaexport.ContentType(format))
	rw.Header().Set("Content-Disposition", `attachment; filename="`+soaexport.Filename(s, format)+`"`)
	if err := soaexport.Export(rw, s, format); err != nil {
		// The download has started; it ends short, and the log says why.
		w.Log.ErrorContext(r.Context(), "SoA export failed", "format", format, "err", err.Error())
	}
	return nil
}
