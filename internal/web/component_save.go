package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
)

// ComponentFormPage registers a component (Component nil) or edits one. A component registered from a
// system's page (System set) is linked to it, with its role there.
type ComponentFormPage struct {
	Layout
	Component *component.Component
	System    *system.System
	Form      ComponentForm
}

// ComponentForm is the component form's values and errors. Details hold the keys of the kind's details
// with their values; Version guards an edit against lost updates.
type ComponentForm struct {
	Kind             string
	Name             string
	ComponentVersion string
	Supplier         string
	Licence          string
	Description      string
	BOMRef           string
	Details          []Detail
	Role             string
	Notes            string
	Version          int64
	Err              *FormError
}

// Kinds are the form's choices of kind.
func (ComponentForm) Kinds() []string { return component.ComponentKinds }

// componentFormFields are the form's fields, where an error is shown beside its field.
var componentFormFields = []string{"kind", "name", "component_version", "supplier", "licence", "description", "bom_ref", "details",
	"role", "notes"}

// componentFormOf returns the form for c as it is stored.
func componentFormOf(c *component.Component) ComponentForm {
	return ComponentForm{Kind: c.Kind, Name: c.Name, ComponentVersion: c.ComponentVersion, Supplier: c.Supplier, Licence: c.Licence,
		Description: c.Description, BOMRef: c.BOMRef, Details: componentDetails(c), Version: c.Version}
}

// emptyDetails returns the details of kind, all empty.
func emptyDetails(kind string) []Detail {
	return componentDetails(&component.Component{Kind: kind, Details: json.RawMessage("{}")})
}

// readComponentForm reads the posted form; the caller has parsed it. Each detail of the kind comes in a
// field named detail_KEY.
func readComponentForm(r *http.Request) ComponentForm {
	f := ComponentForm{Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"), ComponentVersion: r.PostFormValue("component_version"),
		Supplier: r.PostFormValue("supplier"), Licence: r.PostFormValue("licence"), Description: r.PostFormValue("description"),
		BOMRef: r.PostFormValue("bom_ref"), Role: r.PostFormValue("role"), Notes: r.PostFormValue("notes")}
	for _, d := range emptyDetails(f.Kind) {
		if d.Bool {
			d.On = r.PostFormValue("detail_"+d.Key) != ""
		} else {
			d.Value = r.PostFormValue("detail_" + d.Key)
		}
		f.Details = append(f.Details, d)
	}
	return f
}

// fields returns the form's values as a component's fields.
func (f ComponentForm) fields() component.ComponentFields {
	m := map[string]any{}
	for _, d := range f.Details {
		switch {
		case d.Bool && d.On:
			m[d.Key] = true
		case !d.Bool && d.Value != "":
			m[d.Key] = d.Value
		}
	}
	details, _ := json.Marshal(m) // strings and booleans always encode
	return component.ComponentFields{Kind: f.Kind, Name: f.Name, ComponentVersion: f.ComponentVersion, Supplier: f.Supplier,
		Licence: f.Licence, Description: f.Description, BOMRef: f.BOMRef, Details: details}
}

// newComponentPage shows the form that registers a component: first the choice of its kind, whose details
// the form then asks for. With ?system=ID the new component is linked to that system.
func (w *Web) newComponentPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	q := r.URL.Query()
	var s *system.System
	if id := q.Get("system"); id != "" {
		var err error
		if s, err = w.systemOf(r, v, id); err != nil {
			return err
		}
	}
	f := ComponentForm{}
	if kind := q.Get("kind"); slices.Contains(component.ComponentKinds, kind) {
		f.Kind, f.Details = kind, emptyDetails(kind)
	}
	return w.renderComponentForm(rw, r, v, http.StatusOK, nil, s, f)
}

// systemOf returns the visitor's organization's system id, which a form names.
func (w *Web) systemOf(r *http.Request, v *visit, id string) (*system.System, error) {
	if !aims.ValidID(id) {
		return nil, errNotFound
	}
	return w.Systems.System(r.Context(), v.org.ID, id)
}

// editComponentPage shows the form that changes the component named by the request's path.
func (w *Web) editComponentPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := w.Components.Component(r.Context(), v.org.ID, id)
	if err != nil {
		return err
	}
	return w.renderComponentForm(rw, r, v, http.StatusOK, c, nil, componentFormOf(c))
}

