package web

import (
	"net/http"

	"github.com/aimsproject/aims/internal/auditpack"
)

// auditPack downloads the organization's audit pack (the readiness card's button).
func (w *Web) auditPack(rw http.ResponseWriter, r *http.Request, v *visit) error {
	pk := *w.Pack
	if w.Checkpoints != nil {
		pk.Key = w.Checkpoints.Key
	}
	return pk.Serve(r.Context(), auditpack.Org{ID: v.org.ID, Slug: v.org.Slug, Name: v.org.Name, By: v.user.Name}, rw)
}
