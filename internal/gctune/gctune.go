// Package gctune gives the garbage collector room to work with. aims holds a small live heap (a few MB: the
// catalogs, templates, statements) and each request allocates a few kilobytes; with the runtime's default
// (GOGC=100: collect when the heap has doubled) a busy server collects every few hundred requests and
// spends a large share of its CPU marking the same live heap again. After every collection, Start sets the
// GC percentage so that the heap may grow by Headroom before the next one, but never by less than the
// default (the live heap again), and never by more than MaxPercent of it. A large live heap (an import, a
// burst of logins) therefore collects as often as it would by default, and memory at rest is unchanged: the
// room is used only by garbage that the next collection frees.
package gctune

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

const (
	// Headroom is how much the heap may grow between collections when the live heap is small.
	Headroom = 64 << 20
	// MaxPercent bounds the percentage set, whatever the live heap.
	MaxPercent = 800
)

// Percent returns the GC percentage for a live heap of live bytes.
func Percent(live uint64) int {
	if live == 0 {
		return MaxPercent
	}
	p := Headroom * 100 / live
	switch {
	case p < 100:
		return 100
	case p > MaxPercent:
		return MaxPercent
	}
	return int(p)
}

var running atomic.Bool

// Start tunes the collector after every collection from now on and reports true, unless the GOGC
// environment variable says how the operator wants it (then it does nothing and reports false). It is
// meant for the server process; calling it again changes nothing.
func Start() bool {
	if os.Getenv("GOGC") != "" {
		return false
	}
	if running.CompareAndSwap(false, true) {
		arm(&tuner{sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/gogc:percent"}}})
	}
	return true
}

type tuner struct {
	sample []metrics.Sample // the live heap, the current percentage
}

// sentinel is garbage from birth: its finalizer runs after the collection that finds it, and arms the next.
type sentinel struct {
	t *tuner
	_ [16]byte // not a tiny allocation, which may share a block with live objects and not be finalized
}

func arm(t *tuner) {
	runtime.SetFinalizer(&sentinel{t: t}, func(s *sentinel) {
		s.t.tune()
		arm(s.t)
	})
}

func (t *tuner) tune() {
	metrics.Read(t.sample)
	if t.sample[0].Value.Kind() != metrics.KindUint64 || t.sample[1].Value.Kind() != metrics.KindUint64 {
		return
	}
	if p := Percent(t.sample[0].Value.Uint64()); uint64(p) != t.sample[1].Value.Uint64() {
		debug.SetGCPercent(p)
	}
}
