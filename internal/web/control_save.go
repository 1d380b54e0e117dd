package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
)

// saveControl saves a clause item's or control's implementation. A decision without a justification is
// refused with the message beside the justification, and nothing is saved.
func (w *Web) saveControl(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	f := ControlForm{Applicability: r.PostFormValue("applicability"), Justification: r.PostFormValue("justification"),
		Status: r.PostFormValue("status"), OwnerID: r.PostFormValue("owner_id"), TargetDate: r.PostFormValue("target_date"),
		Notes: r.PostFormValue("notes")}
	key, ref := r.PathValue("framework"), r.PathValue("ref")
	version, err := formVersion(r)
	f.Version = version
	var c *control.Control
	if err == nil {
		c, err = w.Controls.UpdateControl(r.Context(), v.org.ID, key, ref, control.Update{Applicability: f.Applicability,
			Justification: f.Justification, Status: f.Status, OwnerID: f.OwnerID, TargetDate: f.TargetDate, Notes: f.Notes}, version)
	}
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return err
	}
	if err != nil {
		fe, status, ok := formError(err, "applicability", "justification", "status", "owner_id", "target_date", "notes")
		if !ok {
			return err
		}
		if aims.ErrorCode(err) == aims.EPRECONDITION {
			cur, cerr := w.Controls.Control(r.Context(), v.org.ID, key, ref)
			if cerr != nil {
				return cerr
			}
			f.Version = cur.Version
			fe.Message = "Someone else changed this control while you were editing: it is now " + control.Label(cur.Applicability) +
				", " + control.Label(cur.Status) + ". Your values are kept below; save again to replace theirs."
		}
		f.Err = fe
		return w.renderControl(rw, r, v, status, &f, LinkForm{Kind: control.LinkURL})
	}
	w.flash(rw, flashOK, c.Ref+" is saved.")
	http.Redirect(rw, r, controlHref(c.Framework, c.Ref), http.StatusSeeOther)
	return nil
}
