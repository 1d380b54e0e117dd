package web

import (
	"net/http"

	"github.com/aimsproject/aims"
)

// removeFromSoA takes an added control out of the SoA; its record stays.
func (w *Web) removeFromSoA(rw http.ResponseWriter, r *http.Request, v *visit) error {
	key, ref := r.PathValue("framework"), r.PathValue("ref")
	err := w.Controls.RemoveFromSoA(r.Context(), v.org.ID, key, ref)
	if aims.ErrorCode(err) == aims.ECONFLICT {
		w.flash(rw, flashWarn, aims.ErrorMessage(err))
		http.Redirect(rw, r, controlHref(key, ref), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	w.flash(rw, flashOK, ref+" is no longer in the SoA.")
	http.Redirect(rw, r, "/soa", http.StatusSeeOther)
	return nil
}
