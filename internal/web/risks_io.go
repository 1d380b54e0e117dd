package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/risk/riskreport"
)

// RisksImportPage answers an import of risks that was refused: every fault found, with its place in the
// file.
type RisksImportPage struct {
	Layout
	File      string
	Problem   string
	Issues    []string
	Truncated bool
}

// importRisks registers every risk of an uploaded CSV or JSON file, or none (see risk.Service.Import). A
// refusal lists each fault with its line and column (CSV) or item and field (JSON); a file over the
// import's limits is refused with 413.
func (w *Web) importRisks(rw http.ResponseWriter, r *http.Request, v *visit) error {
	name, res, err := w.doImportRisks(rw, r, v)
	if err != nil {
		if _, status, ok := formError(err); ok {
			p := RisksImportPage{Layout: w.layout(rw, r, v, "Import refused", risksPath), File: name, Problem: aims.ErrorMessage(err)}
			var ie *risk.ImportError
			if errors.As(err, &ie) {
				p.Problem, p.Truncated = "Nothing was imported. Set these right and import the file again:", ie.Truncated
				for _, is := range ie.Issues {
					p.Issues = append(p.Issues, capitalized(is.String()))
				}
			}
			return w.render(rw, r, status, "risks_import", p)
		}
		return err
	}
	msg := fmt.Sprintf("Imported %d risks from %s: %s to %s.", res.Imported, name, res.FirstRef, res.LastRef)
	if res.Imported == 1 {
		msg = fmt.Sprintf("Imported 1 risk from %s: %s.", name, res.FirstRef)
	}
	w.flash(rw, flashOK, msg)
	http.Redirect(rw, r, risksPath+"?sort=ref", http.StatusSeeOther)
	return nil
}

func (w *Web) doImportRisks(rw http.ResponseWriter, r *http.Request, v *visit) (string, *risk.ImportResult, error) {
	if err := parseUpload(rw, r); err != nil {
		return "", nil, err
	}
	data, name, err := uploaded(r, "file")
	if err != nil {
		return name, nil, err
	}
	if data == nil {
		return name, nil, aims.FieldError("file", "Choose a CSV or JSON file of risks to import.")
	}
	res, err := w.Risks.Import(r.Context(), v.org.ID, bytes.NewReader(data))
	return name, res, err
}

// capitalized returns s with its first letter upper-case.
func capitalized(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// riskReport sends a report of the register (GET /risks/export?format=xlsx|pdf) or its treatment plan
// (GET /risks/treatment-plan/export) that the register's filter selects, as format=xlsx (the default) or
// pdf.
func (w *Web) riskReport(kind string) func(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return func(rw http.ResponseWriter, r *http.Request, v *visit) error {
		format := r.URL.Query().Get("format")
		if format == "" {
			format = riskreport.FormatXLSX
		}
		format, err := riskreport.ParseFormat(format, "format")
		if err != nil {
			return err
		}
		write := riskreport.Register
		if kind == "treatment-plan" {
			write = riskreport.TreatmentPlan
		}
		var b bytes.Buffer
		if err := write(r.Context(), w.Risks, v.org.ID, v.org.Name, riskFilterOf(r.URL.Query()).filter(), format, &b, riskreport.Options{}); err != nil {
			return err
		}
		rw.Header().Set("Content-Type", riskreport.ContentType(format))
		rw.Header().Set("Content-Disposition", `attachment; filename="`+riskreport.Filename(kind, v.org.Slug, format)+`"`)
		rw.Header().Set("Content-Length", strconv.Itoa(b.Len()))
		rw.Header().Set("Cache-Control", "no-store")
		rw.WriteHeader(http.StatusOK)
		_, err = b.WriteTo(rw)
		return err
	}
}

// ReportHref is the address of a download of the register the page's filter selects: kind "export" (the
// register) or "treatment-plan/export", in format. (A query put into an href after "?" by the template
// would be escaped as one value; a whole address is not.)
func (p RisksPage) ReportHref(kind, format string) string {
	q := p.Filter.Query("")
	if format != "" && format != "csv" {
		if q != "" {
			q = "&" + q
		}
		q = "format=" + format + q
	}
	if q == "" {
		return risksPath + "/" + kind
	}
	return risksPath + "/" + kind + "?" + q
}
