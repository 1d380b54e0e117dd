package web

import (
	"fmt"
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// SettingsPage shows the organization's settings, as a form for administrators.
type SettingsPage struct {
	Layout
	CanEdit bool
	Form    SettingsForm
}

// SettingsForm is the settings form's values and errors. Version is the organization's version when the
// form was shown, so that a change made meanwhile by someone else is not silently overwritten.
type SettingsForm struct {
	Name        string
	RequireTOTP bool
	Version     int64
	Err         *FormError
}

// settingsPage shows the settings.
func (w *Web) settingsPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	f := SettingsForm{Name: v.org.Name, RequireTOTP: v.org.RequireTOTP, Version: v.org.Version}
	return w.renderSettings(rw, r, v, http.StatusOK, f)
}

func (w *Web) renderSettings(rw http.ResponseWriter, r *http.Request, v *visit, status int, f SettingsForm) error {
	p := SettingsPage{Layout: w.layout(rw, r, v, "Settings", "/settings"),
		CanEdit: v.may(aims.ActionUpdate, aims.ResOrganization), Form: f}
	return w.render(rw, r, status, "settings", p)
}

// updateSettings saves the organization's name and two-factor requirement.
func (w *Web) updateSettings(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	f := SettingsForm{Name: r.PostFormValue("name"), RequireTOTP: r.PostFormValue("require_totp") == "on"}
	version, err := formVersion(r)
	f.Version = version
	if err == nil {
		_, err = w.Accounts.UpdateOrganization(r.Context(), v.org.ID,
			account.OrganizationUpdate{Name: &f.Name, RequireTOTP: &f.RequireTOTP}, version)
	}
	if err != nil {
		fe, status, ok := formError(err, "name")
		if !ok {
			return err
		}
		if aims.ErrorCode(err) == aims.EPRECONDITION {
			cur, cerr := w.Accounts.Store().OrganizationByID(r.Context(), v.org.ID)
			if cerr != nil {
				return cerr
			}
			f.Version = cur.Version
			fe.Message = fmt.Sprintf("Someone else changed the settings while you were editing: the name is now %q and "+
				"two-factor authentication is %s. Your values are kept below; save again to replace theirs.", cur.Name, onOff(cur.RequireTOTP))
		}
		f.Err = fe
		return w.renderSettings(rw, r, v, status, f)
	}
	w.flash(rw, flashOK, "The settings are saved.")
	http.Redirect(rw, r, "/settings", http.StatusSeeOther)
	return nil
}

func onOff(b bool) string {
	if b {
		return "required"
	}
	return "not required"
}
