package api

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/auditpack"
)

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
	return pk.Serve(r.Context(), auditpack.Org{ID: org.ID, Slug: org.Slug, Name: org.Name, By: actor.Name}, w)
}
