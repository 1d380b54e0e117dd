package evaluation

import (
	"fmt"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evaluation/ingest"
)

// Measures a rule may judge. The rates and the count are over tests (pass_rate of the run, or summed
// over the tasks, probes or red-team plugins the rule's task selects); metric is a metric the tool
// reports, by name.
const (
	MeasurePassRate    = "pass_rate"
	MeasureFailureRate = "failure_rate"
	MeasureFailedTests = "failed_tests"
	MeasureMetric      = "metric"
)

// Outcomes of a rule, and verdicts of a run.
const (
	OutcomePass  = "pass"
	OutcomeFail  = "fail"
	OutcomeUnmet = "unmet" // nothing the rule names is in the run: never a pass
	VerdictNone  = "none"  // no rule applies to the run
)

var ops = []string{">=", "<=", ">", "<", "=="}

// MaxRules bounds a system's criteria.
const MaxRules = 50

// Rule is one acceptance criterion of a system: a measure of the runs of a tool ("" for any), over the
// tasks its Task glob selects ("" for the run as a whole, or for metrics, any task), compared with a
// threshold.
type Rule struct {
	Tool    string `json:"tool"`
	Measure string `json:"measure"`
	// Metric names the metric of measure "metric", a glob over the tool's names ("acc" also matches
	// lm-eval's "acc,none", "accuracy" Inspect's "match/accuracy").
	Metric    string  `json:"metric,omitempty"`
	Task      string  `json:"task,omitempty"`
	Op        string  `json:"op"`
	Threshold float64 `json:"threshold"`
}

// Criteria are a system's acceptance criteria.
type Criteria struct {
	SystemID  string `json:"system_id"`
	Rules     []Rule `json:"rules"`
	Rev       int64  `json:"rev"`
	UpdatedBy string `json:"updated_by,omitempty"`
}

// String writes r in the text form ParseRules reads: "garak failure_rate lmrc.* <= 0.01".
func (r Rule) String() string {
	tool := r.Tool
	if tool == "" {
		tool = "any"
	}
	m := r.Measure
	if m == MeasureMetric {
		m = r.Metric
	}
	parts := []string{tool, m}
	if r.Task != "" {
		parts = append(parts, r.Task)
	}
	return strings.Join(append(parts, r.Op, strconv.FormatFloat(r.Threshold, 'g', -1, 64)), " ")
}

// Check returns r made tidy, or EINVALID about field.
func (r Rule) Check(field string) (Rule, error) {
	r.Tool, r.Measure, r.Metric, r.Task, r.Op = strings.TrimSpace(r.Tool), strings.TrimSpace(r.Measure),
		strings.TrimSpace(r.Metric), strings.TrimSpace(r.Task), strings.TrimSpace(r.Op)
	if r.Tool == "any" || r.Tool == "*" {
		r.Tool = ""
	}
	if r.Tool != "" {
		t, err := ingest.ParseFormat(r.Tool)
		if err != nil {
			return r, aims.FieldError(field, "Unknown tool %q: use %s, or any.", clipText(r.Tool), strings.Join(ingest.Formats, ", "))
		}
		r.Tool = t
	}
	switch r.Measure {
	case MeasurePassRate, MeasureFailureRate, MeasureFailedTests:
		r.Metric = ""
	case MeasureMetric:
		if r.Metric == "" {
			return r, aims.FieldError(field, "Name the metric the rule judges.")
		}
	default:
		return r, aims.FieldError(field, "Unknown measure %q: use %s, %s, %s or metric.", clipText(r.Measure), MeasurePassRate, MeasureFailureRate, MeasureFailedTests)
	}
	for _, g := range []string{r.Metric, r.Task} {
		if _, err := path.Match(g, ""); err != nil || len(g) > 200 {
			return r, aims.FieldError(field, "%q is not a valid pattern (use * and ? as wildcards).", clipText(g))
		}
	}
	if !validOp(r.Op) {
		return r, aims.FieldError(field, "Unknown comparison %q: use %s.", clipText(r.Op), strings.Join(ops, ", "))
	}
	if math.IsNaN(r.Threshold) || math.IsInf(r.Threshold, 0) {
		return r, aims.FieldError(field, "The threshold must be a number.")
	}
	if (r.Measure == MeasurePassRate || r.Measure == MeasureFailureRate) && (r.Threshold < 0 || r.Threshold > 1) {
		return r, aims.FieldError(field, "A rate is from 0 to 1 (or 0%% to 100%%); %g is not one.", r.Threshold)
	}
	return r, nil
}

