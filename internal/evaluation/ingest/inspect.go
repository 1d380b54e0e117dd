package ingest

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// inspectEval is the eval member of an Inspect log.
type inspectEval struct {
	Task     string            `json:"task"`
	Model    string            `json:"model"`
	Created  string            `json:"created"`
	Packages map[string]string `json:"packages"`
}

type inspectResults struct {
	TotalSamples     int64 `json:"total_samples"`
	CompletedSamples int64 `json:"completed_samples"`
	Scores           []struct {
		Name    string `json:"name"`
		Scorer  string `json:"scorer"`
		Metrics map[string]struct {
			Name  string `json:"name"`
			Value Num    `json:"value"`
		} `json:"metrics"`
	} `json:"scores"`
}

type inspectSample struct {
	ID     any             `json:"id"`
	Epoch  int             `json:"epoch"`
	Input  json.RawMessage `json:"input"`
	Output struct {
		Completion string `json:"completion"`
		Choices    []struct {
			Message struct {
				Content json.RawMessage `json:"content"`
			} `json:"message"`
		} `json:"choices"`
	} `json:"output"`
	Scores map[string]struct {
		Value       json.RawMessage `json:"value"`
		Answer      any             `json:"answer"`
		Explanation string          `json:"explanation"`
	} `json:"scores"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// readInspect reads an Inspect eval log in its JSON form (`inspect log convert --to json`, or logs
// written with --log-format=json), whatever its status: success, cancelled, error or started. The
// samples array is read one sample at a time; a sample fails when one of its scores is incorrect ("I"),
// no answer ("N"), partial ("P"), false or zero.
func readInspect(r io.Reader, o Options) (*Run, error) {
	run := &Run{}
	cases := caser{run, o}
	w := newWalker(r)
	var ev inspectEval
	var res inspectResults
	var stats struct {
		StartedAt string `json:"started_at"`
	}
	var logErr *struct {
		Message string `json:"message"`
	}
	sawEval := false
	err := w.object(func(key string) error {
		switch key {
		case "status":
			return w.decode(&run.Status)
		case "eval":
			sawEval = true
			return w.decode(&ev)
		case "results":
			return w.decode(&res)
		case "stats":
			return w.decode(&stats)
		case "error":
			return w.decode(&logErr)
		case "samples":
			kind, err := w.peekKind()
			if err != nil {
				return err
			}
			if kind != '[' {
				return w.skip()
			}
			return w.array(func() error {
				var s inspectSample
				if err := w.decode(&s); err != nil {
					return err
				}
				inspectOutcome(run, cases, ev.Task, &s)
				return nil
			})
		}
		return w.skip()
	})
	if err != nil {
		return nil, err
	}
	if err := w.end(); err != nil {
		return nil, err
	}
	if !sawEval {
		return nil, fieldErr("The Inspect log has no eval section: give an eval log in JSON (inspect log convert --to json).")
	}
	run.Model, run.Name, run.ToolVersion = ev.Model, ev.Task, ev.Packages["inspect_ai"]
	run.StartedAt = parseTime(firstOf(stats.StartedAt, ev.Created))
	switch run.Status {
	case "success", "":
		run.Status = StatusSuccess
	case "cancelled":
		run.Status = StatusCancelled
	case "error":
		run.Status = StatusError
	default:
		run.Status = StatusIncomplete
	}
	if logErr != nil && logErr.Message != "" {
		run.Notes = append(run.Notes, "Inspect reported an error: "+clip(logErr.Message, 1000))
	}
	if run.Counts.Total > 0 {
		run.Metrics = append(run.Metrics, passRate("", "pass_rate", run.Counts.Passed, run.Counts.Total))
	}
	for _, sc := range res.Scores {
		names := make([]string, 0, len(sc.Metrics))
		for n := range sc.Metrics {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			run.Metrics = append(run.Metrics, Metric{Task: ev.Task, Name: firstOf(sc.Name, sc.Scorer) + "/" + n, Value: sc.Metrics[n].Value})
		}
	}
	return run, nil
}

func inspectOutcome(run *Run, cases caser, task string, s *inspectSample) {
	run.Counts.Total++
	if s.Error != nil && s.Error.Message != "" {
		run.Counts.Errors++
		cases.add(Case{Task: task, Prompt: inspectText(s.Input), Reason: "Error: " + s.Error.Message, Error: true})
		return
	}
	var failed []string
	scorers := make([]string, 0, len(s.Scores))
	for n := range s.Scores {
		scorers = append(scorers, n)
	}
	sort.Strings(scorers)
	for _, n := range scorers {
		sc := s.Scores[n]
		if inspectFailed(sc.Value) {
			why := fmt.Sprintf("%s scored %s", n, strings.TrimSpace(string(sc.Value)))
			if sc.Explanation != "" {
				why += ": " + sc.Explanation
			}
			failed = append(failed, why)
		}
	}
	if len(failed) == 0 {
		run.Counts.Passed++
		return
	}
	run.Counts.Failed++
	out := s.Output.Completion
	if out == "" && len(s.Output.Choices) > 0 {
		out = inspectText(s.Output.Choices[0].Message.Content)
	}
	cases.add(Case{Task: task, Prompt: inspectText(s.Input), Output: out, Reason: strings.Join(failed, "; ")})
}

// inspectFailed reads a score value: "C" correct, "I" incorrect, "P" partial, "N" no answer; a bool; a
// number (0 fails); a list or a map of those (any failing fails).
func inspectFailed(raw json.RawMessage) bool {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return false
	}
	var walk func(v any) bool
	walk = func(v any) bool {
		switch x := v.(type) {
		case string:
			switch strings.ToUpper(x) {
			case "I", "N", "P", "INCORRECT":
				return true
			}
		case bool:
			return !x
		case float64:
			return x == 0
		case []any:
			for _, e := range x {
				if walk(e) {
					return true
				}
			}
		case map[string]any:
			for _, e := range x {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

// inspectText reads an input or a message content: a string, or a list of messages or content parts
// whose text is joined.
func inspectText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Role    string          `json:"role"`
		Text    string          `json:"text"`
		Content json.RawMessage `json:"content"`
	}
	if json.Unmarshal(raw, &parts) != nil {
		return ""
	}
	var out []string
	for _, p := range parts {
		t := p.Text
		if t == "" && len(p.Content) > 0 {
			t = inspectText(p.Content)
		}
		if p.Role != "" && p.Role != "user" {
			continue
		}
		if t != "" {
			out = append(out, t)
		}
	}
	return strings.Join(out, "\n")
}
