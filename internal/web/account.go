package web

import "net/http"

// AccountPage is the visitor's own profile, password and second factor.
type AccountPage struct {
	Layout
	// RequiredBy names the current organization when it requires a second factor the user lacks.
	RequiredBy string
	Password   *FormError
	Disable    *FormError
}

// accountPage shows the visitor's account.
func (w *Web) accountPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderAccount(rw, r, v, http.StatusOK, AccountPage{})
}

func (w *Web) renderAccount(rw http.ResponseWriter, r *http.Request, v *visit, status int, p AccountPage) error {
	p.Layout = w.layout(rw, r, v, "Your account", "/account")
	if v.org != nil && v.org.RequireTOTP && !v.user.TOTPEnabled {
		p.RequiredBy = v.org.Name
	}
	return w.render(rw, r, status, "account", p)
}
