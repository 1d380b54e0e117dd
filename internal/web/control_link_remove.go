package web

import "net/http"

// removeLink removes a link of a clause item or control.
func (w *Web) removeLink(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	key, ref := r.PathValue("framework"), r.PathValue("ref")
	if err := w.Controls.RemoveLink(r.Context(), v.org.ID, key, ref, id); err != nil {
		return err
	}
	w.flash(rw, flashOK, "The link is removed.")
	http.Redirect(rw, r, controlHref(key, ref)+"#links", http.StatusSeeOther)
	return nil
}
