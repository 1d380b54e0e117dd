package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/authn"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/system"
)

// gatePolicyPath is the page of the organization's release gate policy.
const gatePolicyPath = "/gate-policy"

// GatePage is the check of one system against the release gate for a stage, with the command a CI job
// runs for it.
type GatePage struct {
	Layout
	System *system.System
	Result *gate.Result
	Stages []GateStage
	// Command is the aims gate command of the check, for a pipeline.
	Command string
}

// GateStage is a stage the page can check, and whether it is the one shown.
type GateStage struct {
	Key, Label string
	Active     bool
}

// gatePage shows the check of system {id} for ?stage= (gate.NextStage by default).
func (w *Web) gatePage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	s, err := w.Systems.System(r.Context(), v.org.ID, id)
	if err != nil {
		return err
	}
	stage := r.URL.Query().Get("stage")
	if stage == "" {
		stage = gate.NextStage(s)
	}
	if !slices.Contains(system.Stages, stage) {
		return errNotFound
	}
	res, err := w.Gate.Check(r.Context(), v.org.ID, s.ID, stage)
	if err != nil {
		return err
	}
	p := GatePage{Layout: w.layout(rw, r, v, "Release gate of "+s.Name, "/systems"), System: s, Result: res,
		Command: fmt.Sprintf("aims gate --server %s --token \"$AIMS_TOKEN\" --system %s --stage %s", authn.BaseURL(w.PublicURL, r), strconv.Quote(s.Name), stage)}
	for _, st := range system.Stages {
		p.Stages = append(p.Stages, GateStage{Key: st, Label: control.Label(st), Active: st == stage})
	}
	return w.render(rw, r, http.StatusOK, "gate", p)
}

// GatePolicyPage shows the release gate policy: for each stage, the conditions it requires; managers
// change them.
type GatePolicyPage struct {
	Layout
	Policy     *gate.Policy
	Conditions []gate.ConditionInfo
	Rows       []GatePolicyRow
	CanEdit    bool
	Err        *FormError
}

// GatePolicyRow is a stage and, for each condition in the order of Conditions, whether it requires it.
type GatePolicyRow struct {
	Stage, Label string
	Require      []GatePolicyCell
	// Evidence is the controls the stage needs evidence of, comma-separated (empty: the default);
	// MaxAge the age limit of its evaluation runs in days (0: the default).
	Evidence string
	MaxAge   int
}

// GatePolicyCell is one condition of a stage's row.
type GatePolicyCell struct {
	Key, Title string
	On         bool
}

func (w *Web) gatePolicyPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	p, err := w.Gate.Policy(r.Context(), v.org.ID)
	if err != nil {
		return err
	}
	return w.renderGatePolicy(rw, r, v, http.StatusOK, p, nil)
}

func (w *Web) renderGatePolicy(rw http.ResponseWriter, r *http.Request, v *visit, status int, p *gate.Policy, fe *FormError) error {
	page := GatePolicyPage{Layout: w.layout(rw, r, v, "Release gate", gatePolicyPath), Policy: p, Conditions: gate.Conditions,
		CanEdit: v.may(aims.ActionUpdate, aims.ResGate), Err: fe}
	for _, st := range system.Stages {
		row := GatePolicyRow{Stage: st, Label: control.Label(st), Evidence: strings.Join(p.Rule(st).Evidence, ", "), MaxAge: p.Rule(st).EvaluationMaxAgeDays}
		for _, c := range gate.Conditions {
			row.Require = append(row.Require, GatePolicyCell{Key: c.Key, Title: c.Title, On: p.Requires(st, c.Key)})
		}
		page.Rows = append(page.Rows, row)
	}
	return w.render(rw, r, status, "gate_policy", page)
}

// saveGatePolicy saves the form's grid as the next version: field "STAGE" holds the conditions ticked
// for the stage; "version" the version the form was made from.
func (w *Web) saveGatePolicy(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	basedOn, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	p := &gate.Policy{}
	for _, st := range system.Stages {
		var ev []string
		for _, k := range strings.Split(r.PostFormValue("evidence_"+st), ",") {
			if k = strings.TrimSpace(k); k != "" {
				ev = append(ev, k)
			}
		}
		age := 0
		if v := strings.TrimSpace(r.PostFormValue("max_age_" + st)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				n = -1 // refused by the policy's check, beside its field
			}
			age = n
		}
		if req := r.PostForm[st]; len(req) > 0 || len(ev) > 0 || age != 0 {
			p.Stages = append(p.Stages, gate.StageRule{Stage: st, Require: req, Evidence: ev, EvaluationMaxAgeDays: age})
		}
	}
	saved, err := w.Gate.SavePolicy(r.Context(), v.org.ID, p, basedOn)
	if err != nil {
		fe, status, ok := formError(err)
		if !ok {
			return err
		}
		p.Version = basedOn
		return w.renderGatePolicy(rw, r, v, status, p, fe)
	}
	w.flash(rw, flashOK, fmt.Sprintf("Version %d of the release gate policy is saved.", saved.Version))
	http.Redirect(rw, r, gatePolicyPath, http.StatusSeeOther)
	return nil
}

// NextVersion is the version saving the form makes.
func (p GatePolicyPage) NextVersion() int64 { return p.Policy.Version + 1 }
