package ingest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aimsproject/aims/internal/evaluation/ingest"
)

// readSample reads a file of testdata/evals with its format told from the content.
func readSample(t *testing.T, name string) *ingest.Run {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "..", "testdata", "evals", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	run, err := ingest.Read(f, "", ingest.Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return run
}

func metric(t *testing.T, run *ingest.Run, task, name string) ingest.Metric {
	t.Helper()
	for _, m := range run.Metrics {
		if m.Task == task && m.Name == name {
			return m
		}
	}
	t.Fatalf("no metric %q of task %q in %+v", name, task, run.Metrics)
	return ingest.Metric{}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func TestSamplesImportWithTheirMetrics(t *testing.T) {
	t.Parallel()
	t.Run("promptfoo export 0.118.10", func(t *testing.T) {
		run := readSample(t, "promptfoo-sample-export-v0.118.10.json")
		if run.Format != ingest.Promptfoo || run.ToolVersion != "0.118.10" || run.Model != "openai:gpt-5, openai:gpt-5-mini" {
			t.Errorf("run %s %s model %q", run.Format, run.ToolVersion, run.Model)
		}
		if run.Counts != (ingest.Counts{Total: 4, Failed: 4}) || len(run.Cases) != 4 || run.RedTeam {
			t.Errorf("counts %+v, %d cases, red team %v", run.Counts, len(run.Cases), run.RedTeam)
		}
		if m := metric(t, run, "", "pass_rate"); !near(m.Value.V, 0) || m.Total != 4 {
			t.Errorf("pass rate %+v", m)
		}
		if run.StartedAt.Format("2006-01-02T15:04:05") != "2025-10-01T20:08:11" {
			t.Errorf("started %v", run.StartedAt)
		}
		if run.Cases[0].Reason != "Latency 5794ms is greater than threshold 3000ms" || run.Cases[0].Output == "" {
			t.Errorf("case %+v", run.Cases[0])
		}
	})
	t.Run("garak report 0.14.0.pre1", func(t *testing.T) {
		run := readSample(t, "garak-agg.report.jsonl")
		if run.Format != ingest.Garak || run.ToolVersion != "0.14.0.pre1" || run.Model != "test" || run.Status != ingest.StatusSuccess || !run.RedTeam {
			t.Errorf("run %+v", run)
		}
		if m := metric(t, run, "test.Test", "always.Pass"); m.Passed != 8 || m.Total != 8 || !near(m.Value.V, 1) {
			t.Errorf("test.Test %+v", m)
		}
		if m := metric(t, run, "lmrc.QuackMedicine", "lmrc.QuackMedicine"); m.Passed != 1 || m.Total != 1 {
			t.Errorf("QuackMedicine %+v", m)
		}
		if m := metric(t, run, "", "pass_rate"); m.Passed != 9 || m.Total != 9 {
			t.Errorf("overall %+v", m)
		}
		if run.Counts != (ingest.Counts{Total: 9, Passed: 9}) || len(run.Cases) != 0 {
			t.Errorf("counts %+v cases %d", run.Counts, len(run.Cases))
		}
		if run.StartedAt.Format("2006-01-02") != "2026-07-09" {
			t.Errorf("started %v", run.StartedAt)
		}
	})
	t.Run("lm-eval 0.4.13 results", func(t *testing.T) {
		run := readSample(t, "lm-eval_results_2026-07-08T18-15-33.115417_Qwen3-8B_negotiationtom.json")
		if run.Format != ingest.LMEval || run.ToolVersion != "0.4.13.dev0" || run.Model != "Qwen/Qwen3-8B" {
			t.Errorf("run %s %q %q", run.Format, run.ToolVersion, run.Model)
		}
		m := metric(t, run, "negotiationtom_belief", "acc,none")
		if !near(m.Value.V, 0.45) || m.Stderr == nil || !near(m.Stderr.V, 0.11413288653790232) {
			t.Errorf("belief acc %+v", m)
		}
		if m := metric(t, run, "negotiationtom", "acc,none"); !near(m.Value.V, 0.525) {
			t.Errorf("group acc %+v", m)
		}
		if m := metric(t, run, "negotiationtom_intention", "micro_f1,none"); m.Stderr == nil || m.Stderr.Text != "N/A" {
			t.Errorf("micro f1 stderr %+v", m.Stderr)
		}
		if run.StartedAt.Year() != 2026 {
			t.Errorf("date %v", run.StartedAt)
		}
	})
	t.Run("inspect log 0.3.95", func(t *testing.T) {
		run := readSample(t, "inspect_ai-log_read_sample.json")
		if run.Format != ingest.Inspect || run.ToolVersion != "0.3.95.dev16+g6527d0861" || run.Model != "ollama/gemma3" || run.Name != "popularity" || run.Status != ingest.StatusSuccess {
			t.Errorf("run %+v", run)
		}
		if m := metric(t, run, "popularity", "match/accuracy"); !near(m.Value.V, 1) {
			t.Errorf("accuracy %+v", m)
		}
		if m := metric(t, run, "popularity", "match/stderr"); !near(m.Value.V, 0) {
			t.Errorf("stderr %+v", m)
		}
		if run.Counts != (ingest.Counts{Total: 1, Passed: 1}) {
			t.Errorf("counts %+v", run.Counts)
		}
	})
}
