package ingest_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/evaluation/ingest"
)

// inspectArchive lays out the sample JSON log of testdata/evals as Inspect writes its .eval form: a zip
// of header.json (the log without samples), samples/<id>_epoch_<n>.json, summaries.json and the journal.
// The sample's one sample is written n times with ids 1..n; those whose id fails(id) score "I". Without
// header, the archive is that of a run still going (the journal only).
func inspectArchive(t *testing.T, n int, fails func(id int) bool, header bool) []byte {
	t.Helper()
	var log map[string]json.RawMessage
	if err := json.Unmarshal(sampleBytes(t, "inspect_ai-log_read_sample.json"), &log); err != nil {
		t.Fatal(err)
	}
	var samples []map[string]json.RawMessage
	if err := json.Unmarshal(log["samples"], &samples); err != nil {
		t.Fatal(err)
	}
	delete(log, "samples")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name string, v any) {
		t.Helper()
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.NewEncoder(w).Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	put("_journal/start.json", map[string]json.RawMessage{"version": log["version"], "eval": log["eval"], "plan": log["plan"]})
	var summaries []map[string]any
	for id := 1; id <= n; id++ {
		s := map[string]json.RawMessage{}
		for k, v := range samples[0] {
			s[k] = v
		}
		s["id"] = json.RawMessage(fmt.Sprint(id))
		if fails(id) {
			s["scores"] = json.RawMessage(`{"match": {"value": "I", "answer": "no", "explanation": "wrong"}}`)
		}
		put(fmt.Sprintf("samples/%d_epoch_1.json", id), s)
		summaries = append(summaries, map[string]any{"id": id, "epoch": 1})
	}
	if header {
		put("summaries.json", summaries)
		put("header.json", log)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestInspectEvalArchivesImportLikeTheirJSON: the .eval form of a log (Inspect's default) is told from
// its content and reads as its JSON form does: the same model, task, version, date, status and metrics,
// with each sample file counted and the failing ones kept as cases; a run that did not finish (journal
// only) imports as incomplete with what it has; broken archives are refused naming what is wrong.
func TestInspectEvalArchivesImportLikeTheirJSON(t *testing.T) {
	t.Parallel()
	asJSON, err := read(t, sampleBytes(t, "inspect_ai-log_read_sample.json"), "")
	if err != nil {
		t.Fatal(err)
	}
	archive := inspectArchive(t, 5, func(id int) bool { return id == 2 || id == 4 }, true)
	run, err := read(t, archive, "")
	if err != nil {
		t.Fatal(err)
	}
	if run.Format != ingest.Inspect || run.Model != asJSON.Model || run.Name != asJSON.Name || run.ToolVersion != asJSON.ToolVersion ||
		!run.StartedAt.Equal(asJSON.StartedAt) || run.Status != ingest.StatusSuccess {
		t.Errorf("the archive read as %s %q %q %q %v %s; the JSON as %q %q %q %v", run.Format, run.Model, run.Name, run.ToolVersion,
			run.StartedAt, run.Status, asJSON.Model, asJSON.Name, asJSON.ToolVersion, asJSON.StartedAt)
	}
	if run.Counts != (ingest.Counts{Total: 5, Passed: 3, Failed: 2}) || len(run.Cases) != 2 || !strings.Contains(run.Cases[0].Reason, "match scored \"I\": wrong") {
		t.Errorf("counts %+v, cases %+v", run.Counts, run.Cases)
	}
	for _, m := range asJSON.Metrics {
		if m.Name == "pass_rate" {
			continue
		}
		if !slices.ContainsFunc(run.Metrics, func(a ingest.Metric) bool { return a.Task == m.Task && a.Name == m.Name && a.Value == m.Value }) {
			t.Errorf("the archive lacks the metric %+v of the JSON log: %+v", m, run.Metrics)
		}
	}
	if m := metric(t, run, "", "pass_rate"); !near(m.Value.V, 0.6) || m.Total != 5 {
		t.Errorf("pass rate %+v", m)
	}
	if _, err := read(t, archive, "promptfoo"); err == nil {
		t.Error("an archive read as promptfoo")
	}

	started, err := read(t, inspectArchive(t, 2, func(int) bool { return false }, false), "inspect")
	if err != nil {
		t.Fatal(err)
	}
	if started.Status != ingest.StatusIncomplete || started.Counts.Total != 2 || len(started.Notes) == 0 || !strings.Contains(started.Notes[0], "did not finish") {
		t.Errorf("a run still going: %s %+v %v", started.Status, started.Counts, started.Notes)
	}

	t.Run("a truncated archive", func(t *testing.T) {
		_, err := read(t, archive[:len(archive)/2], "")
		wantInvalid(t, err, "zip archive", "truncated")
	})
	t.Run("a zip that is not an Inspect log", func(t *testing.T) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("notes.txt")
		w.Write([]byte("hello"))
		zw.Close()
		_, err := read(t, buf.Bytes(), "")
		wantInvalid(t, err, "neither header.json nor _journal/start.json")
	})
	t.Run("a sample that is not JSON names its entry", func(t *testing.T) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
		if err != nil {
			t.Fatal(err)
		}
		for _, zf := range zr.File {
			w, _ := zw.Create(zf.Name)
			if zf.Name == "samples/3_epoch_1.json" {
				w.Write([]byte(`{"id": 3, "scores": {oops}}`))
				continue
			}
			rc, _ := zf.Open()
			var b bytes.Buffer
			b.ReadFrom(rc)
			rc.Close()
			w.Write(b.Bytes())
		}
		zw.Close()
		_, err = read(t, buf.Bytes(), "")
		wantInvalid(t, err, "samples/3_epoch_1.json in the .eval archive")
	})
}

var update = flag.Bool("update", false, "rewrite testdata/evals/inspect_ai-log_read_sample.eval")

// TestTheEvalSampleIsTheArchiveOfTheJSONSample keeps testdata/evals/inspect_ai-log_read_sample.eval, which
// the API, CLI and web tests import, the archive inspectArchive lays out of the JSON sample (3 samples,
// the second failing): go test ./internal/evaluation/ingest -run EvalSample -update rewrites it.
func TestTheEvalSampleIsTheArchiveOfTheJSONSample(t *testing.T) {
	t.Parallel()
	want := inspectArchive(t, 3, func(id int) bool { return id == 2 }, true)
	path := filepath.Join("..", "..", "..", "testdata", "evals", "inspect_ai-log_read_sample.eval")
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not the archive of the JSON sample: run this test with -update", path)
	}
	run := readSample(t, "inspect_ai-log_read_sample.eval")
	if run.Format != ingest.Inspect || run.Counts != (ingest.Counts{Total: 3, Passed: 2, Failed: 1}) {
		t.Errorf("the .eval sample: %s %+v", run.Format, run.Counts)
	}
}
