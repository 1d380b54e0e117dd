package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

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

// AcceptanceView is the acceptance card: the standing acceptance, whether one is needed and who may give
// it, whether the visitor may, and the voided ones before it.
type AcceptanceView struct {
	Standing *risk.Acceptance
	Needed   bool
	// Level is the risk's level, AcceptedBy the least role that may accept it, with its article ("an
	// admin").
	Level, AcceptedBy string
	// LevelPhrase is the level with its article, as a sentence starts: "An extreme", "A high".
	LevelPhrase string
	// CanAccept is set when the visitor's role may accept the level and the risk is ready: treated and
	// rated with the current criteria; Blocker says why it is not ready, when it is not.
	CanAccept bool
	Blocker   string
	Voided    []*risk.Acceptance
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

func (w *Web) acceptanceView(ctx context.Context, v *visit, rk *risk.Risk, c *risk.Criteria) (AcceptanceView, error) {
	av := AcceptanceView{Standing: rk.Acceptance, Needed: risk.AcceptanceNeeded(c, rk)}
	cur, err := w.Risks.Criteria(ctx, v.org.ID)
	if err != nil {
		return av, err
	}
	if l := c.Level(rk.Level()); l != nil {
		av.Level, av.AcceptedBy = l.Name, risk.Article(string(l.AcceptedBy))
		av.LevelPhrase = risk.Article(l.Name)
		av.LevelPhrase = strings.ToUpper(av.LevelPhrase[:1]) + av.LevelPhrase[1:]
		av.CanAccept = v.may(aims.ActionUpdate, aims.ResRisk) && l.AcceptedBy.AtMost(v.actor.Role) && rk.Status != risk.StatusClosed && !rk.Accepted
	}
	switch {
	case rk.Accepted || rk.Status == risk.StatusClosed:
	case !rk.Inherent.Rated():
		av.Blocker = "Rate the risk first."
	case rk.CriteriaVersion != cur.Version:
		av.Blocker = fmt.Sprintf("Reassess it against version %d of the criteria first.", cur.Version)
	case rk.TreatmentOption == "":
		av.Blocker = "Say how it is treated first: what is accepted is the risk left after treatment."
	}
	if av.Blocker != "" {
		av.CanAccept = false
	}
	as, _, err := w.Risks.Acceptances(ctx, v.org.ID, rk.ID, aims.Page{Limit: 6})
	if err != nil {
		return av, err
	}
	for _, a := range as {
		if !a.Standing() {
			av.Voided = append(av.Voided, a)
		}
	}
	return av, nil
}

// acceptRisk records the visitor's formal acceptance of the risk as the page showed it.
func (w *Web) acceptRisk(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	a, err := w.Risks.Accept(r.Context(), v.org.ID, id, r.PostFormValue("note"), version)
	switch aims.ErrorCode(err) {
	case "":
		w.flash(rw, flashOK, fmt.Sprintf("Accepted at level %s with version %d of the criteria; a change of its level, treatment or controls will void it.",
			a.Level, a.CriteriaVersion))
	case aims.ECONFLICT, aims.EFORBIDDEN, aims.EPRECONDITION, aims.EINVALID:
		w.flash(rw, flashWarn, aims.ErrorMessage(err))
	default:
		return err
	}
	http.Redirect(rw, r, risksPath+"/"+id, http.StatusSeeOther)
	return nil
}
