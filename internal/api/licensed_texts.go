package api

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

// licensedImport is the answer to an import of licensed texts.
type licensedImport struct {
	Imported int `json:"imported"`
}

// importLicensedTexts takes the organization's licensed requirement texts as CSV (text/csv) or as an
// OSCAL catalog (application/json, with ?framework=KEY).
func (a *API) importLicensedTexts(w http.ResponseWriter, r *http.Request) error {
	format, data, err := importBody(w, r, map[string]string{"application/json": framework.FormatOSCAL, "text/csv": framework.FormatCSV})
	if err != nil {
		return err
	}
	q := r.URL.Query()
	n, err := a.Frameworks.ImportLicensedTexts(r.Context(), framework.LicensedImport{OrgID: aims.ActorFrom(r.Context()).OrgID,
		Data: data, Format: format, Framework: q.Get("framework"), Source: q.Get("source")})
	if err != nil {
		return a.importFailed(w, r, err)
	}
	return writeJSON(w, http.StatusCreated, licensedImport{Imported: n})
}
