package web

import (
	"mime"
	"net/http"
	"net/url"
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

// addEvidence adds evidence from the upload form, read as a stream: the form's fields come first and the
// file last (as the form lays them out), so the file goes into the blob store without being held in
// memory or spooled to a temporary file by the form parser.
func (w *Web) addEvidence(rw http.ResponseWriter, r *http.Request, v *visit) error {
	vals := map[string]string{}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		// Link and record evidence need no file: a plain form will do.
		r.Body = http.MaxBytesReader(rw, r.Body, 300_000)
		if err := r.ParseForm(); err != nil {
			return aims.Errorf(aims.ETOOLARGE, "The form could not be read, or is too large.")
		}
		for k := range r.PostForm {
			vals[k] = r.PostFormValue(k)
		}
		return w.createEvidence(rw, r, v, vals)
	}
	max := w.Evidence.Blobs.MaxBytes
	r.Body = http.MaxBytesReader(rw, r.Body, max+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return aims.Errorf(aims.EINVALID, "The form could not be read: send it as multipart/form-data.")
	}
	var n evidence.New
	var created *evidence.Evidence
	for {
		part, err := mr.NextPart()
		if err != nil {
			if !strings.Contains(err.Error(), "EOF") {
				return aims.Errorf(aims.EINVALID, "The form could not be read.")
			}
			break
		}
		name := part.FormName()
		if name == "file" && part.FileName() != "" {
			n = newEvidenceFromForm(vals)
			n.Kind, n.File, n.FileName, n.MediaType = evidence.KindFile, part, part.FileName(), part.Header.Get("Content-Type")
			if vals["kind"] != "" && vals["kind"] != evidence.KindFile {
				n.Kind = vals["kind"] // a file sent with link or record evidence is a mistake the service names
			}
			created, err = w.Evidence.Create(r.Context(), v.org.ID, n)
			part.Close()
			if err != nil {
				return w.evidenceFormError(rw, r, v, err, vals)
			}
			break
		}
		if name == "" || name == "file" {
			part.Close()
			continue
		}
		b := make([]byte, 0, 256)
		buf := make([]byte, 4096)
		for len(b) <= 300_000 {
			k, rerr := part.Read(buf)
			b = append(b, buf[:k]...)
			if rerr != nil {
				break
			}
		}
		part.Close()
		if len(b) > 300_000 {
			return aims.Errorf(aims.ETOOLARGE, "A field of the form is too long.")
		}
		vals[name] = string(b)
	}
	if created == nil {
		return w.createEvidence(rw, r, v, vals)
	}
	return w.evidenceAdded(rw, r, created)
}

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
	Evidence    *evidence.Evidence
	Revisions   []*evidence.Revision
	CanApprove  bool
	CanDelete   bool
	HistoryHref string
	RecordCards
}

// Size writes a file size for people.
func (EvidencePage) Size(n int64) string { return evidence.FormatSize(n) }

func (w *Web) evidencePage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	e, err := w.Evidence.Get(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	p := EvidencePage{Layout: w.layout(rw, r, v, e.Title, evidencePath), Evidence: e,
		CanApprove: e.Status == evidence.StatusDraft && v.may(aims.ActionApprove, aims.ResEvidence), CanDelete: v.may(aims.ActionDelete, aims.ResEvidence)}
	if p.Revisions, err = w.Evidence.Revisions(ctx, v.org.ID, id); err != nil {
		return err
	}
	if v.may(aims.ActionRead, aims.ResActivity) {
		p.HistoryHref = "/activity?" + url.Values{"record_type": {"evidence"}, "record_id": {e.ID}}.Encode()
	}
	if p.RecordCards, err = w.recordCards(ctx, r, v, record.End{Type: record.TypeEvidence, ID: e.ID, Title: e.Title}); err != nil {
		return err
	}
	return w.render(rw, r, http.StatusOK, "evidence", p)
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
