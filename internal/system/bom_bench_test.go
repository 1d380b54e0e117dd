package system_test

import (
	"bytes"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/system"
)

// bigBOM builds a CycloneDX 1.6 BOM of about size bytes, shaped like the one of aibom's BenchmarkParse20MB:
// one model in ten (with a model card naming a data set), the rest libraries with a purl, a hash and a
// licence, and one dependency per component.
func bigBOM(size int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79","version":1,"components":[`)
	var deps bytes.Buffer
	for i := 0; b.Len()+deps.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
			deps.WriteByte(',')
		}
		if i%10 == 0 {
			fmt.Fprintf(&b, `{"bom-ref":"m%d","type":"machine-learning-model","name":"model-%d","version":"1.%d","licenses":[{"license":{"id":"Apache-2.0"}}],"modelCard":{"modelParameters":{"task":"text-classification","datasets":[{"ref":"d%d"}]},"quantitativeAnalysis":{"performanceMetrics":[{"type":"accuracy","value":"0.9"}]}}}`, i, i, i, i)
		} else {
			fmt.Fprintf(&b, `{"bom-ref":"c%d","type":"library","group":"org.example","name":"lib-%d","version":"1.0.%d","purl":"pkg:maven/org.example/lib-%d@1.0.%d","hashes":[{"alg":"SHA-256","content":"%064x"}],"licenses":[{"license":{"id":"MIT"}}]}`, i, i, i, i, i, i)
		}
		fmt.Fprintf(&deps, `{"ref":"c%d","dependsOn":["m%d"]}`, i, i/10*10)
	}
	b.WriteString(`],"dependencies":[`)
	b.Write(deps.Bytes())
	b.WriteString(`]}`)
	return b.Bytes()
}

// BenchmarkImportBOM20MB imports a 20 MB BOM (about 62,000 components and as many dependencies) end to
// end: reading, schema validation, conversion and storing in one transaction. "new" imports it into a
// fresh organization, so that every component is created and linked; "again" imports it once more into
// the same system, so that every component is matched and found unchanged. It reports the peak heap
// above the level before the import (see heapPeak) and the CPU time of the process (see cpuTime). Run it
// with
//
//	go test ./internal/system -run '^$' -bench ImportBOM20MB -benchtime 3x
//
// and with AIMS_TEST_POSTGRES_DSN set for PostgreSQL.
func BenchmarkImportBOM20MB(b *testing.B) {
	data := bigBOM(20 << 20)
	f := newBOMFixture(b)
	newSystem := func(b *testing.B, org *account.Organization) *system.System {
		s, err := f.svc.Create(f.ctx, org.ID, system.Fields{Name: "System " + aims.NewID(), Purpose: "Benchmark."})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	importInto := func(b *testing.B, orgID, systemID string) *system.BOMImport {
		imp, err := f.svc.ImportBOM(f.ctx, orgID, systemID, bytes.NewReader(data), "big.json")
		if err != nil {
			b.Fatal(err)
		}
		return imp
	}
	b.Run("new", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		var peak uint64
		var cpu time.Duration
		for b.Loop() {
			b.StopTimer()
			org := &account.Organization{Slug: "o" + strings.ToLower(aims.NewID()), Name: "Bench"}
			if err := f.db.CreateOrganization(f.ctx, org); err != nil {
				b.Fatal(err)
			}
			s := newSystem(b, org)
			stop, cpu0 := heapPeak(), cpuTime()
			b.StartTimer()
			imp := importInto(b, org.ID, s.ID)
			b.StopTimer()
			cpu += cpuTime() - cpu0
			peak = max(peak, stop())
			if imp.Stats.Created != imp.Components || imp.Stats.Linked != imp.Components {
				b.Fatalf("stats = %+v for %d components", imp.Stats, imp.Components)
			}
			b.StartTimer()
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	})
	b.Run("again", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		org := &account.Organization{Slug: "o" + strings.ToLower(aims.NewID()), Name: "Bench"}
		if err := f.db.CreateOrganization(f.ctx, org); err != nil {
			b.Fatal(err)
		}
		s := newSystem(b, org)
		importInto(b, org.ID, s.ID)
		var peak uint64
		var cpu time.Duration
		for b.Loop() {
			b.StopTimer()
			stop, cpu0 := heapPeak(), cpuTime()
			b.StartTimer()
			imp := importInto(b, org.ID, s.ID)
			b.StopTimer()
			cpu += cpuTime() - cpu0
			peak = max(peak, stop())
			if imp.Stats.Unchanged != imp.Components || imp.Stats.Linked != 0 {
				b.Fatalf("stats = %+v for %d components", imp.Stats, imp.Components)
			}
			b.StartTimer()
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	})
}

// cpuTime is the CPU time (user and system) this process has used so far. With the ns/op of a run it
// tells how much of an import ran in parallel, and it is what an import costs when other processes
// share the machine. It does not count what a PostgreSQL server spends.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// heapPeak samples the bytes of live and not yet swept heap objects every millisecond until the
// returned function is called, which returns the highest sample above the level at the start (the
// input and the fixture), that is about the peak heap of what ran in between.
func heapPeak() func() uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var top uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				metrics.Read(s)
				top = max(top, s[0].Value.Uint64())
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		if top < base {
			return 0
		}
		return top - base
	}
}
