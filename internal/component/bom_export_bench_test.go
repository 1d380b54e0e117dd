package component_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/aimsproject/aims/internal/component/aibom/aibomtest"
)

// exportBOMData is a CycloneDX 1.6 BOM of n components shaped like aibomtest.BigBOM's (one model in ten
// with a model card, the rest libraries with a purl, a hash and a licence) and one dependency each.
func exportBOMData(n int) []byte {
	var b, deps bytes.Buffer
	b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
			deps.WriteByte(',')
		}
		if i%10 == 0 {
			fmt.Fprintf(&b, `{"bom-ref":"m%d","type":"machine-learning-model","name":"model-%d","version":"1.%d","licenses":[{"license":{"id":"Apache-2.0"}}],"modelCard":{"modelParameters":{"task":"text-classification"},"quantitativeAnalysis":{"performanceMetrics":[{"type":"accuracy","value":"0.9"}]}}}`, i, i, i)
		} else {
			fmt.Fprintf(&b, `{"bom-ref":"c%d","type":"library","group":"org.example","name":"lib-%d","version":"1.0.%d","purl":"pkg:maven/org.example/lib-%d@1.0.%d","hashes":[{"alg":"SHA-256","content":"%064x"}],"licenses":[{"license":{"id":"MIT"}}]}`, i, i, i, i, i, i)
		}
		ref := fmt.Sprintf("c%d", i)
		if i%10 == 0 {
			ref = fmt.Sprintf("m%d", i)
		}
		fmt.Fprintf(&deps, `{"ref":%q,"dependsOn":["m%d"]}`, ref, i/10*10)
	}
	b.WriteString(`],"dependencies":[`)
	b.Write(deps.Bytes())
	b.WriteString(`]}`)
	return b.Bytes()
}

// BenchmarkExportBOM100k exports the BOM of a system of 100,000 components (the import cap), each with
// what an import keeps beyond aims's fields (purl, hash, model card) and one dependency, and reports the
// peak heap above the level before the export (see aibomtest.HeapPeak). Run it with
//
//	go test ./internal/system -run '^$' -bench ExportBOM100k -benchtime 3x
//
// and with AIMS_TEST_POSTGRES_DSN set for PostgreSQL. Measured on 2 shared cores: in memory (the whole
// inventory, a CycloneDX value of it, its text and a schema tree of that text), 3.2 s, 400 to 435 MiB
// peak and 3.0 GB allocated on SQLite, 6.1 s and 397 MiB on PostgreSQL; streamed, 4.6 s, 141 MiB and
// 2.3 GB on SQLite, 15.8 s and 146 MiB on PostgreSQL, where each page of the walks is a scan and a sort
// for want of an index of components kind first (see store.SystemComponentsAfter): with one on
// (org_id, kind, name, component_version, id) and fresh statistics a page of 5,000 takes 11 ms, not 175.
func BenchmarkExportBOM100k(b *testing.B) {
	const n = 100_000
	f := newBOMFixture(b)
	imp, err := f.svc.ImportBOM(f.ctx, f.org.ID, f.sys.ID, bytes.NewReader(exportBOMData(n)), "big.json")
	if err != nil {
		b.Fatal(err)
	}
	if imp.Components != n {
		b.Fatalf("imported %d components, want %d", imp.Components, n)
	}
	b.ReportAllocs()
	var peak uint64
	var size int64
	for b.Loop() {
		b.StopTimer()
		stop := aibomtest.HeapPeak()
		b.StartTimer()
		w := &countingWriter{}
		if err := f.svc.ExportBOM(f.ctx, f.org.ID, f.sys.ID, "bench", w, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		peak = max(peak, stop())
		size = w.n
		b.StartTimer()
	}
	if size < n*100 {
		b.Fatalf("exported %d bytes for %d components", size, n)
	}
	b.SetBytes(size)
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// countingWriter discards what it is given and counts the bytes.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)
