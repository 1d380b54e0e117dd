package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/risk"
)

// RiskCriteriaPage shows the current criteria and their versions, and to managers an editor.
type RiskCriteriaPage struct {
	Layout
	Criteria *risk.Criteria
	Versions []*risk.Criteria
	CanEdit  bool
	// JSON is the criteria as the editor holds them; Err the fault of a refused change.
	JSON string
	Err  *FormError
}

// LevelName names a level of the criteria.
func (p RiskCriteriaPage) LevelName(key string) string { return levelName(p.Criteria, key) }

// LevelClass is the class that colours level key.
func (p RiskCriteriaPage) LevelClass(key string) string { return levelClass(p.Criteria, key) }

// NextVersion is the version saving a change makes.
func (p RiskCriteriaPage) NextVersion() int64 { return p.Criteria.Version + 1 }

// Rows are the matrix's rows, highest likelihood first, as the page draws it.
func (p RiskCriteriaPage) Rows() []CriteriaRow {
	c := p.Criteria
	out := make([]CriteriaRow, 0, len(c.Matrix))
	for i := len(c.Matrix) - 1; i >= 0; i-- {
		out = append(out, CriteriaRow{Likelihood: c.Likelihood[i].Label, Levels: c.Matrix[i]})
	}
	return out
}

// CriteriaRow is a row of the matrix: a likelihood and the level of each consequence.
type CriteriaRow struct {
	Likelihood string
	Levels     []string
}

func (w *Web) riskCriteriaPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderRiskCriteria(rw, r, v, http.StatusOK, "", nil)
}

func (w *Web) renderRiskCriteria(rw http.ResponseWriter, r *http.Request, v *visit, status int, text string, fe *FormError) error {
	ctx := r.Context()
	c, err := w.Risks.Criteria(ctx, v.org.ID)
	if err != nil {
		return err
	}
	vs, err := w.Risks.CriteriaVersions(ctx, v.org.ID)
	if err != nil {
		return err
	}
	p := RiskCriteriaPage{Layout: w.layout(rw, r, v, "Risk criteria", riskCriteriaPath), Criteria: c, Versions: vs,
		CanEdit: v.may(aims.ActionUpdate, aims.ResRiskCriteria), JSON: text, Err: fe}
	if p.JSON == "" {
		b, err := json.MarshalIndent(c, "", "  ")
		if err != nil {
			return err
		}
		p.JSON = string(b)
	}
	return w.render(rw, r, status, "risk_criteria", p)
}

// saveRiskCriteria saves the criteria the editor holds as the next version; the version in the text is
// the one changed.
func (w *Web) saveRiskCriteria(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	text := r.PostFormValue("criteria")
	var c risk.Criteria
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return w.renderRiskCriteria(rw, r, v, http.StatusBadRequest, text,
			&FormError{Message: "The criteria are not valid JSON as this page shows them: " + err.Error()})
	}
	re, err := w.Risks.SaveCriteria(r.Context(), v.org.ID, &c, c.Version)
	if err != nil {
		fe, status, ok := formError(err)
		if !ok {
			return err
		}
		if f := aims.ErrorField(err); f != "" {
			fe.Message = f + ": " + fe.Message
		}
		return w.renderRiskCriteria(rw, r, v, status, text, fe)
	}
	msg := fmt.Sprintf("Version %d of the risk criteria is saved.", re.Criteria.Version)
	if len(re.Risks) > 0 {
		refs := make([]string, len(re.Risks))
		for i, rk := range re.Risks {
			refs[i] = rk.Ref
		}
		more := ""
		if re.More {
			more = " and more"
		}
		msg += fmt.Sprintf(" To reassess: %s%s; their owners have a task each.", strings.Join(refs, ", "), more)
	}
	w.flash(rw, flashOK, msg)
	http.Redirect(rw, r, riskCriteriaPath, http.StatusSeeOther)
	return nil
}
