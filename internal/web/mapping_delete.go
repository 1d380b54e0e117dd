package web

import "net/http"

// deleteMapping removes one of the organization's own mappings and returns to the page it was removed
// from.
func (w *Web) deleteMapping(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	if err := w.Frameworks.DeleteMapping(r.Context(), v.org.ID, id); err != nil {
		return err
	}
	w.flash(rw, flashOK, "The mapping is removed.")
	http.Redirect(rw, r, nextPath(r.PostFormValue("back")), http.StatusSeeOther)
	return nil
}
