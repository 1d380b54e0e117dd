package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/aimsproject/aims/internal/control"
)

// approveSoA freezes the live SoA as the next version, approved by the visitor.
func (w *Web) approveSoA(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	f := ApproveForm{Note: r.PostFormValue("note")}
	ver, err := w.Controls.Approve(r.Context(), v.org.ID, f.Note)
	var inc *control.IncompleteError
	if errors.As(err, &inc) {
		// The page lists the blocking controls beside the form.
		f.Err = &FormError{Fields: Errors{}, Message: "The SoA cannot be approved yet: the Annex A controls listed below lack a decision with a justification."}
		return w.renderSoAVersions(rw, r, v, http.StatusConflict, f)
	}
	if err != nil {
		fe, status, ok := formError(err, "note")
		if !ok {
			return err
		}
		f.Err = fe
		return w.renderSoAVersions(rw, r, v, status, f)
	}
	w.flash(rw, flashOK, fmt.Sprintf("Version %d of the Statement of Applicability is approved.", ver.Number))
	http.Redirect(rw, r, fmt.Sprintf("/soa/versions/%d", ver.Number), http.StatusSeeOther)
	return nil
}
