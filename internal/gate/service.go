package gate

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/evidence"
	"github.com/aimsproject/aims/internal/impact"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/system"
)

// maxItems bounds the records a condition lists.
const maxItems = 50

// Service checks systems against their organization's gate and keeps the policies.
type Service struct {
	store   Store
	Systems *system.Service
	Impacts *impact.Service
	Risks   *risk.Service
	// SoAVersions returns a page of the organization's approved SoA versions (control.Service.Versions).
	SoAVersions func(ctx context.Context, orgID string, p aims.Page) ([]*control.Version, string, error)
	// Controls finds the controls a policy names; Evidence the evidence linked to a system and a control.
	Controls    *control.Service
	Evidence    *evidence.Service
	Evaluations *evaluation.Service
	Now         aims.Clock
}

// NewService returns a gate service over st; app.NewServices sets the services it reads.
func NewService(st Store) *Service { return &Service{store: st, Now: aims.Now} }

// Policy returns orgID's gate: the newest saved policy, or the default (version 0).
func (s *Service) Policy(ctx context.Context, orgID string) (*Policy, error) {
	p, err := s.store.GatePolicy(ctx, orgID)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		p = DefaultPolicy()
		p.OrgID = orgID
		return p, nil
	}
	return p, err
}

// SavePolicy checks p and stores it as orgID's next version; basedOn is the version it was made from
// (0 for the default), and ECONFLICT says someone saved another since.
func (s *Service) SavePolicy(ctx context.Context, orgID string, p *Policy, basedOn int64) (*Policy, error) {
	if p == nil {
		return nil, aims.FieldError("stages", "Send the policy's stages.")
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	for i, r := range p.Stages {
		for j, k := range r.Evidence {
			key, ref, _ := strings.Cut(k, "/")
			if _, err := s.Controls.Control(ctx, orgID, key, ref); aims.ErrorCode(err) == aims.ENOTFOUND {
				return nil, aims.FieldError(fmt.Sprintf("stages[%d].evidence[%d]", i, j), "There is no control %s.", k)
			} else if err != nil {
				return nil, err
			}
		}
	}
	actor := aims.ActorFrom(ctx)
	p.OrgID, p.CreatedBy = orgID, actor.UserID
	if err := s.store.SaveGatePolicy(ctx, p, basedOn); err != nil {
		return nil, err
	}
	return s.store.GatePolicy(ctx, orgID)
}

// Check checks orgID's system systemID against the conditions of stage ("" for the system's current
// stage).
func (s *Service) Check(ctx context.Context, orgID, systemID, stage string) (*Result, error) {
	sys, err := s.Systems.System(ctx, orgID, systemID)
	if err != nil {
		return nil, err
	}
	if stage == "" {
		stage = sys.Stage
	}
	if !slices.Contains(system.Stages, stage) {
		return nil, aims.FieldError("stage", "Unknown life-cycle stage %q: use %s.", stage, strings.Join(system.Stages, ", "))
	}
	p, err := s.Policy(ctx, orgID)
	if err != nil {
		return nil, err
	}
	res := &Result{SystemID: sys.ID, SystemName: sys.Name, Stage: stage, CurrentStage: sys.Stage, PolicyVersion: p.Version,
		CheckedAt: s.Now().UTC(), Pass: true}
	for _, key := range p.Rule(stage).Require {
		info, _ := conditionInfo(key)
		c := Condition{Key: key, Title: info.Title, Clause: info.Clause}
		switch key {
		case CondClassification:
			err = s.classification(ctx, orgID, sys, &c)
		case CondImpact:
			err = s.impact(ctx, orgID, sys, &c)
		case CondRisks:
			err = s.risks(ctx, orgID, sys, &c)
		case CondSoA:
			err = s.soa(ctx, orgID, &c)
		case CondEvaluations:
			err = s.evaluations(ctx, orgID, sys, p.Rule(stage).MaxAgeDays(), &c)
		case CondEvidence:
			err = s.evidence(ctx, orgID, sys, p.Rule(stage).EvidenceControls(), &c)
		}
		if err != nil {
			return nil, fmt.Errorf("cannot check %s: %w", key, err)
		}
		res.Pass = res.Pass && c.Met
		res.Conditions = append(res.Conditions, c)
	}
	return res, nil
}

func (s *Service) classification(ctx context.Context, orgID string, sys *system.System, c *Condition) error {
	c.Href = "/systems/" + sys.ID + "/classification"
	cl, err := s.Systems.Classification(ctx, orgID, sys.ID)
	switch {
	case aims.ErrorCode(err) == aims.ENOTFOUND:
		c.Detail = "The system has no EU AI Act classification."
		c.Fix = "Answer the EU AI Act questionnaire for " + sys.Name + " (aims system classify, or its Classification page)."
	case err != nil:
		return err
	case cl.Outdated:
		c.Detail = fmt.Sprintf("Classification version %d answers an older questionnaire.", cl.Version)
		c.Fix = "Classify " + sys.Name + " again with today's questions."
	default:
		c.Met = true
		c.Detail = fmt.Sprintf("Classified %s (version %d).", strings.ReplaceAll(cl.Class, "_", "-"), cl.Version)
	}
	return nil
}

func (s *Service) impact(ctx context.Context, orgID string, sys *system.System, c *Condition) error {
	c.Href = "/systems/" + sys.ID + "/impact"
	a, err := s.Impacts.Assessment(ctx, orgID, sys.ID, 0)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		c.Detail = "The system has no impact assessment."
		c.Fix = "Assess " + sys.Name + "'s impacts on people and society and have a manager approve the assessment."
		return nil
	}
	if err != nil {
		return err
	}
	if a.Approved == 0 {
		c.Detail = fmt.Sprintf("Version %d of the impact assessment is a draft; none is approved.", a.Latest)
		c.Fix = "Have a manager or the AIMS owner approve the impact assessment of " + sys.Name + "."
		return nil
	}
	if a.Version != a.Approved {
		if a, err = s.Impacts.Assessment(ctx, orgID, sys.ID, a.Approved); err != nil {
			return err
		}
	}
	if a.Stale {
		c.Detail = fmt.Sprintf("Approved version %d is stale: %s", a.Version, a.StaleReason)
		c.Fix = "Reassess the impacts of " + sys.Name + " and approve the new version."
		return nil
	}
	c.Met = true
	c.Detail = fmt.Sprintf("Version %d approved", a.Version)
	if a.ReassessBy != "" {
		c.Detail += ", to be reassessed by " + a.ReassessBy
	}
	c.Detail += "."
	return nil
}

