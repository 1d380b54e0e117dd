package web

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/evidence"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/problem"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/system"
)

// evidencePath is the list of the organization's evidence.
const evidencePath = "/evidence"

func evidenceHref(id string) string { return evidencePath + "/" + id }

// EvidenceListPage lists evidence with filters, and offers the form to add some.
type EvidenceListPage struct {
	Layout
	Items   []*evidence.Evidence
	Filter  EvidenceFilter
	NextURL string
	// Systems are the organization's AI systems, for the filter and the form.
	Systems []*system.System
	CanAdd  bool
	Form    EvidenceForm
	MaxSize string
}

// EvidenceFilter is the list's filter as the query gives it.
type EvidenceFilter struct {
	System, Control, Kind, Status, ExpiringBefore string
	Expired                                       bool
}

// Active reports whether any filter is set.
func (f EvidenceFilter) Active() bool {
	return f.System != "" || f.Control != "" || f.Kind != "" || f.Status != "" || f.ExpiringBefore != "" || f.Expired
}

// query writes f as query parameters.
func (f EvidenceFilter) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"system": f.System, "control": f.Control, "kind": f.Kind, "status": f.Status, "expiring_before": f.ExpiringBefore} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Expired {
		q.Set("expired", "on")
	}
	return q
}

// EvidenceForm is the form to add evidence: its values and errors.
type EvidenceForm struct {
	Kind, Title, Description, URL, Body, CollectedOn, ValidUntil, Source, System, Control string
	Review                                                                                bool
	Err                                                                                   *FormError
}

// Kinds are the kinds of evidence the form offers.
func (EvidenceForm) Kinds() []string { return evidence.Kinds }

// evidenceFormFields are the fields an error is shown beside.
var evidenceFormFields = []string{"kind", "title", "description", "url", "body", "collected_on", "valid_until", "source", "file", "evidences", "owner_id"}

// evidenceListPage shows the list, filtered by the query (system, control, kind, status,
// expiring_before, expired), a page at a time. ?system= and ?control= also fill in the form's links, so
// that "Add evidence" on a control's or a system's page leads here.
func (w *Web) evidenceListPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	q := r.URL.Query()
	f := EvidenceFilter{System: q.Get("system"), Control: q.Get("control"), Kind: q.Get("kind"), Status: q.Get("status"),
		ExpiringBefore: q.Get("expiring_before"), Expired: q.Get("expired") == "on"}
	form := EvidenceForm{Kind: evidence.KindFile, System: f.System, Control: f.Control}
	return w.renderEvidenceList(rw, r, v, http.StatusOK, f, q.Get("cursor"), form)
}

func (w *Web) renderEvidenceList(rw http.ResponseWriter, r *http.Request, v *visit, status int, f EvidenceFilter, cursor string, form EvidenceForm) error {
	ctx := r.Context()
	p := EvidenceListPage{Layout: w.layout(rw, r, v, "Evidence", evidencePath), Filter: f, CanAdd: v.may(aims.ActionCreate, aims.ResEvidence),
		Form: form, MaxSize: evidence.FormatSize(w.Evidence.Blobs.MaxBytes)}
	ef := evidence.Filter{System: f.System, Control: f.Control, Kind: f.Kind, Status: f.Status, ExpiringBefore: f.ExpiringBefore, Expired: f.Expired}
	items, next, err := w.Evidence.List(ctx, v.org.ID, ef, pageOf(cursor, 50))
	if aims.ErrorCode(err) == aims.EINVALID {
		p.Filter = EvidenceFilter{}
		p.Flash = &Flash{Kind: flashWarn, Message: aims.ErrorMessage(err)}
		items, next, err = w.Evidence.List(ctx, v.org.ID, evidence.Filter{}, pageOf("", 50))
	}
	if err != nil {
		return err
	}
	p.Items = items
	if next != "" {
		nq := p.Filter.query()
		nq.Set("cursor", next)
		p.NextURL = evidencePath + "?" + nq.Encode()
	}
	if p.Systems, _, err = w.Systems.List(ctx, v.org.ID, system.Filter{}, aims.Page{Limit: aims.MaxPageLimit}); err != nil {
		return err
	}
	return w.render(rw, r, status, "evidence_list", p)
}

