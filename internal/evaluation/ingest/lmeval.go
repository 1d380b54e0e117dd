package ingest

import (
	"encoding/json"
	"io"
	"sort"
	"strings"
)

// readLMEval reads the results JSON of EleutherAI's lm-evaluation-harness (results_*.json): results and
// groups map each task to its metrics ("acc,none" with "acc_stderr,none" in layouts from 0.4; "acc" and
// "acc_stderr" before); config.model_args is an object or, in older files, a "k=v,k=v" string; the
// version (lm_eval_version) is absent from older files. The results file holds no per-test outcomes.
func readLMEval(r io.Reader, o Options) (*Run, error) {
	run := &Run{}
	w := newWalker(r)
	tasks := map[string]map[string]any{}
	var cfg struct {
		Model     any `json:"model"`
		ModelArgs any `json:"model_args"`
	}
	var modelName string
	var date any
	// The values held while the file is read, standard errors and aliases included, are bounded apart
	// from the metrics, which are known only at the end.
	values := 0
	sawResults := false
	err := w.object(func(key string) error {
		switch key {
		case "results", "groups":
			// Read a value at a time, so that memory holds the metrics, not the whole object; the
			// first object to name a task gives its metrics.
			sawResults = sawResults || key == "results"
			return w.object(func(task string) error {
				fresh := tasks[task] == nil
				ms := map[string]any{}
				err := w.object(func(name string) error {
					v, ok, err := w.scalar()
					if err != nil || !ok || !fresh {
						return err
					}
					if _, seen := ms[name]; !seen {
						if values++; values > 4*o.MaxMetrics {
							return tooManyMetrics("lm-eval", o)
						}
					}
					ms[name] = v
					return nil
				})
				if err == nil && fresh {
					tasks[task] = ms
				}
				return err
			})
		case "config":
			return w.decode(&cfg)
		case "lm_eval_version":
			return w.decode(&run.ToolVersion)
		case "model_name":
			return w.decode(&modelName)
		case "date":
			return w.decode(&date)
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
		return nil, fieldErr("The lm-eval file has no results: give the results_*.json the harness writes.")
	}
	run.Model = firstOf(modelName, lmModel(cfg.ModelArgs), anyString(cfg.Model))
	switch d := date.(type) {
	case jsonNumber:
		run.StartedAt = parseTime(string(d))
	case string:
		run.StartedAt = parseTime(d)
	}
	names := make([]string, 0, len(tasks))
	for t := range tasks {
		names = append(names, t)
	}
	sort.Strings(names)
	run.Name = clip(strings.Join(names, ", "), 200)
	for _, t := range names {
		if run.Metrics = append(run.Metrics, lmMetrics(t, tasks[t])...); len(run.Metrics) > o.MaxMetrics {
			return nil, tooManyMetrics("lm-eval", o)
		}
	}
	run.Status = StatusSuccess
	return run, nil
}

// lmMetrics returns the metrics of one task, each with its standard error where the file gives one.
func lmMetrics(task string, ms map[string]any) []Metric {
	var out []Metric
	keys := make([]string, 0, len(ms))
	for k := range ms {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch k {
		case "alias", "name", "sample_len", "sample_count", "samples", " ", "":
			continue
		}
		base, filter, _ := strings.Cut(k, ",")
		if strings.HasSuffix(base, "_stderr") {
			continue
		}
		v, ok := numOf(ms[k])
		if !ok {
			continue
		}
		m := Metric{Task: task, Name: k, Value: v}
		se := base + "_stderr"
		if filter != "" {
			se += "," + filter
		}
		if s, ok := numOf(ms[se]); ok {
			m.Stderr = &s
		}
		out = append(out, m)
	}
	return out
}

// lmModel returns the model model_args names: its pretrained (or model, path) argument.
func lmModel(args any) string {
	switch a := args.(type) {
	case string:
		for _, kv := range strings.Split(a, ",") {
			k, v, _ := strings.Cut(kv, "=")
			switch strings.TrimSpace(k) {
			case "pretrained", "model", "path", "model_name":
				return strings.TrimSpace(v)
			}
		}
	case map[string]any:
		for _, k := range []string{"pretrained", "model", "path", "model_name"} {
			if s, ok := a[k].(string); ok && s != "" {
				return s
			}
		}
	}
	return ""
}

func anyString(v any) string {
	s, _ := v.(string)
	return s
}

var _ = json.Number("")
