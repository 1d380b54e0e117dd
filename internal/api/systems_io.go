package api

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
)

// MaxImportBytes bounds the body of an import of AI systems.
const MaxImportBytes = 32 << 20

// SystemImport is the answer to an import: how many systems it stored, and those systems.
type SystemImport struct {
	Imported int              `json:"imported"`
	Items    []*system.System `json:"items"`
}

// importSystems stores every system of a CSV file (text/csv, in the layout of system.DecodeCSV) or of a
// JSON array of systems (application/json, as the JSON export writes it), or none: the fault of one is
// 400 naming its line (CSV) or position (JSON) and its field. More systems than the import limit
// (import_max_rows) is 413, found while reading.
func (a *API) importSystems(w http.ResponseWriter, r *http.Request) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "text/csv" && mt != "application/json") {
		return aims.Errorf(aims.EMEDIATYPE, "Send the systems as text/csv or as an application/json array.")
	}
	ctx, orgID := r.Context(), aims.ActorFrom(r.Context()).OrgID
	body := http.MaxBytesReader(w, r.Body, MaxImportBytes)
	var ss []*system.System
	if mt == "text/csv" {
		ss, err = a.Systems.ImportCSV(ctx, orgID, body)
	} else {
		// Each item is decoded as strictly as any API body, one at a time, so that the limit is met
		// before the rest of the array is read.
		ss, err = a.Systems.ImportJSON(ctx, orgID, body, func(data []byte, f *system.Fields) error {
			return DecodeJSON(bytes.NewReader(data), f)
		})
	}
	if err != nil {
		return systemImportProblem(err)
	}
	if ss == nil {
		ss = []*system.System{}
	}
	return writeJSON(w, http.StatusCreated, SystemImport{Imported: len(ss), Items: ss})
}

// systemImportProblem says where in the file an import's fault is: the problem's field is the item's field,
// and its detail starts with the line or the position.
func systemImportProblem(err error) error {
	var tooLarge *http.MaxBytesError
	var le *system.LineError
	var ie *system.ImportError
	switch {
	case errors.As(err, &tooLarge):
		return aims.Errorf(aims.ETOOLARGE, "The import is larger than %d bytes; split it.", tooLarge.Limit)
	case errors.As(err, &le) && aims.ErrorCode(le.Err) != aims.EINTERNAL:
		return &aims.Error{Code: aims.ErrorCode(le.Err), Field: aims.ErrorField(le.Err),
			Message: fmt.Sprintf("Line %d: %s Nothing was imported.", le.Line, aims.ErrorMessage(le.Err))}
	case errors.As(err, &ie) && aims.ErrorCode(ie.Err) != aims.EINTERNAL:
		return &aims.Error{Code: aims.ErrorCode(ie.Err), Field: aims.ErrorField(ie.Err),
			Message: fmt.Sprintf("System %d: %s Nothing was imported.", ie.Index+1, aims.ErrorMessage(ie.Err))}
	}
	return err
}

// exportSystems sends every system of the organization as CSV (format=csv) or as a JSON array of their
// fields (format=json, the default); either imports again as it is.
func (a *API) exportSystems(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	if format != "csv" && format != "json" {
		return aims.FieldError("format", "format must be csv or json.")
	}
	ctx, orgID := r.Context(), aims.ActorFrom(r.Context()).OrgID
	contentType := "application/json"
	if format == "csv" {
		contentType = "text/csv; charset=utf-8"
	}
	// The export is written as it is read, a page of systems at a time; an error before the first byte
	// is a problem, one after it cuts the download short (the connection is dropped, so that a client
	// cannot take a truncated file for a whole one).
	started := false
	err := a.Systems.ExportSystems(ctx, orgID, format, "", w, func() {
		started = true
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", `attachment; filename="systems.`+format+`"`)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
	})
	if err != nil && started {
		panic(http.ErrAbortHandler)
	}
	return err
}

// componentSystems lists the systems that use a component, with its role in each.
func (a *API) componentSystems(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Component")
	if err != nil {
		return err
	}
	p, err := page(r)
	if err != nil {
		return err
	}
	rs, next, err := a.Components.ComponentSystemsPage(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*component.SystemRef]{Items: items(rs), NextCursor: next})
}
