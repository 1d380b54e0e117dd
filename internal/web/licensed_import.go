package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

// importLicensedTexts imports the organization's licensed requirement texts from an uploaded CSV file or
// OSCAL catalog.
func (w *Web) importLicensedTexts(rw http.ResponseWriter, r *http.Request, v *visit) error {
	form := LicensedTextForm{}
	n, err := w.doImportLicensedTexts(rw, r, v, &form)
	if err != nil {
		fe, status, ok := formError(err, "file", "framework", "source")
		if !ok {
			return err
		}
		form.Err, form.Issues = fe, importIssues(err)
		return w.renderFrameworks(rw, r, v, status, ImportFrameworkForm{}, form)
	}
	w.flash(rw, flashOK, fmt.Sprintf("Imported %d licensed texts. They are shown to %s only and never exported.", n, v.org.Name))
	http.Redirect(rw, r, "/frameworks", http.StatusSeeOther)
	return nil
}

func (w *Web) doImportLicensedTexts(rw http.ResponseWriter, r *http.Request, v *visit, form *LicensedTextForm) (int, error) {
	if err := parseUpload(rw, r); err != nil {
		return 0, err
	}
	form.Framework, form.Source = strings.TrimSpace(r.PostFormValue("framework")), strings.TrimSpace(r.PostFormValue("source"))
	data, name, err := uploaded(r, "file")
	if err != nil {
		return 0, err
	}
	if data == nil {
		return 0, aims.FieldError("file", "Choose a file to import.")
	}
	return w.Frameworks.ImportLicensedTexts(r.Context(), framework.LicensedImport{OrgID: v.org.ID, Data: data, Filename: name,
		Framework: form.Framework, Source: form.Source})
}