// addEvidence adds evidence from the upload form, read as a stream (streamEvidenceForm).
func (w *Web) addEvidence(rw http.ResponseWriter, r *http.Request, v *visit) error {
	var created *evidence.Evidence
	vals, err := w.streamEvidenceForm(rw, r, func(vals map[string]string, part *multipart.Part) error {
		n := newEvidenceFromForm(vals)
		n.Kind, n.File, n.FileName, n.MediaType = evidence.KindFile, part, part.FileName(), part.Header.Get("Content-Type")
		if vals["kind"] != "" && vals["kind"] != evidence.KindFile {
			n.Kind = vals["kind"] // a file sent with link or record evidence is a mistake the service names
		}
		var err error
		created, err = w.Evidence.Create(r.Context(), v.org.ID, n)
		return err
	})
	if err != nil {
		return w.evidenceFormError(rw, r, v, err, vals)
	}
	if created == nil {
		return w.createEvidence(rw, r, v, vals)
	}
	return w.evidenceAdded(rw, r, created)
}

// maxFormField bounds a field of the evidence forms.
const maxFormField = 300_000

// streamEvidenceForm reads the evidence form of r: URL-encoded, or multipart with its fields first and
// the file last (as the forms lay them out), so that the file goes to file as a stream, into the blob
// store, without being held in memory or spooled to a temporary file by the form parser. file is called
// once, with the fields before it, when a file is chosen; the fields are returned either way. A form
// that cannot be read is an error the caller returns as it is (errUnreadableForm); file's error is
// returned too.
func (w *Web) streamEvidenceForm(rw http.ResponseWriter, r *http.Request, file func(vals map[string]string, part *multipart.Part) error) (map[string]string, error) {
	vals := map[string]string{}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		// Link and record evidence need no file: a plain form will do.
		r.Body = http.MaxBytesReader(rw, r.Body, maxFormField)
		if err := r.ParseForm(); err != nil {
			return vals, errUnreadableForm{aims.Errorf(aims.ETOOLARGE, "The form could not be read, or is too large.")}
		}
		for k := range r.PostForm {
			vals[k] = r.PostFormValue(k)
		}
		return vals, nil
	}
	api.KeepReading(rw, r)
	r.Body = http.MaxBytesReader(rw, r.Body, w.Evidence.Blobs.MaxBytes+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return vals, errUnreadableForm{aims.Errorf(aims.EINVALID, "The form could not be read: send it as multipart/form-data.")}
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			if !strings.Contains(err.Error(), "EOF") {
				return vals, errUnreadableForm{aims.Errorf(aims.EINVALID, "The form could not be read.")}
			}
			return vals, nil
		}
		name := part.FormName()
		if name == "file" && part.FileName() != "" {
			err := file(vals, part)
			part.Close()
			return vals, err
		}
		if name == "" || name == "file" {
			part.Close()
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, maxFormField+1))
		part.Close()
		if err != nil {
			return vals, errUnreadableForm{aims.Errorf(aims.EINVALID, "The form could not be read.")}
		}
		if len(b) > maxFormField {
			return vals, errUnreadableForm{aims.Errorf(aims.ETOOLARGE, "A field of the form is too long.")}
		}
		vals[name] = string(b)
	}
}

// errUnreadableForm is a form streamEvidenceForm could not read: the error page, not the form again.
type errUnreadableForm struct{ error }

func (e errUnreadableForm) Unwrap() error { return e.error }

// createEvidence adds link or record evidence from the form's fields.
func (w *Web) createEvidence(rw http.ResponseWriter, r *http.Request, v *visit, vals map[string]string) error {
	n := newEvidenceFromForm(vals)
	if n.Kind == evidence.KindFile {
		return w.evidenceFormError(rw, r, v, aims.FieldError("file", "Choose the file this evidence is."), vals)
	}
	created, err := w.Evidence.Create(r.Context(), v.org.ID, n)
	if err != nil {
		return w.evidenceFormError(rw, r, v, err, vals)
	}
	return w.evidenceAdded(rw, r, created)
}

func (w *Web) evidenceAdded(rw http.ResponseWriter, r *http.Request, e *evidence.Evidence) error {
	w.flash(rw, flashOK, "Evidence “"+e.Title+"” is added.")
	http.Redirect(rw, r, evidenceHref(e.ID), http.StatusSeeOther)
	return nil
}

