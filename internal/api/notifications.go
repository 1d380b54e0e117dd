package api

import (
	"net/http"

	"github.com/aimsproject/aims"
)

// notificationPrefs is how the calling person wants e-mail from the organization.
type notificationPrefs struct {
	Email string `json:"email"`
}

// person returns the caller's user id, or an EINVALID error for a caller that is no person.
func person(r *http.Request) (aims.Actor, error) {
	a := aims.ActorFrom(r.Context())
	if a.UserID == "" {
		return a, aims.Errorf(aims.EINVALID, "Only a person has notification settings.")
	}
	return a, nil
}

func (a *API) getNotificationPrefs(w http.ResponseWriter, r *http.Request) error {
	act, err := person(r)
	if err != nil {
		return err
	}
	m, err := a.Notify.EmailMode(r.Context(), act.OrgID, act.UserID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, notificationPrefs{Email: m})
}

// putNotificationPrefs sets how the calling person wants e-mail: immediate, digest (daily) or off.
func (a *API) putNotificationPrefs(w http.ResponseWriter, r *http.Request) error {
	act, err := person(r)
	if err != nil {
		return err
	}
	var req notificationPrefs
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := a.Notify.SetEmailMode(r.Context(), act.OrgID, act.UserID, req.Email); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, req)
}
