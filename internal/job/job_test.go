package job_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/job"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func enqueue(t *testing.T, db *store.DB, n int, kind string) []string {
	t.Helper()
	var ids []string
	for i := range n {
		j := &job.Job{Kind: kind, Payload: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))}
		if err := db.EnqueueJob(context.Background(), j); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	return ids
}

// counter counts each job's runs.
type counter struct {
	mu   sync.Mutex
	runs map[string]int
}

func (c *counter) handler(delay time.Duration) job.Handler {
	return func(ctx context.Context, j *job.Job) error {
		time.Sleep(delay)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.runs[j.ID]++
		return nil
	}
}

func (c *counter) check(t *testing.T, ids []string) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		if c.runs[id] != 1 {
			t.Errorf("job %s ran %d times, want once", id, c.runs[id])
		}
	}
	if len(c.runs) != len(ids) {
		t.Errorf("%d jobs ran, want %d", len(c.runs), len(ids))
	}
}

func waitDone(t *testing.T, db *store.DB, want int) {
	t.Helper()
	w, _ := db.Pools()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := w.QueryRow(`SELECT count(*) FROM jobs WHERE status = 'done'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == want {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the jobs did not finish in time")
}

// TestTwoWorkersRunEachJobOnceAcrossARestart: two workers share a queue of 300 jobs; one is stopped part
// way and a new one started, as in a rolling restart; every job runs exactly once.
func TestTwoWorkersRunEachJobOnceAcrossARestart(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ids := enqueue(t, db, 300, "count")
	c := &counter{runs: map[string]int{}}
	handlers := map[string]job.Handler{"count": c.handler(5 * time.Millisecond)}
	start := func() (context.CancelFunc, chan struct{}) {
		w := job.New(db, handlers, nil)
		w.Poll, w.Batch = 10*time.Millisecond, 5
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { w.Run(ctx); close(done) }()
		return cancel, done
	}
	stopA, doneA := start()
	stopB, doneB := start()
	time.Sleep(50 * time.Millisecond) // part of the queue is done
	stopA()
	<-doneA // jobs it had started have finished and are recorded
	c.mu.Lock()
	ran := len(c.runs)
	c.mu.Unlock()
	if ran == 0 || ran >= len(ids) {
		t.Fatalf("%d of %d jobs had run when the first worker stopped: the test stops it too early or too late", ran, len(ids))
	}
	stopC, doneC := start()
	waitDone(t, db, len(ids))
	stopB()
	stopC()
	<-doneB
	<-doneC
	c.check(t, ids)
}

// TestAFailedAttemptIsRetriedLaterAndAPermanentOneIsNot: a failure queues the job again with a backoff and
// its error recorded; a permanent failure, or the last attempt, ends it as failed.
func TestAFailedAttemptIsRetriedLaterAndAPermanentOneIsNot(t *testing.T) {
	t.Parallel()
	clk := &clock{now: time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)}
	o := storetest.Options(t)
	o.Clock = clk.Now
	db := storetest.OpenWith(t, o)
	var calls atomic.Int32
	handlers := map[string]job.Handler{
		"flaky": func(ctx context.Context, j *job.Job) error {
			if calls.Add(1) == 1 {
				return errors.New("connection refused")
			}
			return nil
		},
		"broken": func(ctx context.Context, j *job.Job) error {
			return &job.Permanent{Err: errors.New("the webhook is gone")}
		},
		"always": func(ctx context.Context, j *job.Job) error { return errors.New("503") },
	}
	w := job.New(db, handlers, nil)
	w.Now = clk.Now
	flaky := enqueue(t, db, 1, "flaky")[0]
	broken := enqueue(t, db, 1, "broken")[0]
	always := &job.Job{Kind: "always", Payload: json.RawMessage(`{}`), MaxAttempts: 2}
	if err := db.EnqueueJob(context.Background(), always); err != nil {
		t.Fatal(err)
	}
	if n, err := w.RunOnce(context.Background()); err != nil || n != 3 {
		t.Fatalf("first pass ran %d jobs: %v", n, err)
	}
	state := func(id string) (status, lastErr string, attempts int) {
		t.Helper()
		wp, _ := db.Pools()
		q := `SELECT status, last_error, attempts FROM jobs WHERE id = ?`
		if db.Dialect() == store.Postgres {
			q = `SELECT status, last_error, attempts FROM jobs WHERE id = $1`
		}
		if err := wp.QueryRow(q, id).Scan(&status, &lastErr, &attempts); err != nil {
			t.Fatal(err)
		}
		return
	}
	if s, e, a := state(flaky); s != job.Queued || e != "connection refused" || a != 1 {
		t.Errorf("the flaky job after one failure: %s %q %d", s, e, a)
	}
	if s, e, _ := state(broken); s != job.Failed || e != "the webhook is gone" {
		t.Errorf("the broken job: %s %q", s, e)
	}
	if n, _ := w.RunOnce(context.Background()); n != 0 {
		t.Errorf("%d jobs ran again before their backoff", n)
	}
	clk.Add(time.Minute)
	if n, _ := w.RunOnce(context.Background()); n != 2 {
		t.Errorf("%d jobs ran after the backoff, want 2", n)
	}
	if s, _, a := state(flaky); s != job.Done || a != 2 {
		t.Errorf("the flaky job after its retry: %s, %d attempts", s, a)
	}
	if s, _, a := state(always.ID); s != job.Failed || a != 2 {
		t.Errorf("the job out of attempts: %s, %d attempts", s, a)
	}
}

// TestALapsedLeaseIsTakenOver: a worker that holds a job past its lease (it died, or hangs) loses it to
// another, and its late report is refused.
func TestALapsedLeaseIsTakenOver(t *testing.T) {
	t.Parallel()
	clk := &clock{now: time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)}
	o := storetest.Options(t)
	o.Clock = clk.Now
	db := storetest.OpenWith(t, o)
	id := enqueue(t, db, 1, "x")[0]
	ctx := context.Background()
	a, err := db.ClaimJobs(ctx, "a", clk.Now(), time.Minute, 10)
	if err != nil || len(a) != 1 || a[0].ID != id || a[0].Attempts != 1 {
		t.Fatalf("a claims %+v, %v", a, err)
	}
	if b, _ := db.ClaimJobs(ctx, "b", clk.Now(), time.Minute, 10); len(b) != 0 {
		t.Fatalf("b claimed a leased job")
	}
	clk.Add(2 * time.Minute)
	b, err := db.ClaimJobs(ctx, "b", clk.Now(), time.Minute, 10)
	if err != nil || len(b) != 1 || b[0].Attempts != 2 {
		t.Fatalf("b after the lease ran out: %+v, %v", b, err)
	}
	if err := db.FinishJob(ctx, id, "a", job.Done, "", time.Time{}, clk.Now()); !errors.Is(err, job.ErrLeaseLost) {
		t.Errorf("a's late report: %v, want ErrLeaseLost", err)
	}
	if err := db.FinishJob(ctx, id, "b", job.Done, "", time.Time{}, clk.Now()); err != nil {
		t.Errorf("b's report: %v", err)
	}
}
