package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/aimsproject/aims"
)

// garakLine is every field of a garak report line that is read; which ones are set depends on its
// entry_type ("start_run setup", "init", "attempt", "eval", "digest", "completion").
type garakLine struct {
	EntryType string `json:"entry_type"`
	// start_run setup
	ConfigVersion string  `json:"_config.version"`
	TargetType    *string `json:"plugins.target_type"`
	TargetName    *string `json:"plugins.target_name"`
	ModelType     *string `json:"plugins.model_type"`
	ModelName     *string `json:"plugins.model_name"`
	StartISO      string  `json:"transient.starttime_iso"`
	Threshold     *Num    `json:"run.eval_threshold"`
	// init
	GarakVersion string `json:"garak_version"`
	StartTime    string `json:"start_time"`
	// attempt
	Status          int               `json:"status"`
	Probe           string            `json:"probe_classname"`
	DetectorResults map[string][]*Num `json:"detector_results"`
	Goal            string            `json:"goal"`
	// The prompt and outputs are not kept here: only a failing attempt's are read (garakAttempt), so the
	// others' are skipped, not copied.
	// eval
	EvalProbe      string `json:"probe"`
	Detector       string `json:"detector"`
	Passed         int64  `json:"passed"`
	TotalEvaluated *int64 `json:"total_evaluated"`
	Total          *int64 `json:"total"`
	Fails          *int64 `json:"fails"`
	Nones          int64  `json:"nones"`
}

// readGarak reads a garak report (JSONL), a line at a time: every line must be a JSON object; a line
// longer than o.MaxLine is refused by number. The metrics are the eval lines' (pass rate of each probe
// and detector), the failing cases the attempts a detector scored at or over the run's threshold.
func readGarak(r io.Reader, o Options) (*Run, error) {
	run := &Run{RedTeam: true}
	cases := caser{run, o}
	br := bufio.NewReaderSize(r, 1<<20)
	threshold := defaultThreshold
	var lineNo int64
	var line []byte
	var ended bool
	var evals []Metric
	for {
		var err error
		line, err = readLine(br, line[:0], o.MaxLine)
		if len(line) == 0 && errors.Is(err, io.EOF) {
			break
		}
		lineNo++
		if errors.Is(err, errLineTooLong) {
			return nil, aims.FieldError("file", "Line %d of the garak report is longer than %d bytes.", lineNo, o.MaxLine)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("cannot read line %d of the garak report: %w", lineNo, err)
		}
		text := bytes.TrimSpace(line)
		if len(text) == 0 {
			if errors.Is(err, io.EOF) {
				break
			}
			continue
		}
		rewriteLine(text)
		var g garakLine
		if jerr := json.Unmarshal(text, &g); jerr != nil {
			return nil, garakLineError(lineNo, jerr, errors.Is(err, io.EOF))
		}
		switch g.EntryType {
		case "start_run setup":
			run.ToolVersion = firstOf(run.ToolVersion, g.ConfigVersion)
			run.StartedAt = orTime(run.StartedAt, g.StartISO)
			run.Model = garakModel(g)
			if g.Threshold != nil && g.Threshold.Finite() {
				threshold = g.Threshold.V
			}
		case "init":
			run.ToolVersion = firstOf(g.GarakVersion, run.ToolVersion)
			if t := parseTime(g.StartTime); !t.IsZero() {
				run.StartedAt = t
			}
		case "attempt":
			// Attempts are written twice: when sent (status 1) and when evaluated (status 2).
			if g.Status == 2 {
				garakAttempt(&g, text, threshold, cases)
			}
		case "eval":
			total := g.Passed
			if g.TotalEvaluated != nil {
				total = *g.TotalEvaluated
			} else if g.Total != nil {
				total = *g.Total
			}
			if len(evals) >= o.MaxMetrics {
				return nil, tooManyMetrics("garak", o)
			}
			evals = append(evals, passRate(g.EvalProbe, g.Detector, g.Passed, total))
		case "completion", "digest":
			ended = true
		case "":
			return nil, aims.FieldError("file", "Line %d of the garak report has no entry_type: is this a garak report?", lineNo)
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if lineNo == 0 {
		return nil, aims.FieldError("file", "The garak report is empty.")
	}
	sort.SliceStable(evals, func(i, j int) bool {
		return evals[i].Task < evals[j].Task || evals[i].Task == evals[j].Task && evals[i].Name < evals[j].Name
	})
	var passed, total int64
	for _, m := range evals {
		passed += m.Passed
		total += m.Total
	}
	run.Counts = Counts{Total: total, Passed: passed, Failed: total - passed}
	run.Metrics = append([]Metric{passRate("", "pass_rate", passed, total)}, evals...)
	run.Name = garakProbes(evals)
	run.Status = StatusSuccess
	if !ended {
		run.Status = StatusIncomplete
		run.Notes = append(run.Notes, "The report has no digest or completion line: garak did not finish the run.")
	}
	return run, nil
}

func garakLineError(lineNo int64, err error, last bool) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case last && (errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &se) && strings.Contains(se.Error(), "unexpected end")):
		return aims.FieldError("file", "Line %d of the garak report ends early: the file is cut short.", lineNo)
	case errors.As(err, &se) && lineNo == 1:
		return aims.FieldError("file", "Line 1 of the garak report is not valid JSON (%s): is this a garak report, one JSON object a line?", se.Error())
	case errors.As(err, &se):
		return aims.FieldError("file", "Line %d of the garak report is not valid JSON (%s at byte %d of the line).", lineNo, se.Error(), se.Offset)
	case errors.As(err, &te):
		field := ""
		if te.Field != "" {
			field = " in " + te.Field
		}
		return aims.FieldError("file", "Line %d of the garak report has %s where %s is expected%s.", lineNo, jsonKindName(te.Value), typeName(te.Type), field)
	}
	return aims.FieldError("file", "Line %d of the garak report is not a report entry: %v.", lineNo, err)
}

