package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
)

// SystemsImportPage answers an import of systems that was refused: what is wrong, and where in the file.
type SystemsImportPage struct {
	Layout
	File    string
	Problem string
}

// importSystems imports an uploaded CSV or JSON file of AI systems, all or none. A refusal shows the
// line (CSV) or position (JSON) and the column at fault; a file of more systems than the import limit
// (import_max_rows) is refused with 413 and a message naming the limit and its setting.
func (w *Web) importSystems(rw http.ResponseWriter, r *http.Request, v *visit) error {
	name, n, err := w.doImportSystems(rw, r, v)
	if err != nil {
		if _, status, ok := formError(err); ok {
			p := SystemsImportPage{Layout: w.layout(rw, r, v, "Import refused", systemsPath), File: name, Problem: importProblemText(err)}
			return w.render(rw, r, status, "systems_import", p)
		}
		return err
	}
	w.flash(rw, flashOK, fmt.Sprintf("Imported %d AI systems from %s.", n, name))
	http.Redirect(rw, r, systemsPath, http.StatusSeeOther)
	return nil
}

func (w *Web) doImportSystems(rw http.ResponseWriter, r *http.Request, v *visit) (string, int, error) {
	if err := parseUpload(rw, r); err != nil {
		return "", 0, err
	}
	data, name, err := uploaded(r, "file")
	if err != nil {
		return name, 0, err
	}
	if data == nil {
		return name, 0, aims.FieldError("file", "Choose a CSV or JSON file to import.")
	}
	var ss []*system.System
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		ss, err = w.Systems.ImportJSON(r.Context(), v.org.ID, bytes.NewReader(data), nil)
	default:
		ss, err = w.Systems.ImportCSV(r.Context(), v.org.ID, bytes.NewReader(data))
	}
	return name, len(ss), err
}

// importProblemText says what is wrong where: "Line 17, stage: Choose one of …".
func importProblemText(err error) string {
	var le *system.LineError
	var ie *system.ImportError
	where := ""
	switch {
	case errors.As(err, &le):
		where = fmt.Sprintf("Line %d", le.Line)
	case errors.As(err, &ie):
		where = fmt.Sprintf("System %d", ie.Index+1)
	}
	if f := aims.ErrorField(err); f != "" && f != "file" {
		if where != "" {
			where += ", "
		}
		where += f
	}
	if where == "" {
		return aims.ErrorMessage(err) + " Nothing was imported."
	}
	return where + ": " + aims.ErrorMessage(err) + " Nothing was imported."
}

// exportSystems sends every AI system of the organization as CSV (format=csv, the default) or JSON, in
// the layout that the import reads.
func (w *Web) exportSystems(rw http.ResponseWriter, r *http.Request, v *visit) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "json" {
		return aims.FieldError("format", "Export as csv or json.")
	}
	contentType := "application/json"
	if format == "csv" {
		contentType = "text/csv; charset=utf-8"
	}
	// Written as it is read, a page of systems at a time: see the API's exportSystems.
	started := false
	err := w.Systems.ExportSystems(r.Context(), v.org.ID, format, "  ", rw, func() {
		started = true
		rw.Header().Set("Content-Type", contentType)
		rw.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="aims-systems-%s.%s"`, v.org.Slug, format))
		rw.Header().Set("Cache-Control", "no-store")
		rw.WriteHeader(http.StatusOK)
	})
	if err != nil && started {
		panic(http.ErrAbortHandler)
	}
	return err
}
