package ingest_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/evaluation/ingest"
)

// TestAFileWithMoreMetricsThanARunKeepsIsRefused: the metrics are held while a file is read, so each
// reader refuses a file with more than MaxMetrics of them, naming the bound, whatever the format; at the
// bound the file is read.
func TestAFileWithMoreMetricsThanARunKeepsIsRefused(t *testing.T) {
	t.Parallel()
	var garak, lm, pf strings.Builder
	garak.WriteString(`{"entry_type": "init", "garak_version": "0.14.0", "start_time": "2026-11-01T10:00:00"}` + "\n")
	lm.WriteString(`{"results": {`)
	pf.WriteString(`{"evalId": "e", "results": {"version": 3, "results": [`)
	for i := range 3 {
		fmt.Fprintf(&garak, `{"entry_type": "eval", "probe": "p%d", "detector": "d", "passed": 9, "total_evaluated": 10}`+"\n", i)
		if i > 0 {
			lm.WriteString(", ")
			pf.WriteString(", ")
		}
		fmt.Fprintf(&lm, `"task%d": {"acc,none": 0.5, "acc_stderr,none": 0.01}`, i)
		fmt.Fprintf(&pf, `{"success": true, "metadata": {"pluginId": "harmful:p%d"}, "testCase": {"metadata": {"pluginId": "harmful:p%d"}}}`, i, i)
	}
	garak.WriteString(`{"entry_type": "digest"}` + "\n")
	lm.WriteString(`}, "config": {"model": "hf"}}`)
	pf.WriteString(`]}}`)
	for _, c := range []struct {
		format, file, says string
		fits, over         int
	}{
		{"garak", garak.String(), "The garak file holds more than 2 metrics", 3, 2},
		{"lm-eval", lm.String(), "The lm-eval file holds more than 2 metrics", 3, 2},
		{"promptfoo", pf.String(), "The promptfoo file holds more than 2 metrics", 3, 2},
	} {
		_, err := ingest.Read(strings.NewReader(c.file), c.format, ingest.Options{MaxMetrics: c.over})
		wantInvalid(t, err, c.says, "split the evaluation")
		if run, err := ingest.Read(strings.NewReader(c.file), c.format, ingest.Options{MaxMetrics: c.fits}); err != nil || len(run.Metrics) < c.fits {
			t.Errorf("%s at the bound: %v, %+v", c.format, err, run)
		}
	}
	insp := sampleBytes(t, "inspect_ai-log_read_sample.json")
	run, err := ingest.Read(bytes.NewReader(insp), "inspect", ingest.Options{})
	if err != nil || len(run.Metrics) < 2 {
		t.Fatalf("the Inspect sample: %v, %+v", err, run)
	}
	_, err = ingest.Read(bytes.NewReader(insp), "inspect", ingest.Options{MaxMetrics: len(run.Metrics) - 1})
	wantInvalid(t, err, "The Inspect file holds more than")
}

// TestLMEvalValuesThatAreNotNumbersAreReadPast: a task's objects and arrays (per-sample data some
// harness versions add) are read past without being held, and its numbers kept.
func TestLMEvalValuesThatAreNotNumbersAreReadPast(t *testing.T) {
	t.Parallel()
	file := `{"results": {"t": {"alias": "t", "samples": [[1, 2], {"a": [3]}], "acc,none": 0.75, "nested": {"x": {"y": 1}}, "acc_stderr,none": 0.1}}, "groups": {"t": {"acc,none": 0.1}}}`
	run, err := ingest.Read(strings.NewReader(file), "lm-eval", ingest.Options{})
	if err != nil || len(run.Metrics) != 1 || run.Metrics[0].Name != "acc,none" || run.Metrics[0].Value.V != 0.75 ||
		run.Metrics[0].Stderr == nil || run.Metrics[0].Stderr.V != 0.1 {
		t.Fatalf("%v, %+v", err, run)
	}
}