var errLineTooLong = errors.New("line too long")

// readLine appends the next line of br to buf, without reading more than max bytes of it; a longer line is
// read past and errLineTooLong returned.
func readLine(br *bufio.Reader, buf []byte, max int) ([]byte, error) {
	for {
		frag, err := br.ReadSlice('\n')
		if len(buf)+len(frag) > max {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			return buf[:0], errLineTooLong
		}
		buf = append(buf, frag...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return buf, err
		}
	}
}

func garakModel(g garakLine) string {
	typ, name := deref(g.TargetType), deref(g.TargetName)
	if typ == "" && name == "" {
		typ, name = deref(g.ModelType), deref(g.ModelName)
	}
	switch {
	case name == "":
		return typ
	case typ == "":
		return name
	}
	return typ + "/" + name
}

// garakAttempt adds the attempt of line to the failing cases when a detector scored it at or over the
// threshold. Its prompt and outputs are decoded only then.
func garakAttempt(g *garakLine, line []byte, threshold float64, cases caser) {
	var worst string
	var score float64
	dets := make([]string, 0, len(g.DetectorResults))
	for d := range g.DetectorResults {
		dets = append(dets, d)
	}
	sort.Strings(dets)
	for _, d := range dets {
		for _, s := range g.DetectorResults[d] {
			if s != nil && s.Finite() && s.V >= threshold && s.V >= score {
				worst, score = d, s.V
			}
		}
	}
	if worst == "" {
		return
	}
	if len(cases.run.Cases) >= cases.o.MaxCases {
		cases.run.CasesMore++
		return
	}
	var texts struct {
		Prompt  json.RawMessage   `json:"prompt"`
		Outputs []json.RawMessage `json:"outputs"`
	}
	_ = json.Unmarshal(line, &texts)
	var outs []string
	for _, o := range texts.Outputs {
		if t := garakText(o); t != "" {
			outs = append(outs, t)
		}
	}
	cases.add(Case{Task: g.Probe, Plugin: g.Probe, Prompt: garakText(texts.Prompt), Output: strings.Join(outs, "\n---\n"),
		Reason: fmt.Sprintf("Detector %s scored %.2f (threshold %.2f); goal: %s", worst, score, threshold, g.Goal)})
}

// garakText reads a prompt or an output as garak writes it: a string (before 0.11), a message
// {"text": ...}, or a conversation {"turns": [{"role", "content": {"text"}}]}.
func garakText(raw json.RawMessage) string {
	if len(raw) == 0 || raw[0] == 'n' {
		return ""
	}
	if raw[0] == '"' {
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	}
	var m struct {
		Text  *string `json:"text"`
		Turns []struct {
			Role    string `json:"role"`
			Content struct {
				Text string `json:"text"`
			} `json:"content"`
		} `json:"turns"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	if m.Text != nil {
		return *m.Text
	}
	var parts []string
	for _, t := range m.Turns {
		if len(m.Turns) > 1 {
			parts = append(parts, t.Role+": "+t.Content.Text)
		} else {
			parts = append(parts, t.Content.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func garakProbes(evals []Metric) string {
	var probes []string
	for _, m := range evals {
		if len(probes) == 0 || probes[len(probes)-1] != m.Task {
			probes = append(probes, m.Task)
		}
	}
	return clip(strings.Join(probes, ", "), 200)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func orTime(t time.Time, s string) time.Time {
	if !t.IsZero() {
		return t
	}
	return parseTime(s)
}