func (s *Service) risks(ctx context.Context, orgID string, sys *system.System, c *Condition) error {
	c.Href = "/risks?system=" + sys.ID
	rs, _, err := s.Risks.List(ctx, orgID, risk.Filter{SystemID: sys.ID}, aims.Page{Limit: 1})
	if err != nil {
		return err
	}
	if len(rs) == 0 {
		c.Detail = "No risk of the system is in the register."
		c.Fix = "Assess the risks of " + sys.Name + " against the risk criteria and record them in the register."
		return nil
	}
	g, err := s.Risks.Gaps(ctx, orgID, sys.ID, maxItems)
	if err != nil {
		return err
	}
	for _, r := range g.Unaccepted {
		reason := "above the acceptable level and not accepted: have its owner accept it or treat it further"
		if r.Lacks == "treatment" {
			reason = "above the acceptable level with no treatment: choose a treatment and a plan"
		}
		c.Items = append(c.Items, Item{Ref: r.Ref, Title: r.Title, Reason: r.Level + ", " + reason, Href: "/risks/" + r.ID})
	}
	for _, r := range g.NoControl {
		const reason = "its treatment selects no control: select the controls that treat it"
		if i := slices.IndexFunc(c.Items, func(it Item) bool { return it.Ref == r.Ref }); i >= 0 {
			c.Items[i].Reason += "; " + reason
			continue
		}
		c.Items = append(c.Items, Item{Ref: r.Ref, Title: r.Title, Reason: r.Level + ", " + reason, Href: "/risks/" + r.ID})
	}
	if n := g.UnacceptedCount + g.NoControlCount; n > 0 {
		c.Detail = fmt.Sprintf("%d open risks above the acceptable level lack a treatment or an acceptance; %d treatments select no control.",
			g.UnacceptedCount, g.NoControlCount)
		c.Fix = "Treat each listed risk, select the controls its treatment needs, and have the risk owner accept the residual risk."
		return nil
	}
	c.Met = true
	c.Detail = "Every open risk above the acceptable level is treated and accepted."
	return nil
}

func (s *Service) soa(ctx context.Context, orgID string, c *Condition) error {
	c.Href = "/soa"
	vs, _, err := s.SoAVersions(ctx, orgID, aims.Page{Limit: 1})
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		c.Detail = "No version of the Statement of Applicability is approved."
		c.Fix = "Decide every Annex A control and have top management approve the Statement of Applicability."
		return nil
	}
	c.Met = true
	c.Detail = fmt.Sprintf("Version %d approved by %s on %s.", vs[0].Number, vs[0].ApprovedByName, vs[0].ApprovedAt.UTC().Format("2006-01-02"))
	return nil
}

