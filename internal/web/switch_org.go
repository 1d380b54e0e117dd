package web

import (
	"net/http"

	"github.com/aimsproject/aims"
)

// switchOrg makes the session work in another of the user's organizations and goes back to the page the
// switcher was on. An organization the user does not belong to is not found.
func (w *Web) switchOrg(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	orgID := r.PostFormValue("org")
	err := w.Accounts.SwitchOrganization(r.Context(), v.sess, orgID)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return aims.Errorf(aims.ENOTFOUND, "You are not a member of that organization.")
	}
	if err != nil {
		return err
	}
	name := orgID
	for _, m := range v.orgs {
		if m.OrgID == orgID {
			name = m.OrgName
		}
	}
	w.flash(rw, flashOK, "You are now working in "+name+".")
	http.Redirect(rw, r, nextPath(r.PostFormValue("back")), http.StatusSeeOther)
	return nil
}
