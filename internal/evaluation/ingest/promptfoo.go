package ingest

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// pfResult is what is read of one promptfoo test result (results.results[]).
type pfResult struct {
	Success       *bool           `json:"success"`
	FailureReason int             `json:"failureReason"`
	Error         string          `json:"error"`
	Provider      json.RawMessage `json:"provider"`
	Prompt        struct {
		Raw   string `json:"raw"`
		Label string `json:"label"`
	} `json:"prompt"`
	Response *struct {
		Output     any    `json:"output"`
		Error      string `json:"error"`
		Guardrails *struct {
			Flagged bool `json:"flagged"`
		} `json:"guardrails"`
	} `json:"response"`
	GradingResult *struct {
		Pass   bool   `json:"pass"`
		Reason string `json:"reason"`
	} `json:"gradingResult"`
	TestCase struct {
		Description string         `json:"description"`
		Metadata    map[string]any `json:"metadata"`
	} `json:"testCase"`
	Metadata map[string]any `json:"metadata"`
}

// pfMeta is the export's metadata.
type pfMeta struct {
	PromptfooVersion    string `json:"promptfooVersion"`
	EvaluationCreatedAt string `json:"evaluationCreatedAt"`
	ExportedAt          string `json:"exportedAt"`
}

type pfFacet struct{ passed, total int64 }

type pfRead struct {
	run       *Run
	cases     caser
	providers map[string]bool
	plugins   map[string]*pfFacet
	timestamp string
}

// readPromptfoo reads the JSON promptfoo writes with `promptfoo export` or `promptfoo eval -o out.json`:
// {evalId, results: {version, timestamp, prompts, results: [...], stats}, config, metadata}. The results
// array is read one element at a time. Red-team tests (metadata pluginId, strategyId) give a pass rate per
// plugin; guardrail flags are counted.
func readPromptfoo(r io.Reader, o Options) (*Run, error) {
	run := &Run{}
	p := &pfRead{run: run, cases: caser{run, o}, providers: map[string]bool{}, plugins: map[string]*pfFacet{}}
	w := newWalker(r)
	var meta pfMeta
	var description string
	sawResults := false
	err := w.object(func(key string) error {
		switch key {
		case "results":
			sawResults = true
			return p.results(w)
		case "metadata":
			return w.decode(&meta)
		case "config":
			var c struct {
				Description string `json:"description"`
			}
			if err := w.decode(&c); err != nil {
				return err
			}
			description = firstOf(description, c.Description)
			return nil
		case "description":
			return w.decode(&description)
		case "version", "timestamp":
			return p.top(w, key)
		}
		return w.skip()
	})
	if err != nil {
		return nil, err
	}
	if err := w.end(); err != nil {
		return nil, err
	}
	if !sawResults {
		return nil, fieldErr("The promptfoo file has no results: export the eval with `promptfoo export` or `promptfoo eval -o out.json`.")
	}
	run.ToolVersion = meta.PromptfooVersion
	run.StartedAt = parseTime(firstOf(meta.EvaluationCreatedAt, p.timestamp, meta.ExportedAt))
	run.Name = description
	p.finish()
	return run, nil
}

func (p *pfRead) top(w *walker, key string) error {
	var v any
	if err := w.decode(&v); err != nil {
		return err
	}
	if s, ok := v.(string); ok && key == "timestamp" {
		p.timestamp = s
	}
	return nil
}

// results reads the results member: the object of an export, or (older files) the array itself.
func (p *pfRead) results(w *walker) error {
	kind, err := w.peekKind()
	if err != nil {
		return err
	}
	if kind == '[' {
		return w.array(func() error { return p.result(w) })
	}
	return w.object(func(key string) error {
		switch key {
		case "results":
			return w.array(func() error { return p.result(w) })
		case "timestamp":
			return p.top(w, key)
		}
		return w.skip()
	})
}

func (p *pfRead) result(w *walker) error {
	var res pfResult
	if err := w.decode(&res); err != nil {
		return err
	}
	run := p.run
	run.Counts.Total++
	// The model is named by the providers, clipped to 300 characters: a hundred are more than it shows.
	if prov := pfProvider(res.Provider); prov != "" && len(p.providers) < 100 {
		p.providers[prov] = true
	}
	plugin := pfString(res.Metadata, "pluginId", res.TestCase.Metadata)
	strategy := pfString(res.Metadata, "strategyId", res.TestCase.Metadata)
	if plugin != "" {
		run.RedTeam = true
		if strategy == "" {
			strategy = "basic"
		}
	}
	if res.Response != nil && res.Response.Guardrails != nil && res.Response.Guardrails.Flagged {
		run.Guardrails++
	}
	passed := res.Success != nil && *res.Success
	isErr := !passed && (res.FailureReason == 2 || res.GradingResult == nil && (res.Error != "" || res.Response != nil && res.Response.Error != ""))
	switch {
	case passed:
		run.Counts.Passed++
	case isErr:
		run.Counts.Errors++
	default:
		run.Counts.Failed++
	}
	if plugin != "" {
		f := p.plugins[plugin]
		if f == nil {
			if len(p.plugins) >= p.cases.o.MaxMetrics {
				return tooManyMetrics("promptfoo", p.cases.o)
			}
			f = &pfFacet{}
			p.plugins[plugin] = f
		}
		f.total++
		if passed {
			f.passed++
		}
	}
	if passed {
		return nil
	}
	reason := res.Error
	if res.GradingResult != nil && res.GradingResult.Reason != "" {
		reason = res.GradingResult.Reason
	}
	if reason == "" && res.Response != nil {
		reason = res.Response.Error
	}
	task := firstOf(plugin, res.TestCase.Description)
	var out string
	if res.Response != nil {
		out = pfOutput(res.Response.Output)
	}
	p.cases.add(Case{Task: task, Plugin: plugin, Strategy: strategy, Prompt: firstOf(res.Prompt.Raw, res.Prompt.Label),
		Output: out, Reason: reason, Error: isErr})
	return nil
}

func (p *pfRead) finish() {
	run := p.run
	run.Metrics = []Metric{passRate("", "pass_rate", run.Counts.Passed, run.Counts.Total)}
	names := make([]string, 0, len(p.plugins))
	for n := range p.plugins {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		run.Metrics = append(run.Metrics, passRate(n, "pass_rate", p.plugins[n].passed, p.plugins[n].total))
	}
	provs := make([]string, 0, len(p.providers))
	for n := range p.providers {
		provs = append(provs, n)
	}
	sort.Strings(provs)
	run.Model = clip(strings.Join(provs, ", "), 300)
	if run.Name == "" && run.RedTeam {
		run.Name = "Red team"
	}
}

func pfProvider(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct{ ID, Label string }
	if json.Unmarshal(raw, &o) == nil {
		return firstOf(o.ID, o.Label)
	}
	return ""
}

func pfString(m map[string]any, key string, alt map[string]any) string {
	if s, ok := m[key].(string); ok && s != "" {
		return s
	}
	s, _ := alt[key].(string)
	return s
}

func pfOutput(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
