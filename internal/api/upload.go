package api

import (
	"io"
	"net/http"
	"time"
)

// UploadIdle is how long an upload may pause before the server gives up on it.
const UploadIdle = 60 * time.Second

// KeepReading lets the body of r, a file upload that may be large (evidence, evaluation results), take
// as long as it needs as long as it keeps coming: the server's read deadline, which bounds the whole
// request (aims serve's 60 s, enough for any form but not for 100 MiB over a slow link), is replaced by
// one that moves UploadIdle ahead as bytes arrive. A client that stops sending is still cut off. Where
// the connection cannot take deadlines (tests' recorders), nothing changes.
func KeepReading(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	if rc.SetReadDeadline(time.Now().Add(UploadIdle)) != nil {
		return
	}
	r.Body = &movingDeadline{ReadCloser: r.Body, rc: rc, idle: UploadIdle, moved: time.Now()}
}

// movingDeadline moves its connection's read deadline on as reads return bytes, at most once a second.
type movingDeadline struct {
	io.ReadCloser
	rc    *http.ResponseController
	idle  time.Duration
	moved time.Time
}

func (m *movingDeadline) Read(p []byte) (int, error) {
	n, err := m.ReadCloser.Read(p)
	if now := time.Now(); n > 0 && now.Sub(m.moved) >= time.Second {
		_ = m.rc.SetReadDeadline(now.Add(m.idle))
		m.moved = now
	}
	return n, err
}
