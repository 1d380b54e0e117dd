package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evidence"
)

func evidencePath(id string) string { return "/api/v1/evidence/" + id }

// createEvidence answers POST /api/v1/evidence. A JSON body (application/json) adds link or record
// evidence; any other body is the file of file evidence itself, streamed into the blob store, with the
// evidence's fields in the query (title, description, collected_on, valid_until, owner_id, source,
// review, evidences repeated, filename, media_type), which is what `curl --data-binary @FILE` and CI
// jobs send most simply. Over the configured limit is 413 and nothing is stored.
func (a *API) createEvidence(w http.ResponseWriter, r *http.Request) error {
	orgID := aims.ActorFrom(r.Context()).OrgID
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil && r.Header.Get("Content-Type") != "" {
		return aims.Errorf(aims.EMEDIATYPE, "The Content-Type header is not a media type.")
	}
	var n evidence.New
	switch mt {
	case "application/json":
		if err := decode(w, r, &n); err != nil {
			return err
		}
	case "multipart/form-data", "application/x-www-form-urlencoded":
		return aims.Errorf(aims.EMEDIATYPE, "Send the file itself as the request body (curl --data-binary @FILE), with the evidence's fields in the query; or a JSON body for link and record evidence.")
	default:
		if n, err = a.evidenceFromQuery(r.URL.Query()); err != nil {
			return err
		}
		body, err := a.fileBody(w, r)
		if err != nil {
			return err
		}
		n.Kind, n.File, n.MediaType = evidence.KindFile, body, mt
	}
	e, err := a.Evidence.Create(r.Context(), orgID, n)
	if err != nil {
		return tooLarge(err)
	}
	w.Header().Set("Location", evidencePath(e.ID))
	return writeResource(w, http.StatusCreated, e.Rev, e)
}

// fileBody returns r's body bounded to the configured limit (one byte over it, so the blob store tells),
// refusing at once a body that says it is larger.
func (a *API) fileBody(w http.ResponseWriter, r *http.Request) (io.Reader, error) {
	max := a.Evidence.Blobs.MaxBytes
	if r.ContentLength > max {
		return nil, a.Evidence.Blobs.TooLarge()
	}
	KeepReading(w, r)
	return http.MaxBytesReader(w, r.Body, max+1), nil
}

// tooLarge turns the error of a body cut at the server's own bound into ETOOLARGE.
func tooLarge(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return aims.Errorf(aims.ETOOLARGE, "The file is larger than the most aims takes. Nothing was stored.")
	}
	return err
}

// evidenceFromQuery reads the fields of file evidence from the query of its upload.
func (a *API) evidenceFromQuery(q url.Values) (evidence.New, error) {
	known := map[string]bool{"title": true, "description": true, "collected_on": true, "valid_until": true, "owner_id": true,
		"source": true, "review": true, "evidences": true, "filename": true, "media_type": true}
	for k := range q {
		if !known[k] {
			return evidence.New{}, aims.FieldError(k, "Unknown query parameter %q.", k)
		}
	}
	n := evidence.New{Fields: evidence.Fields{Title: q.Get("title"), Description: q.Get("description"), CollectedOn: q.Get("collected_on"),
		ValidUntil: q.Get("valid_until"), OwnerID: q.Get("owner_id"), Source: q.Get("source")}, Evidences: q["evidences"],
		FileName: q.Get("filename")}
	if v := q.Get("review"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return n, aims.FieldError("review", "review is true or false.")
		}
		n.Review = b
	}
	if v := q.Get("media_type"); v != "" {
		if _, _, err := mime.ParseMediaType(v); err != nil {
			return n, aims.FieldError("media_type", "media_type is not a media type.")
		}
		n.MediaType = v
	}
	return n, nil
}

func (a *API) listEvidence(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := evidence.Filter{System: q.Get("system"), Control: q.Get("control"), Owner: q.Get("owner"), ExpiringBefore: q.Get("expiring_before"),
		Kind: q.Get("kind"), Status: q.Get("status")}
	if v := q.Get("expired"); v != "" {
		if f.Expired, err = strconv.ParseBool(v); err != nil {
			return aims.FieldError("expired", "expired is true or false.")
		}
	}
	es, next, err := a.Evidence.List(r.Context(), aims.ActorFrom(r.Context()).OrgID, f, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*evidence.Evidence]{Items: items(es), NextCursor: next})
}

