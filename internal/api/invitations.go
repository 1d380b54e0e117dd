package api

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/authn"
)

// invitationJSON is an invitation with its state at the time of the answer.
type invitationJSON struct {
	*account.Invitation
	Status string `json:"status"`
}

func (a *API) invitationJSON(inv *account.Invitation) invitationJSON {
	return invitationJSON{Invitation: inv, Status: inv.Status(a.Accounts.Now())}
}

func (a *API) listInvitations(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	is, next, err := a.Accounts.ListInvitations(r.Context(), aims.ActorFrom(r.Context()).OrgID, p)
	if err != nil {
		return err
	}
	out := make([]invitationJSON, len(is))
	for i, inv := range is {
		out[i] = a.invitationJSON(inv)
	}
	return writeJSON(w, http.StatusOK, List[invitationJSON]{Items: out, NextCursor: next})
}

type createInvitationRequest struct {
	Email     string    `json:"email"`
	Role      aims.Role `json:"role"`
	ExpiresIn string    `json:"expires_in"`
}

// createdInvitation carries the secret and the link that holds it, shown this once. Its shape is the same
// whether or not the email has an account.
type createdInvitation struct {
	Invitation invitationJSON `json:"invitation"`
	Secret     string         `json:"secret"`
	Link       string         `json:"link"`
}

func (a *API) createInvitation(w http.ResponseWriter, r *http.Request) error {
	var req createInvitationRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if _, err := aims.ParseRole(string(req.Role), "role"); err != nil {
		return err
	}
	lifetime, err := account.ParseInvitationLifetime(req.ExpiresIn, "expires_in")
	if err != nil {
		return err
	}
	secret, inv, err := a.Accounts.CreateInvitation(r.Context(), aims.ActorFrom(r.Context()).OrgID, req.Email, req.Role, lifetime)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/invitations/"+inv.ID)
	return writeResource(w, http.StatusCreated, inv.Version, createdInvitation{Invitation: a.invitationJSON(inv),
		Secret: secret, Link: account.InvitationLink(authn.BaseURL(a.PublicURL, r), secret)})
}

func (a *API) getInvitation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Invitation")
	if err != nil {
		return err
	}
	inv, err := a.Accounts.Store().InvitationByID(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, inv.Version, a.invitationJSON(inv))
}

func (a *API) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Invitation")
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	if _, err := a.Accounts.RevokeInvitation(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type acceptInvitationRequest struct {
	Token string `json:"token"`
}

// acceptInvitation makes the caller's user a member of the inviting organization. The caller need not be a
// member of any organization yet.
func (a *API) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	var req acceptInvitationRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if req.Token == "" {
		return aims.FieldError("token", "This field is required.")
	}
	m, err := a.Accounts.AcceptInvitation(r.Context(), req.Token, aims.ActorFrom(r.Context()).UserID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/members/"+m.ID)
	return writeResource(w, http.StatusCreated, m.Version, m)
}
