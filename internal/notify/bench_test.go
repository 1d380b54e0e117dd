package notify_test

import (
	"testing"
	"time"
)

// BenchmarkDeliverAThousandWebhooks queues 1,000 deliveries and measures how long two workers take to
// deliver them all to a local listener, each exactly once. Run it with
//
//	go test ./internal/notify -run '^$' -bench DeliverAThousand -benchtime 3x
func BenchmarkDeliverAThousandWebhooks(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b)
		hook := startBenchReceiver(b)
		queueDeliveries(b, e, hook, 1000)
		b.StartTimer()
		start := time.Now()
		stop := runWorkers(e, 2)
		waitReceived(b, hook, 1000)
		took := time.Since(start)
		stop()
		b.StopTimer()
		seen := map[string]int{}
		for _, d := range hook.received() {
			seen[d.header.Get("Aims-Delivery")]++
		}
		for id, n := range seen {
			if n != 1 {
				b.Fatalf("delivery %s received %d times", id, n)
			}
		}
		if len(seen) != 1000 {
			b.Fatalf("%d deliveries received, want 1,000", len(seen))
		}
		b.ReportMetric(took.Seconds(), "s/1000-deliveries")
		b.StartTimer()
	}
}
