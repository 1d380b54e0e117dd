package gctune_test

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/gctune"
)

func TestPercentGivesHeadroomButNeverLessThanTheDefault(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, gctune.MaxPercent},
		{1 << 20, gctune.MaxPercent}, // 64 MiB on 1 MiB would be 6400%
		{16 << 20, 400},              // 16 MiB may grow by 64 MiB
		{32 << 20, 200},
		{64 << 20, 100},
		{256 << 20, 100}, // a large heap collects as by default
	} {
		if got := gctune.Percent(c.live); got != c.want {
			t.Errorf("Percent(%d MiB) = %d, want %d", c.live>>20, got, c.want)
		}
	}
}

// Start sets the percentage after a collection; with GOGC in the environment it leaves it alone.
func TestStartTunesAfterACollectionUnlessGOGCIsSet(t *testing.T) {
	t.Setenv("GOGC", "100")
	if gctune.Start() {
		t.Fatal("Start tuned although GOGC was set")
	}
	t.Setenv("GOGC", "")
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)
	if !gctune.Start() {
		t.Fatal("Start did not start")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		// A test binary's live heap is a few MiB: the percentage goes above the default.
		s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
		if metrics.Read(s); s[0].Value.Uint64() > 100 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the GC percentage stayed at 100 after collections")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
