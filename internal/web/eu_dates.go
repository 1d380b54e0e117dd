package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
)

// DatesNotice tells an organization that plans against superseded EU AI Act dates which set is in force,
// on the pages that show those dates, with a one-click switch for owners and admins.
type DatesNotice struct {
	Current   control.DateSet
	InForce   control.DateSet
	Version   int64
	Next      string
	CanSwitch bool
}

// datesNotice returns the notice for profile prof, or nil when it plans against the dates in force.
func (w *Web) datesNotice(r *http.Request, v *visit, prof *control.Profile) *DatesNotice {
	in := w.Controls.DatesInForce()
	if in.Key == "" || in.Key == prof.EUDates {
		return nil
	}
	return &DatesNotice{Current: control.DateSetOf(w.Controls.Catalog(), prof.EUDates), InForce: in, Version: prof.Version,
		Next: r.URL.Path, CanSwitch: v.may(aims.ActionUpdate, aims.ResContext)}
}

// switchDates moves the organization to the EU AI Act dates in force, keeping its roles, then returns to
// the page the notice was on.
func (w *Web) switchDates(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	next := r.PostFormValue("next")
	if !localPath(next) {
		next = "/context/ai-roles"
	}
	version, err := formVersion(r)
	if err != nil {
		return err
	}
	if _, err := w.Controls.SwitchToDatesInForce(r.Context(), v.org.ID, version); err != nil {
		if aims.ErrorCode(err) != aims.EPRECONDITION {
			return err
		}
		w.flash(rw, flashWarn, "Someone else changed the AI roles or dates meanwhile; the dates were not switched. Check them and switch again.")
		http.Redirect(rw, r, next, http.StatusSeeOther)
		return nil
	}
	w.flash(rw, flashOK, "You now plan against the EU AI Act dates in force: "+w.Controls.DatesInForce().Label+".")
	http.Redirect(rw, r, next, http.StatusSeeOther)
	return nil
}
