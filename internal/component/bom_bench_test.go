package component_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom/aibomtest"
	"github.com/aimsproject/aims/internal/system"
)

// BenchmarkImportBOM20MB imports a 20 MB BOM (about 62,000 components and as many dependencies) end to
// end: reading, schema validation, conversion and storing in one transaction. "new" imports it into a
// fresh organization, so that every component is created and linked; "again" imports it once more into
// the same system, so that every component is matched and found unchanged. It reports the peak heap
// above the level before the import (see aibomtest.HeapPeak) and the CPU time of the process (see aibomtest.CPUTime). Run it
// with
//
//	go test ./internal/system -run '^$' -bench ImportBOM20MB -benchtime 3x
//
// and with AIMS_TEST_POSTGRES_DSN set for PostgreSQL.
func BenchmarkImportBOM20MB(b *testing.B) {
	data := aibomtest.BigBOM(20 << 20)
	f := newBOMFixture(b)
	newSystem := func(b *testing.B, org *account.Organization) *system.System {
		s, err := f.systems.Create(f.ctx, org.ID, system.Fields{Name: "System " + aims.NewID(), Purpose: "Benchmark."})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	importInto := func(b *testing.B, orgID, systemID string) *component.BOMImport {
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
			stop, cpu0 := aibomtest.HeapPeak(), aibomtest.CPUTime()
			b.StartTimer()
			imp := importInto(b, org.ID, s.ID)
			b.StopTimer()
			cpu += aibomtest.CPUTime() - cpu0
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
			stop, cpu0 := aibomtest.HeapPeak(), aibomtest.CPUTime()
			b.StartTimer()
			imp := importInto(b, org.ID, s.ID)
			b.StopTimer()
			cpu += aibomtest.CPUTime() - cpu0
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
