package api

import (
	"net/http"
	"net/url"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
)

// controlResponse is a control with its links, always as an array.
type controlResponse struct {
	*control.Control
	Links []*control.Link `json:"links"`
}

func writeControl(w http.ResponseWriter, status int, c *control.Control) error {
	return writeResource(w, status, c.Version, controlResponse{Control: c, Links: items(c.Links)})
}

// controlPath returns the API path of a control; refs may hold any character but a slash is escaped.
func controlPath(c *control.Control) string {
	return "/api/v1/controls/" + url.PathEscape(c.Framework) + "/" + url.PathEscape(c.Ref)
}

func (a *API) getControl(w http.ResponseWriter, r *http.Request) error {
	c, err := a.Controls.Control(r.Context(), aims.ActorFrom(r.Context()).OrgID, r.PathValue("framework"), r.PathValue("ref"))
	if err != nil {
		return err
	}
	return writeControl(w, http.StatusOK, c)
}

func (a *API) putControl(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var req control.Update
	if err := decode(w, r, &req); err != nil {
		return err
	}
	c, err := a.Controls.UpdateControl(r.Context(), aims.ActorFrom(r.Context()).OrgID, r.PathValue("framework"), r.PathValue("ref"), req, version)
	if err != nil {
		return err
	}
	return writeControl(w, http.StatusOK, c)
}

type addLinkRequest struct {
	Kind   string `json:"kind"`
	Title  string `json:"title"`
	Target string `json:"target"`
}

func (a *API) addLink(w http.ResponseWriter, r *http.Request) error {
	var req addLinkRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	l, err := a.Controls.AddLink(r.Context(), aims.ActorFrom(r.Context()).OrgID, r.PathValue("framework"), r.PathValue("ref"),
		req.Kind, req.Title, req.Target)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, l)
}

func (a *API) removeLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Link")
	if err != nil {
		return err
	}
	if err := a.Controls.RemoveLink(r.Context(), aims.ActorFrom(r.Context()).OrgID, r.PathValue("framework"), r.PathValue("ref"), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type addToSoARequest struct {
	Framework string `json:"framework"`
	Ref       string `json:"ref"`
	Title     string `json:"title"`
}

func (a *API) addToSoA(w http.ResponseWriter, r *http.Request) error {
	var req addToSoARequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	c, err := a.Controls.AddToSoA(r.Context(), aims.ActorFrom(r.Context()).OrgID, req.Framework, req.Ref, req.Title)
	if err != nil {
		return err
	}
	w.Header().Set("Location", controlPath(c))
	return writeControl(w, http.StatusCreated, c)
}

func (a *API) removeFromSoA(w http.ResponseWriter, r *http.Request) error {
	if err := a.Controls.RemoveFromSoA(r.Context(), aims.ActorFrom(r.Context()).OrgID, r.PathValue("framework"), r.PathValue("ref")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
