package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/problem"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/risk/riskreport"
)

// riskImportProblem is the problem details of a refused import of risks, with every fault found (at most
// 20): {line, column, message} in a CSV file, {index, field, message} in a JSON array.
type riskImportProblem struct {
	problem.Details
	Errors          []risk.ImportIssue `json:"errors"`
	ErrorsTruncated bool               `json:"errors_truncated,omitempty"`
}

// importRisks answers POST /api/v1/risks/import: every risk of a CSV file (text/csv) or a JSON array
// (application/json), in the layout risk.Service.Import reads, or none. A refusal is 400 listing the
// faults; more than risk.MaxImportBytes or risk.MaxImportRows is 413.
func (a *API) importRisks(w http.ResponseWriter, r *http.Request) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "text/csv" && mt != "application/json") {
		return aims.Errorf(aims.EMEDIATYPE, "Send the risks as text/csv or as an application/json array.")
	}
	if r.ContentLength > risk.MaxImportBytes {
		return aims.Errorf(aims.ETOOLARGE, "The file is larger than %d MiB, the most one import of risks takes; split it. Nothing was imported.",
			risk.MaxImportBytes>>20)
	}
	// One byte over the limit is read, so that the service tells a file over it.
	body := http.MaxBytesReader(w, r.Body, risk.MaxImportBytes+1)
	res, err := a.Risks.Import(r.Context(), aims.ActorFrom(r.Context()).OrgID, body)
	var ie *risk.ImportError
	if errors.As(err, &ie) {
		d := problem.From(r, err)
		w.Header().Set("Content-Type", problem.ContentType)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(d.Status)
		return json.NewEncoder(w).Encode(riskImportProblem{Details: d, Errors: ie.Issues, ErrorsTruncated: ie.Truncated})
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, res)
}

// riskReport writes a report of the register (kind "risks") or its treatment plan ("treatment-plan")
// that the query's filters select, as format (xlsx or pdf). The report is made whole before the first
// byte is sent, so that a failure is a problem, not a cut file.
func (a *API) riskReport(w http.ResponseWriter, r *http.Request, kind, format string) error {
	f, err := a.riskFilter(r)
	if err != nil {
		return err
	}
	ctx, act := r.Context(), aims.ActorFrom(r.Context())
	o, err := a.Accounts.Store().OrganizationByID(ctx, act.OrgID)
	if err != nil {
		return err
	}
	write := riskreport.Register
	if kind == "treatment-plan" {
		write = riskreport.TreatmentPlan
	}
	var b bytes.Buffer
	if err := write(ctx, a.Risks, o.ID, o.Name, f, format, &b, riskreport.Options{}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", riskreport.ContentType(format))
	w.Header().Set("Content-Disposition", `attachment; filename="`+riskreport.Filename(kind, o.Slug, format)+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err = b.WriteTo(w)
	return err
}

// riskTreatmentPlan answers GET /api/v1/risks/treatment-plan?format=xlsx|pdf (xlsx by default), with the
// register's filters: the open risks with their treatment.
func (a *API) riskTreatmentPlan(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = riskreport.FormatXLSX
	}
	format, err := riskreport.ParseFormat(format, "format")
	if err != nil {
		return err
	}
	return a.riskReport(w, r, "treatment-plan", format)
}
