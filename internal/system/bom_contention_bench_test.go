package system_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/aibom/aibomtest"
)

// BenchmarkImportBOMOtherOrgWrites imports a 20 MB BOM (about 62,000 components, all created and linked)
// into one organization while, every 10 ms, a new goroutine creates one component in another
// organization (the small write a person makes), and reports the latency of those writes: p50, p99 and
// max in ms, and how many ran. A long import must not hold the one writer so long that other organizations wait. Run it
// with
//
//	go test ./internal/system -run '^$' -bench ImportBOMOtherOrgWrites -benchtime 3x
//
// and with AIMS_TEST_POSTGRES_DSN set for PostgreSQL.
func BenchmarkImportBOMOtherOrgWrites(b *testing.B) {
	data := aibomtest.BigBOM(20 << 20)
	f := newBOMFixture(b)
	other := &account.Organization{Slug: "other" + strings.ToLower(aims.NewID()), Name: "Other"}
	if err := f.db.CreateOrganization(f.ctx, other); err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	var took time.Duration
	for b.Loop() {
		b.StopTimer()
		org := &account.Organization{Slug: "o" + strings.ToLower(aims.NewID()), Name: "Bench"}
		if err := f.db.CreateOrganization(f.ctx, org); err != nil {
			b.Fatal(err)
		}
		s, err := f.svc.Create(f.ctx, org.ID, system.Fields{Name: "System", Purpose: "Benchmark."})
		if err != nil {
			b.Fatal(err)
		}
		stop, done := make(chan struct{}), make(chan []time.Duration)
		go func() {
			// The writes start on a schedule, each in its own goroutine as each request of a server has
			// its own, and a write's latency runs from its start to its end: a write that waits for the
			// writer counts the wait, and does not delay the next write's start (which would hide the
			// wait of the writes that were due meanwhile).
			var ls []time.Duration
			var mu sync.Mutex
			var wg sync.WaitGroup
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			for i := 0; ; i++ {
				select {
				case <-stop:
					wg.Wait()
					done <- ls
					return
				case <-tick.C:
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					t0 := time.Now()
					_, err := f.svc.CreateComponent(f.ctx, other.ID, system.ComponentFields{Kind: "tool", Name: fmt.Sprintf("tool-%s-%d", aims.NewID(), i)})
					if err != nil {
						b.Error(err)
					}
					mu.Lock()
					ls = append(ls, time.Since(t0))
					mu.Unlock()
				}()
			}
		}()
		time.Sleep(50 * time.Millisecond) // writes before the import starts, as a baseline
		b.StartTimer()
		t0 := time.Now()
		imp, err := f.svc.ImportBOM(f.ctx, org.ID, s.ID, bytes.NewReader(data), "big.json")
		took += time.Since(t0)
		b.StopTimer()
		close(stop)
		ls := <-done
		if err != nil {
			b.Fatal(err)
		}
		if imp.Stats.Created != imp.Components || imp.Stats.Linked != imp.Components || imp.Components < 60000 {
			b.Fatalf("stats = %+v for %d components", imp.Stats, imp.Components)
		}
		lat = append(lat, ls...)
		b.StartTimer()
	}
	if len(lat) < 20*b.N {
		b.Fatalf("only %d writes in the other organization during %d imports", len(lat), b.N)
	}
	slices.Sort(lat)
	at := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1])/float64(time.Millisecond), "max-ms")
	b.ReportMetric(float64(len(lat))/float64(b.N), "writes/op")
	b.ReportMetric(took.Seconds()/float64(b.N), "import-s/op")
}
