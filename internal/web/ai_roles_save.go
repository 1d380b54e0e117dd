package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
)

// saveAIRoles saves the organization's AI roles and date set.
func (w *Web) saveAIRoles(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	f := AIRolesForm{AIRoles: r.PostForm["ai_roles"], EURoles: r.PostForm["eu_roles"], EUDates: r.PostFormValue("eu_dates")}
	version, err := formVersion(r)
	f.Version = version
	if err == nil {
		_, err = w.Controls.UpdateProfile(r.Context(), v.org.ID, control.ProfileUpdate{AIRoles: f.AIRoles, EURoles: f.EURoles, EUDates: f.EUDates}, version)
	}
	if err != nil {
		fe, status, ok := formError(err, "ai_roles", "eu_roles", "eu_dates")
		if !ok {
			return err
		}
		if aims.ErrorCode(err) == aims.EPRECONDITION {
			cur, cerr := w.Controls.Profile(r.Context(), v.org.ID)
			if cerr != nil {
				return cerr
			}
			f.Version = cur.Version
			fe.Message = "Someone else changed the AI roles while you were editing. Your choices are kept below; save again to replace theirs."
		}
		f.Err = fe
		return w.renderAIRoles(rw, r, v, status, &f)
	}
	w.flash(rw, flashOK, "The AI roles are saved.")
	http.Redirect(rw, r, "/context/ai-roles", http.StatusSeeOther)
	return nil
}