func (w *Web) renderComponentForm(rw http.ResponseWriter, r *http.Request, v *visit, status int, c *component.Component, s *system.System, f ComponentForm) error {
	title := "Register a component"
	switch {
	case c != nil:
		title = "Edit " + c.Name
	case s != nil:
		title = "Add a component to " + s.Name
	}
	p := ComponentFormPage{Layout: w.layout(rw, r, v, title, componentsPath), Component: c, System: s, Form: f}
	return w.render(rw, r, status, "component_form", p)
}

// createComponent registers a component and, when the form names a system, links it there. A fault is
// shown beside its field and nothing is stored.
func (w *Web) createComponent(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	f := readComponentForm(r)
	var s *system.System
	if id := r.PostFormValue("system"); id != "" {
		var err error
		if s, err = w.systemOf(r, v, id); err != nil {
			return err
		}
	}
	c, err := w.saveNewComponent(r, v, s, f)
	if err != nil {
		fe, status, ok := formError(err, componentFormFields...)
		if !ok {
			return err
		}
		f.Err = fe
		return w.renderComponentForm(rw, r, v, status, nil, s, f)
	}
	if s != nil {
		w.flash(rw, flashOK, fmt.Sprintf("%s is registered and used by %s.", c.Name, s.Name))
		http.Redirect(rw, r, systemHref(s.ID), http.StatusSeeOther)
		return nil
	}
	w.flash(rw, flashOK, c.Name+" is registered.")
	http.Redirect(rw, r, componentHref(c.ID), http.StatusSeeOther)
	return nil
}

// saveNewComponent checks the link's role and notes first, so that a component is not left behind by a
// link that fails, then creates the component and links it to s (if any).
func (w *Web) saveNewComponent(r *http.Request, v *visit, s *system.System, f ComponentForm) (*component.Component, error) {
	if s != nil {
		if err := aims.CheckText(f.Role, "role", 200, false); err != nil {
			return nil, err
		}
		if err := aims.CheckText(f.Notes, "notes", 4000, true); err != nil {
			return nil, err
		}
	}
	c, err := w.Components.CreateComponent(r.Context(), v.org.ID, f.fields())
	if err != nil || s == nil {
		return c, err
	}
	if _, err := w.Components.Link(r.Context(), v.org.ID, s.ID, c.ID, f.Role, f.Notes); err != nil {
		return nil, err
	}
	return c, nil
}

// updateComponent saves a change to a component; one made over a version that is no longer current is
// refused with the form's values kept.
func (w *Web) updateComponent(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	ctx := r.Context()
	cur, err := w.Components.Component(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	f := readComponentForm(r)
	version, err := formVersion(r)
	f.Version = version
	var c *component.Component
	if err == nil {
		c, err = w.Components.UpdateComponent(ctx, v.org.ID, id, f.fields(), version)
	}
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return err
	}
	if err != nil {
		fe, status, ok := formError(err, componentFormFields...)
		if !ok {
			return err
		}
		if aims.ErrorCode(err) == aims.EPRECONDITION {
			now, cerr := w.Components.Component(ctx, v.org.ID, id)
			if cerr != nil {
				return cerr
			}
			cur, f.Version = now, now.Version
			fe.Message = fmt.Sprintf("Someone else changed this component while you were editing: it is now at version %d. "+
				"Your values are kept below; save again to replace theirs.", now.Version)
		}
		f.Err = fe
		return w.renderComponentForm(rw, r, v, status, cur, nil, f)
	}
	w.flash(rw, flashOK, c.Name+" is saved.")
	http.Redirect(rw, r, componentHref(c.ID), http.StatusSeeOther)
	return nil
}

// deleteComponent removes a component and its links to systems (the activity trail keeps the record).
func (w *Web) deleteComponent(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := w.Components.Component(r.Context(), v.org.ID, id)
	if err != nil {
		return err
	}
	if err := w.Components.DeleteComponent(r.Context(), v.org.ID, id); err != nil {
		return err
	}
	w.flash(rw, flashOK, c.Name+" is deleted.")
	http.Redirect(rw, r, componentsPath, http.StatusSeeOther)
	return nil
}
