package component_test

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
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom/aibomtest"
	"github.com/aimsproject/aims/internal/system"
)

// BenchmarkImportBOMOtherOrgWrites imports a 20 MB BOM (about 62,000 components, all created and linked)
// into one organization while, every 10 ms, a new goroutine creates one component in another
// organization (the small write a person makes), and reports the latency of those writes: p50, p99 and
// max in ms, and how many ran. A long import must not hold the one writer so long that other
// organizations wait. For comparison it reports idle-p50-ms and idle-p99-ms, the same writes for a
// second before each import, with nothing else running: on a busy machine both grow. Run it with
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
	n := 0
	// writes creates a component in other every 10 ms until stop is closed, then returns the latencies.
	// The writes start on a schedule, each in its own goroutine as each request of a server has its own,
	// and a write's latency runs from its start to its end: a write that waits for the writer counts the
	// wait, and does not delay the next write's start (which would hide the wait of the writes that were
	// due meanwhile).
	writes := func(stop <-chan struct{}) []time.Duration {
		var ls []time.Duration
		var mu sync.Mutex
		var wg sync.WaitGroup
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				wg.Wait()
				return ls
			case <-tick.C:
			}
			n++
			name := fmt.Sprintf("tool-%d", n)
			wg.Add(1)
			go func() {
				defer wg.Done()
				t0 := time.Now()
				if _, err := f.svc.CreateComponent(f.ctx, other.ID, component.ComponentFields{Kind: "tool", Name: name}); err != nil {
					b.Error(err)
				}
				mu.Lock()
				ls = append(ls, time.Since(t0))
				mu.Unlock()
			}()
		}
	}
	background := func() (stop func() []time.Duration) {
		ch, done := make(chan struct{}), make(chan []time.Duration)
		go func() { done <- writes(ch) }()
		return func() []time.Duration {
			close(ch)
			return <-done
		}
	}
	var lat, idle []time.Duration
	var took time.Duration
	for b.Loop() {
		b.StopTimer()
		org := &account.Organization{Slug: "o" + strings.ToLower(aims.NewID()), Name: "Bench"}
		if err := f.db.CreateOrganization(f.ctx, org); err != nil {
			b.Fatal(err)
		}
		s, err := f.systems.Create(f.ctx, org.ID, system.Fields{Name: "System", Purpose: "Benchmark."})
		if err != nil {
			b.Fatal(err)
		}
		stop := background()
		time.Sleep(time.Second)
		idle = append(idle, stop()...)

		stop = background()
		b.StartTimer()
		t0 := time.Now()
		imp, err := f.svc.ImportBOM(f.ctx, org.ID, s.ID, bytes.NewReader(data), "big.json")
		took += time.Since(t0)
		b.StopTimer()
		ls := stop()
		if err != nil {
			b.Fatal(err)
		}
		if imp.Stats.Created != imp.Components || imp.Stats.Linked != imp.Components || imp.Components < 60000 {
			b.Fatalf("stats = %+v for %d components", imp.Stats, imp.Components)
		}
		lat = append(lat, ls...)
		b.StartTimer()
	}
	if len(lat) < 20*b.N || len(idle) < 20*b.N {
		b.Fatalf("only %d writes in the other organization during %d imports (%d idle)", len(lat), b.N, len(idle))
	}
	at := func(ls []time.Duration, p float64) float64 {
		slices.Sort(ls)
		return float64(ls[min(len(ls)-1, int(p*float64(len(ls))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(lat, 0.50), "p50-ms")
	b.ReportMetric(at(lat, 0.99), "p99-ms")
	b.ReportMetric(at(lat, 1), "max-ms")
	b.ReportMetric(at(idle, 0.50), "idle-p50-ms")
	b.ReportMetric(at(idle, 0.99), "idle-p99-ms")
	b.ReportMetric(float64(len(lat))/float64(b.N), "writes/op")
	b.ReportMetric(took.Seconds()/float64(b.N), "import-s/op")
}
