package account_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// blockingHasher returns a Hasher of n slots whose evaluations block, holding their slot, until unblock
// is closed; entered receives once per evaluation that got a slot.
func blockingHasher(n int, wait time.Duration) (h *account.Hasher, entered chan struct{}, unblock chan struct{}) {
	entered, unblock = make(chan struct{}, 100), make(chan struct{})
	h = account.NewHasher(account.HasherOptions{Concurrency: n, Wait: wait, OnEvaluate: func() {
		entered <- struct{}{}
		<-unblock
	}})
	return h, entered, unblock
}

func TestHasherBoundsConcurrentEvaluations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cheap := cheapHash(password)

	t.Run("refuses an evaluation beyond the bound with ETOOMANY and a Retry-After", func(t *testing.T) {
		t.Parallel()
		h, entered, unblock := blockingHasher(2, 10*time.Millisecond)
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if ok, err := h.Check(ctx, cheap, password, "password"); !ok || err != nil {
					t.Errorf("Check = %v, %v", ok, err)
				}
			}()
		}
		<-entered
		<-entered // both slots are held
		for name, try := range map[string]func() error{
			"Check": func() error { _, err := h.Check(ctx, cheap, password, "password"); return err },
			"Hash":  func() error { _, err := h.Hash(ctx, password); return err },
		} {
			err := try()
			if aims.ErrorCode(err) != aims.ETOOMANY || aims.ErrorRetryAfter(err) <= 0 || aims.ErrorField(err) != "password" {
				t.Errorf("%s with every slot held = %v, want ETOOMANY on password with a Retry-After", name, err)
			}
		}
		close(unblock)
		wg.Wait()
	})
	t.Run("a waiting evaluation takes the slot that frees up", func(t *testing.T) {
		t.Parallel()
		h, entered, unblock := blockingHasher(1, time.Minute)
		results := make(chan error, 2)
		for range 2 {
			go func() {
				_, err := h.Check(ctx, cheap, password, "password")
				results <- err
			}()
		}
		<-entered
		close(unblock)
		for range 2 {
			if err := <-results; err != nil {
				t.Fatalf("Check = %v", err)
			}
		}
	})
	t.Run("a waiting evaluation stops when its context ends", func(t *testing.T) {
		t.Parallel()
		h, entered, unblock := blockingHasher(1, time.Minute)
		defer close(unblock)
		go func() { _, _ = h.Check(ctx, cheap, password, "password") }()
		<-entered
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := h.Check(cctx, cheap, password, "password"); err == nil {
			t.Fatal("Check with an ended context succeeded")
		}
	})
	t.Run("a malformed hash takes no slot", func(t *testing.T) {
		t.Parallel()
		h, entered, unblock := blockingHasher(1, 10*time.Millisecond)
		defer close(unblock)
		go func() { _, _ = h.Check(ctx, cheap, password, "password") }()
		<-entered // the only slot is held
		if ok, err := h.Check(ctx, "not a hash", password, "password"); ok || err != nil {
			t.Fatalf("Check(malformed) = %v, %v", ok, err)
		}
	})
}
