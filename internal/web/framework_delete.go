package web

import (
	"net/http"
	"strconv"
)

// deleteFramework deletes every revision of one of the organization's own frameworks. The form sends the
// revision the visitor saw, so that a newer import is not deleted unseen.
func (w *Web) deleteFramework(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	rev, err := strconv.ParseInt(r.PostFormValue("revision"), 10, 64)
	if err != nil || rev <= 0 {
		rev = -1 // a form without the revision cannot match one
	}
	key := r.PathValue("key")
	f, err := w.Frameworks.Framework(r.Context(), v.org.ID, key)
	if err != nil {
		return err
	}
	if err := w.Frameworks.Delete(r.Context(), v.org.ID, key, rev); err != nil {
		fe, status, ok := formError(err)
		if !ok {
			return err
		}
		return w.renderFramework(rw, r, v, status, fe)
	}
	w.flash(rw, flashOK, f.Name+" is deleted, with its requirements, mappings and licensed texts.")
	http.Redirect(rw, r, "/frameworks", http.StatusSeeOther)
	return nil
}
