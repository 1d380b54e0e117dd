package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/system"
)

const (
	risksPath         = "/risks"
	riskCriteriaPath  = "/risks/criteria"
	risksPageSize     = 50
	riskSystemsChoice = 200 // the systems a risk form offers
)

// RiskFilter is the register's filter as the page's form holds it.
type RiskFilter struct {
	SystemID, Level, OwnerID, Source, Status, Q, Sort string
	// Control and Gap come from the SoA: the risks a control treats, the risks of one of its checks.
	Control, Gap string
	Overdue      bool
}

func riskFilterOf(q url.Values) RiskFilter {
	return RiskFilter{SystemID: q.Get("system_id"), Level: q.Get("level"), OwnerID: q.Get("owner_id"), Source: q.Get("source"),
		Status: q.Get("status"), Q: q.Get("q"), Sort: q.Get("sort"), Overdue: q.Get("overdue") == "true", Control: q.Get("control"), Gap: q.Get("gap")}
}

// Active reports whether the filter narrows the register.
func (f RiskFilter) Active() bool {
	return f.SystemID != "" || f.Level != "" || f.OwnerID != "" || f.Source != "" || f.Status != "" || f.Q != "" || f.Overdue ||
		f.Control != "" || f.Gap != ""
}

func (f RiskFilter) filter() risk.Filter {
	rf := risk.Filter{Level: f.Level, OwnerID: f.OwnerID, Source: f.Source, Status: f.Status, Query: f.Q, Sort: f.Sort, Overdue: f.Overdue,
		Control: f.Control, Gap: f.Gap}
	if f.SystemID == "none" {
		rf.OrgWide = true
	} else {
		rf.SystemID = f.SystemID
	}
	return rf
}

// Query returns the filter as a query string, with cursor when set.
func (f RiskFilter) Query(cursor string) string {
	q := url.Values{}
	for k, v := range map[string]string{"system_id": f.SystemID, "level": f.Level, "owner_id": f.OwnerID, "source": f.Source,
		"status": f.Status, "q": f.Q, "sort": f.Sort, "cursor": cursor, "control": f.Control, "gap": f.Gap} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Overdue {
		q.Set("overdue", "true")
	}
	return q.Encode()
}

// RisksPage is the register: the heat maps, the filter and a page of risks.
type RisksPage struct {
	Layout
	Criteria           *risk.Criteria
	Inherent, Residual template.HTML
	Risks              []*risk.Risk
	Filter             RiskFilter
	Systems            []*system.System
	Owners             []*account.Membership
	Statuses           []string
	NextHref           string
	Later, CanCreate   bool
}

// LevelName and LevelColor name and colour a level of the current criteria.
func (p RisksPage) LevelName(key string) string { return levelName(p.Criteria, key) }

// LevelClass is the class that colours level key.
func (p RisksPage) LevelClass(key string) string { return levelClass(p.Criteria, key) }

// SourceName names a risk source.
func (p RisksPage) SourceName(key string) string { return risk.OptionName(p.Criteria.Sources, key) }

// levelClass is the class that colours level key of c: level-0 (lightest) to level-7.
func levelClass(c *risk.Criteria, key string) string {
	return "level-" + strconv.Itoa(max(c.LevelShade(key), 0))
}

func levelName(c *risk.Criteria, key string) string {
	if l := c.Level(key); l != nil {
		return l.Name
	}
	return key
}

