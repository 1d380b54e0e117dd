package web

import (
	"fmt"
	"net/http"

	"github.com/aimsproject/aims"
)

// linkComponentsShown bounds the components offered by the system page's "link existing" form.
const linkComponentsShown = 200

// linkComponent links an existing component to the system named by the path, with its role there and
// notes; linking one that is linked already replaces its role and notes.
func (w *Web) linkComponent(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	ctx := r.Context()
	s, err := w.Systems.System(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	componentID := r.PostFormValue("component_id")
	if !aims.ValidID(componentID) {
		w.flash(rw, flashWarn, "Choose the component to link.")
		http.Redirect(rw, r, systemHref(s.ID)+"#components-title", http.StatusSeeOther)
		return nil
	}
	c, err := w.Components.Component(ctx, v.org.ID, componentID)
	if err != nil {
		return err
	}
	if _, err := w.Components.Link(ctx, v.org.ID, s.ID, c.ID, r.PostFormValue("role"), r.PostFormValue("notes")); err != nil {
		if _, _, ok := formError(err); !ok {
			return err
		}
		w.flash(rw, flashWarn, fmt.Sprintf("%s is not linked: %s", c.Name, aims.ErrorMessage(err)))
		http.Redirect(rw, r, systemHref(s.ID)+"#components-title", http.StatusSeeOther)
		return nil
	}
	w.flash(rw, flashOK, fmt.Sprintf("%s uses %s.", s.Name, c.Name))
	http.Redirect(rw, r, systemHref(s.ID), http.StatusSeeOther)
	return nil
}

// unlinkComponent removes the link of a component to the system named by the path; the component stays.
func (w *Web) unlinkComponent(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	componentID := r.PathValue("componentID")
	if !aims.ValidID(componentID) {
		return errNotFound
	}
	ctx := r.Context()
	s, err := w.Systems.System(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	c, err := w.Components.Component(ctx, v.org.ID, componentID)
	if err != nil {
		return err
	}
	if err := w.Components.Unlink(ctx, v.org.ID, s.ID, c.ID); err != nil {
		return err
	}
	w.flash(rw, flashOK, fmt.Sprintf("%s no longer uses %s.", s.Name, c.Name))
	http.Redirect(rw, r, systemHref(s.ID), http.StatusSeeOther)
	return nil
}