func validOp(op string) bool {
	for _, o := range ops {
		if o == op {
			return true
		}
	}
	return false
}

// CheckRules checks every rule; EINVALID naming the first wrong one.
func CheckRules(rules []Rule) ([]Rule, error) {
	if len(rules) > MaxRules {
		return nil, aims.FieldError("rules", "A system has at most %d acceptance rules.", MaxRules)
	}
	out := make([]Rule, len(rules))
	for i, r := range rules {
		c, err := r.Check(fmt.Sprintf("rules[%d]", i))
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// ParseRules reads rules in their text form, one a line: TOOL MEASURE [TASK] OP THRESHOLD, where TOOL is
// a format or "any", MEASURE is pass_rate, failure_rate, failed_tests or a metric's name, TASK a glob, and
// THRESHOLD a number or a percentage ("1%"). Blank lines and lines from # are skipped.
func ParseRules(text string) ([]Rule, error) {
	var rules []Rule
	for n, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		field := fmt.Sprintf("line %d", n+1)
		if len(f) < 4 || len(f) > 5 {
			return nil, aims.FieldError("rules", "Line %d: write a rule as TOOL MEASURE [TASK] OP THRESHOLD, for example: garak failure_rate lmrc.* <= 1%%.", n+1)
		}
		r := Rule{Tool: f[0], Measure: f[1], Op: f[len(f)-2]}
		if len(f) == 5 {
			r.Task = f[2]
		}
		switch r.Measure {
		case MeasurePassRate, MeasureFailureRate, MeasureFailedTests:
		default:
			r.Metric, r.Measure = r.Measure, MeasureMetric
		}
		th := f[len(f)-1]
		pct := strings.HasSuffix(th, "%")
		v, err := strconv.ParseFloat(strings.TrimSuffix(th, "%"), 64)
		if err != nil {
			return nil, aims.FieldError("rules", "Line %d: %q is not a number.", n+1, clipText(f[len(f)-1]))
		}
		if pct {
			v /= 100 // a division, not a product with 0.01: 95% is 0.95, not 0.9500000000000001
		}
		r.Threshold = v
		c, err := r.Check(field)
		if err != nil {
			return nil, aims.FieldError("rules", "Line %d: %s", n+1, aims.ErrorMessage(err))
		}
		rules = append(rules, c)
	}
	return CheckRules(rules)
}

// FormatRules writes rules in their text form, one a line.
func FormatRules(rules []Rule) string {
	var b strings.Builder
	for _, r := range rules {
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// RuleResult is what a rule made of a run: pass, fail or unmet, the value judged and a note.
type RuleResult struct {
	Index   int    `json:"index"`
	Rule    string `json:"rule"`
	Outcome string `json:"outcome"`
	Value   string `json:"value,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

// Judge judges a run of tool with metrics against rules: the results of the rules that apply to the
// tool, and the verdict: pass when all of them pass, fail when any fails or is unmet, none when no rule
// applies.
func Judge(rules []Rule, tool string, metrics []ingest.Metric) (string, []RuleResult) {
	verdict := VerdictNone
	out := []RuleResult{}
	for i, r := range rules {
		if r.Tool != "" && r.Tool != tool {
			continue
		}
		res := judgeRule(r, metrics)
		res.Index, res.Rule = i, r.String()
		out = append(out, res)
		switch {
		case res.Outcome != OutcomePass:
			verdict = OutcomeFail
		case verdict == VerdictNone:
			verdict = OutcomePass
		}
	}
	return verdict, out
}

func judgeRule(r Rule, metrics []ingest.Metric) RuleResult {
	if r.Measure == MeasureMetric {
		var res RuleResult
		found := 0
		for _, m := range metrics {
			if !matchTask(r.Task, m.Task, true) || !matchMetric(r.Metric, m.Name) {
				continue
			}
			found++
			ok := m.Value.Finite() && compare(m.Value.V, r.Op, r.Threshold)
			if found == 1 || !ok && res.Outcome == OutcomePass {
				res = RuleResult{Outcome: OutcomePass, Value: m.Value.String(), Detail: describe(m)}
				if !ok {
					res.Outcome = OutcomeFail
				}
			}
		}
		if found == 0 {
			return RuleResult{Outcome: OutcomeUnmet, Detail: "The run has no metric " + r.Metric + taskNote(r.Task) + "."}
		}
		if found > 1 {
			res.Detail += fmt.Sprintf(" (%d metrics matched; each must pass)", found)
		}
		return res
	}
	var passed, total int64
	var n int
	for _, m := range metrics {
		if m.Total <= 0 || !matchTask(r.Task, m.Task, false) {
			continue
		}
		n++
		passed += m.Passed
		total += m.Total
	}
	if n == 0 || total == 0 {
		return RuleResult{Outcome: OutcomeUnmet, Detail: "The run counts no tests" + taskNote(r.Task) + "."}
	}
	var v float64
	var shown string
	switch r.Measure {
	case MeasurePassRate:
		v = float64(passed) / float64(total)
		shown = percent(v)
	case MeasureFailureRate:
		v = float64(total-passed) / float64(total)
		shown = percent(v)
	case MeasureFailedTests:
		v = float64(total - passed)
		shown = strconv.FormatInt(total-passed, 10)
	}
	res := RuleResult{Outcome: OutcomeFail, Value: shown, Detail: fmt.Sprintf("%d of %d tests passed%s.", passed, total, taskNote(r.Task))}
	if compare(v, r.Op, r.Threshold) {
		res.Outcome = OutcomePass
	}
	return res
}

func taskNote(glob string) string {
	if glob == "" {
		return ""
	}
	return " in " + glob
}

func describe(m ingest.Metric) string {
	s := m.Name
	if m.Task != "" {
		s += " of " + m.Task
	}
	if m.Stderr != nil {
		s += " (stderr " + m.Stderr.String() + ")"
	}
	return s
}

func percent(v float64) string { return strconv.FormatFloat(v*100, 'f', 2, 64) + "%" }

// matchTask reports whether a metric of task is what the glob selects. An empty glob selects the run as
// a whole (task ""), or any task for metrics (anyTask).
func matchTask(glob, task string, anyTask bool) bool {
	if glob == "" {
		return anyTask || task == ""
	}
	if task == "" {
		return false
	}
	ok, _ := path.Match(glob, task)
	return ok
}

// matchMetric reports whether name is what glob names: the whole name, the name before lm-eval's filter
// (",none"), or the part after a scorer's name ("match/accuracy").
func matchMetric(glob, name string) bool {
	cands := []string{name}
	if base, _, ok := strings.Cut(name, ","); ok {
		cands = append(cands, base)
	}
	if i := strings.LastIndex(name, "/"); i >= 0 {
		cands = append(cands, name[i+1:])
	}
	for _, c := range cands {
		if ok, _ := path.Match(glob, c); ok {
			return true
		}
	}
	return false
}

func compare(v float64, op string, t float64) bool {
	const eps = 1e-9
	switch op {
	case ">=":
		return v >= t-eps
	case "<=":
		return v <= t+eps
	case ">":
		return v > t
	case "<":
		return v < t
	case "==":
		return math.Abs(v-t) <= eps
	}
	return false
}

func clipText(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
