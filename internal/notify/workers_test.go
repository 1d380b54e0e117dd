package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/job"
	"github.com/aimsproject/aims/internal/notify"
)

// queueDeliveries makes a webhook to hook and queues n test deliveries to it.
func queueDeliveries(t testing.TB, e *env, hook *receiver, n int) {
	t.Helper()
	admin, _ := e.member(t, "admin@lumen.example", aims.RoleAdmin)
	wh, err := e.sv.Notify.CreateWebhook(admin, e.org.ID, notify.NewWebhook{URL: hook.URL, Events: []string{"task.created"}})
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		if _, err := e.sv.Notify.TestWebhook(admin, e.org.ID, wh.ID); err != nil {
			t.Fatal(err)
		}
	}
}

// runWorkers starts n workers over e's queue and returns a function that stops them, waiting for the
// jobs they started.
func runWorkers(e *env, n int) func() {
	var stops []func()
	for range n {
		w := job.New(e.db, e.sender.Handlers(), nil)
		w.Poll, w.Batch = 10*time.Millisecond, 10
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { w.Run(ctx); close(done) }()
		stops = append(stops, func() { cancel(); <-done })
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}

// waitReceived waits until hook has n requests.
func waitReceived(t testing.TB, hook *receiver, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for len(hook.received()) < n && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

// TestAWorkerRestartLosesAndDoublesNoDelivery: two workers deliver 300 queued events to a listener; one
// is stopped part way, as a deploy stops a replica, and another started; the listener receives each
// delivery exactly once.
func TestAWorkerRestartLosesAndDoublesNoDelivery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hook := startReceiver(t)
	queueDeliveries(t, e, hook, 300)
	stopFirst := runWorkers(e, 1)
	stopSecond := runWorkers(e, 1)
	for len(hook.received()) < 50 {
		time.Sleep(time.Millisecond)
	}
	stopFirst()
	if n := len(hook.received()); n >= 300 {
		t.Fatalf("all %d deliveries were made before the restart: the test restarts too late", n)
	}
	stopThird := runWorkers(e, 1)
	waitReceived(t, hook, 300)
	time.Sleep(50 * time.Millisecond) // a doubled delivery would arrive now
	stopSecond()
	stopThird()
	seen := map[string]int{}
	for _, d := range hook.received() {
		seen[d.header.Get("Aims-Delivery")]++
	}
	if len(seen) != 300 {
		t.Errorf("%d distinct deliveries received, want 300", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("delivery %s received %d times", id, n)
		}
	}
}
