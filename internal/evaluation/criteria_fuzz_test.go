package evaluation_test

import (
	"slices"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evaluation"
)

// FuzzParseRules: acceptance rules typed by a person are either refused as EINVALID or parsed into rules
// that, written back, parse into the same rules.
func FuzzParseRules(f *testing.F) {
	for _, s := range []string{
		"promptfoo pass_rate >= 95%\n",
		"garak failure_rate lmrc.* <= 1%\n# comment\n",
		"promptfoo failed_tests harmful:* <= 0\nlm-eval acc negotiationtom_belief >= 0.6\n",
		"inspect accuracy >= 2\n",
		"",
		"x y z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		rules, err := evaluation.ParseRules(text)
		if err != nil {
			if aims.ErrorCode(err) != aims.EINVALID {
				t.Fatalf("error %v (code %q), want EINVALID", err, aims.ErrorCode(err))
			}
			return
		}
		again, err := evaluation.ParseRules(evaluation.FormatRules(rules))
		if err != nil {
			t.Fatalf("the rules written back do not parse: %v\n%s", err, evaluation.FormatRules(rules))
		}
		if !slices.EqualFunc(rules, again, func(a, b evaluation.Rule) bool { return a.String() == b.String() }) {
			t.Fatalf("written back, %q parses into %q", evaluation.FormatRules(rules), evaluation.FormatRules(again))
		}
	})
}
