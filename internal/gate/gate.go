// Package gate is the release gate: the conditions an AI system must meet before it moves to a stage of
// its life cycle (deployment above all), set per organization and stage, and the check that tells a CI
// pipeline yes, or no with every unmet condition and what would satisfy it.
package gate

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
)

// The conditions a stage may require.
const (
	// CondClassification: the system has a current EU AI Act classification.
	CondClassification = "classification"
	// CondImpact: the system's impact assessment is approved and current (not stale, not overdue).
	CondImpact = "impact_assessment"
	// CondRisks: the system's risks are assessed, and every open one above the acceptable level is
	// treated and accepted; treatments that modify or share a risk select controls.
	CondRisks = "risks"
	// CondSoA: the organization has an approved Statement of Applicability.
	CondSoA = "soa_approved"
	// CondEvidence: for each control the stage names (StageRule.Evidence), current evidence is linked to
	// both the system and the control.
	CondEvidence = "evidence"
	// CondEvaluations: the system has acceptance criteria for its evaluations, every rule passes on the
	// newest run it reads, and that run was imported within the stage's age limit.
	CondEvaluations = "evaluations"
)

// DefaultEvaluationMaxAgeDays is how old a stage lets the evaluation runs be when it sets no limit.
const DefaultEvaluationMaxAgeDays = 90

// DefaultEvidence is the evidence a stage requires when it requires evidence and names none: the
// verification and validation of the system (ISO/IEC 42001 A.6.2.4).
var DefaultEvidence = []string{"iso42001-2023/A.6.2.4"}

// ConditionInfo names a condition for people.
type ConditionInfo struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	// Clause is the part of ISO/IEC 42001 (or the EU AI Act) the condition stands for.
	Clause string `json:"clause"`
}

// Conditions lists every condition a stage may require, in the order a check reports them.
var Conditions = []ConditionInfo{
	{CondClassification, "EU AI Act classification recorded and current", "EU AI Act Art. 6"},
	{CondImpact, "Impact assessment approved and current", "ISO/IEC 42001 6.1.4, 8.4"},
	{CondRisks, "Risks assessed, treated and accepted", "ISO/IEC 42001 6.1.2, 6.1.3, 8.2, 8.3"},
	{CondSoA, "Statement of Applicability approved", "ISO/IEC 42001 6.1.3"},
	{CondEvaluations, "Evaluations pass their acceptance criteria and are recent", "ISO/IEC 42001 A.6.2.4, 9.1"},
	{CondEvidence, "Required evidence present and valid", "ISO/IEC 42001 7.5, 9.1"},
}

func conditionInfo(key string) (ConditionInfo, bool) {
	for _, c := range Conditions {
		if c.Key == key {
			return c, true
		}
	}
	return ConditionInfo{}, false
}

func conditionKeys() string {
	ks := make([]string, len(Conditions))
	for i, c := range Conditions {
		ks[i] = c.Key
	}
	return strings.Join(ks, ", ")
}

// StageRule is what one life-cycle stage requires.
type StageRule struct {
	Stage   string   `json:"stage"`
	Require []string `json:"require"`
	// Evidence names the controls ("KEY/REF", or an ISO/IEC 42001 reference such as A.6.2.4) the system
	// needs current evidence of, when the stage requires evidence (DefaultEvidence when none is named).
	Evidence []string `json:"evidence,omitempty"`
	// EvaluationMaxAgeDays is how many days old the runs the evaluations condition reads may be
	// (DefaultEvaluationMaxAgeDays when 0).
	EvaluationMaxAgeDays int `json:"evaluation_max_age_days,omitempty"`
}

// MaxAgeDays returns the age limit of the stage's evaluation runs.
func (r StageRule) MaxAgeDays() int {
	if r.EvaluationMaxAgeDays == 0 {
		return DefaultEvaluationMaxAgeDays
	}
	return r.EvaluationMaxAgeDays
}

// EvidenceControls returns the controls r needs evidence of.
func (r StageRule) EvidenceControls() []string {
	if len(r.Evidence) == 0 {
		return DefaultEvidence
	}
	return r.Evidence
}

// Policy is an organization's release gate: the conditions of each stage. Stages it does not name have
// no conditions. Version counts saved policies from 1; 0 is the default, never saved.
type Policy struct {
	OrgID         string      `json:"-"`
	Version       int64       `json:"version"`
	Stages        []StageRule `json:"stages"`
	CreatedBy     string      `json:"created_by,omitempty"`
	CreatedByName string      `json:"created_by_name,omitempty"`
	CreatedAt     *time.Time  `json:"created_at,omitempty"`
}

// DefaultPolicy is the gate a new organization starts with: nothing before verification; verification
// and validation needs the classification, the impact assessment and the risks; deployment and
// operation need everything; a re-evaluation the classification, impact assessment and risks again.
func DefaultPolicy() *Policy {
	return &Policy{Stages: []StageRule{
		{Stage: "verification_and_validation", Require: []string{CondClassification, CondImpact, CondRisks}},
		{Stage: "deployment", Require: []string{CondClassification, CondImpact, CondRisks, CondSoA, CondEvaluations, CondEvidence}},
		{Stage: "operation_and_monitoring", Require: []string{CondClassification, CondImpact, CondRisks, CondSoA, CondEvaluations, CondEvidence}},
		{Stage: "re_evaluation", Require: []string{CondClassification, CondImpact, CondRisks}},
	}}
}

