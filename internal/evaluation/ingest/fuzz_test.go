package ingest_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evaluation/ingest"
)

// FuzzRead feeds the readers anything: they answer a run or an EINVALID error, never a panic or another
// error, whatever the format given.
func FuzzRead(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "evals", "*"))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "")
		f.Add(b[:len(b)/3], "")
	}
	f.Add([]byte(`{"results": {"t": {"acc": NaN, "acc_stderr": -Infinity}}}`), "lm-eval")
	f.Add([]byte("{\"entry_type\": \"eval\", \"probe\": \"x\", \"passed\": 1, \"total\": 2}\n"), "garak")
	f.Add([]byte(`{"version": 2, "status": "error", "eval": {"task": "t"}, "samples": [{"scores": {"m": {"value": "I"}}}]}`), "inspect")
	f.Add([]byte(`{"evalId": "x", "results": {"results": [{"success": false, "metadata": {"pluginId": "harmful:x"}}]}}`), "promptfoo")
	f.Fuzz(func(t *testing.T, b []byte, format string) {
		run, err := ingest.Read(bytes.NewReader(b), format, ingest.Options{MaxLine: 1 << 16, MaxCases: 5})
		if err != nil {
			if aims.ErrorCode(err) != aims.EINVALID {
				t.Fatalf("error %v (code %q), want EINVALID", err, aims.ErrorCode(err))
			}
			return
		}
		if run.Format == "" || len(run.Cases) > 5 || run.Counts.Total < 0 {
			t.Fatalf("run %+v", run)
		}
	})
}
