package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/problem"
)

// listFrameworks answers every framework the organization sees, unpaginated: the list is bounded by what
// an administrator chose to import (the built-in catalogs plus a handful of the organization's own, each
// an explicit import of at most framework.MaxImportBytes), not by data that grows with use.
func (a *API) listFrameworks(w http.ResponseWriter, r *http.Request) error {
	fws, err := a.Frameworks.Frameworks(r.Context(), aims.ActorFrom(r.Context()).OrgID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*framework.Framework]{Items: items(fws)})
}

func (a *API) getFramework(w http.ResponseWriter, r *http.Request) error {
	f, err := a.Frameworks.Framework(r.Context(), aims.ActorFrom(r.Context()).OrgID, r.PathValue("key"))
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, int64(f.Revision), f)
}

// importFramework takes an OSCAL catalog or profile (application/json) or a CSV file (text/csv) as the
// body, up to framework.MaxImportBytes, with the key, name and catalog as query parameters.
func (a *API) importFramework(w http.ResponseWriter, r *http.Request) error {
	format, data, err := importBody(w, r, map[string]string{"application/json": framework.FormatOSCAL, "text/csv": framework.FormatCSV})
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f, err := a.Frameworks.Import(r.Context(), framework.ImportRequest{OrgID: aims.ActorFrom(r.Context()).OrgID,
		Key: q.Get("key"), Name: q.Get("name"), CatalogKey: q.Get("catalog"), Data: data, Format: format})
	if err != nil {
		return a.importFailed(w, r, err)
	}
	w.Header().Set("Location", "/api/v1/frameworks/"+url.PathEscape(f.Key))
	return writeResource(w, http.StatusCreated, int64(f.Revision), f)
}

// importBody reads an import's body, whose media type must be one of formats' keys, and returns the
// format it stands for.
func importBody(w http.ResponseWriter, r *http.Request, formats map[string]string) (string, []byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	format, ok := formats[mt]
	if err != nil || !ok {
		return "", nil, aims.Errorf(aims.EMEDIATYPE, "Send the file as application/json (OSCAL) or text/csv.")
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, framework.MaxImportBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return "", nil, aims.Errorf(aims.ETOOLARGE, "The file is larger than %d MiB.", framework.MaxImportBytes>>20)
	}
	if err != nil {
		return "", nil, aims.Errorf(aims.EINVALID, "The file could not be read.")
	}
	return format, data, nil
}

// importProblem is a problem about an imported file, listing what is wrong where.
type importProblem struct {
	problem.Details
	Errors []framework.Issue `json:"errors"`
}

// importFailed answers a refused import: an *framework.ImportError as a problem with its errors, any
// other error as usual.
func (a *API) importFailed(w http.ResponseWriter, r *http.Request, err error) error {
	var ie *framework.ImportError
	if !errors.As(err, &ie) {
		return err
	}
	issues := ie.Issues
	if issues == nil {
		issues = []framework.Issue{}
	}
	w.Header().Set("Content-Type", problem.ContentType)
	w.Header().Set("Cache-Control", "no-store")
	d := problem.From(r, err)
	w.WriteHeader(d.Status)
	return json.NewEncoder(w).Encode(importProblem{Details: d, Errors: issues})
}

func (a *API) deleteFramework(w http.ResponseWriter, r *http.Request) error {
	rev, err := ifMatch(r)
	if err != nil {
		return err
	}
	if err := a.Frameworks.Delete(r.Context(), aims.ActorFrom(r.Context()).OrgID, r.PathValue("key"), rev); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// exportFramework streams a framework as an OSCAL catalog or as CSV. It never includes the
// organization's licensed texts.
func (a *API) exportFramework(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = framework.FormatOSCAL
	}
	if format != framework.FormatOSCAL && format != framework.FormatCSV {
		return aims.FieldError("format", "Export as oscal or csv.")
	}
	act := aims.ActorFrom(r.Context())
	f, err := a.Frameworks.Framework(r.Context(), act.OrgID, r.PathValue("key"))
	if err != nil {
		return err
	}
	name, ct := f.Key+".oscal.json", "application/json"
	if format == framework.FormatCSV {
		name, ct = f.Key+".csv", "text/csv; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := a.Frameworks.WriteExport(r.Context(), w, act.OrgID, f, format); err != nil {
		// The status is sent already; the log says why the file is cut short.
		a.Log.ErrorContext(r.Context(), "framework export failed", "err", err.Error(), "framework", f.Key)
	}
	return nil
}
