package web

import (
	"fmt"
	"net/http"

	"github.com/aimsproject/aims"
)

// applyProposals decides the undecided Annex A controls as the AI roles suggest, and shows the SoA.
func (w *Web) applyProposals(rw http.ResponseWriter, r *http.Request, v *visit) error {
	cs, err := w.Controls.ApplyProposals(r.Context(), v.org.ID)
	switch {
	case aims.ErrorCode(err) == aims.ECONFLICT:
		w.flash(rw, flashWarn, aims.ErrorMessage(err))
		http.Redirect(rw, r, "/context/ai-roles", http.StatusSeeOther)
		return nil
	case err != nil:
		return err
	case len(cs) == 0:
		w.flash(rw, flashOK, "Every Annex A control has a decision already; nothing was changed.")
	default:
		w.flash(rw, flashOK, fmt.Sprintf("The proposals decided %d controls. Review each justification and put it in your own words.", len(cs)))
	}
	http.Redirect(rw, r, "/soa", http.StatusSeeOther)
	return nil
}

// applySystemProposals decides the undecided Annex A controls the AI system inventory suggests, and shows
// the SoA; decided controls are never changed.
func (w *Web) applySystemProposals(rw http.ResponseWriter, r *http.Request, v *visit) error {
	cs, err := w.Controls.ApplySystemProposals(r.Context(), v.org.ID)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		w.flash(rw, flashOK, "No undecided control was left to decide; decided controls are never changed.")
	} else {
		w.flash(rw, flashOK, fmt.Sprintf("The inventory's proposals decided %d controls as applicable.", len(cs)))
	}
	http.Redirect(rw, r, "/soa#system-proposals", http.StatusSeeOther)
	return nil
}
