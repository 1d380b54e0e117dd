package ingest_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evaluation/ingest"
)

func sampleBytes(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "evals", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func read(t *testing.T, b []byte, format string) (*ingest.Run, error) {
	t.Helper()
	return ingest.Read(bytes.NewReader(b), format, ingest.Options{MaxLine: 1 << 20, MaxCases: 3})
}

func wantInvalid(t *testing.T, err error, says ...string) {
	t.Helper()
	if aims.ErrorCode(err) != aims.EINVALID {
		t.Fatalf("error %v, want EINVALID", err)
	}
	for _, s := range says {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %q", err, s)
		}
	}
}

func TestBrokenFilesAreRefusedWithWhere(t *testing.T) {
	t.Parallel()
	garak := sampleBytes(t, "garak-agg.report.jsonl")
	pf := sampleBytes(t, "promptfoo-sample-export-v0.118.10.json")
	insp := sampleBytes(t, "inspect_ai-log_read_sample.json")
	t.Run("a garak report cut in a line names the line", func(t *testing.T) {
		_, err := read(t, garak[:len(garak)/2], "")
		wantInvalid(t, err, "Line ", "cut short")
	})
	t.Run("a garak line that is not JSON names the line", func(t *testing.T) {
		lines := bytes.SplitAfter(garak, []byte("\n"))
		bad := bytes.Join([][]byte{lines[0], lines[1], []byte("{\"entry_type\": \"attempt\", oops}\n"), lines[2]}, nil)
		_, err := read(t, bad, "garak")
		wantInvalid(t, err, "Line 3 ")
	})
	t.Run("a garak line over the bound is refused by number", func(t *testing.T) {
		lines := bytes.SplitAfter(garak, []byte("\n"))
		huge := []byte(`{"entry_type": "attempt", "status": 1, "goal": "` + strings.Repeat("x", 2<<20) + "\"}\n")
		_, err := read(t, append(append(append([]byte{}, lines[0]...), huge...), lines[1]...), "garak")
		wantInvalid(t, err, "Line 2 ", "longer than")
	})
	t.Run("a promptfoo export cut short names where", func(t *testing.T) {
		_, err := read(t, pf[:len(pf)*2/3], "promptfoo")
		wantInvalid(t, err, "cut short", "line ")
	})
	t.Run("a promptfoo export with a syntax error names the line", func(t *testing.T) {
		bad := bytes.Replace(pf, []byte(`"success": false`), []byte(`"success": fals`), 1)
		_, err := read(t, bad, "")
		wantInvalid(t, err, "not valid JSON", "line ")
	})
	t.Run("an inspect log with trailing garbage", func(t *testing.T) {
		_, err := read(t, append(append([]byte{}, insp...), "{}"...), "inspect")
		wantInvalid(t, err, "more after")
	})
	t.Run("a value of the wrong kind says what was expected, in JSON's words", func(t *testing.T) {
		_, err := read(t, []byte("00"), "promptfoo")
		wantInvalid(t, err, "has the number 0 where an object is expected", "line 1")
		_, err = read(t, []byte(`{"results": [1, 2]}`), "lm-eval")
		wantInvalid(t, err, "has an array where an object is expected")
		_, err = read(t, []byte(`{"entry_type": "attempt", "status": "x"}`+"\n"), "garak")
		wantInvalid(t, err, "Line 1 of the garak report has a string where a whole number is expected in status")
	})
	t.Run("an .eval archive whose compressed data is corrupt", func(t *testing.T) {
		ev := sampleBytes(t, "inspect_ai-log_read_sample.eval")
		zr, err := zip.NewReader(bytes.NewReader(ev), int64(len(ev)))
		if err != nil {
			t.Fatal(err)
		}
		var head *zip.File
		for _, f := range zr.File {
			if f.Name == "header.json" {
				head = f
			}
		}
		off, err := head.DataOffset()
		if err != nil || head.Method != zip.Deflate || head.CompressedSize64 < 64 {
			t.Fatalf("the sample's header.json is not deflated where the test expects it: %v", err)
		}
		bad := append([]byte{}, ev...)
		for i := off + 8; i < off+40; i++ {
			bad[i] = 0xff
		}
		_, err = read(t, bad, "")
		wantInvalid(t, err, "header.json in the .eval archive")
	})
	t.Run("an unknown file names the formats read", func(t *testing.T) {
		_, err := read(t, []byte(`{"hello": "world"}`), "")
		wantInvalid(t, err, "promptfoo, garak, lm-eval, inspect")
		_, err = read(t, []byte(`{}`), "junit")
		wantInvalid(t, err, "promptfoo, garak, lm-eval, inspect")
	})
}

