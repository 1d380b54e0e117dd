// Package ingest reads the result files of AI evaluation and red-teaming tools as the tools write them:
// promptfoo eval exports (JSON), garak reports (JSONL), EleutherAI lm-evaluation-harness results (JSON)
// and UK AISI Inspect eval logs (JSON). Each file yields one Run: the tool and its version, the model
// under test, when and how it ended, its metrics, per-test outcome counts and a capped list of failing
// cases.
//
// Files are read as a stream, so memory stays flat whatever their size: garak line by line with a bounded
// line length, the JSON formats token by token over their big arrays. The non-numbers Python's json
// module writes (NaN, Infinity, -Infinity) are read and kept as such. A truncated or malformed file is an
// EINVALID error naming the line or byte where reading stopped; nothing of it is returned.
//
// The package imports no storage or transport.
package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims"
)

// The formats read.
const (
	Promptfoo = "promptfoo"
	Garak     = "garak"
	LMEval    = "lm-eval"
	Inspect   = "inspect"
)

// Formats lists the formats read, in the order people are offered them.
var Formats = []string{Promptfoo, Garak, LMEval, Inspect}

// Statuses of a run as the tool reports it.
const (
	StatusSuccess    = "success"
	StatusCancelled  = "cancelled"
	StatusError      = "error"
	StatusIncomplete = "incomplete"
)

// Defaults of Options.
const (
	DefaultMaxCases   = 500
	DefaultMaxLine    = 64 << 20
	DefaultMaxText    = 4000
	DefaultMaxMetrics = 10000
	defaultThreshold  = 0.5
	detectWindowBytes = 64 << 10
)

// Options bound what a read keeps.
type Options struct {
	// MaxCases is how many failing cases a run keeps (the rest are only counted); 0 means DefaultMaxCases.
	MaxCases int
	// MaxLine is the longest line of a JSONL file read; 0 means DefaultMaxLine.
	MaxLine int
	// MaxText is how many characters of a prompt, output or reason a failing case keeps.
	MaxText int
	// MaxMetrics is how many metrics a run may have (a file with more is refused: they are held while the
	// file is read); 0 means DefaultMaxMetrics.
	MaxMetrics int
}

func (o Options) withDefaults() Options {
	if o.MaxCases <= 0 {
		o.MaxCases = DefaultMaxCases
	}
	if o.MaxLine <= 0 {
		o.MaxLine = DefaultMaxLine
	}
	if o.MaxText <= 0 {
		o.MaxText = DefaultMaxText
	}
	if o.MaxMetrics <= 0 {
		o.MaxMetrics = DefaultMaxMetrics
	}
	return o
}

// Run is what one result file says of one evaluation run.
type Run struct {
	Format      string    `json:"format"`
	ToolVersion string    `json:"tool_version"`
	Model       string    `json:"model"`
	Name        string    `json:"name"`
	Status      string    `json:"status"`
	StartedAt   time.Time `json:"started_at"`
	// RedTeam is set for adversarial runs (garak always; promptfoo when its tests come from red-team
	// plugins): their failing cases may hold harmful text.
	RedTeam bool     `json:"red_team"`
	Metrics []Metric `json:"metrics"`
	Counts  Counts   `json:"counts"`
	// Cases holds the first failing cases (at most Options.MaxCases); CasesMore counts the others.
	Cases     []Case `json:"cases"`
	CasesMore int64  `json:"cases_more"`
	// Guardrails counts the tests whose response a guardrail flagged (promptfoo).
	Guardrails int64 `json:"guardrails_flagged"`
	// Notes are what the file said that a reader should know (an error message of the tool, a missing
	// end of run).
	Notes []string `json:"notes"`
}

// Counts are the outcomes of a run's tests.
type Counts struct {
	Total  int64 `json:"total"`
	Passed int64 `json:"passed"`
	Failed int64 `json:"failed"`
	Errors int64 `json:"errors"`
}