// risksPage shows the register with its heat maps; a heat map's cell leads to the register filtered to
// the level of that cell.
func (w *Web) risksPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := riskFilterOf(q)
	cursor := q.Get("cursor")
	rs, next, err := w.Risks.List(ctx, v.org.ID, f.filter(), pageOf(cursor, risksPageSize))
	if err != nil {
		return err
	}
	p := RisksPage{Layout: w.layout(rw, r, v, "Risk register", risksPath), Risks: rs, Filter: f, Statuses: risk.Statuses,
		Later: cursor != "", CanCreate: v.may(aims.ActionCreate, aims.ResRisk)}
	if next != "" {
		p.NextHref = risksPath + "?" + f.Query(next)
	}
	for _, residual := range []bool{false, true} {
		h, err := w.Risks.HeatMap(ctx, v.org.ID, f.filter(), residual)
		if err != nil {
			return err
		}
		c := h.Criteria // the current criteria, which the page shows its levels by
		p.Criteria = c
		title := "Inherent risk"
		if residual {
			title = "Residual risk"
		}
		svg := h.SVG(title, func(l, cn int) string {
			g := f
			g.Level = c.Matrix[l-1][cn-1]
			return risksPath + "?" + g.Query("")
		})
		if residual {
			p.Residual = svg
		} else {
			p.Inherent = svg
		}
	}
	if p.Systems, err = w.riskSystems(ctx, v); err != nil {
		return err
	}
	ms, _, err := w.Accounts.Store().ListMembers(ctx, v.org.ID, pageOf("", 200))
	if err != nil {
		return err
	}
	p.Owners = mayOwn(ms, aims.ResRisk)
	return w.render(rw, r, http.StatusOK, "risks", p)
}

// riskSystems are the systems a risk may be of, by name.
func (w *Web) riskSystems(ctx context.Context, v *visit) ([]*system.System, error) {
	ss, _, err := w.Systems.List(ctx, v.org.ID, system.Filter{}, pageOf("", riskSystemsChoice))
	return ss, err
}

// RiskPage is one risk: its fields and ratings, and its links, tasks and comments.
type RiskPage struct {
	Layout
	Risk        *risk.Risk
	Criteria    *risk.Criteria
	GenAI       string
	CanEdit     bool
	CanDelete   bool
	HistoryHref string
	RecordCards
	// Acceptance is what the page says of the risk's formal acceptance.
	Acceptance AcceptanceView
}

// LevelName names a level of the criteria.
func (p RiskPage) LevelName(key string) string { return levelName(p.Criteria, key) }

// LevelClass is the class that colours level key.
func (p RiskPage) LevelClass(key string) string { return levelClass(p.Criteria, key) }

// Ratings are the risk's ratings as the page lists them.
func (p RiskPage) Ratings() []RatingView {
	return []RatingView{ratingView(p.Criteria, "Inherent", p.Risk.Inherent), ratingView(p.Criteria, "Residual", p.Risk.Residual)}
}

// RatingView is a rating with its steps named.
type RatingView struct {
	Label, Level, LevelName, Class, Likelihood string
	Consequences                               []string
}

func ratingView(c *risk.Criteria, label string, r risk.Rating) RatingView {
	rv := RatingView{Label: label, Level: r.Level, LevelName: levelName(c, r.Level), Class: levelClass(c, r.Level)}
	if !r.Rated() {
		return rv
	}
	if r.Likelihood >= 1 && r.Likelihood <= len(c.Likelihood) {
		rv.Likelihood = c.Likelihood[r.Likelihood-1].Label
	}
	for _, a := range c.Axes {
		if v, ok := r.Consequences[a.Key]; ok && v >= 1 && v <= len(c.Consequence) {
			rv.Consequences = append(rv.Consequences, a.Name+": "+c.Consequence[v-1].Label)
		}
	}
	return rv
}

