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
// no answer ("N"), partial ("P"), false or zero. readInspectArchive reads the .eval form.
func readInspect(r io.Reader, o Options) (*Run, error) {
	l := newInspectLog(o)
	w := newWalker(r)
	if err := l.read(w); err != nil {
		return nil, err
	}
	if err := w.end(); err != nil {
		return nil, err
	}
	return l.finish()
}

// inspectLog is an Inspect log as it is read: its header's parts, and the outcomes of its samples.
type inspectLog struct {
	run   *Run
	cases caser
	ev    inspectEval
	res   inspectResults
	stats struct {
		StartedAt string `json:"started_at"`
	}
	logErr *struct {
		Message string `json:"message"`
	}
	sawEval bool
}

func newInspectLog(o Options) *inspectLog {
	run := &Run{}
	return &inspectLog{run: run, cases: caser{run, o}}
}

// read reads a log object: the whole log, its header (header.json of an archive) or the journal's start.
func (l *inspectLog) read(w *walker) error {
	return w.object(func(key string) error {
		switch key {
		case "status":
			return w.decode(&l.run.Status)
		case "eval":
			l.sawEval = true
			return w.decode(&l.ev)
		case "results":
			return w.decode(&l.res)
		case "stats":
			return w.decode(&l.stats)
		case "error":
			return w.decode(&l.logErr)
		case "samples":
			kind, err := w.peekKind()
			if err != nil {
				return err
			}
			if kind != '[' {
				return w.skip()
			}
			return w.array(func() error { return l.sample(w) })
		}
		return w.skip()
	})
}

// sample reads one sample and counts its outcome. Only the members the outcome needs are decoded; the
// others (the events, messages and attachments of an agent's transcript, often most of a log) are read
// past a token at a time.
func (l *inspectLog) sample(w *walker) error {
	var s inspectSample
	err := w.object(func(key string) error {
		switch key {
		case "id":
			return w.decode(&s.ID)
		case "epoch":
			return w.decode(&s.Epoch)
		case "input":
			return w.decode(&s.Input)
		case "output":
			return w.decode(&s.Output)
		case "scores":
			return w.decode(&s.Scores)
		case "error":
			return w.decode(&s.Error)
		}
		return w.skip()
	})
	if err != nil {
		return err
	}
	inspectOutcome(l.run, l.cases, l.ev.Task, &s)
	return nil
}

// finish turns what was read into the run.
func (l *inspectLog) finish() (*Run, error) {
	run, ev := l.run, l.ev
	if !l.sawEval {
		return nil, fieldErr("The Inspect log has no eval section: give an eval log (.eval, or JSON from inspect log convert --to json).")
	}
	run.Model, run.Name, run.ToolVersion = ev.Model, ev.Task, ev.Packages["inspect_ai"]
	run.StartedAt = parseTime(firstOf(l.stats.StartedAt, ev.Created))
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
	if l.logErr != nil && l.logErr.Message != "" {
		run.Notes = append(run.Notes, "Inspect reported an error: "+clip(l.logErr.Message, 1000))
	}
	if run.Counts.Total > 0 {
		run.Metrics = append(run.Metrics, passRate("", "pass_rate", run.Counts.Passed, run.Counts.Total))
	}
	for _, sc := range l.res.Scores {
		names := make([]string, 0, len(sc.Metrics))
		for n := range sc.Metrics {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if len(run.Metrics) >= l.cases.o.MaxMetrics {
				return nil, tooManyMetrics("Inspect", l.cases.o)
			}
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
