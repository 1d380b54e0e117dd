// Package job runs aims's outbound work (webhook deliveries, e-mail) out of band: a job is a row in the
// jobs table, written in the same transaction as the change that causes it, and claimed by a worker with
// a lease, so that it survives restarts, runs on one replica at a time, and never makes a request wait.
package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/aimsproject/aims"
)

// Job states.
const (
	Queued  = "queued"
	Running = "running"
	Done    = "done"
	Failed  = "failed"
)

// Job is one piece of outbound work.
type Job struct {
	ID          string          `json:"id"`
	OrgID       string          `json:"org_id"`
	Kind        string          `json:"kind"`
	Payload     json.RawMessage `json:"payload"`
	Status      string          `json:"status"`
	Attempts    int             `json:"attempts"`
	MaxAttempts int             `json:"max_attempts"`
	RunAt       time.Time       `json:"run_at"`
	LeaseOwner  string          `json:"-"`
	LeaseUntil  *time.Time      `json:"-"`
	LastError   string          `json:"last_error,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	DoneAt      *time.Time      `json:"done_at,omitempty"`
}

// Store keeps jobs. Claim is the one contended operation: on PostgreSQL it skips rows other workers
// hold (FOR UPDATE SKIP LOCKED); on SQLite the single writer serialises it.
type Store interface {
	// EnqueueJob stores j as queued, setting its id and times; called with a transaction's context it
	// joins it, so that the job exists exactly when the change that caused it does.
	EnqueueJob(ctx context.Context, j *Job) error
	// ClaimJobs leases up to n jobs that are queued and due at now, or running with a lease that ran out,
	// to owner until now+lease, counting an attempt each.
	ClaimJobs(ctx context.Context, owner string, now time.Time, lease time.Duration, n int) ([]*Job, error)
	// FinishJob records the outcome of owner's attempt at job id: done, queued again at retryAt, or failed
	// for good; ErrLeaseLost when owner no longer holds it.
	FinishJob(ctx context.Context, id, owner, status, lastError string, retryAt, now time.Time) error
}

// ErrLeaseLost is FinishJob's answer when another worker took the job over after the lease ran out.
var ErrLeaseLost = errors.New("job: the lease was lost")

// Handler does one job. A *Permanent error ends the job without retrying.
type Handler func(ctx context.Context, j *Job) error

// Permanent marks an error that retrying cannot mend (a webhook that was deleted, an address refused).
type Permanent struct{ Err error }

func (p *Permanent) Error() string { return p.Err.Error() }
func (p *Permanent) Unwrap() error { return p.Err }

// Worker claims due jobs and runs them by kind. Several workers, in one process or many, share one queue.
type Worker struct {
	Store    Store
	Handlers map[string]Handler
	// Name identifies the worker's leases; New makes a unique one.
	Name string
	// Lease is how long a claimed job is the worker's; a job still running then may be claimed again.
	Lease time.Duration
	// Poll is how long an idle worker waits before looking again; Wake shortens it.
	Poll time.Duration
	// Batch is how many jobs one claim takes; Concurrency how many run at once.
	Batch, Concurrency int
	// Timeout bounds one attempt.
	Timeout time.Duration
	Now     aims.Clock
	Log     *slog.Logger

	wake chan struct{}
}

// New returns a worker over st with the handlers and sensible defaults.
func New(st Store, handlers map[string]Handler, log *slog.Logger) *Worker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Worker{Store: st, Handlers: handlers, Name: "worker-" + aims.NewID(), Lease: 2 * time.Minute, Poll: 2 * time.Second,
		Batch: 20, Concurrency: 4, Timeout: 30 * time.Second, Now: aims.Now, Log: log, wake: make(chan struct{}, 1)}
}

// Wake tells an idle worker that jobs may be waiting.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx ends; jobs already started finish (within Timeout) before it returns.
func (w *Worker) Run(ctx context.Context) {
	sem := make(chan struct{}, max(1, w.Concurrency))
	var wg sync.WaitGroup
	defer wg.Wait()
	for ctx.Err() == nil {
		jobs, err := w.Store.ClaimJobs(context.WithoutCancel(ctx), w.Name, w.Now(), w.Lease, max(1, w.Batch))
		if err != nil {
			w.Log.Error("cannot claim jobs", "err", err.Error())
		}
		for _, j := range jobs {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				w.run(context.WithoutCancel(ctx), j)
			}()
		}
		if len(jobs) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
		case <-w.wake:
		case <-time.After(w.Poll):
		}
	}
}

// RunOnce claims and runs the jobs due now, one batch after another, until none is due: for tests and
// for the command line.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	n := 0
	for {
		jobs, err := w.Store.ClaimJobs(ctx, w.Name, w.Now(), w.Lease, max(1, w.Batch))
		if err != nil || len(jobs) == 0 {
			return n, err
		}
		for _, j := range jobs {
			w.run(ctx, j)
			n++
		}
	}
}

func (w *Worker) run(ctx context.Context, j *Job) {
	h := w.Handlers[j.Kind]
	var err error
	if h == nil {
		err = &Permanent{fmt.Errorf("no handler for jobs of kind %q", j.Kind)}
	} else {
		actx, cancel := context.WithTimeout(ctx, w.Timeout)
		err = safely(actx, h, j)
		cancel()
	}
	status, msg, retry := Done, "", time.Time{}
	if err != nil {
		msg = err.Error()
		var p *Permanent
		if errors.As(err, &p) || j.Attempts >= j.MaxAttempts {
			status = Failed
		} else {
			status, retry = Queued, w.Now().Add(Backoff(j.Attempts))
		}
		w.Log.Warn("job attempt failed", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "err", msg, "status", status)
	}
	if err := w.Store.FinishJob(ctx, j.ID, w.Name, status, clip(msg, 2000), retry, w.Now()); err != nil {
		w.Log.Error("cannot record a job's outcome", "job", j.ID, "err", err.Error())
	}
}

// safely runs h, turning a panic into an error, so that one bad job cannot stop the worker.
func safely(ctx context.Context, h Handler, j *Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &Permanent{fmt.Errorf("the handler panicked: %v", r)}
		}
	}()
	return h(ctx, j)
}

// Backoff is how long to wait after a job's attempt-th failed attempt: 30 s doubling, to at most six
// hours, with a fifth of jitter so that retries spread out.
func Backoff(attempt int) time.Duration {
	d := 30 * time.Second << min(max(attempt-1, 0), 10)
	d = min(d, 6*time.Hour)
	return d - time.Duration(rand.Int64N(int64(d/5)+1))
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
