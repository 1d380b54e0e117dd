package api

import (
	"mime"
	"net/http"
	"slices"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/evaluation/ingest"
)

// maxCasesShown bounds the failing cases GET /evaluations/{id} answers in one page.
const maxCasesShown = 100

// EvaluationDetail is a run with a page of its failing cases.
type EvaluationDetail struct {
	*evaluation.Run
	FailingCases []ingest.Case `json:"failing_cases"`
	// FailingCasesNext is the cases_cursor of the next page of failing cases ("" at the end).
	FailingCasesNext string `json:"failing_cases_next_cursor,omitempty"`
}

// importEvaluation answers POST /api/v1/systems/{id}/evaluations: the body is a result file as the tool
// wrote it (promptfoo JSON, garak JSONL, lm-eval JSON, Inspect .eval or JSON), its format given by ?format= or
// told from the content. It may be as large as eval_max_bytes, not the 1 MiB of JSON bodies.
func (a *API) importEvaluation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !slices.Contains([]string{"application/octet-stream", "application/json", "application/x-ndjson", "application/jsonl", "application/zip"}, mt) {
		return aims.Errorf(aims.EMEDIATYPE, "Send the result file as application/octet-stream.")
	}
	if r.ContentLength > a.Evaluations.MaxBytes {
		return aims.Errorf(aims.ETOOLARGE, "The file is larger than the limit of %d bytes.", a.Evaluations.MaxBytes)
	}
	KeepReading(w, r)
	q := r.URL.Query()
	run, err := a.Evaluations.Import(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, evaluation.Import{Body: r.Body,
		Format: q.Get("format"), Filename: q.Get("filename")})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/evaluations/"+run.ID)
	return writeJSON(w, http.StatusCreated, run)
}

// listEvaluations answers GET /api/v1/evaluations (?tool=): the organization's runs, newest first, paged.
func (a *API) listEvaluations(w http.ResponseWriter, r *http.Request) error {
	return a.evaluationsPage(w, r, "")
}

// listSystemEvaluations answers GET /api/v1/systems/{id}/evaluations: the system's runs, newest first.
func (a *API) listSystemEvaluations(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	return a.evaluationsPage(w, r, id)
}

func (a *API) evaluationsPage(w http.ResponseWriter, r *http.Request, systemID string) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	rs, next, err := a.Evaluations.List(r.Context(), aims.ActorFrom(r.Context()).OrgID,
		evaluation.Filter{SystemID: systemID, Tool: r.URL.Query().Get("tool")}, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*evaluation.Run]{Items: items(rs), NextCursor: next})
}

// getEvaluation answers GET /api/v1/evaluations/{id}: the run with its metrics, verdict and a page of
// its failing cases (cases_cursor, cases_limit up to 100).
func (a *API) getEvaluation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Evaluation run")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := aims.Page{Cursor: q.Get("cases_cursor"), Limit: maxCasesShown}
	if s := q.Get("cases_limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxCasesShown {
			return aims.FieldError("cases_limit", "cases_limit must be a whole number from 1 to %d.", maxCasesShown)
		}
		p.Limit = n
	}
	orgID := aims.ActorFrom(r.Context()).OrgID
	run, err := a.Evaluations.Run(r.Context(), orgID, id)
	if err != nil {
		return err
	}
	cases, next, err := a.Evaluations.Cases(r.Context(), orgID, id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, EvaluationDetail{Run: run, FailingCases: items(cases), FailingCasesNext: next})
}

// compareEvaluation answers GET /api/v1/evaluations/{id}/compare?with=ID: the run set beside an earlier
// one (by default the run of the same system and tool imported before it), metric by metric.
func (a *API) compareEvaluation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Evaluation run")
	if err != nil {
		return err
	}
	with := r.URL.Query().Get("with")
	if with != "" && !aims.ValidID(with) {
		return aims.FieldError("with", "with names a run by its id.")
	}
	c, err := a.Evaluations.CompareWith(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, with)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

// getEvaluationCriteria answers GET /api/v1/systems/{id}/evaluation-criteria.
func (a *API) getEvaluationCriteria(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	c, err := a.Evaluations.Criteria(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeCriteria(w, c)
}

// writeCriteria sends c with its rev as the ETag, once there is one.
func writeCriteria(w http.ResponseWriter, c *evaluation.Criteria) error {
	if c.Rev > 0 {
		return writeResource(w, http.StatusOK, c.Rev, c)
	}
	return writeJSON(w, http.StatusOK, c)
}

// criteriaBody is the body of PUT /api/v1/systems/{id}/evaluation-criteria.
type criteriaBody struct {
	Rules []evaluation.Rule `json:"rules"`
}

// putEvaluationCriteria answers PUT /api/v1/systems/{id}/evaluation-criteria: the rules replace the
// system's, and every run of the system is judged again against them.
func (a *API) putEvaluationCriteria(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	rev, err := ifMatch(r)
	if err != nil {
		return err
	}
	var b criteriaBody
	if err := decode(w, r, &b); err != nil {
		return err
	}
	c, err := a.Evaluations.SetCriteria(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, b.Rules, rev)
	if err != nil {
		return err
	}
	return writeCriteria(w, c)
}