func (w *Web) riskPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	rk, err := w.Risks.Risk(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	c, err := w.Risks.CriteriaVersion(ctx, v.org.ID, rk.CriteriaVersion)
	if err != nil {
		return err
	}
	p := RiskPage{Layout: w.layout(rw, r, v, rk.Ref+" "+rk.Title, risksPath), Risk: rk, Criteria: c,
		CanEdit: v.may(aims.ActionUpdate, aims.ResRisk), CanDelete: v.may(aims.ActionDelete, aims.ResRisk)}
	for _, g := range w.Risks.GenAIRisks {
		if g.Key == rk.GenAIRisk {
			p.GenAI = g.Key + ". " + g.Name
		}
	}
	if v.may(aims.ActionRead, aims.ResActivity) {
		p.HistoryHref = "/activity?" + url.Values{"record_type": {"risk"}, "record_id": {rk.ID}}.Encode()
	}
	self := record.End{Type: record.TypeRisk, ID: rk.ID, Title: rk.Ref + " " + rk.Title}
	if p.RecordCards, err = w.recordCards(ctx, r, v, self); err != nil {
		return err
	}
	if p.Acceptance, err = w.acceptanceView(ctx, v, rk, c); err != nil {
		return err
	}
	return w.render(rw, r, http.StatusOK, "risk", p)
}

// RiskFormPage registers a risk (Risk nil) or edits one.
type RiskFormPage struct {
	Layout
	Risk       *risk.Risk
	Criteria   *risk.Criteria
	Form       RiskForm
	Systems    []*system.System
	Owners     []*account.Membership
	GenAIRisks []risk.Option
	Statuses   []string
	Treatments []string
}

// RiskForm is the risk form's values and errors.
type RiskForm struct {
	risk.Fields
	Version int64
	Err     *FormError
}

// Consequence returns the consequence step of axis in the inherent (residual false) or residual rating.
func (f RiskForm) Consequence(residual bool, axis string) int {
	if residual {
		return f.Residual.Consequences[axis]
	}
	return f.Inherent.Consequences[axis]
}

// riskFormFields are the fields an error is shown beside.
var riskFormFields = []string{"title", "description", "system_id", "source", "objective", "genai_risk", "owner_id", "inherent.likelihood",
	"inherent.consequences", "existing_controls", "residual.likelihood", "residual.consequences", "status", "review_due",
	"treatment_option", "treatment_plan"}

// readRiskForm reads the posted form; the caller has parsed it. A rating's consequences come in fields
// named inherent_AXIS and residual_AXIS.
func readRiskForm(r *http.Request, c *risk.Criteria) RiskForm {
	get := r.PostFormValue
	f := RiskForm{Fields: risk.Fields{Title: get("title"), Description: get("description"), SystemID: get("system_id"), Source: get("source"),
		Objective: get("objective"), GenAIRisk: get("genai_risk"), OwnerID: get("owner_id"), ExistingControls: get("existing_controls"),
		Status: get("status"), ReviewDue: get("review_due"), TreatmentOption: get("treatment_option"), TreatmentPlan: get("treatment_plan")}}
	for _, x := range []struct {
		name string
		in   *risk.RatingInput
	}{{"inherent", &f.Inherent}, {"residual", &f.Residual}} {
		x.in.Likelihood, _ = strconv.Atoi(get(x.name + "_likelihood"))
		for _, a := range c.Axes {
			if n, err := strconv.Atoi(get(x.name + "_" + a.Key)); err == nil && n > 0 {
				if x.in.Consequences == nil {
					x.in.Consequences = map[string]int{}
				}
				x.in.Consequences[a.Key] = n
			}
		}
	}
	return f
}

func (w *Web) renderRiskForm(rw http.ResponseWriter, r *http.Request, v *visit, status int, rk *risk.Risk, f RiskForm) error {
	ctx := r.Context()
	c, err := w.Risks.Criteria(ctx, v.org.ID)
	if err != nil {
		return err
	}
	title := "Register a risk"
	if rk != nil {
		title = "Edit " + rk.Ref
	}
	p := RiskFormPage{Layout: w.layout(rw, r, v, title, risksPath), Risk: rk, Criteria: c, Form: f, GenAIRisks: w.Risks.GenAIRisks,
		Statuses: risk.Statuses, Treatments: risk.TreatmentOptions}
	if p.Systems, err = w.riskSystems(ctx, v); err != nil {
		return err
	}
	ms, _, err := w.Accounts.Store().ListMembers(ctx, v.org.ID, pageOf("", 200))
	if err != nil {
		return err
	}
	p.Owners = mayOwn(ms, aims.ResRisk)
	return w.render(rw, r, status, "risk_form", p)
}

