package web_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/storetest"
)

// BenchmarkActivityTrail measures what viewing a long trail costs: GET /activity without checkpoints, with
// a signed checkpoint, and GET /api/v1/activity/checkpoint, over a trail of AIMS_BENCH_TRAIL entries
// (200,000 by default). first-view-ms is the first request after start-up (a full pass over the trail);
// ns/op is a view after it; peak-heap-MB is the largest live heap seen while the requests ran, less the heap
// before them.
func BenchmarkActivityTrail(b *testing.B) {
	n := 200_000
	if s := os.Getenv("AIMS_BENCH_TRAIL"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatalf("AIMS_BENCH_TRAIL: %v", err)
		}
	}
	f := apptest.New(b)
	org := f.Org(b, "acme")
	auditor := newUser(b, f, "auditor@example.com", org, aims.RoleAuditor)
	if err := storetest.AppendTrail(f.Ctx, f.DB, org.ID, n); err != nil {
		b.Fatal(err)
	}
	total := activityCount(b, f, org.ID)
	if total < int64(n) {
		b.Fatalf("the trail has %d entries, want at least %d", total, n)
	}
	br := browserAs(b, f, auditor, org)
	br.hc.Timeout = 0
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	cps := &activity.Checkpoints{Dir: activity.CheckpointDir(b.TempDir()), Key: key, Interval: time.Hour}
	if _, _, err := cps.Write(f.Ctx, f.DB, org.ID, org.Slug, time.Now()); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name, path, want string
		checkpoints      bool
	}{
		{"page", "/activity", "The trail is intact.", false},
		{"page with checkpoint", "/activity", "The trail extends the last signed checkpoint.", true},
		{"api checkpoint", "/api/v1/activity/checkpoint", `"extends":true`, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			f.Web.Checkpoints, f.API.Checkpoints = nil, nil
			if c.checkpoints {
				f.Web.Checkpoints, f.API.Checkpoints = cps, cps
			}
			get := func() {
				p := br.get(c.path)
				if p.Status != http.StatusOK || !strings.Contains(p.Body, c.want) {
					b.Fatalf("GET %s: %d without %q:\n%.2000s", c.path, p.Status, c.want, p.Body)
				}
			}
			// A new process: the first view reads the whole trail, the next ones read on from where it ended.
			f.Web.Trails = &activity.Monitor{Reader: f.DB}
			f.API.Trails = f.Web.Trails
			stop := watchHeap()
			start := time.Now()
			get()
			first := time.Since(start)
			b.ResetTimer()
			for b.Loop() {
				get()
			}
			b.StopTimer()
			b.ReportMetric(float64(first.Milliseconds()), "first-view-ms")
			b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MB")
		})
	}
}

// watchHeap samples the live heap every millisecond until the returned function is called, which returns
// the largest sample less the heap at the start.
func watchHeap() func() uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if v := read(); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		if p := peak.Load(); p > base {
			return p - base
		}
		return 0
	}
}