func TestNonNumbersAreKept(t *testing.T) {
	t.Parallel()
	t.Run("lm-eval NaN and Infinity metrics", func(t *testing.T) {
		b := []byte(`{"results": {"t": {"alias": "t", "acc,none": NaN, "acc_stderr,none": Infinity, "f1,none": -Infinity, "note": "NaN in a string"}},
			"config": {"model": "hf", "model_args": "pretrained=EleutherAI/pythia-160m,dtype=float"}, "date": 1700000000}`)
		run, err := read(t, b, "")
		if err != nil {
			t.Fatal(err)
		}
		if run.Model != "EleutherAI/pythia-160m" || run.ToolVersion != "" {
			t.Errorf("old layout: model %q version %q", run.Model, run.ToolVersion)
		}
		got := map[string]string{}
		for _, m := range run.Metrics {
			got[m.Name] = m.Value.String()
			if m.Stderr != nil {
				got[m.Name+" stderr"] = m.Stderr.String()
			}
		}
		want := map[string]string{"acc,none": "NaN", "acc,none stderr": "Infinity", "f1,none": "-Infinity", "note": "NaN in a string"}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %q, want %q (all %v)", k, got[k], v, got)
			}
		}
	})
	t.Run("old lm-eval layout without comma filters", func(t *testing.T) {
		b := []byte(`{"results": {"hellaswag": {"acc": 0.61, "acc_stderr": 0.004, "acc_norm": 0.7, "acc_norm_stderr": NaN}},
			"versions": {"hellaswag": 0}, "config": {"model": "gpt2", "model_args": "pretrained=gpt2", "num_fewshot": 0}}`)
		run, err := read(t, b, "lm-eval")
		if err != nil {
			t.Fatal(err)
		}
		if len(run.Metrics) != 2 || run.Metrics[0].Name != "acc" || run.Metrics[0].Stderr.V != 0.004 || run.Metrics[1].Stderr.Text != "NaN" {
			t.Errorf("metrics %+v", run.Metrics)
		}
	})
	t.Run("inspect stderr NaN of one sample", func(t *testing.T) {
		b := bytes.Replace(sampleBytes(t, "inspect_ai-log_read_sample.json"), []byte("\"name\": \"stderr\",\n            \"value\": 0.0"), []byte("\"name\": \"stderr\",\n            \"value\": NaN"), 1)
		if bytes.Equal(b, sampleBytes(t, "inspect_ai-log_read_sample.json")) {
			t.Fatal("the sample changed: no stderr to replace")
		}
		run, err := read(t, b, "")
		if err != nil {
			t.Fatal(err)
		}
		if m := metric(t, run, "popularity", "match/stderr"); m.Value.String() != "NaN" || m.Value.Finite() {
			t.Errorf("stderr %+v", m)
		}
	})
}

func TestInspectLogsOfAnyStatus(t *testing.T) {
	t.Parallel()
	b := sampleBytes(t, "inspect_ai-log_read_sample.json")
	b = bytes.Replace(b, []byte(`"status": "success"`), []byte(`"status": "cancelled"`), 1)
	run, err := read(t, b, "")
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != ingest.StatusCancelled {
		t.Errorf("status %q", run.Status)
	}
	errLog := []byte(`{"version": 2, "status": "error", "eval": {"task": "t", "task_id": "x", "model": "m", "created": "2025-01-01T00:00:00Z"},
		"error": {"message": "boom", "traceback": "..."}}`)
	run, err = read(t, errLog, "")
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != ingest.StatusError || len(run.Notes) != 1 || !strings.Contains(run.Notes[0], "boom") {
		t.Errorf("run %+v", run)
	}
}