// Metric is one measure of a run: of a task (lm-eval task, garak probe, promptfoo red-team plugin, Inspect
// task; "" for the run as a whole), named as the tool names it. Metrics counted over tests carry Passed of
// Total (Value is then the pass rate).
type Metric struct {
	Task   string `json:"task"`
	Name   string `json:"name"`
	Value  Num    `json:"value"`
	Stderr *Num   `json:"stderr,omitempty"`
	Passed int64  `json:"passed,omitempty"`
	Total  int64  `json:"total,omitempty"`
}

// Case is one failing test: its task, its red-team plugin and strategy where there are, what was asked,
// what came back and why it failed.
type Case struct {
	Task     string `json:"task"`
	Plugin   string `json:"plugin,omitempty"`
	Strategy string `json:"strategy,omitempty"`
	Prompt   string `json:"prompt"`
	Output   string `json:"output"`
	Reason   string `json:"reason"`
	Error    bool   `json:"error,omitempty"`
}

// Num is a number as the tool wrote it. Text is set when it is not a finite number: "NaN", "Infinity",
// "-Infinity", or the text the tool wrote in its place (lm-eval writes "N/A"); V is then NaN or ±Inf.
type Num struct {
	V    float64
	Text string
}

// Finite reports whether n is an ordinary number.
func (n Num) Finite() bool { return n.Text == "" && !math.IsNaN(n.V) && !math.IsInf(n.V, 0) }

// String writes n for people: the number, or its text.
func (n Num) String() string {
	if n.Text != "" {
		return n.Text
	}
	return strconv.FormatFloat(n.V, 'g', 6, 64)
}

// MarshalJSON writes a finite n as a number and any other as its text.
func (n Num) MarshalJSON() ([]byte, error) {
	if n.Finite() {
		return strconv.AppendFloat(nil, n.V, 'g', -1, 64), nil
	}
	return []byte(strconv.Quote(n.String())), nil
}

// UnmarshalJSON reads a number, or the text of a non-number.
func (n *Num) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		s, err := strconv.Unquote(string(b))
		if err != nil {
			return err
		}
		*n = TextNum(s)
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*n = Num{V: v}
	return nil
}

// Float returns a finite number.
func Float(v float64) Num { return Num{V: v} }

// TextNum returns the Num a text stands for: "NaN", "Infinity" and "-Infinity" (as Python writes them),
// a number written as text, or any other text, kept as it is with V NaN.
func TextNum(s string) Num {
	switch s {
	case "NaN", "nan", sentinelNaN:
		return Num{V: math.NaN(), Text: "NaN"}
	case "Infinity", "inf", sentinelInf:
		return Num{V: math.Inf(1), Text: "Infinity"}
	case "-Infinity", "-inf", sentinelNegInf:
		return Num{V: math.Inf(-1), Text: "-Infinity"}
	}
	if v, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
		return Num{V: v}
	}
	return Num{V: math.NaN(), Text: s}
}

// numOf reads a decoded JSON value (UseNumber) as a Num; ok is false when it is not a number or the text
// of one (an object, a list, a bool, null).
func numOf(v any) (Num, bool) {
	switch x := v.(type) {
	case jsonNumber:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return Num{}, false
		}
		return Num{V: f}, true
	case float64:
		return Num{V: x}, true
	case string:
		return TextNum(x), true
	}
	return Num{}, false
}

// ParseFormat returns the format name s names ("" when s is empty); EINVALID naming the formats read
// otherwise.
func ParseFormat(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return "", nil
	case "promptfoo":
		return Promptfoo, nil
	case "garak":
		return Garak, nil
	case "lm-eval", "lm_eval", "lmeval", "lm-evaluation-harness":
		return LMEval, nil
	case "inspect", "inspect_ai", "inspect-ai":
		return Inspect, nil
	}
	return "", aims.FieldError("format", "Unknown format %q: use %s.", clip(s, 40), strings.Join(Formats, ", "))
}