// SystemNamed returns orgID's system whose id or name (any case) is name; ENOTFOUND when none is, and
// EINVALID when two names differ only by case.
func (s *Service) SystemNamed(ctx context.Context, orgID, name string) (*system.System, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, aims.FieldError("system", "Name the AI system to check (its name or id).")
	}
	if aims.ValidID(name) {
		if sys, err := s.Systems.System(ctx, orgID, name); err == nil {
			return sys, nil
		}
	}
	if len(name) > 200 {
		return nil, aims.Errorf(aims.ENOTFOUND, "No AI system is named %q.", name[:200])
	}
	ss, _, err := s.Systems.List(ctx, orgID, system.Filter{Query: name}, aims.Page{Limit: aims.MaxPageLimit})
	if err != nil {
		return nil, err
	}
	var found *system.System
	for _, sys := range ss {
		switch {
		case !strings.EqualFold(sys.Name, name):
		case found != nil:
			return nil, aims.FieldError("system", "More than one AI system is named %q in any case: give the system's id.", name)
		default:
			found = sys
		}
	}
	if found == nil {
		return nil, aims.Errorf(aims.ENOTFOUND, "No AI system is named %q.", name)
	}
	return found, nil
}

// evidence checks that each control has current evidence linked to the system too.
func (s *Service) evidence(ctx context.Context, orgID string, sys *system.System, controls []string, c *Condition) error {
	c.Href = "/evidence?system=" + sys.ID
	var have []string
	for _, k := range controls {
		_, ref, _ := strings.Cut(k, "/")
		es, _, err := s.Evidence.List(ctx, orgID, evidence.Filter{System: sys.ID, Control: k}, aims.Page{Limit: 50})
		if err != nil {
			return err
		}
		found, why := false, "no evidence is linked to both the system and the control"
		for _, e := range es {
			switch {
			case e.Status == evidence.StatusDraft:
				why = "its evidence waits for approval"
			case e.Expired:
				why = "its evidence lapsed on " + e.ValidUntil
			default:
				found = true
			}
			if found {
				break
			}
		}
		if found {
			have = append(have, ref)
			continue
		}
		c.Items = append(c.Items, Item{Ref: ref, Title: "Evidence of " + ref + " for " + sys.Name, Reason: why,
			Href: "/evidence?system=" + sys.ID})
	}
	if len(c.Items) > 0 {
		c.Detail = fmt.Sprintf("%d of %d required controls lack current evidence for this system.", len(c.Items), len(controls))
		c.Fix = fmt.Sprintf("Push current evidence for each listed control, e.g. aims evidence push --system %q --control %s FILE.", sys.Name, c.Items[0].Ref)
		return nil
	}
	c.Met = true
	c.Detail = "Current evidence of " + strings.Join(have, ", ") + "."
	return nil
}

// evaluations checks the system's evaluation runs against its acceptance criteria: every rule passes on
// the newest run of its tool, imported within maxAge days.
func (s *Service) evaluations(ctx context.Context, orgID string, sys *system.System, maxAge int, c *Condition) error {
	c.Href = "/systems/" + sys.ID + "/evaluations"
	o, err := s.Evaluations.Overview(ctx, orgID, sys.ID)
	if err != nil {
		return err
	}
	if len(o.Standings) == 0 {
		c.Detail = "The system has no acceptance criteria for its evaluation runs."
		c.Fix = fmt.Sprintf("Set the rules its runs must meet (aims eval criteria set --system %q), then import a run.", sys.Name)
		return nil
	}
	oldest := s.Now().UTC().AddDate(0, 0, -maxAge)
	for _, st := range o.Standings {
		reason := ""
		switch {
		case st.Outcome != evaluation.OutcomePass:
			reason = st.Outcome + ": " + st.Detail
		case st.RunAt != nil && st.RunAt.Before(oldest):
			reason = fmt.Sprintf("the newest run is from %s, older than %d days", st.RunAt.UTC().Format("2006-01-02"), maxAge)
		default:
			continue
		}
		href := c.Href
		if st.RunID != "" {
			href = "/evaluations/" + st.RunID
		}
		c.Items = append(c.Items, Item{Ref: "rule", Title: st.Rule, Reason: reason, Href: href})
	}
	if len(c.Items) > 0 {
		c.Detail = fmt.Sprintf("%d of %d acceptance rules are not met by a recent run.", len(c.Items), len(o.Standings))
		c.Fix = fmt.Sprintf("Fix what the failing rules show and push a new run (aims eval push --system %q FILE) within %d days of the release.", sys.Name, maxAge)
		return nil
	}
	c.Met = true
	c.Detail = fmt.Sprintf("All %d acceptance rules pass on runs of the last %d days.", len(o.Standings), maxAge)
	return nil
}
