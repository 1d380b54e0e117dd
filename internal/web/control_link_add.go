package web

import (
	"net/http"

	"github.com/aimsproject/aims"
)

// addLink links a clause item or control to a record that satisfies it.
func (w *Web) addLink(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	f := LinkForm{Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"), Target: r.PostFormValue("target")}
	key, ref := r.PathValue("framework"), r.PathValue("ref")
	l, err := w.Controls.AddLink(r.Context(), v.org.ID, key, ref, f.Kind, f.Title, f.Target)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return err
	}
	if err != nil {
		fe, status, ok := formError(err, "kind", "title", "target")
		if !ok {
			return err
		}
		f.Err = fe
		return w.renderControl(rw, r, v, status, nil, f)
	}
	w.flash(rw, flashOK, "The link “"+l.Title+"” is added.")
	http.Redirect(rw, r, controlHref(key, ref)+"#links", http.StatusSeeOther)
	return nil
}