// Read reads one run from r in format (one of Formats, or "" to tell it from the content). An unknown
// format, a file of none of them, or a truncated or malformed one is EINVALID; other errors are r's.
func Read(r io.Reader, format string, o Options) (*Run, error) {
	o = o.withDefaults()
	format, err := ParseFormat(format)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, 256<<10)
	if format == "" {
		if format, err = Detect(br); err != nil {
			return nil, err
		}
	}
	var run *Run
	switch format {
	case Garak:
		run, err = readGarak(br, o)
	case Promptfoo:
		run, err = readPromptfoo(br, o)
	case LMEval:
		run, err = readLMEval(br, o)
	case Inspect:
		if isZip(br) {
			run, err = readInspectArchive(br, o)
		} else {
			run, err = readInspect(br, o)
		}
	}
	if err != nil {
		return nil, err
	}
	run.Format = format
	if run.Status == "" {
		run.Status = StatusSuccess
	}
	return run, nil
}

// Detect tells the format of what br holds from its first bytes, which it leaves unread. EINVALID naming
// the formats read when it is none of them.
func Detect(br *bufio.Reader) (string, error) {
	head, err := br.Peek(detectWindowBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", fmt.Errorf("cannot read the file: %w", err)
	}
	if bytes.HasPrefix(head, zipMagic) {
		return Inspect, nil // the .eval log of Inspect, a zip archive: no other tool writes one
	}
	head = bytes.TrimLeft(head, " \t\r\n\ufeff")
	unknown := aims.FieldError("format", "This file is none of the formats read (%s): give --format or ?format= if it is one.", strings.Join(Formats, ", "))
	if len(head) == 0 || head[0] != '{' {
		return "", unknown
	}
	first := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		first = head[:i]
	}
	has := func(b []byte, keys ...string) bool {
		for _, k := range keys {
			if bytes.Contains(b, []byte(`"`+k+`"`)) {
				return true
			}
		}
		return false
	}
	switch {
	case has(first, "entry_type"):
		return Garak, nil
	case has(head, "evalId", "promptfooVersion"):
		return Promptfoo, nil
	case has(head, "eval_id", "task_id", "task_file") && has(head, "status"):
		return Inspect, nil
	case has(head, "lm_eval_version", "higher_is_better", "n-shot", "model_args", "group_subtasks"):
		return LMEval, nil
	case has(head, "stats") && has(head, "results") && has(head, "prompts"):
		return Promptfoo, nil
	}
	return "", unknown
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && (s[cut]&0xC0) == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// caser keeps a run's failing cases up to the cap and counts the others.
type caser struct {
	run *Run
	o   Options
}

func (c caser) add(k Case) {
	if len(c.run.Cases) >= c.o.MaxCases {
		c.run.CasesMore++
		return
	}
	k.Prompt, k.Output, k.Reason = clip(k.Prompt, c.o.MaxText), clip(k.Output, c.o.MaxText), clip(k.Reason, c.o.MaxText)
	c.run.Cases = append(c.run.Cases, k)
}

// passRate is the metric of passed of total tests.
func passRate(task, name string, passed, total int64) Metric {
	m := Metric{Task: task, Name: name, Passed: passed, Total: total, Value: Num{V: math.NaN(), Text: "NaN"}}
	if total > 0 {
		m.Value = Float(float64(passed) / float64(total))
	}
	return m
}

// parseTime reads the dates the tools write: RFC 3339 with or without zone, Python's isoformat, or Unix
// seconds. The zero time when none fits.
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15-04-05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 && f < 1e11 {
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC()
	}
	return time.Time{}
}

func fieldErr(msg string) error { return aims.FieldError("file", "%s", msg) }

// tooManyMetrics is the error of a file with more metrics than o.MaxMetrics.
func tooManyMetrics(tool string, o Options) error {
	return fieldErr(fmt.Sprintf("The %s file holds more than %d metrics, the most aims keeps of a run: split the evaluation into several files.", tool, o.MaxMetrics))
}
