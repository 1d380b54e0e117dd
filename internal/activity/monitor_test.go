package activity_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/activity"
)

func TestAMonitorVerifiesFromTheLastEntryItVerified(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	key := newKey(t)
	now := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	cp, err := activity.NewCheckpoint("o", "acme", 5, chain(t, 5)[4].Hash, now, key)
	if err != nil {
		t.Fatal(err)
	}
	status := func() *activity.CheckpointStatus { return &activity.CheckpointStatus{File: "cp.json", Checkpoint: cp} }
	m := &activity.Monitor{Reader: newTrail(chain(t, 10)), Now: func() time.Time { return now }, FullEvery: time.Hour}
	verify := func(tr *trail, st *activity.CheckpointStatus) *activity.Report {
		t.Helper()
		m.Reader = tr
		rep, err := m.Verify(ctx, "o", st)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}

	rep := verify(newTrail(chain(t, 10)), status())
	if !rep.Full || rep.From != 1 || rep.Entries != 10 || rep.Break != nil || !rep.Checkpoint.Extends {
		t.Fatalf("first pass: %+v", rep)
	}
	rep = verify(newTrail(chain(t, 14)), status())
	if rep.Full || rep.From != 10 || rep.Entries != 14 || rep.Break != nil || !rep.FullAt.Equal(now) || !rep.Checkpoint.Extends {
		t.Fatalf("second pass, 4 entries more: %+v %+v", rep, rep.Checkpoint)
	}

	t.Run("an entry after the last verified is checked", func(t *testing.T) {
		es := chain(t, 16)
		es[14].ActorName = "Eve"
		rep := verify(newTrail(es), status())
		if rep.Break == nil || rep.Break.Seq != 15 || rep.Entries != 14 || !rep.Checkpoint.Extends {
			t.Errorf("%+v %+v", rep, rep.Checkpoint)
		}
	})
	t.Run("a rewritten chain no longer has the hash verified", func(t *testing.T) {
		es := chain(t, 14)
		es[1].ActorName = "Eve"
		recompute(t, es)
		rep := verify(newTrail(es), status())
		if rep.Break == nil || rep.Break.Seq != 14 || !strings.Contains(rep.Break.Reason, "no longer has the hash") {
			t.Errorf("break %+v", rep.Break)
		}
		if !rep.Full || rep.Checkpoint.Extends || !strings.Contains(rep.Checkpoint.Problem, "no longer has the head hash") {
			t.Errorf("checkpoint %+v", rep.Checkpoint)
		}
	})
	t.Run("a trail cut short before the last verified breaks there", func(t *testing.T) {
		rep := verify(newTrail(chain(t, 12)), status())
		if rep.Break == nil || rep.Break.Seq != 14 || !strings.Contains(rep.Break.Reason, "is gone") {
			t.Errorf("break %+v", rep.Break)
		}
	})
	t.Run("an entry altered before the last verified shows at the next full pass", func(t *testing.T) {
		es := chain(t, 14)
		es[1].ActorName = "Eve"
		if rep := verify(newTrail(es), status()); rep.Full || rep.Break != nil {
			t.Fatalf("within the hour: %+v", rep)
		}
		now = now.Add(time.Hour)
		rep := verify(newTrail(es), status())
		if !rep.Full || rep.Break == nil || rep.Break.Seq != 2 || rep.Checkpoint.Extends {
			t.Errorf("after the hour: %+v %+v", rep, rep.Checkpoint)
		}
	})
	t.Run("a checkpoint of entries the monitor did not watch takes a full pass", func(t *testing.T) {
		cp8, err := activity.NewCheckpoint("o", "acme", 8, chain(t, 8)[7].Hash, now, key)
		if err != nil {
			t.Fatal(err)
		}
		verify(newTrail(chain(t, 14)), status())
		now = now.Add(time.Minute)
		if rep := verify(newTrail(chain(t, 14)), status()); rep.Full {
			t.Fatalf("a minute after a full pass: %+v", rep)
		}
		rep := verify(newTrail(chain(t, 14)), &activity.CheckpointStatus{File: "cp8.json", Checkpoint: cp8})
		if !rep.Full || rep.Break != nil || !rep.Checkpoint.Extends {
			t.Errorf("%+v %+v", rep, rep.Checkpoint)
		}
	})
}

func TestAMonitorGathersWhoAppearsInTheTrail(t *testing.T) {
	t.Parallel()
	es := chain(t, 6)
	es[3].ActorID, es[3].ActorKind, es[3].ActorName = "t1", "token", "CI"
	es[5].ActorName = "Ada Lovelace"
	recompute(t, es)
	m := &activity.Monitor{Reader: newTrail(es[:4])}
	rep, err := m.Verify(context.Background(), "o", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []activity.Actor{{ID: "u", Kind: "user", Name: "Ada"}, {ID: "t1", Kind: "token", Name: "CI"}}
	if !slices.Equal(rep.Actors, want) {
		t.Errorf("after a full pass: %v, want %v", rep.Actors, want)
	}
	m.Reader = newTrail(es)
	if rep, err = m.Verify(context.Background(), "o", nil); err != nil || rep.Full {
		t.Fatalf("second pass: %+v, %v", rep, err)
	}
	want[0].Name = "Ada Lovelace"
	if !slices.Equal(rep.Actors, want) {
		t.Errorf("after a pass from entry 4: %v, want %v (the latest name of each)", rep.Actors, want)
	}
	es[5].ActorName = "Eve"
	m.Reader = newTrail(es)
	if rep, err = m.Verify(context.Background(), "o", nil); err != nil || rep.Break == nil || rep.Actors != nil {
		t.Errorf("a broken trail: %+v, %v, want a break and no actors", rep, err)
	}
}

// blockingTrail is a trail whose passes are counted, and whose first pass waits for release.
type blockingTrail struct {
	*trail
	release chan struct{}
	passes  atomic.Int64
}

func (b *blockingTrail) VerifyActivityWith(ctx context.Context, orgID string, v *activity.Verifier) error {
	if b.passes.Add(1) == 1 {
		<-b.release
	}
	return b.trail.VerifyActivityWith(ctx, orgID, v)
}

// TestViewsThatWaitedForAPassTakeItsResult checks that views of a broken trail (which each need a full
// pass) that arrive during a pass make one more pass between them, not one each.
func TestViewsThatWaitedForAPassTakeItsResult(t *testing.T) {
	t.Parallel()
	es := chain(t, 20)
	es[4].ActorName = "Eve"
	tr := &blockingTrail{trail: newTrail(es), release: make(chan struct{})}
	m := &activity.Monitor{Reader: tr}
	var wg sync.WaitGroup
	verify := func() {
		defer wg.Done()
		if rep, err := m.Verify(context.Background(), "o", nil); err != nil || rep.Break == nil || rep.Break.Seq != 5 {
			t.Errorf("%+v, %v; want a break at 5", rep, err)
		}
	}
	wg.Add(1)
	go verify()
	for tr.passes.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	for range 10 {
		wg.Add(1)
		go verify()
	}
	time.Sleep(time.Second) // let the 10 views arrive and wait (generous: CI machines are loaded)
	close(tr.release)
	wg.Wait()
	if n := tr.passes.Load(); n > 4 {
		t.Errorf("11 views made %d passes, want 2 (the first, and one for the views that waited for it)", n)
	}
}