// newEvidenceFromForm reads the form's fields.
func newEvidenceFromForm(vals map[string]string) evidence.New {
	n := evidence.New{Kind: vals["kind"], Fields: evidence.Fields{Title: vals["title"], Description: vals["description"], URL: vals["url"],
		Body: vals["body"], CollectedOn: vals["collected_on"], ValidUntil: vals["valid_until"], Source: vals["source"]},
		Review: vals["review"] == "on"}
	if n.Kind == evidence.KindFile {
		n.URL, n.Body = "", ""
	}
	if s := strings.TrimSpace(vals["system"]); s != "" {
		n.Evidences = append(n.Evidences, "system:"+s)
	}
	if c := strings.TrimSpace(vals["control"]); c != "" {
		if !strings.Contains(c, "/") {
			c = framework.ISO42001 + "/" + c
		}
		n.Evidences = append(n.Evidences, "control:"+c)
	}
	return n
}

// evidenceFormError shows the list page again with the form as sent and err beside its field.
func (w *Web) evidenceFormError(rw http.ResponseWriter, r *http.Request, v *visit, err error, vals map[string]string) error {
	var unreadable errUnreadableForm
	if errors.As(err, &unreadable) {
		return unreadable.error
	}
	if aims.ErrorCode(err) == aims.ETOOLARGE {
		err = aims.FieldError("file", "%s", aims.ErrorMessage(err))
	}
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		err = aims.FieldError("evidences", "%s", aims.ErrorMessage(err))
	}
	fe, status, ok := formError(err, evidenceFormFields...)
	if !ok {
		return err
	}
	form := EvidenceForm{Kind: vals["kind"], Title: vals["title"], Description: vals["description"], URL: vals["url"], Body: vals["body"],
		CollectedOn: vals["collected_on"], ValidUntil: vals["valid_until"], Source: vals["source"], System: vals["system"],
		Control: vals["control"], Review: vals["review"] == "on", Err: fe}
	return w.renderEvidenceList(rw, r, v, status, EvidenceFilter{}, "", form)
}

// EvidencePage is one piece of evidence: its metadata, revisions, file and the record cards.
type EvidencePage struct {
	Layout
	Evidence   *evidence.Evidence
	Revisions  []*evidence.Revision
	CanApprove bool
	CanDelete  bool
	// CanEdit offers Edit, the form to change the evidence (a new file too) as its next revision.
	CanEdit     bool
	Edit        EvidenceForm
	MaxSize     string
	HistoryHref string
	RecordCards
}

// NextRev is the revision a change makes.
func (p EvidencePage) NextRev() int64 { return p.Evidence.Rev + 1 }

// Size writes a file size for people.
func (EvidencePage) Size(n int64) string { return evidence.FormatSize(n) }

func (w *Web) evidencePage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return w.renderEvidence(rw, r, v, id, http.StatusOK, nil)
}

