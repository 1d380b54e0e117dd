package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

// catalogLinks builds the addresses of the catalog's pages; the pages embed it so that templates can ask
// for them with refs percent-encoded ("GOVERN 1.1" is GOVERN%201.1).
type catalogLinks struct{}

// FrameworkURL returns the address of a framework's page.
func (catalogLinks) FrameworkURL(key string) string { return "/frameworks/" + url.PathEscape(key) }

// RequirementURL returns the address of a requirement's page.
func (catalogLinks) RequirementURL(key, ref string) string {
	return "/frameworks/" + url.PathEscape(key) + "/requirements/" + url.PathEscape(ref)
}

// FrameworksPage lists the frameworks the organization sees; managers also get the import forms.
type FrameworksPage struct {
	Layout
	catalogLinks
	Builtin   []*framework.Framework
	Own       []*framework.Framework
	CanImport bool
	Import    ImportFrameworkForm
	Licensed  LicensedTextForm
}

// ImportFrameworkForm is the import form's values and errors, with the problems found in the file.
type ImportFrameworkForm struct {
	Key, Name string
	Err       *FormError
	Issues    []framework.Issue
}

// LicensedTextForm is the licensed-text form's values and errors.
type LicensedTextForm struct {
	Framework, Source string
	Err               *FormError
	Issues            []framework.Issue
}

func (w *Web) frameworksPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderFrameworks(rw, r, v, http.StatusOK, ImportFrameworkForm{}, LicensedTextForm{})
}

func (w *Web) renderFrameworks(rw http.ResponseWriter, r *http.Request, v *visit, status int, imp ImportFrameworkForm, lic LicensedTextForm) error {
	fws, err := w.Frameworks.Frameworks(r.Context(), v.org.ID)
	if err != nil {
		return err
	}
	p := FrameworksPage{Layout: w.layout(rw, r, v, "Frameworks", "/frameworks"), CanImport: v.may(aims.ActionCreate, aims.ResFramework),
		Import: imp, Licensed: lic}
	for _, f := range fws {
		if f.Builtin() {
			p.Builtin = append(p.Builtin, f)
		} else {
			p.Own = append(p.Own, f)
		}
	}
	return w.render(rw, r, status, "frameworks", p)
}

// maxUploadBytes bounds a form that uploads files: the file (and, for a profile, its catalog) with the
// form's other fields. The server bounds every request body to the same size.
const maxUploadBytes = framework.MaxImportBytes

// parseUpload reads a multipart form, refusing bodies over maxUploadBytes.
func parseUpload(rw http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(rw, r.Body, maxUploadBytes)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return aims.FieldError("file", "The file is larger than %d MiB.", framework.MaxImportBytes>>20)
		}
		if errors.Is(err, http.ErrNotMultipart) {
			return aims.FieldError("file", "Choose a file to import.")
		}
		return aims.Errorf(aims.EINVALID, "The form could not be read.")
	}
	return nil
}

// uploaded returns the file sent in the form field name, with its file name, or nil when none was sent.
func uploaded(r *http.Request, field string) ([]byte, string, error) {
	f, h, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", aims.FieldError(field, "The file could not be read.")
	}
	defer f.Close()
	if h.Size > framework.MaxImportBytes {
		return nil, "", aims.FieldError(field, "The file is larger than %d MiB.", framework.MaxImportBytes>>20)
	}
	b, err := io.ReadAll(io.LimitReader(f, framework.MaxImportBytes+1))
	if err != nil {
		return nil, "", aims.FieldError(field, "The file could not be read.")
	}
	return b, h.Filename, nil
}

// importIssues returns the problems an import found in a file, if err is such a refusal.
func importIssues(err error) []framework.Issue {
	var ie *framework.ImportError
	if errors.As(err, &ie) {
		return ie.Issues
	}
	return nil
}
