package api

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/auditpack"
)

// startedWriter sends the headers of a download on its first write, so that an error before the first
// byte is still a problem answer, and one after it drops the connection (a cut archive is never taken
// for a whole one).
type startedWriter struct {
	w       http.ResponseWriter
	start   func()
	started bool
}

func (s *startedWriter) Write(p []byte) (int, error) {
	if !s.started {
		s.started = true
		s.start()
	}
	return s.w.Write(p)
}

// getAuditPack answers GET /api/v1/audit-pack: the organization's audit pack as a zip archive, signed
// with the server's checkpoint key when it has one.
func (a *API) getAuditPack(w http.ResponseWriter, r *http.Request) error {
	actor := aims.ActorFrom(r.Context())
	org, err := a.Accounts.Store().OrganizationByID(r.Context(), actor.OrgID)
	if err != nil {
		return err
	}
	pk := *a.Pack
	if a.Checkpoints != nil {
		pk.Key = a.Checkpoints.Key
	}
	sw := &startedWriter{w: w, start: func() {
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", `attachment; filename="`+auditpack.Filename(org.Slug, pk.Now())+`"`)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
	}}
	err = pk.Write(r.Context(), auditpack.Org{ID: org.ID, Slug: org.Slug, Name: org.Name, By: actor.Name}, sw)
	if err != nil && sw.started {
		panic(http.ErrAbortHandler)
	}
	return err
}
