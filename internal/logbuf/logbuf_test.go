package logbuf_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/logbuf"
)

// syncBuf is a bytes.Buffer safe for the timer's goroutine.
type syncBuf struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuf) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

func TestLinesWaitAndAreWrittenTogether(t *testing.T) {
	out := &syncBuf{}
	b := logbuf.New(out, time.Hour)
	requests := slog.New(slog.NewJSONHandler(b, nil))
	for i := range 3 {
		requests.Info("request", "n", i)
	}
	if out.String() != "" {
		t.Fatalf("lines were written before a flush: %q", out.String())
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\n"); n != 3 || out.Writes() != 1 {
		t.Fatalf("after Flush: %d lines in %d writes, want 3 in 1:\n%s", n, out.Writes(), out)
	}
}

func TestTheDelayWritesWithoutAFlush(t *testing.T) {
	out := &syncBuf{}
	b := logbuf.New(out, 10*time.Millisecond)
	slog.New(slog.NewJSONHandler(b, nil)).Info("request")
	deadline := time.Now().Add(10 * time.Second)
	for out.String() == "" {
		if time.Now().After(deadline) {
			t.Fatal("a buffered line was never written")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// A second line arms the timer again.
	slog.New(slog.NewJSONHandler(b, nil)).Info("second")
	for !strings.Contains(out.String(), "second") {
		if time.Now().After(deadline) {
			t.Fatal("the second buffered line was never written")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestAFlushingRecordKeepsTheOrder(t *testing.T) {
	out := &syncBuf{}
	b := logbuf.New(out, time.Hour)
	h := slog.NewJSONHandler(b, nil)
	requests, log := slog.New(h), slog.New(logbuf.Flushing(h, b)).With("component", "server")
	requests.Info("request", "n", 1)
	log.Warn("something went wrong")
	got := out.String()
	i, j := strings.Index(got, `"msg":"request"`), strings.Index(got, `"msg":"something went wrong"`)
	if i < 0 || j < 0 || i > j {
		t.Fatalf("want the request line, then the warning, written at once; got %q", got)
	}
	if !strings.Contains(got, `"component":"server"`) {
		t.Fatalf("With lost the flushing handler's attributes: %q", got)
	}
}

func TestAFullBufferIsWrittenAtOnce(t *testing.T) {
	out := &syncBuf{}
	b := logbuf.New(out, time.Hour)
	line := strings.Repeat("x", 1000) + "\n"
	for range logbuf.Limit/len(line) + 1 {
		_, _ = b.Write([]byte(line))
	}
	if out.Writes() != 1 || len(out.String()) < logbuf.Limit {
		t.Fatalf("after %d bytes: %d writes of %d bytes, want one write of at least %d", logbuf.Limit+len(line), out.Writes(), len(out.String()), logbuf.Limit)
	}
}

func TestTheCallerMayReuseItsSlice(t *testing.T) {
	out := &syncBuf{}
	b := logbuf.New(out, time.Hour)
	p := []byte("first\n")
	_, _ = b.Write(p)
	copy(p, "XXXXX\n")
	_ = b.Flush()
	if out.String() != "first\n" {
		t.Fatalf("got %q, want the line as it was written", out.String())
	}
}
