package api

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
)

func (a *API) listComponents(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	cs, next, err := a.Components.Components(r.Context(), aims.ActorFrom(r.Context()).OrgID,
		component.ComponentFilter{Kind: q.Get("kind"), Query: q.Get("q")}, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*component.Component]{Items: items(cs), NextCursor: next})
}

func (a *API) createComponent(w http.ResponseWriter, r *http.Request) error {
	var f component.ComponentFields
	if err := decode(w, r, &f); err != nil {
		return err
	}
	c, err := a.Components.CreateComponent(r.Context(), aims.ActorFrom(r.Context()).OrgID, f)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/components/"+c.ID)
	return writeResource(w, http.StatusCreated, c.Version, c)
}

func (a *API) getComponent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Component")
	if err != nil {
		return err
	}
	c, err := a.Components.Component(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, c.Version, c)
}

func (a *API) updateComponent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Component")
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	// Check the body first, then lay it over the stored fields: those it leaves out are kept.
	var raw json.RawMessage
	if err := decode(w, r, &raw); err != nil {
		return err
	}
	if err := DecodeJSON(bytes.NewReader(raw), &component.ComponentFields{}); err != nil {
		return err
	}
	orgID := aims.ActorFrom(r.Context()).OrgID
	cur, err := a.Components.Component(r.Context(), orgID, id)
	if err != nil {
		return err
	}
	f := component.ComponentFieldsOf(cur)
	if err := DecodeJSON(bytes.NewReader(raw), &f); err != nil {
		return err
	}
	c, err := a.Components.UpdateComponent(r.Context(), orgID, id, f, version)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, c.Version, c)
}

func (a *API) deleteComponent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Component")
	if err != nil {
		return err
	}
	if err := a.Components.DeleteComponent(r.Context(), aims.ActorFrom(r.Context()).OrgID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) systemComponents(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	p, err := page(r)
	if err != nil {
		return err
	}
	cp, err := a.Components.SystemComponentsPage(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, p, false)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, systemComponentList{Items: items(cp.Items), NextCursor: cp.Next, Total: cp.Total})
}

// systemComponentList is a page of a system's components and how many it has in all.
type systemComponentList struct {
	Items      []*component.SystemComponent `json:"items"`
	NextCursor string                       `json:"next_cursor,omitempty"`
	Total      int                          `json:"total"`
}

// componentLink is the body of a link: the component's role in the system and notes, both optional.
type componentLink struct {
	Role  string `json:"role"`
	Notes string `json:"notes"`
}

func (a *API) linkComponent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	componentID := r.PathValue("componentID")
	if !aims.ValidID(componentID) {
		return aims.Errorf(aims.ENOTFOUND, "Component %q not found.", componentID)
	}
	var body componentLink
	if r.ContentLength != 0 {
		if err := decode(w, r, &body); err != nil {
			return err
		}
	}
	l, err := a.Components.Link(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, componentID, body.Role, body.Notes)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, l)
}

func (a *API) unlinkComponent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	componentID := r.PathValue("componentID")
	if !aims.ValidID(componentID) {
		return aims.Errorf(aims.ENOTFOUND, "Component %q not found.", componentID)
	}
	if err := a.Components.Unlink(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, componentID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
