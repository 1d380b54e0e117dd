package web

import (
	"net/http"

	"github.com/aimsproject/aims/internal/auditpack"
)

// packWriter sends the download's headers on its first write, so that an error before it is still an
// error page and one after it drops the connection rather than leave a cut archive.
type packWriter struct {
	w       http.ResponseWriter
	start   func()
	started bool
}

func (p *packWriter) Write(b []byte) (int, error) {
	if !p.started {
		p.started = true
		p.start()
	}
	return p.w.Write(b)
}

// auditPack downloads the organization's audit pack (the readiness card's button).
func (w *Web) auditPack(rw http.ResponseWriter, r *http.Request, v *visit) error {
	pk := *w.Pack
	if w.Checkpoints != nil {
		pk.Key = w.Checkpoints.Key
	}
	pw := &packWriter{w: rw, start: func() {
		rw.Header().Set("Content-Type", "application/zip")
		rw.Header().Set("Content-Disposition", `attachment; filename="`+auditpack.Filename(v.org.Slug, pk.Now())+`"`)
		rw.Header().Set("Cache-Control", "no-store")
		rw.WriteHeader(http.StatusOK)
	}}
	err := pk.Write(r.Context(), auditpack.Org{ID: v.org.ID, Slug: v.org.Slug, Name: v.org.Name, By: v.user.Name}, pw)
	if err != nil && pw.started {
		panic(http.ErrAbortHandler)
	}
	return err
}
