package evaluation

import (
	"context"
	"sort"
	"time"

	"github.com/aimsproject/aims/internal/evaluation/ingest"
)

// Standing is how a system stands against one of its rules: judged on the newest run of the rule's tool,
// unmet when there is none.
type Standing struct {
	Rule string `json:"rule"`
	RuleResult
	RunID string     `json:"run_id,omitempty"`
	RunAt *time.Time `json:"run_at,omitempty"`
}

// Point is a metric's value in one run.
type Point struct {
	RunID string
	At    time.Time
	Value ingest.Num
}

// Series is one metric over a system's runs, oldest first.
type Series struct {
	Tool, Task, Name string
	Points           []Point
}

// Overview is a system's evaluations at a glance: its criteria, where it stands against each, the
// verdict over all of them, and its metrics over its runs.
type Overview struct {
	Criteria  *Criteria
	Standings []Standing
	// Verdict is pass when every rule passes on the newest run of its tool, fail otherwise, none without
	// rules.
	Verdict string
	Series  []Series
	Runs    int
}

// maxOverviewRuns bounds the runs an overview reads; maxSeries the trends it draws.
const (
	maxOverviewRuns = 200
	maxSeries       = 12
)

// Overview returns the overview of orgID's system systemID.
func (s *Service) Overview(ctx context.Context, orgID, systemID string) (*Overview, error) {
	c, err := s.Criteria(ctx, orgID, systemID)
	if err != nil {
		return nil, err
	}
	runs, err := s.store.EvaluationsOfSystem(ctx, orgID, systemID, maxOverviewRuns)
	if err != nil {
		return nil, err
	}
	o := &Overview{Criteria: c, Verdict: VerdictNone, Runs: len(runs)}
	for i, rule := range c.Rules {
		st := Standing{Rule: rule.String(), RuleResult: RuleResult{Index: i, Rule: rule.String(), Outcome: OutcomeUnmet,
			Detail: "No run of " + toolName(rule.Tool) + " yet."}}
		for j := len(runs) - 1; j >= 0; j-- {
			r := runs[j]
			if rule.Tool != "" && rule.Tool != r.Tool {
				continue
			}
			st.RuleResult = judgeRule(rule, r.Metrics)
			st.RuleResult.Index, st.RuleResult.Rule = i, rule.String()
			st.RunID = r.ID
			// When the tool ran it, as its file says (the import, when it says nothing or a later date).
			at := r.CreatedAt
			if r.StartedAt != nil && r.StartedAt.Before(at) {
				at = *r.StartedAt
			}
			st.RunAt = &at
			break
		}
		o.Standings = append(o.Standings, st)
		switch {
		case st.Outcome != OutcomePass:
			o.Verdict = OutcomeFail
		case o.Verdict == VerdictNone:
			o.Verdict = OutcomePass
		}
	}
	o.Series = series(runs, c.Rules)
	return o, nil
}

func toolName(t string) string {
	if t == "" {
		return "any tool"
	}
	return t
}

// series returns the metrics of runs as series: first those the rules judge and the runs' pass rates,
// then the others, at most maxSeries.
func series(runs []*Run, rules []Rule) []Series {
	type key struct{ tool, task, name string }
	byKey := map[key]*Series{}
	var order []key
	for _, r := range runs {
		at := r.CreatedAt
		if r.StartedAt != nil {
			at = *r.StartedAt
		}
		for _, m := range r.Metrics {
			k := key{r.Tool, m.Task, m.Name}
			sr := byKey[k]
			if sr == nil {
				sr = &Series{Tool: k.tool, Task: k.task, Name: k.name}
				byKey[k] = sr
				order = append(order, k)
			}
			sr.Points = append(sr.Points, Point{RunID: r.ID, At: at, Value: m.Value})
		}
	}
	rank := func(k key) int {
		for _, rule := range rules {
			if rule.Tool != "" && rule.Tool != k.tool {
				continue
			}
			if rule.Measure == MeasureMetric && matchTask(rule.Task, k.task, true) && matchMetric(rule.Metric, k.name) {
				return 0
			}
		}
		if k.task == "" && k.name == "pass_rate" {
			return 1
		}
		return 2
	}
	sort.SliceStable(order, func(i, j int) bool { return rank(order[i]) < rank(order[j]) })
	var out []Series
	for _, k := range order {
		if len(out) == maxSeries {
			break
		}
		sr := byKey[k]
		sort.SliceStable(sr.Points, func(i, j int) bool { return sr.Points[i].At.Before(sr.Points[j].At) })
		out = append(out, *sr)
	}
	return out
}