// Rule returns the rule of stage (an empty rule when the policy names none).
func (p *Policy) Rule(stage string) StageRule {
	for _, r := range p.Stages {
		if r.Stage == stage {
			return r
		}
	}
	return StageRule{Stage: stage}
}

// Requires reports whether stage requires condition key.
func (p *Policy) Requires(stage, key string) bool { return slices.Contains(p.Rule(stage).Require, key) }

// validate checks p and puts it in the order of system.Stages and Conditions.
func (p *Policy) validate() error {
	seen := map[string]bool{}
	for i := range p.Stages {
		r := &p.Stages[i]
		field := fmt.Sprintf("stages[%d]", i)
		r.Stage = strings.TrimSpace(r.Stage)
		if !slices.Contains(system.Stages, r.Stage) {
			return aims.FieldError(field+".stage", "Unknown life-cycle stage %q: use %s.", r.Stage, strings.Join(system.Stages, ", "))
		}
		if seen[r.Stage] {
			return aims.FieldError(field+".stage", "The stage %s is named twice.", r.Stage)
		}
		seen[r.Stage] = true
		var req []string
		for j, k := range r.Require {
			k = strings.TrimSpace(k)
			if _, ok := conditionInfo(k); !ok {
				return aims.FieldError(fmt.Sprintf("%s.require[%d]", field, j), "Unknown condition %q: use %s.", k, conditionKeys())
			}
			if !slices.Contains(req, k) {
				req = append(req, k)
			}
		}
		r.Require = ordered(req)
		var ev []string
		for j, k := range r.Evidence {
			k = strings.TrimSpace(k)
			if !strings.Contains(k, "/") {
				k = "iso42001-2023/" + k
			}
			if key, ref, _ := strings.Cut(k, "/"); key == "" || ref == "" || len(k) > 200 {
				return aims.FieldError(fmt.Sprintf("%s.evidence[%d]", field, j), "Name a control as KEY/REF or an ISO/IEC 42001 reference such as A.6.2.4.")
			}
			if !slices.Contains(ev, k) {
				ev = append(ev, k)
			}
		}
		r.Evidence = ev
		if r.EvaluationMaxAgeDays < 0 || r.EvaluationMaxAgeDays > 3650 {
			return aims.FieldError(field+".evaluation_max_age_days", "Give the age limit of evaluation runs in days, 1 to 3650 (0 for the default, %d).", DefaultEvaluationMaxAgeDays)
		}
		if len(r.Evidence) > 0 && !slices.Contains(r.Require, CondEvidence) {
			return aims.FieldError(field+".evidence", "The stage names evidence but does not require it: add %s to its conditions.", CondEvidence)
		}
	}
	slices.SortFunc(p.Stages, func(a, b StageRule) int {
		return slices.Index(system.Stages, a.Stage) - slices.Index(system.Stages, b.Stage)
	})
	p.Stages = slices.DeleteFunc(p.Stages, func(r StageRule) bool { return len(r.Require) == 0 })
	return nil
}

// ordered returns keys in the order of Conditions.
func ordered(keys []string) []string {
	out := make([]string, 0, len(keys))
	for _, c := range Conditions {
		if slices.Contains(keys, c.Key) {
			out = append(out, c.Key)
		}
	}
	return out
}

// Condition is one condition of a check: whether it is met, what was found, and what would satisfy it.
type Condition struct {
	Key    string `json:"key"`
	Title  string `json:"title"`
	Clause string `json:"clause"`
	Met    bool   `json:"met"`
	// Detail says what the check found; Fix what would satisfy the condition (empty when met); Href
	// where in aims to do it.
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
	Href   string `json:"href,omitempty"`
	// Items are the records that keep the condition unmet (risks, for example).
	Items []Item `json:"items,omitempty"`
}

// Item is a record that keeps a condition unmet.
type Item struct {
	Ref    string `json:"ref"`
	Title  string `json:"title"`
	Reason string `json:"reason"`
	Href   string `json:"href"`
}

// Result is a check of one system against the conditions of one stage.
type Result struct {
	SystemID   string `json:"system_id"`
	SystemName string `json:"system_name"`
	// Stage is the stage checked; CurrentStage the system's recorded stage.
	Stage         string      `json:"stage"`
	CurrentStage  string      `json:"current_stage"`
	Pass          bool        `json:"pass"`
	PolicyVersion int64       `json:"policy_version"`
	CheckedAt     time.Time   `json:"checked_at"`
	Conditions    []Condition `json:"conditions"`
}

// Unmet returns the conditions not met.
func (r *Result) Unmet() []Condition {
	var out []Condition
	for _, c := range r.Conditions {
		if !c.Met {
			out = append(out, c)
		}
	}
	return out
}

// Store persists the gate policies, scoped by organization.
type Store interface {
	// GatePolicy returns orgID's newest saved policy; ENOTFOUND when it has saved none.
	GatePolicy(ctx context.Context, orgID string) (*Policy, error)
	// SaveGatePolicy stores p as orgID's next version (setting Version, CreatedAt), with its activity
	// entry; ECONFLICT when the newest saved version is not basedOn.
	SaveGatePolicy(ctx context.Context, p *Policy, basedOn int64) error
}

// Stages returns the life-cycle stages a policy may name, in order.
func Stages() []string { return slices.Clone(system.Stages) }

// NextStage is the stage a system is checked for by default: the next one while the system is before
// deployment, its own from then on.
func NextStage(s *system.System) string {
	i, d := slices.Index(system.Stages, s.Stage), slices.Index(system.Stages, "deployment")
	if i >= 0 && i < d {
		return system.Stages[i+1]
	}
	return s.Stage
}
