package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/evaluation/ingest"
	"github.com/aimsproject/aims/internal/system"
)

// evaluationsPath is the page of system id's evaluation runs.
func evaluationsPath(systemID string) string { return "/systems/" + systemID + "/evaluations" }

// EvaluationsPage is a system's evaluations: where it stands against its acceptance criteria, the trends
// of its metrics, its runs, and the forms to import a run and to set the criteria.
type EvaluationsPage struct {
	Layout
	System         *system.System
	Overview       *evaluation.Overview
	Trends         []Trend
	Runs           []*evaluation.Run
	NextURL        string
	CanImport      bool
	CanSetCriteria bool
	Formats        []string
	MaxMiB         int64
	// Rules is the criteria editor's text; ImportErr and CriteriaErr the faults of refused forms.
	Rules       string
	ImportErr   *FormError
	CriteriaErr *FormError
}

// evaluationsPage shows a system's evaluations.
func (w *Web) evaluationsPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderEvaluations(rw, r, v, http.StatusOK, nil, "", nil)
}

func (w *Web) renderEvaluations(rw http.ResponseWriter, r *http.Request, v *visit, status int, importErr *FormError, rules string, criteriaErr *FormError) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	s, err := w.Systems.System(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	o, err := w.Evaluations.Overview(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	runs, next, err := w.Evaluations.List(ctx, v.org.ID, evaluation.Filter{SystemID: id}, pageOf(r.URL.Query().Get("cursor"), 50))
	if err != nil {
		return err
	}
	p := EvaluationsPage{Layout: w.layout(rw, r, v, "Evaluations of "+s.Name, "/systems"), System: s, Overview: o, Runs: runs,
		CanImport: v.may(aims.ActionCreate, aims.ResEvaluation), CanSetCriteria: v.may(aims.ActionUpdate, aims.ResEvaluation),
		Formats: ingest.Formats, MaxMiB: w.Evaluations.MaxBytes >> 20, Rules: rules, ImportErr: importErr, CriteriaErr: criteriaErr}
	if criteriaErr == nil {
		p.Rules = evaluation.FormatRules(o.Criteria.Rules)
	}
	for _, sr := range o.Series {
		p.Trends = append(p.Trends, trendOf(sr))
	}
	if next != "" {
		p.NextURL = evaluationsPath(id) + "?" + url.Values{"cursor": {next}}.Encode()
	}
	return w.render(rw, r, status, "evaluations", p)
}

// importEvaluation imports the uploaded result file as a run of the system and shows the run.
func (w *Web) importEvaluation(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	run, err := w.doImportEvaluation(rw, r, v, id)
	if err != nil {
		fe, status, ok := formError(err, "file", "format")
		if !ok {
			return err
		}
		return w.renderEvaluations(rw, r, v, status, fe, "", nil)
	}
	msg := fmt.Sprintf("Imported the %s run (%d tests, %d failed): verdict %s.", run.Tool, run.Counts.Total, run.Counts.Failed+run.Counts.Errors, run.Verdict)
	kind := flashOK
	if run.ModelMismatch {
		kind = flashWarn
		msg += " " + strings.Join(run.Notes, " ")
	}
	w.flash(rw, kind, msg)
	http.Redirect(rw, r, "/evaluations/"+run.ID, http.StatusSeeOther)
	return nil
}

func (w *Web) doImportEvaluation(rw http.ResponseWriter, r *http.Request, v *visit, systemID string) (*evaluation.Run, error) {
	limit := w.Evaluations.MaxBytes
	api.KeepReading(rw, r)
	r.Body = http.MaxBytesReader(rw, r.Body, limit+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return nil, aims.FieldError("file", "The file is larger than the limit of %d MiB.", limit>>20)
		case errors.Is(err, http.ErrNotMultipart):
			return nil, aims.FieldError("file", "Choose a result file to import.")
		}
		return nil, aims.Errorf(aims.EINVALID, "The form could not be read.")
	}
	defer r.MultipartForm.RemoveAll()
	f, h, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, aims.FieldError("file", "Choose a result file to import.")
	}
	if err != nil {
		return nil, aims.FieldError("file", "The file could not be read.")
	}
	defer f.Close()
	run, err := w.Evaluations.Import(r.Context(), v.org.ID, systemID, evaluation.Import{Body: f, Format: r.PostFormValue("format"), Filename: h.Filename})
	if c := aims.ErrorCode(err); c == aims.ETOOLARGE || c == aims.EINVALID && aims.ErrorField(err) == "" {
		return nil, aims.FieldError("file", "%s", aims.ErrorMessage(err))
	}
	return run, err
}

// saveEvaluationCriteria sets the system's acceptance criteria from the editor's text, one rule a line.
func (w *Web) saveEvaluationCriteria(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	text := r.PostFormValue("rules")
	rules, err := evaluation.ParseRules(text)
	if err == nil {
		_, err = w.Evaluations.SetCriteria(r.Context(), v.org.ID, id, rules, 0)
	}
	if err != nil {
		fe, status, ok := formError(err, "rules")
		if !ok {
			return err
		}
		return w.renderEvaluations(rw, r, v, status, nil, text, fe)
	}
	w.flash(rw, flashOK, fmt.Sprintf("Saved %d acceptance rules; every run of the system is judged again.", len(rules)))
	http.Redirect(rw, r, evaluationsPath(id), http.StatusSeeOther)
	return nil
}

// EvaluationPage is one run: its facts, its verdict rule by rule, its metrics and its failing cases.
type EvaluationPage struct {
	Layout
	Run         *evaluation.Run
	Cases       []ingest.Case
	NextURL     string
	HistoryHref string
	// CompareHref sets the run beside the one of its system and tool before it, when there is one.
	CompareHref string
	RecordCards
}

// evaluationPage shows a run; ?cursor= pages its failing cases.
func (w *Web) evaluationPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	run, err := w.Evaluations.Run(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	cases, next, err := w.Evaluations.Cases(ctx, v.org.ID, id, pageOf(r.URL.Query().Get("cursor"), 100))
	if err != nil {
		return err
	}
	p := EvaluationPage{Layout: w.layout(rw, r, v, run.Tool+" run of "+run.SystemName, "/systems"), Run: run, Cases: cases}
	if next != "" {
		p.NextURL = "/evaluations/" + id + "?" + url.Values{"cursor": {next}}.Encode() + "#cases-title"
	}
	if v.may(aims.ActionRead, aims.ResActivity) {
		p.HistoryHref = "/activity?" + url.Values{"record_type": {"evaluation"}, "record_id": {id}}.Encode()
	}
	if prev, err := w.Evaluations.Previous(ctx, v.org.ID, run); err != nil {
		return err
	} else if prev != nil {
		p.CompareHref = "/evaluations/" + id + "/compare"
	}
	if p.RecordCards, err = w.recordCards(ctx, r, v, endOf(run)); err != nil {
		return err
	}
	return w.render(rw, r, http.StatusOK, "evaluation", p)
}
