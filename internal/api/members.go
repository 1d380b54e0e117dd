package api

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

func (a *API) listMembers(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	ms, next, err := a.Accounts.Store().ListMembers(r.Context(), aims.ActorFrom(r.Context()).OrgID, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*account.Membership]{Items: items(ms), NextCursor: next})
}

func (a *API) getMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Member")
	if err != nil {
		return err
	}
	m, err := a.Accounts.Store().MembershipByID(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, m.Version, m)
}

type updateMemberRequest struct {
	Role aims.Role `json:"role"`
}

func (a *API) updateMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Member")
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var req updateMemberRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if _, err := aims.ParseRole(string(req.Role), "role"); err != nil {
		return err
	}
	m, err := a.Accounts.ChangeRole(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, req.Role, version)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, m.Version, m)
}

func (a *API) removeMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Member")
	if err != nil {
		return err
	}
	if err := a.Accounts.RemoveMember(r.Context(), aims.ActorFrom(r.Context()).OrgID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
