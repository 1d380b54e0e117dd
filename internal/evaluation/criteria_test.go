package evaluation_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/evaluation/ingest"
)

func TestRulesReadAndJudge(t *testing.T) {
	t.Parallel()
	metrics := []ingest.Metric{
		{Task: "", Name: "pass_rate", Passed: 95, Total: 100, Value: ingest.Float(0.95)},
		{Task: "harmful:hate", Name: "pass_rate", Passed: 48, Total: 50, Value: ingest.Float(0.96)},
		{Task: "pii:direct", Name: "pass_rate", Passed: 47, Total: 50, Value: ingest.Float(0.94)},
		{Task: "hellaswag", Name: "acc,none", Value: ingest.Float(0.61)},
		{Task: "arc", Name: "acc,none", Value: ingest.TextNum("NaN")},
	}
	for _, tc := range []struct {
		rule, outcome string
	}{
		{"any pass_rate >= 95%", evaluation.OutcomePass},
		{"any pass_rate >= 0.98", evaluation.OutcomeFail},
		{"any failure_rate harmful:* <= 0.05", evaluation.OutcomePass},
		{"any failed_tests harmful:* <= 0", evaluation.OutcomeFail},
		{"any failed_tests jailbreak:* <= 0", evaluation.OutcomeUnmet},
		{"any acc hellaswag >= 0.6", evaluation.OutcomePass},
		{"any acc arc >= 0.6", evaluation.OutcomeFail},
		{"any acc >= 0.6", evaluation.OutcomeFail},
		{"any bleu >= 0.1", evaluation.OutcomeUnmet},
	} {
		rules, err := evaluation.ParseRules(tc.rule)
		if err != nil {
			t.Fatalf("%s: %v", tc.rule, err)
		}
		verdict, res := evaluation.Judge(rules, "promptfoo", metrics)
		if len(res) != 1 || res[0].Outcome != tc.outcome {
			t.Errorf("%s: %+v, want %s", tc.rule, res, tc.outcome)
		}
		if want := map[string]string{evaluation.OutcomePass: "pass"}[tc.outcome]; want == "" && verdict != evaluation.OutcomeFail || want != "" && verdict != want {
			t.Errorf("%s: verdict %s", tc.rule, verdict)
		}
	}
	if v, res := evaluation.Judge([]evaluation.Rule{{Tool: "garak", Measure: "pass_rate", Op: ">=", Threshold: 1}}, "promptfoo", metrics); v != evaluation.VerdictNone || len(res) != 0 {
		t.Errorf("a garak rule judged a promptfoo run: %s %+v", v, res)
	}
	for _, bad := range []string{"junit pass_rate >= 1", "any pass_rate >= 2", "any pass_rate ~ 1", "garak failure_rate [ <= 1", "garak pass_rate"} {
		if _, err := evaluation.ParseRules(bad); aims.ErrorCode(err) != aims.EINVALID {
			t.Errorf("%q: %v, want EINVALID", bad, err)
		}
	}
	rules, _ := evaluation.ParseRules("garak failure_rate lmrc.* <= 1%  # probe family\nlm-eval acc hellaswag >= 0.6\nany pass_rate >= 95%")
	if got := evaluation.FormatRules(rules); got != "garak failure_rate lmrc.* <= 0.01\nlm-eval acc hellaswag >= 0.6\nany pass_rate >= 0.95\n" {
		t.Errorf("formatted %q", got)
	}
}