// renderEvidence shows evidence id; edit, when not nil, is the edit form as sent, with its errors.
func (w *Web) renderEvidence(rw http.ResponseWriter, r *http.Request, v *visit, id string, status int, edit *EvidenceForm) error {
	ctx := r.Context()
	e, err := w.Evidence.Get(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	p := EvidencePage{Layout: w.layout(rw, r, v, e.Title, evidencePath), Evidence: e,
		CanApprove: e.Status == evidence.StatusDraft && v.may(aims.ActionApprove, aims.ResEvidence), CanDelete: v.may(aims.ActionDelete, aims.ResEvidence),
		CanEdit: v.may(aims.ActionUpdate, aims.ResEvidence), MaxSize: evidence.FormatSize(w.Evidence.Blobs.MaxBytes),
		Edit: EvidenceForm{Kind: e.Kind, Title: e.Title, Description: e.Description, URL: e.URL, Body: e.Body, CollectedOn: e.CollectedOn,
			ValidUntil: e.ValidUntil, Source: e.Source}}
	if edit != nil {
		p.Edit = *edit
		p.Edit.Kind = e.Kind
	}
	if p.Revisions, err = w.Evidence.Revisions(ctx, v.org.ID, id); err != nil {
		return err
	}
	if v.may(aims.ActionRead, aims.ResActivity) {
		p.HistoryHref = "/activity?" + url.Values{"record_type": {"evidence"}, "record_id": {e.ID}}.Encode()
	}
	if p.RecordCards, err = w.recordCards(ctx, r, v, record.End{Type: record.TypeEvidence, ID: e.ID, Title: e.Title}); err != nil {
		return err
	}
	return w.render(rw, r, status, "evidence", p)
}

// editEvidence changes evidence {id} from the edit form, read as a stream like the upload form: the
// fields, and a new file for file evidence, become its next revision. A change of approved evidence makes
// it a draft again, to be reviewed anew; a stale form is refused and nothing is saved.
func (w *Web) editEvidence(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var saved *evidence.Evidence
	update := func(vals map[string]string, part *multipart.Part) error {
		rev, err := strconv.ParseInt(vals["version"], 10, 64)
		if err != nil || rev <= 0 {
			return errUnreadableForm{aims.Errorf(aims.EINVALID, "The form is missing the record's version; reload the page and try again.")}
		}
		u := evidence.Update{Fields: evidence.Fields{Title: vals["title"], Description: vals["description"], URL: vals["url"], Body: vals["body"],
			CollectedOn: vals["collected_on"], ValidUntil: vals["valid_until"], Source: vals["source"]}}
		if part != nil {
			u.File, u.FileName, u.MediaType = part, part.FileName(), part.Header.Get("Content-Type")
		}
		saved, err = w.Evidence.Update(ctx, v.org.ID, id, u, rev)
		return err
	}
	vals, err := w.streamEvidenceForm(rw, r, update)
	if err == nil && saved == nil {
		err = update(vals, nil)
	}
	if err != nil {
		var unreadable errUnreadableForm
		if errors.As(err, &unreadable) {
			return unreadable.error
		}
		if aims.ErrorCode(err) == aims.ETOOLARGE {
			err = aims.FieldError("file", "%s", aims.ErrorMessage(err))
		}
		fe, status, ok := formError(err, evidenceFormFields...)
		if !ok || aims.ErrorCode(err) == aims.ENOTFOUND {
			return err
		}
		form := EvidenceForm{Title: vals["title"], Description: vals["description"], URL: vals["url"], Body: vals["body"],
			CollectedOn: vals["collected_on"], ValidUntil: vals["valid_until"], Source: vals["source"], Err: fe}
		return w.renderEvidence(rw, r, v, id, status, &form)
	}
	msg := "The evidence is saved as revision " + strconv.FormatInt(saved.Rev, 10) + "."
	if saved.Status == evidence.StatusDraft {
		msg += " It is a draft until a manager approves it."
	}
	w.flash(rw, flashOK, msg)
	http.Redirect(rw, r, evidenceHref(id), http.StatusSeeOther)
	return nil
}

// evidenceContent downloads the file, verified before its first byte is sent: a corrupt file is the
// error page, never the bytes.
func (w *Web) evidenceContent(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, rc, err := w.Evidence.Content(r.Context(), v.org.ID, id)
	if err != nil {
		return err
	}
	defer rc.Close()
	api.ServeEvidenceFile(rw, e, rc)
	return nil
}

func (w *Web) approveEvidence(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	rev, err := formVersion(r)
	if err != nil {
		return err
	}
	if _, err := w.Evidence.Approve(r.Context(), v.org.ID, id, rev); err != nil {
		if aims.ErrorCode(err) == aims.ENOTFOUND || problem.Status(err) >= 500 {
			return err
		}
		w.flash(rw, flashWarn, aims.ErrorMessage(err))
	} else {
		w.flash(rw, flashOK, "The evidence is approved.")
	}
	http.Redirect(rw, r, evidenceHref(id), http.StatusSeeOther)
	return nil
}

func (w *Web) deleteEvidence(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	rev, err := formVersion(r)
	if err != nil {
		return err
	}
	if err := w.Evidence.Delete(r.Context(), v.org.ID, id, rev); err != nil {
		if aims.ErrorCode(err) == aims.ENOTFOUND || problem.Status(err) >= 500 {
			return err
		}
		w.flash(rw, flashWarn, aims.ErrorMessage(err))
		http.Redirect(rw, r, evidenceHref(id), http.StatusSeeOther)
		return nil
	}
	w.flash(rw, flashOK, "The evidence is deleted.")
	http.Redirect(rw, r, evidencePath, http.StatusSeeOther)
	return nil
}
