package evaluation_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

type fixture struct {
	db               *store.DB
	sv               *app.Services
	org              *account.Organization
	manager, contrib context.Context
	sys              *system.System
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.Open(t)
	sv, err := app.NewServices(db, app.ServiceOptions{Catalog: storetest.Catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, sv: sv}
	if f.org, err = sv.Accounts.CreateOrganization(context.Background(), "lumen", "Lumen Labs"); err != nil {
		t.Fatal(err)
	}
	f.manager = f.member(t, "manager@lumen.example", aims.RoleManager)
	f.contrib = f.member(t, "ml@lumen.example", aims.RoleContributor)
	if f.sys, err = sv.Systems.Create(f.manager, f.org.ID, system.Fields{Name: "Support bot", Purpose: "Answers customers",
		EURole: "deployer", Stage: "operation_and_monitoring"}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) member(t *testing.T, email string, role aims.Role) context.Context {
	t.Helper()
	u, err := f.sv.Accounts.CreateUser(context.Background(), email, "Person "+strings.Split(email, "@")[0], "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Accounts.AddMember(context.Background(), f.org.ID, email, role); err != nil {
		t.Fatal(err)
	}
	return aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: f.org.ID,
		OrgSlug: f.org.Slug, Role: role})
}

func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "evals", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f *fixture) activity(t *testing.T) int {
	t.Helper()
	es, _, err := f.db.ListActivity(context.Background(), f.org.ID, aims.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

func TestImportStoresRunMetricsCasesAndLinksWithOneEntry(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	before := f.activity(t)
	r, err := f.sv.Evaluations.Import(f.contrib, f.org.ID, f.sys.ID, evaluation.Import{Body: bytes.NewReader(sample(t, "garak-agg.report.jsonl")), Filename: "agg.report.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.activity(t) - before; got != 1 {
		t.Errorf("%d activity entries for one import, want 1", got)
	}
	got, err := f.sv.Evaluations.Run(f.contrib, f.org.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Tool != "garak" || got.SystemName != "Support bot" || len(got.Metrics) != 3 || got.Verdict != evaluation.VerdictNone || !got.RedTeam {
		t.Errorf("run %+v", got)
	}
	if !got.ModelMismatch || len(got.Notes) != 1 || !strings.Contains(got.Notes[0], "no model component") {
		t.Errorf("model check: %v %q", got.ModelMismatch, got.Notes)
	}
	if got.Size != int64(len(sample(t, "garak-agg.report.jsonl"))) || len(got.SHA256) != 64 {
		t.Errorf("size %d sha %q", got.Size, got.SHA256)
	}
	links, _, err := f.sv.Records.List(f.contrib, f.org.ID, record.Filter{From: &record.Ref{Type: record.TypeEvaluation, ID: r.ID}}, aims.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var to []string
	for _, l := range links {
		to = append(to, l.To.Ref().String())
	}
	for _, want := range []string{"system:" + f.sys.ID, "control:iso42001-2023/A.6.2.4", "control:iso42001-2023/A.6.2.6", "control:nist-ai-rmf-1.0/MEASURE 2.7"} {
		if !strings.Contains(strings.Join(to, " "), want) {
			t.Errorf("links %v lack %s", to, want)
		}
	}
}

func TestBrokenOrOversizedFilesStoreNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	before := f.activity(t)
	pf := sample(t, "promptfoo-sample-export-v0.118.10.json")
	_, err := f.sv.Evaluations.Import(f.contrib, f.org.ID, f.sys.ID, evaluation.Import{Body: bytes.NewReader(pf[:len(pf)-40])})
	if aims.ErrorCode(err) != aims.EINVALID {
		t.Errorf("truncated: %v", err)
	}
	f.sv.Evaluations.MaxBytes = 1000
	_, err = f.sv.Evaluations.Import(f.contrib, f.org.ID, f.sys.ID, evaluation.Import{Body: bytes.NewReader(pf)})
	if aims.ErrorCode(err) != aims.ETOOLARGE {
		t.Errorf("oversized: %v", err)
	}
	runs, _, err := f.sv.Evaluations.List(f.contrib, f.org.ID, evaluation.Filter{SystemID: f.sys.ID}, aims.Page{})
	if err != nil || len(runs) != 0 || f.activity(t) != before {
		t.Errorf("after refused imports: %d runs (%v), %d new entries", len(runs), err, f.activity(t)-before)
	}
}

func TestCriteriaJudgeRunsAndAreReappliedOnChange(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	comp, err := f.sv.Components.CreateComponent(f.manager, f.org.ID, component.ComponentFields{Kind: "model", Name: "gpt-5-mini"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Components.Link(f.manager, f.org.ID, f.sys.ID, comp.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	rules, err := evaluation.ParseRules("promptfoo pass_rate >= 98%\nlm-eval acc negotiationtom_belief >= 0.6\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Evaluations.SetCriteria(f.manager, f.org.ID, f.sys.ID, rules, 0); err != nil {
		t.Fatal(err)
	}
	pf, err := f.sv.Evaluations.Import(f.contrib, f.org.ID, f.sys.ID, evaluation.Import{Body: bytes.NewReader(sample(t, "promptfoo-sample-export-v0.118.10.json"))})
	if err != nil {
		t.Fatal(err)
	}
	if pf.Verdict != evaluation.OutcomeFail || len(pf.Results) != 1 || pf.Results[0].Value != "0.00%" || pf.ModelMismatch {
		t.Errorf("promptfoo run: %s %+v mismatch %v notes %q", pf.Verdict, pf.Results, pf.ModelMismatch, pf.Notes)
	}
	lm, err := f.sv.Evaluations.Import(f.contrib, f.org.ID, f.sys.ID, evaluation.Import{Format: "lm-eval",
		Body: bytes.NewReader(sample(t, "lm-eval_results_2026-07-08T18-15-33.115417_Qwen3-8B_negotiationtom.json"))})
	if err != nil {
		t.Fatal(err)
	}
	if lm.Verdict != evaluation.OutcomeFail || lm.Results[0].Value != "0.45" || !lm.ModelMismatch {
		t.Errorf("lm-eval run: %s %+v", lm.Verdict, lm.Results)
	}
	// Lowering the bar passes the lm-eval run; a rule naming a metric the run lacks is unmet, not passed.
	rules, _ = evaluation.ParseRules("lm-eval acc negotiationtom_belief >= 0.4\nlm-eval bleu >= 0.1\n")
	if _, err := f.sv.Evaluations.SetCriteria(f.manager, f.org.ID, f.sys.ID, rules, 0); err != nil {
		t.Fatal(err)
	}
	lm, _ = f.sv.Evaluations.Run(f.contrib, f.org.ID, lm.ID)
	if lm.Verdict != evaluation.OutcomeFail || lm.Results[0].Outcome != evaluation.OutcomePass || lm.Results[1].Outcome != evaluation.OutcomeUnmet {
		t.Errorf("re-judged: %s %+v", lm.Verdict, lm.Results)
	}
	pf, _ = f.sv.Evaluations.Run(f.contrib, f.org.ID, pf.ID)
	if pf.Verdict != evaluation.VerdictNone {
		t.Errorf("promptfoo run under lm-eval rules: %s", pf.Verdict)
	}
	if _, err := f.sv.Evaluations.SetCriteria(f.manager, f.org.ID, f.sys.ID, rules, 1); aims.ErrorCode(err) != aims.EPRECONDITION {
		t.Errorf("stale rev: %v", err)
	}
}

func TestRunsOfAnotherOrganizationAreNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r, err := f.sv.Evaluations.Import(f.contrib, f.org.ID, f.sys.ID, evaluation.Import{Body: bytes.NewReader(sample(t, "inspect_ai-log_read_sample.json"))})
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.sv.Accounts.CreateOrganization(context.Background(), "other", "Other")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Evaluations.Run(context.Background(), other.ID, r.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("other organization read the run: %v", err)
	}
	if _, err := f.sv.Evaluations.Import(context.Background(), other.ID, f.sys.ID, evaluation.Import{Body: bytes.NewReader(sample(t, "inspect_ai-log_read_sample.json"))}); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("other organization imported to the system: %v", err)
	}
}

func TestASystemWithRunsIsNotDeleted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, err := f.sv.Evaluations.Import(f.contrib, f.org.ID, f.sys.ID, evaluation.Import{Body: bytes.NewReader(sample(t, "inspect_ai-log_read_sample.json"))}); err != nil {
		t.Fatal(err)
	}
	if err := f.sv.Systems.Delete(f.manager, f.org.ID, f.sys.ID); aims.ErrorCode(err) != aims.ECONFLICT || !strings.Contains(err.Error(), "evaluation runs") {
		t.Errorf("deleting a system with runs: %v", err)
	}
}
