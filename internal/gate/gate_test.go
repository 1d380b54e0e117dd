package gate_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/evidence"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/impact"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

type fixture struct {
	sv     *app.Services
	org    *account.Organization
	owner  context.Context
	ownerU string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.Open(t)
	sv, err := app.NewServices(db, app.ServiceOptions{Catalog: storetest.Catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{sv: sv}
	ctx := context.Background()
	if f.org, err = sv.Accounts.CreateOrganization(ctx, "lumen", "Lumen Labs"); err != nil {
		t.Fatal(err)
	}
	u, err := sv.Accounts.CreateUser(ctx, "maya@lumen.example", "Maya Okafor", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sv.Accounts.AddMember(ctx, f.org.ID, u.Email, aims.RoleOwner); err != nil {
		t.Fatal(err)
	}
	f.ownerU = u.ID
	f.owner = aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: f.org.ID,
		OrgSlug: f.org.Slug, Role: aims.RoleOwner})
	return f
}

func (f *fixture) check(t *testing.T, systemID, stage string) *gate.Result {
	t.Helper()
	res, err := f.sv.Gate.Check(context.Background(), f.org.ID, systemID, stage)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// unmet returns the keys of the conditions res does not meet.
func unmet(res *gate.Result) []string {
	var out []string
	for _, c := range res.Unmet() {
		out = append(out, c.Key)
	}
	return out
}

// TestTheGateNamesEveryUnmetConditionUntilEachIsMet walks a new system to deployment: at first every
// default condition of the stage fails, each saying what would satisfy it; classifying the system,
// approving its impact assessment, treating and accepting its risk and approving the SoA each clear one,
// until the gate passes. A stale impact assessment and a risk whose acceptance a change voids close it
// again.
func TestTheGateNamesEveryUnmetConditionUntilEachIsMet(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sys, err := f.sv.Systems.Create(f.owner, f.org.ID, system.Fields{Name: "TalentMatch", Purpose: "Ranks job applications",
		IntendedUse: "Shortlisting for recruiters", EURole: "deployer", Stage: "verification_and_validation", OwnerID: f.ownerU})
	if err != nil {
		t.Fatal(err)
	}
	if res := f.check(t, sys.ID, "inception"); !res.Pass || len(res.Conditions) != 0 {
		t.Errorf("inception has no conditions by default: %+v", res)
	}
	res := f.check(t, sys.ID, "deployment")
	if res.Pass || strings.Join(unmet(res), ",") != "classification,impact_assessment,risks,soa_approved,evaluations,evidence" {
		t.Fatalf("a new system at deployment: pass %v, unmet %v", res.Pass, unmet(res))
	}
	for _, c := range res.Conditions {
		if c.Fix == "" || c.Detail == "" || c.Href == "" {
			t.Errorf("condition %s says neither what it found nor what would satisfy it: %+v", c.Key, c)
		}
	}
	if res.Stage != "deployment" || res.CurrentStage != "verification_and_validation" || res.PolicyVersion != 0 {
		t.Errorf("result %+v", res)
	}
	if res := f.check(t, sys.ID, ""); res.Stage != "verification_and_validation" || len(res.Conditions) != 3 {
		t.Errorf("the system's own stage: %+v", res)
	}

	// Classification.
	a := map[string]string{"scope_military": "no", "scope_research": "no", "scope_open_source": "no", "scope_personal": "no",
		"prohibited_intimate": "no", "annex_i_section": "none", "annex_iii_area": "4", "annex_iii_point_4": "a", "derogation_risk": "no",
		"profiling": "yes", "deployer_type": "private", "transparency_interacts": "no", "transparency_synthetic": "no",
		"transparency_emotion": "no", "transparency_deepfake": "no", "gpai": "no"}
	for _, l := range "abcdefgh" {
		a["prohibited_"+string(l)] = "no"
	}
	if _, err := f.sv.Systems.Classify(f.owner, f.org.ID, sys.ID, system.ClassificationInput{Answers: a}, 0); err != nil {
		t.Fatal(err)
	}
	if got := unmet(f.check(t, sys.ID, "deployment")); strings.Join(got, ",") != "impact_assessment,risks,soa_approved,evaluations,evidence" {
		t.Fatalf("after classifying: unmet %v", got)
	}

	// Impact assessment: a draft is not enough; the approved version is.
	ia, err := f.sv.Impacts.Create(f.owner, f.org.ID, sys.ID, impact.Fields{Scope: "Screening of applications.", OwnerID: f.ownerU,
		Affected: []impact.Party{{Name: "Applicants", Vulnerable: true}},
		Impacts:  []impact.Impact{{Area: "fundamental_rights", Party: "Applicants", Description: "Indirect discrimination.", Likelihood: 2, Severity: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	res = f.check(t, sys.ID, "deployment")
	if c := res.Conditions[1]; c.Met || !strings.Contains(c.Detail, "draft") {
		t.Errorf("a draft assessment: %+v", c)
	}
	if _, err := f.sv.Impacts.Approve(f.owner, f.org.ID, sys.ID, ia.Version, ia.Rev); err != nil {
		t.Fatal(err)
	}
	if got := unmet(f.check(t, sys.ID, "deployment")); strings.Join(got, ",") != "risks,soa_approved,evaluations,evidence" {
		t.Fatalf("after approving the assessment: unmet %v", got)
	}

	// Risks: none assessed, then a high one untreated, then treated and accepted.
	if c := f.check(t, sys.ID, "deployment").Conditions[2]; c.Met || !strings.Contains(c.Detail, "No risk") {
		t.Errorf("no risks: %+v", c)
	}
	r, err := f.sv.Risks.Create(f.owner, f.org.ID, risk.Fields{Title: "Biased ranking of candidates", Source: "C.3.4", SystemID: sys.ID,
		OwnerID: f.ownerU, Inherent: risk.RatingInput{Likelihood: 4, Consequences: map[string]int{"individuals": 4}},
		Residual: risk.RatingInput{Likelihood: 3, Consequences: map[string]int{"individuals": 4}}})
	if err != nil {
		t.Fatal(err)
	}
	c := f.check(t, sys.ID, "deployment").Conditions[2]
	if c.Met || len(c.Items) != 1 || c.Items[0].Ref != r.Ref || !strings.Contains(c.Items[0].Reason, "no treatment") {
		t.Errorf("an untreated high risk: %+v", c)
	}
	fs := risk.FieldsOf(r)
	fs.TreatmentOption, fs.TreatmentPlan, fs.Status = risk.TreatModify, "Rebalance the training data.", risk.StatusTreating
	if r, err = f.sv.Risks.Update(f.owner, f.org.ID, r.ID, fs, r.Version); err != nil {
		t.Fatal(err)
	}
	c = f.check(t, sys.ID, "deployment").Conditions[2]
	if c.Met || len(c.Items) != 1 || !strings.Contains(c.Items[0].Reason, "not accepted") || !strings.Contains(c.Items[0].Reason, "selects no control") {
		t.Errorf("a modified risk with no control and no acceptance is listed once with both reasons: %+v", c)
	}
	fs.TreatmentOption, fs.TreatmentPlan, fs.Status = risk.TreatRetain, "Recruiters review every shortlist.", risk.StatusTreating
	if r, err = f.sv.Risks.Update(f.owner, f.org.ID, r.ID, fs, r.Version); err != nil {
		t.Fatal(err)
	}
	c = f.check(t, sys.ID, "deployment").Conditions[2]
	if c.Met || len(c.Items) != 1 || !strings.Contains(c.Items[0].Reason, "not accepted") {
		t.Errorf("a treated, unaccepted high risk: %+v", c)
	}
	if _, err := f.sv.Risks.Accept(f.owner, f.org.ID, r.ID, "Reviewed by people.", 0); err != nil {
		t.Fatal(err)
	}
	if got := unmet(f.check(t, sys.ID, "deployment")); strings.Join(got, ",") != "soa_approved,evaluations,evidence" {
		t.Fatalf("after accepting the risk: unmet %v", got)
	}

	// The SoA.
	if _, err := f.sv.Controls.UpdateProfile(f.owner, f.org.ID, control.ProfileUpdate{AIRoles: []string{"ai_customer"}, EURoles: []string{"deployer"},
		EUDates: control.DatesPublished}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Controls.ApplyProposals(f.owner, f.org.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Controls.Approve(f.owner, f.org.ID, "First SoA"); err != nil {
		t.Fatal(err)
	}
	if got := unmet(f.check(t, sys.ID, "deployment")); strings.Join(got, ",") != "evaluations,evidence" {
		t.Fatalf("after approving the SoA: unmet %v", got)
	}

	// Evaluations: no criteria; a rule no run meets yet is unmet; a run that passes clears it.
	if c := f.check(t, sys.ID, "deployment").Conditions[4]; c.Met || !strings.Contains(c.Detail, "no acceptance criteria") {
		t.Errorf("no criteria: %+v", c)
	}
	rules, err := evaluation.ParseRules("inspect accuracy >= 0.9\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Evaluations.SetCriteria(f.owner, f.org.ID, sys.ID, rules, 0); err != nil {
		t.Fatal(err)
	}
	if c := f.check(t, sys.ID, "deployment").Conditions[4]; c.Met || len(c.Items) != 1 || !strings.Contains(c.Items[0].Reason, "unmet") {
		t.Errorf("a rule with no run: %+v", c)
	}
	// The sample ran in July 2025: too old. The same log without its dates counts from its import.
	sample, err := os.ReadFile("../../testdata/evals/inspect_ai-log_read_sample.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Evaluations.Import(f.owner, f.org.ID, sys.ID, evaluation.Import{Body: bytes.NewReader(sample), Filename: "old.json"}); err != nil {
		t.Fatal(err)
	}
	if c := f.check(t, sys.ID, "deployment").Conditions[4]; c.Met || len(c.Items) != 1 || !strings.Contains(c.Items[0].Reason, "from 2025-07-05, older than 90 days") {
		t.Errorf("a run of July 2025: %+v", c)
	}
	undated := bytes.ReplaceAll(bytes.ReplaceAll(sample, []byte(`"started_at": "2025-07-05T09:59:40-04:00"`), []byte(`"started_at": ""`)),
		[]byte(`"created": "2025-07-05T09:59:40-04:00"`), []byte(`"created": ""`))
	if _, err := f.sv.Evaluations.Import(f.owner, f.org.ID, sys.ID, evaluation.Import{Body: bytes.NewReader(undated), Filename: "new.json"}); err != nil {
		t.Fatal(err)
	}
	if c := f.check(t, sys.ID, "deployment").Conditions[4]; !c.Met || c.Detail != "All 1 acceptance rules pass on runs of the last 90 days." {
		t.Errorf("a passing run: %+v", c)
	}
	f.sv.Gate.Now = func() time.Time { return time.Now().AddDate(0, 0, 100) }
	if c := f.check(t, sys.ID, "deployment").Conditions[4]; c.Met || len(c.Items) != 1 || !strings.Contains(c.Items[0].Reason, "older than 90 days") {
		t.Errorf("a run 100 days old: %+v", c)
	}
	f.sv.Gate.Now = time.Now

	// Evidence of A.6.2.4 linked to the system: a draft waits for approval; approved, it counts.
	push := func(review bool) *evidence.Evidence {
		t.Helper()
		e, err := f.sv.Evidence.Create(f.owner, f.org.ID, evidence.New{Kind: evidence.KindRecord, Review: review,
			Fields:    evidence.Fields{Title: "Bias evaluation of release 7", Body: "Selection rates within 4/5 for every group."},
			Evidences: []string{"system:" + sys.ID, "control:iso42001-2023/A.6.2.4"}})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	draft := push(true)
	c = f.check(t, sys.ID, "deployment").Conditions[5]
	if c.Met || len(c.Items) != 1 || c.Items[0].Ref != "A.6.2.4" || !strings.Contains(c.Items[0].Reason, "waits for approval") ||
		!strings.Contains(c.Fix, `aims evidence push --system "TalentMatch" --control A.6.2.4`) {
		t.Errorf("draft evidence: %+v", c)
	}
	if _, err := f.sv.Evidence.Approve(f.owner, f.org.ID, draft.ID, draft.Rev); err != nil {
		t.Fatal(err)
	}
	res = f.check(t, sys.ID, "deployment")
	if !res.Pass || len(res.Unmet()) != 0 || !strings.Contains(res.Conditions[3].Detail, "Version 1 approved by Maya Okafor") ||
		res.Conditions[5].Detail != "Current evidence of A.6.2.4." {
		t.Fatalf("every condition met: %+v", res)
	}

	// A material change makes the assessment stale; a change of the treatment plan voids the acceptance.
	sf := system.FieldsOf(sys)
	sf.Purpose = "Ranks and rejects job applications"
	if _, err := f.sv.Systems.Update(f.owner, f.org.ID, sys.ID, sf, 0, "It now rejects too."); err != nil {
		t.Fatal(err)
	}
	r, _ = f.sv.Risks.Risk(context.Background(), f.org.ID, r.ID)
	fs = risk.FieldsOf(r)
	fs.TreatmentPlan = "Recruiters review a sample of shortlists."
	if _, err := f.sv.Risks.Update(f.owner, f.org.ID, r.ID, fs, r.Version); err != nil {
		t.Fatal(err)
	}
	res = f.check(t, sys.ID, "deployment")
	if strings.Join(unmet(res), ",") != "impact_assessment,risks" || !strings.Contains(res.Conditions[1].Detail, "stale") {
		t.Errorf("after a material change: unmet %v, %+v", unmet(res), res.Conditions[1])
	}

	if _, err := f.sv.Gate.Check(context.Background(), f.org.ID, sys.ID, "launch"); aims.ErrorField(err) != "stage" {
		t.Errorf("an unknown stage: %v", err)
	}
	if _, err := f.sv.Gate.Check(context.Background(), f.org.ID, aims.NewID(), "deployment"); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("an unknown system: %v", err)
	}
}

// TestThePolicyIsVersionedAndChecked: a saved policy replaces the default (stages in life-cycle order,
// empty stages dropped, repeated conditions once); unknown stages and conditions are refused by field;
// a save based on an older version is a conflict; the check follows the saved policy.
func TestThePolicyIsVersionedAndChecked(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p, err := f.sv.Gate.Policy(context.Background(), f.org.ID)
	if err != nil || p.Version != 0 || !p.Requires("deployment", gate.CondSoA) || p.Requires("inception", gate.CondRisks) {
		t.Fatalf("the default policy: %+v, %v", p, err)
	}
	for field, bad := range map[string]gate.Policy{
		"stages[0].stage":                   {Stages: []gate.StageRule{{Stage: "launch", Require: []string{gate.CondRisks}}}},
		"stages[1].stage":                   {Stages: []gate.StageRule{{Stage: "deployment"}, {Stage: "deployment"}}},
		"stages[0].require[1]":              {Stages: []gate.StageRule{{Stage: "deployment", Require: []string{gate.CondRisks, "vibes"}}}},
		"stages[0].evaluation_max_age_days": {Stages: []gate.StageRule{{Stage: "deployment", Require: []string{gate.CondEvaluations}, EvaluationMaxAgeDays: -1}}},
		"stages[0].evidence":                {Stages: []gate.StageRule{{Stage: "deployment", Require: []string{gate.CondRisks}, Evidence: []string{"A.6.2.4"}}}},
		"stages[0].evidence[1]": {Stages: []gate.StageRule{{Stage: "deployment", Require: []string{gate.CondEvidence},
			Evidence: []string{"A.6.2.4", "A.99.1"}}}},
	} {
		if _, err := f.sv.Gate.SavePolicy(f.owner, f.org.ID, &bad, 0); aims.ErrorField(err) != field {
			t.Errorf("policy %+v: %v, want a fault of %s", bad, err, field)
		}
	}
	saved, err := f.sv.Gate.SavePolicy(f.owner, f.org.ID, &gate.Policy{Stages: []gate.StageRule{
		{Stage: "deployment", Require: []string{gate.CondRisks, gate.CondClassification, gate.CondRisks, gate.CondEvidence},
			Evidence: []string{"A.6.2.6", "iso42001-2023/A.6.2.6", "nist-ai-rmf-1.0/MEASURE 2.7"}},
		{Stage: "design_and_development", Require: []string{gate.CondClassification}},
		{Stage: "retirement"},
	}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Version != 1 || len(saved.Stages) != 2 || saved.Stages[0].Stage != "design_and_development" ||
		strings.Join(saved.Stages[1].Require, ",") != "classification,risks,evidence" ||
		strings.Join(saved.Stages[1].Evidence, ",") != "iso42001-2023/A.6.2.6,nist-ai-rmf-1.0/MEASURE 2.7" || saved.CreatedByName != "Maya Okafor" {
		t.Errorf("saved %+v", saved)
	}
	if _, err := f.sv.Gate.SavePolicy(f.owner, f.org.ID, &gate.Policy{}, 0); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Errorf("a save based on the default after version 1: %v", err)
	}
	sys, err := f.sv.Systems.Create(f.owner, f.org.ID, system.Fields{Name: "Lumen Code", Purpose: "Suggests code", Stage: "deployment",
		OwnerID: f.ownerU})
	if err != nil {
		t.Fatal(err)
	}
	res := f.check(t, sys.ID, "")
	if res.PolicyVersion != 1 || strings.Join(unmet(res), ",") != "classification,risks,evidence" || len(res.Conditions[2].Items) != 2 {
		t.Errorf("checked against version 1: %+v", res)
	}
	if got, err := f.sv.Gate.SystemNamed(context.Background(), f.org.ID, "LUMEN CODE"); err != nil || got.ID != sys.ID {
		t.Errorf("a name in another case: %v, %v", got, err)
	}
	for _, n := range []string{"Twin", "twin"} {
		if _, err := f.sv.Systems.Create(f.owner, f.org.ID, system.Fields{Name: n, Purpose: "p"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.sv.Gate.SystemNamed(context.Background(), f.org.ID, "TWIN"); aims.ErrorField(err) != "system" {
		t.Errorf("two systems whose names differ by case: %v", err)
	}
}