// redTeamExport writes a promptfoo export of n red-team results, every third failing, spread over
// plugins and strategies, with guardrail flags on the failing ones.
func redTeamExport(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"evalId": "eval-rt", "results": {"version": 3, "timestamp": "2025-11-01T10:00:00.000Z", "prompts": [], "results": [`)
	plugins := []string{"harmful:hate", "harmful:self-harm", "pii:direct", "hijacking"}
	strategies := []string{"basic", "jailbreak", "prompt-injection"}
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		fail := i%3 == 0
		plugin, strategy := plugins[i%len(plugins)], strategies[i%len(strategies)]
		grading := `{"pass": true, "score": 1, "reason": "ok"}`
		if fail {
			grading = fmt.Sprintf(`{"pass": false, "score": 0, "reason": "The output complies with harmful request %d"}`, i)
		}
		fmt.Fprintf(&b, `{"id": "r%d", "provider": {"id": "openai:gpt-4o-mini", "label": "support-bot"}, "prompt": {"raw": "attack %d", "label": "p"},
			"response": {"output": "answer %d", "guardrails": {"flagged": %v, "flaggedInput": false, "flaggedOutput": %v}},
			"gradingResult": %s, "score": %d, "success": %v, "failureReason": %d, "latencyMs": NaN,
			"testCase": {"vars": {}, "metadata": {"pluginId": "%s", "strategyId": "%s"}},
			"metadata": {"pluginId": "%s", "strategyId": "%s", "severity": "high"}}`,
			i, i, i, fail, fail, grading, map[bool]int{true: 0, false: 1}[fail], !fail, map[bool]int{true: 1, false: 0}[fail],
			plugin, strategy, plugin, strategy)
	}
	b.WriteString(`], "stats": {"successes": 0, "failures": 0, "errors": 0}}, "config": {"description": "Support bot red team"},
		"metadata": {"promptfooVersion": "0.120.0", "evaluationCreatedAt": "2025-11-01T10:00:00.000Z"}}`)
	return b.Bytes()
}

func TestPromptfooRedTeam(t *testing.T) {
	t.Parallel()
	run, err := read(t, redTeamExport(120), "")
	if err != nil {
		t.Fatal(err)
	}
	if !run.RedTeam || run.Name != "Support bot red team" || run.ToolVersion != "0.120.0" || run.Model != "openai:gpt-4o-mini" {
		t.Errorf("run %q %q %q red team %v", run.Name, run.ToolVersion, run.Model, run.RedTeam)
	}
	if run.Counts != (ingest.Counts{Total: 120, Passed: 80, Failed: 40}) || run.Guardrails != 40 {
		t.Errorf("counts %+v guardrails %d", run.Counts, run.Guardrails)
	}
	if len(run.Cases) != 3 || run.CasesMore != 37 {
		t.Errorf("%d cases kept, %d more; want 3 and 37", len(run.Cases), run.CasesMore)
	}
	if c := run.Cases[0]; c.Plugin != "harmful:hate" || c.Strategy != "basic" || c.Prompt != "attack 0" || c.Output != "answer 0" {
		t.Errorf("first case %+v", c)
	}
	m := metric(t, run, "harmful:hate", "pass_rate")
	if m.Total != 30 || m.Passed != 20 {
		t.Errorf("harmful:hate %+v", m)
	}
}

func TestGarakWithoutEnd(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	b.WriteString(`{"entry_type": "start_run setup", "plugins.model_type": "huggingface", "plugins.model_name": "gpt2", "transient.starttime_iso": "2024-05-01T10:00:00.5"}` + "\n")
	b.WriteString(`{"entry_type": "init", "garak_version": "0.9.0.13", "start_time": "2024-05-01T10:00:00.5", "run": "r"}` + "\n")
	b.WriteString(`{"entry_type": "attempt", "status": 2, "probe_classname": "dan.Dan_11_0", "prompt": "Hello DAN", "outputs": ["Sure, as DAN..."], "detector_results": {"dan.DAN": [1.0], "mitigation.MitigationBypass": [NaN]}, "goal": "disregard the system prompt"}` + "\n")
	b.WriteString(`{"entry_type": "eval", "probe": "dan.Dan_11_0", "detector": "dan.DAN", "passed": 0, "total": 1}`)
	run, err := read(t, b.Bytes(), "")
	if err != nil {
		t.Fatal(err)
	}
	if run.Model != "huggingface/gpt2" || run.ToolVersion != "0.9.0.13" || run.Status != ingest.StatusIncomplete || len(run.Notes) != 1 {
		t.Errorf("run %+v", run)
	}
	if len(run.Cases) != 1 || run.Cases[0].Prompt != "Hello DAN" || !strings.Contains(run.Cases[0].Reason, "dan.DAN") {
		t.Errorf("cases %+v", run.Cases)
	}
	if m := metric(t, run, "", "pass_rate"); m.Total != 1 || m.Passed != 0 {
		t.Errorf("overall %+v", m)
	}
}