// newRiskPage shows the form that registers a risk; ?system_id=ID starts it as a risk of that system.
func (w *Web) newRiskPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	f := RiskForm{Fields: risk.Fields{SystemID: r.URL.Query().Get("system_id"), OwnerID: v.user.ID}}
	return w.renderRiskForm(rw, r, v, http.StatusOK, nil, f)
}

func (w *Web) createRisk(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	c, err := w.Risks.Criteria(r.Context(), v.org.ID)
	if err != nil {
		return err
	}
	f := readRiskForm(r, c)
	rk, err := w.Risks.Create(r.Context(), v.org.ID, f.Fields)
	if err != nil {
		fe, status, ok := formError(err, riskFormFields...)
		if !ok {
			return err
		}
		f.Err = fe
		return w.renderRiskForm(rw, r, v, status, nil, f)
	}
	w.flash(rw, flashOK, fmt.Sprintf("%s is registered.", rk.Ref))
	http.Redirect(rw, r, risksPath+"/"+rk.ID, http.StatusSeeOther)
	return nil
}

func (w *Web) editRiskPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rk, err := w.Risks.Risk(r.Context(), v.org.ID, id)
	if err != nil {
		return err
	}
	return w.renderRiskForm(rw, r, v, http.StatusOK, rk, RiskForm{Fields: risk.FieldsOf(rk), Version: rk.Version})
}

func (w *Web) updateRisk(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	ctx := r.Context()
	cur, err := w.Risks.Risk(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	c, err := w.Risks.Criteria(ctx, v.org.ID)
	if err != nil {
		return err
	}
	f := readRiskForm(r, c)
	version, err := formVersion(r)
	f.Version = version
	var rk *risk.Risk
	if err == nil {
		rk, err = w.Risks.Update(ctx, v.org.ID, id, f.Fields, version)
	}
	if err != nil {
		fe, status, ok := formError(err, riskFormFields...)
		if !ok || aims.ErrorCode(err) == aims.ENOTFOUND {
			return err
		}
		f.Err = fe
		return w.renderRiskForm(rw, r, v, status, cur, f)
	}
	w.flash(rw, flashOK, fmt.Sprintf("%s is saved.", rk.Ref))
	http.Redirect(rw, r, risksPath+"/"+rk.ID, http.StatusSeeOther)
	return nil
}

func (w *Web) deleteRisk(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rk, err := w.Risks.Risk(r.Context(), v.org.ID, id)
	if err != nil {
		return err
	}
	if err := w.Risks.Delete(r.Context(), v.org.ID, id); err != nil {
		if aims.ErrorCode(err) != aims.ECONFLICT {
			return err
		}
		w.flash(rw, flashWarn, aims.ErrorMessage(err))
		http.Redirect(rw, r, risksPath+"/"+id, http.StatusSeeOther)
		return nil
	}
	w.flash(rw, flashOK, fmt.Sprintf("%s is deleted; the activity trail keeps it.", rk.Ref))
	http.Redirect(rw, r, risksPath, http.StatusSeeOther)
	return nil
}

// exportRisks downloads the register, with the filters of the page, as CSV.
func (w *Web) exportRisks(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if format := r.URL.Query().Get("format"); format != "" && format != "csv" {
		return w.riskReport("risks")(rw, r, v)
	}
	f := riskFilterOf(r.URL.Query())
	started := false
	err := w.Risks.ExportCSV(r.Context(), v.org.ID, f.filter(), rw, func() {
		started = true
		rw.Header().Set("Content-Type", "text/csv; charset=utf-8")
		rw.Header().Set("Content-Disposition", `attachment; filename="risks.csv"`)
		rw.Header().Set("Cache-Control", "no-store")
		rw.WriteHeader(http.StatusOK)
	})
	if err != nil && started {
		panic(http.ErrAbortHandler)
	}
	return err
}
