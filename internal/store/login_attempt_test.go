package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/storetest"
)

// Parallel reservations over shared keys must count one after another: the check and the count are one
// step, so no burst passes a limit together, and keys taken in any order do not deadlock.
func TestReserveAttemptsIsAtomic(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := context.Background()
	now := time.Date(2031, 3, 4, 9, 0, 0, 0, time.UTC)
	const burst, pairMax, addrMax = 60, 5, 7

	var reserved atomic.Int64
	refusedBy := make([]atomic.Int64, 2)
	var wg sync.WaitGroup
	for i := range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			limits := []account.AttemptLimit{{Key: "pair", Max: pairMax}, {Key: "addr", Max: addrMax}}
			if i%2 == 1 {
				limits = []account.AttemptLimit{{Key: "addr", Max: addrMax}, {Key: "pair", Max: pairMax}}
			}
			refused, until, err := db.ReserveAttempts(ctx, limits, now, 15*time.Minute)
			switch {
			case err != nil:
				t.Errorf("ReserveAttempts: %v", err)
			case refused < 0:
				reserved.Add(1)
			default:
				if limits[refused].Key == "pair" {
					refusedBy[0].Add(1)
				} else {
					refusedBy[1].Add(1)
				}
				if !until.Equal(now.Add(15 * time.Minute)) {
					t.Errorf("refused until %v, want the end of the window %v", until, now.Add(15*time.Minute))
				}
			}
		}()
	}
	wg.Wait()
	if reserved.Load() != pairMax || refusedBy[0].Load() != burst-pairMax || refusedBy[1].Load() != 0 {
		t.Fatalf("%d parallel reservations: %d reserved, %d refused by pair, %d by addr; want %d, %d, 0",
			burst, reserved.Load(), refusedBy[0].Load(), refusedBy[1].Load(), pairMax, burst-pairMax)
	}
	for key, want := range map[string]int{"pair": pairMax, "addr": pairMax} {
		if n, err := db.LoginAttempts(ctx, key); err != nil || n != want {
			t.Fatalf("%s counts %d, %v; want %d (refused reservations count nothing)", key, n, err, want)
		}
	}
}

func TestLoginAttemptWindows(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := context.Background()
	start := time.Date(2031, 3, 4, 9, 0, 0, 0, time.UTC)
	const window = 15 * time.Minute
	limit := []account.AttemptLimit{{Key: "k", Max: 2}}
	reserve := func(at time.Time) int {
		t.Helper()
		refused, _, err := db.ReserveAttempts(ctx, limit, at, window)
		if err != nil {
			t.Fatal(err)
		}
		return refused
	}
	count := func() int {
		t.Helper()
		n, err := db.LoginAttempts(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	if reserve(start) != -1 || reserve(start.Add(time.Minute)) != -1 {
		t.Fatal("the first two attempts were refused")
	}
	t.Run("refuses within the window that began at the first attempt", func(t *testing.T) {
		refused, until, err := db.ReserveAttempts(ctx, limit, start.Add(window-time.Second), window)
		if err != nil || refused != 0 || !until.Equal(start.Add(window)) {
			t.Fatalf("ReserveAttempts = %d, %v, %v; want 0 until %v", refused, until, err, start.Add(window))
		}
	})
	t.Run("a released attempt can be taken again", func(t *testing.T) {
		if err := db.ReleaseAttempts(ctx, []string{"k"}, nil); err != nil {
			t.Fatal(err)
		}
		if count() != 1 || reserve(start.Add(2*time.Minute)) != -1 || count() != 2 {
			t.Fatalf("after a release: %d attempts", count())
		}
	})
	t.Run("a new window starts once the last has ended", func(t *testing.T) {
		if reserve(start.Add(window)) != -1 || count() != 1 {
			t.Fatalf("at the end of the window: %d attempts, want a new window of 1", count())
		}
	})
	t.Run("clearing forgets the key", func(t *testing.T) {
		if err := db.ReleaseAttempts(ctx, nil, []string{"k"}); err != nil {
			t.Fatal(err)
		}
		if count() != 0 {
			t.Fatalf("after clearing: %d attempts", count())
		}
	})
	t.Run("releasing never counts below zero", func(t *testing.T) {
		if err := db.ReleaseAttempts(ctx, []string{"k", "unknown"}, nil); err != nil {
			t.Fatal(err)
		}
		if reserve(start.Add(window+time.Minute)) != -1 || count() != 1 {
			t.Fatalf("after releases of nothing: %d attempts", count())
		}
	})
	t.Run("pruning removes windows that began before the cutoff", func(t *testing.T) {
		if err := db.Prune(ctx, start.Add(time.Hour), start.Add(window+2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if count() != 0 {
			t.Fatalf("after pruning: %d attempts", count())
		}
	})
}
