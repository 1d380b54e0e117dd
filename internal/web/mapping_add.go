package web

import (
	"net/http"

	"github.com/aimsproject/aims/internal/framework"
)

// addMapping maps the requirement whose page it is to a requirement of another framework, as one of the
// organization's own mappings.
func (w *Web) addMapping(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	form := MappingForm{ToFramework: r.PostFormValue("to_framework"), ToRef: r.PostFormValue("to_ref"),
		Relationship: r.PostFormValue("relationship"), Source: r.PostFormValue("source"), Rationale: r.PostFormValue("rationale")}
	key, ref := r.PathValue("key"), r.PathValue("ref")
	_, err := w.Frameworks.CreateMapping(r.Context(), v.org.ID, framework.MappingRequest{FromFramework: key, FromRef: ref,
		ToFramework: form.ToFramework, ToRef: form.ToRef, Relationship: form.Relationship, Source: form.Source, Rationale: form.Rationale})
	if err != nil {
		fe, status, ok := formError(err, "to_framework", "to_ref", "relationship", "source", "rationale")
		if !ok {
			return err
		}
		form.Err = fe
		return w.renderRequirement(rw, r, v, status, form)
	}
	w.flash(rw, flashOK, "Mapped "+ref+" to "+form.ToRef+" ("+form.Relationship+").")
	http.Redirect(rw, r, catalogLinks{}.RequirementURL(key, ref), http.StatusSeeOther)
	return nil
}
