package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/impact"
)

// impactPath is the API path of version v of the assessment of system id.
func impactPath(systemID string, v int64) string {
	return "/api/v1/systems/" + systemID + "/impact-assessments/" + strconv.FormatInt(v, 10)
}

// impactVersion reads the {version} path value: a version number, or "latest" for the newest (0).
func impactVersion(r *http.Request) (int64, error) {
	s := r.PathValue("version")
	if s == "latest" {
		return 0, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 1 {
		return 0, aims.Errorf(aims.ENOTFOUND, "The impact assessment has no version %q.", s)
	}
	return v, nil
}

// listImpactVersions answers GET /api/v1/systems/{id}/impact-assessments: every version of the system's
// assessment, newest first (none before the first). The versions of one assessment are few, so they come
// whole.
func (a *API) listImpactVersions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	vs, err := a.Impacts.Versions(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*impact.Assessment]{Items: items(vs)})
}

// createImpact answers POST /api/v1/systems/{id}/impact-assessments: version 1 of the system's
// assessment, a draft, with what the body leaves out of the uses taken from the system's record.
func (a *API) createImpact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	var f impact.Fields
	if err := decode(w, r, &f); err != nil {
		return err
	}
	as, err := a.Impacts.Create(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, f)
	if err != nil {
		return err
	}
	w.Header().Set("Location", impactPath(id, as.Version))
	return writeResource(w, http.StatusCreated, as.Rev, as)
}

func (a *API) getImpact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	v, err := impactVersion(r)
	if err != nil {
		return err
	}
	as, err := a.Impacts.Assessment(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, v)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, as.Rev, as)
}

// updateImpact answers PATCH /api/v1/systems/{id}/impact-assessments/{version}: the body is laid over
// the version's fields (a list it gives replaces the stored one whole). A draft changes in place (200);
// an approved version is copied to a new draft, the next version, which takes the change (201, with its
// Location).
func (a *API) updateImpact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	v, err := impactVersion(r)
	if err != nil {
		return err
	}
	rev, err := ifMatch(r)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if err := decode(w, r, &raw); err != nil {
		return err
	}
	if err := DecodeJSON(bytes.NewReader(raw), &impact.Fields{}); err != nil {
		return err
	}
	var given map[string]json.RawMessage
	if err := json.Unmarshal(raw, &given); err != nil {
		return aims.Errorf(aims.EINVALID, "Send the assessment's fields as a JSON object.")
	}
	orgID := aims.ActorFrom(r.Context()).OrgID
	cur, err := a.Impacts.Assessment(r.Context(), orgID, id, v)
	if err != nil {
		return err
	}
	f := impact.FieldsOf(cur)
	for name, clear := range map[string]func(){"affected": func() { f.Affected = nil }, "impacts": func() { f.Impacts = nil },
		"fria": func() { f.FRIA = nil }} {
		if _, ok := given[name]; ok {
			clear()
		}
	}
	if err := DecodeJSON(bytes.NewReader(raw), &f); err != nil {
		return err
	}
	as, created, err := a.Impacts.Update(r.Context(), orgID, id, cur.Version, f, rev)
	if err != nil {
		return err
	}
	if created {
		w.Header().Set("Location", impactPath(id, as.Version))
		return writeResource(w, http.StatusCreated, as.Rev, as)
	}
	return writeResource(w, http.StatusOK, as.Rev, as)
}

// approveImpact answers POST /api/v1/systems/{id}/impact-assessments/{version}/approve: the sign-off of
// the version by the person the request acts for (201: the approval is made; If-Match guards the
// version approved).
func (a *API) approveImpact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	v, err := impactVersion(r)
	if err != nil {
		return err
	}
	rev, err := ifMatch(r)
	if err != nil {
		return err
	}
	as, err := a.Impacts.Approve(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, v, rev)
	if err != nil {
		return err
	}
	w.Header().Set("Location", impactPath(id, as.Version))
	return writeResource(w, http.StatusCreated, as.Rev, as)
}

// exportImpact answers GET /api/v1/systems/{id}/impact-assessments/{version}/export?format=md|pdf.
func (a *API) exportImpact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	v, err := impactVersion(r)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "md"
	}
	if err := impact.CheckFormat(format); err != nil {
		return err
	}
	actor := aims.ActorFrom(r.Context())
	org, err := a.Accounts.Store().OrganizationByID(r.Context(), actor.OrgID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := a.Impacts.Export(r.Context(), actor.OrgID, org.Name, id, v, format, &buf); err != nil {
		return err
	}
	ct := impact.ContentTypes[format]
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="impact-assessment.%s"`, format))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(buf.Bytes())
	return err
}

// listImpacts answers GET /api/v1/impact-assessments: the organization's assessments by system name,
// filtered by stale=true, overdue=true and due_before=YYYY-MM-DD; paged.
func (a *API) listImpacts(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := impact.Filter{DueBefore: q.Get("due_before")}
	for name, dst := range map[string]*bool{"stale": &f.Stale, "overdue": &f.Overdue} {
		switch q.Get(name) {
		case "", "false":
		case "true":
			*dst = true
		default:
			return aims.FieldError(name, "%s is true or false.", name)
		}
	}
	ms, next, err := a.Impacts.List(r.Context(), aims.ActorFrom(r.Context()).OrgID, f, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*impact.Summary]{Items: items(ms), NextCursor: next})
}
