package api

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestAnUploadOutlastsTheReadTimeoutWhileItKeepsComing: behind a server whose read timeout is shorter
// than the upload, a handler that calls KeepReading reads a body that keeps arriving to its end, while
// one that does not is cut off; a body that stops arriving is cut off either way.
func TestAnUploadOutlastsTheReadTimeoutWhileItKeepsComing(t *testing.T) {
	t.Parallel()
	const timeout = 700 * time.Millisecond
	got := make(chan int64, 1)
	serve := func(keep bool, idle time.Duration) string {
		srv := &http.Server{ReadTimeout: timeout, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if keep {
				KeepReading(w, r)
				r.Body.(*movingDeadline).idle = idle
			}
			n, _ := io.Copy(io.Discard, r.Body)
			got <- n
		})}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		return ln.Addr().String()
	}
	// send writes a request whose 10 chunks of the body come every gap.
	send := func(addr string, gap time.Duration) int64 {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		chunk := bytes.Repeat([]byte("x"), 1000)
		if _, err := c.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		for range 10 {
			time.Sleep(gap)
			if _, err := c.Write(chunk); err != nil {
				break
			}
		}
		select {
		case n := <-got:
			return n
		case <-time.After(10 * time.Second):
			t.Fatal("the handler never finished")
			return 0
		}
	}
	if n := send(serve(true, time.Second), 150*time.Millisecond); n != 10000 {
		t.Errorf("a 1.5 s upload behind a %v read timeout, kept reading: %d bytes read, want 10000", timeout, n)
	}
	if n := send(serve(false, 0), 150*time.Millisecond); n == 10000 {
		t.Error("without KeepReading the server's read timeout did not cut the upload: the test proves nothing")
	}
	if n := send(serve(true, 300*time.Millisecond), 450*time.Millisecond); n == 10000 {
		t.Error("an upload that pauses longer than the idle time was read to its end")
	}
}