func (a *API) getEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Evidence")
	if err != nil {
		return err
	}
	e, err := a.Evidence.Get(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, e.Rev, e)
}

// putEvidence answers PUT /api/v1/evidence/{id}: the evidence's fields, whole. A change makes a new
// revision; approved evidence becomes a draft to review again.
func (a *API) putEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Evidence")
	if err != nil {
		return err
	}
	rev, err := ifMatch(r)
	if err != nil {
		return err
	}
	var f evidence.Fields
	if err := decode(w, r, &f); err != nil {
		return err
	}
	e, err := a.Evidence.Update(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, evidence.Update{Fields: f}, rev)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, e.Rev, e)
}

// putEvidenceContent answers PUT /api/v1/evidence/{id}/content: a new file for file evidence, streamed
// like an upload, which makes a new revision (the earlier files stay stored for their revisions).
func (a *API) putEvidenceContent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Evidence")
	if err != nil {
		return err
	}
	rev, err := ifMatch(r)
	if err != nil {
		return err
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/json" || mt == "multipart/form-data" || mt == "application/x-www-form-urlencoded" {
		return aims.Errorf(aims.EMEDIATYPE, "Send the file itself as the request body (curl --data-binary @FILE -H 'Content-Type: application/octet-stream').")
	}
	q := r.URL.Query()
	for k := range q {
		if k != "filename" {
			return aims.FieldError(k, "Unknown query parameter %q.", k)
		}
	}
	orgID := aims.ActorFrom(r.Context()).OrgID
	cur, err := a.Evidence.Get(r.Context(), orgID, id)
	if err != nil {
		return err
	}
	body, err := a.fileBody(w, r)
	if err != nil {
		return err
	}
	e, err := a.Evidence.Update(r.Context(), orgID, id, evidence.Update{Fields: cur.Fields, File: body, FileName: q.Get("filename"), MediaType: mt}, rev)
	if err != nil {
		return tooLarge(err)
	}
	return writeResource(w, http.StatusOK, e.Rev, e)
}

func (a *API) deleteEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Evidence")
	if err != nil {
		return err
	}
	rev, err := ifMatch(r)
	if err != nil {
		return err
	}
	if err := a.Evidence.Delete(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, rev); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) approveEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Evidence")
	if err != nil {
		return err
	}
	rev, err := ifMatch(r)
	if err != nil {
		return err
	}
	e, err := a.Evidence.Approve(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, rev)
	if err != nil {
		return err
	}
	// The approval is a new revision, so 201 like the other approvals.
	return writeResource(w, http.StatusCreated, e.Rev, e)
}

func (a *API) listEvidenceRevisions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Evidence")
	if err != nil {
		return err
	}
	revs, err := a.Evidence.Revisions(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*evidence.Revision]{Items: items(revs)})
}

// evidenceContent answers GET /api/v1/evidence/{id}/content: the file, verified against its sha256
// before the first byte is sent (a corrupt file is a problem, never served) and again as it streams; a
// change between the two cuts the connection rather than finish a wrong file.
func (a *API) evidenceContent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Evidence")
	if err != nil {
		return err
	}
	e, rc, err := a.Evidence.Content(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	defer rc.Close()
	ServeEvidenceFile(w, e, rc)
	return nil
}

// ServeEvidenceFile streams the verified reader rc of e's file as an attachment. The web UI serves
// downloads with it too.
func ServeEvidenceFile(w http.ResponseWriter, e *evidence.Evidence, rc io.Reader) {
	h := w.Header()
	h.Set("Content-Type", e.File.MediaType)
	h.Set("Content-Length", strconv.FormatInt(e.File.Size, 10))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": downloadName(e)}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Digest", "sha-256="+e.File.SHA256)
	h.Set("ETag", `"sha256:`+e.File.SHA256+`"`)
	h.Set("Cache-Control", "private, no-cache")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil {
		panic(http.ErrAbortHandler) // the client must not take a cut or changed file for the whole one
	}
}

func downloadName(e *evidence.Evidence) string {
	if e.File.Name != "" {
		return e.File.Name
	}
	name := strings.Map(func(r rune) rune {
		if r < 0x20 || r == '"' || r == '/' || r == '\\' {
			return '_'
		}
		return r
	}, e.Title)
	if name == "" {
		name = "evidence"
	}
	return name
}
