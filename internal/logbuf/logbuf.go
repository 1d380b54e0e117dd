// Package logbuf batches log lines. aims writes one log line per request; writing each one to the
// process's standard error costs a system call per request, more than a small request's own work. A
// Buffer collects lines and writes them together: when a record of the logger returned by Flushing is
// logged (start-up, warnings, errors: so the order of lines is kept and nothing important waits), when the
// buffer holds Limit bytes, and at the latest Delay after the first line it holds. A process killed with
// SIGKILL loses at most Delay of request lines; aims flushes them when it stops normally.
package logbuf

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Limit is the size at which a Buffer writes at once.
const Limit = 64 << 10

// Buffer collects lines for w. It is safe for concurrent use.
type Buffer struct {
	w     io.Writer
	delay time.Duration

	mu    sync.Mutex
	buf   []byte
	timer *time.Timer // armed while buf holds lines
}

// New returns a Buffer that writes to w at the latest delay after a line arrives.
func New(w io.Writer, delay time.Duration) *Buffer {
	return &Buffer{w: w, delay: delay}
}

// Write keeps p (a copy) for the next flush. It never fails: a write error of the underlying writer is
// reported by Flush, and a log line has nowhere better to go.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	switch {
	case len(b.buf) >= Limit:
		_ = b.flushLocked()
	case b.timer == nil:
		b.timer = time.AfterFunc(b.delay, func() { _ = b.Flush() })
	}
	return len(p), nil
}

// Flush writes what the buffer holds.
func (b *Buffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked()
}

func (b *Buffer) flushLocked() error {
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.w.Write(b.buf)
	if cap(b.buf) > 4*Limit {
		b.buf = nil // a burst of long lines: do not keep its memory
	} else {
		b.buf = b.buf[:0]
	}
	return err
}

// Flushing returns a handler that passes records to h and then flushes b, so that a record logged through
// it is written at once, after every line buffered before it.
func Flushing(h slog.Handler, b *Buffer) slog.Handler { return flushing{h, b} }

type flushing struct {
	slog.Handler
	b *Buffer
}

func (f flushing) Handle(ctx context.Context, r slog.Record) error {
	err := f.Handler.Handle(ctx, r)
	if ferr := f.b.Flush(); err == nil {
		err = ferr
	}
	return err
}

func (f flushing) WithAttrs(as []slog.Attr) slog.Handler {
	return flushing{f.Handler.WithAttrs(as), f.b}
}
func (f flushing) WithGroup(name string) slog.Handler {
	return flushing{f.Handler.WithGroup(name), f.b}
}
