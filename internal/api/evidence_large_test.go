package api_test

import (
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evidence"
)

// patternReader yields n bytes of a repeating pattern without holding them.
type patternReader struct{ left int64 }

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(b)), p.left)
	for i := range b[:n] {
		b[i] = byte('a' + (p.left-int64(i))%26)
	}
	p.left -= n
	return int(n), nil
}

// peakHeap samples the heap in use until stop is called, and returns the highest it saw.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

// peakRSS returns the process's peak resident set (VmHWM) in bytes, or 0 where /proc does not tell.
func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n << 10
		}
	}
	return 0
}

// uploadLarge pushes size bytes through POST /api/v1/evidence (HTTP, the blob store in a directory) and
// returns the evidence, the time it took and the heap's peak growth over what was in use before.
func uploadLarge(t *testing.T, e *env, token string, size int64) (*evidence.Evidence, time.Duration, uint64) {
	t.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	stop := peakHeap()
	req, err := http.NewRequest(http.MethodPost, e.Srv.URL+"/api/v1/evidence?filename=big.bin", &patternReader{left: size})
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = size
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/octet-stream")
	start := time.Now()
	res, err := e.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	peak := stop()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("upload = %d: %s", res.StatusCode, body)
	}
	var got evidence.Evidence
	(&response{body: body}).decode(t, &got)
	if got.File == nil || got.File.Size != size {
		t.Fatalf("stored %+v, want %d bytes", got.File, size)
	}
	grow := uint64(0)
	if peak > base {
		grow = peak - base
	}
	return &got, took, grow
}

// TestA100MBUploadKeepsMemoryFlat uploads a 100 MiB file through the API and checks that the heap never
// grows by more than a few MiB over what it held before: the file streams through the hash into the blob
// store and is never held whole. Skipped with -short.
func TestA100MBUploadKeepsMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 100 MiB")
	}
	e := newEnv(t)
	org := e.org(t, "lumen")
	ci := e.member(t, org, aims.RoleContributor)
	const size = 100 << 20
	ev, took, grow := uploadLarge(t, e, ci.Token, size)
	t.Logf("100 MiB upload: %v (%.0f MiB/s), heap peak growth %.1f MiB, process peak RSS %.0f MiB", took.Round(time.Millisecond),
		float64(size)/(1<<20)/took.Seconds(), float64(grow)/(1<<20), float64(peakRSS())/(1<<20))
	if grow > 32<<20 {
		t.Errorf("the heap grew by %.1f MiB during a 100 MiB upload; want it flat (< 32 MiB)", float64(grow)/(1<<20))
	}
	_, r, err := e.Evidence.Content(e.Ctx, org.ID, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, r)
	r.Close()
	if err != nil || n != size {
		t.Fatalf("read back %d bytes, %v", n, err)
	}
}
