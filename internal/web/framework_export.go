package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

// exportFramework downloads a framework as an OSCAL catalog or as CSV. Licensed texts are never part of
// it.
func (w *Web) exportFramework(rw http.ResponseWriter, r *http.Request, v *visit) error {
	f, err := w.Frameworks.Framework(r.Context(), v.org.ID, r.PathValue("key"))
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = framework.FormatOSCAL
	}
	if format != framework.FormatOSCAL && format != framework.FormatCSV {
		return aims.Errorf(aims.EINVALID, "Export as OSCAL or CSV.")
	}
	name, ct := f.Key+".oscal.json", "application/json"
	if format == framework.FormatCSV {
		name, ct = f.Key+".csv", "text/csv; charset=utf-8"
	}
	rw.Header().Set("Content-Type", ct)
	rw.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if err := w.Frameworks.WriteExport(r.Context(), rw, v.org.ID, f, format); err != nil {
		w.Log.ErrorContext(r.Context(), "framework export failed", "err", err.Error(), "framework", f.Key)
	}
	return nil
}
