package web

import "net/http"

// addToSoA adds a control of another framework, or one of the organization's own, to the SoA and opens
// its page to decide it.
func (w *Web) addToSoA(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	f := AddControlForm{Framework: r.PostFormValue("framework"), Ref: r.PostFormValue("ref"), Title: r.PostFormValue("title")}
	c, err := w.Controls.AddToSoA(r.Context(), v.org.ID, f.Framework, f.Ref, f.Title)
	if err != nil {
		fe, status, ok := formError(err, "framework", "ref", "title")
		if !ok {
			return err
		}
		f.Err = fe
		return w.renderSoA(rw, r, v, status, f)
	}
	w.flash(rw, flashOK, c.Ref+" "+c.Title+" is in the SoA. Decide whether it applies, and why.")
	http.Redirect(rw, r, controlHref(c.Framework, c.Ref), http.StatusSeeOther)
	return nil
}
