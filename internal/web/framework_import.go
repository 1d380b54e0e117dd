package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

// importFramework imports an uploaded OSCAL catalog or profile (with, for a profile, the catalog it
// selects from) or CSV file as one of the organization's frameworks.
func (w *Web) importFramework(rw http.ResponseWriter, r *http.Request, v *visit) error {
	form := ImportFrameworkForm{}
	f, err := w.doImportFramework(rw, r, v, &form)
	if err != nil {
		fe, status, ok := formError(err, "file", "catalog", "key", "name")
		if !ok {
			return err
		}
		form.Err, form.Issues = fe, importIssues(err)
		return w.renderFrameworks(rw, r, v, status, form, LicensedTextForm{})
	}
	w.flash(rw, flashOK, fmt.Sprintf("Imported %s as %s, revision %d: %d requirements, %d to meet.", f.Name, f.Key, f.Revision, f.Requirements, f.Assessable))
	http.Redirect(rw, r, catalogLinks{}.FrameworkURL(f.Key), http.StatusSeeOther)
	return nil
}

func (w *Web) doImportFramework(rw http.ResponseWriter, r *http.Request, v *visit, form *ImportFrameworkForm) (*framework.Framework, error) {
	if err := parseUpload(rw, r); err != nil {
		return nil, err
	}
	form.Key, form.Name = strings.TrimSpace(r.PostFormValue("key")), strings.TrimSpace(r.PostFormValue("name"))
	data, name, err := uploaded(r, "file")
	if err != nil {
		return nil, err
	}
	if data == nil {
		return nil, aims.FieldError("file", "Choose a file to import.")
	}
	catalog, catalogName, err := uploaded(r, "catalog")
	if err != nil {
		return nil, err
	}
	return w.Frameworks.Import(r.Context(), framework.ImportRequest{OrgID: v.org.ID, Key: form.Key, Name: form.Name,
		Filename: name, Data: data, CatalogData: catalog, CatalogFilename: catalogName})
}
