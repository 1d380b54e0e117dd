package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/risk/riskreport"
)

// riskFilter reads the register's filters from the query: system_id, org_wide, level, owner (me, an id
// or an email address), source, status, open, overdue, q and sort.
func (a *API) riskFilter(r *http.Request) (risk.Filter, error) {
	q := r.URL.Query()
	f := risk.Filter{SystemID: q.Get("system_id"), Level: q.Get("level"), Source: q.Get("source"), Status: q.Get("status"),
		Query: q.Get("q"), Sort: q.Get("sort"), Control: q.Get("control"), Gap: q.Get("gap")}
	for name, dst := range map[string]*bool{"org_wide": &f.OrgWide, "open": &f.Open, "overdue": &f.Overdue} {
		switch q.Get(name) {
		case "", "false":
		case "true":
			*dst = true
		default:
			return f, aims.FieldError(name, "%s is true or false.", name)
		}
	}
	actor := aims.ActorFrom(r.Context())
	switch owner := q.Get("owner"); owner {
	case "":
	case "me":
		if actor.UserID == "" {
			return f, aims.FieldError("owner", "owner=me needs a person: this caller acts for no one.")
		}
		f.OwnerID = actor.UserID
	default:
		id, err := a.Records.MemberID(r.Context(), actor.OrgID, owner, "owner")
		if err != nil {
			return f, err
		}
		f.OwnerID = id
	}
	return f, nil
}

// listRisks answers GET /api/v1/risks: the register, highest level first unless sort says otherwise.
func (a *API) listRisks(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	f, err := a.riskFilter(r)
	if err != nil {
		return err
	}
	rs, next, err := a.Risks.List(r.Context(), aims.ActorFrom(r.Context()).OrgID, f, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*risk.Risk]{Items: items(rs), NextCursor: next})
}

func (a *API) createRisk(w http.ResponseWriter, r *http.Request) error {
	var f risk.Fields
	if err := decode(w, r, &f); err != nil {
		return err
	}
	rk, err := a.Risks.Create(r.Context(), aims.ActorFrom(r.Context()).OrgID, f)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/risks/"+rk.ID)
	return writeResource(w, http.StatusCreated, rk.Version, rk)
}

func (a *API) getRisk(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Risk")
	if err != nil {
		return err
	}
	rk, err := a.Risks.Risk(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, rk.Version, rk)
}

// updateRisk lays the body over the risk's stored fields: those it leaves out are kept; a rating it gives
// replaces the stored one whole.
func (a *API) updateRisk(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Risk")
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if err := decode(w, r, &raw); err != nil {
		return err
	}
	var given map[string]json.RawMessage
	if err := DecodeJSON(bytes.NewReader(raw), &risk.Fields{}); err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &given); err != nil {
		return aims.Errorf(aims.EINVALID, "Send the risk's fields as a JSON object.")
	}
	orgID := aims.ActorFrom(r.Context()).OrgID
	cur, err := a.Risks.Risk(r.Context(), orgID, id)
	if err != nil {
		return err
	}
	f := risk.FieldsOf(cur)
	if _, ok := given["inherent"]; ok {
		f.Inherent = risk.RatingInput{}
	}
	if _, ok := given["residual"]; ok {
		f.Residual = risk.RatingInput{}
	}
	if err := DecodeJSON(bytes.NewReader(raw), &f); err != nil {
		return err
	}
	rk, err := a.Risks.Update(r.Context(), orgID, id, f, version)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, rk.Version, rk)
}

func (a *API) deleteRisk(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Risk")
	if err != nil {
		return err
	}
	if err := a.Risks.Delete(r.Context(), aims.ActorFrom(r.Context()).OrgID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// heatMap is a heat map as the API answers it.
type heatMap struct {
	Rating          string     `json:"rating"`
	CriteriaVersion int64      `json:"criteria_version"`
	Likelihood      []string   `json:"likelihood"`
	Consequence     []string   `json:"consequence"`
	Levels          [][]string `json:"levels"`
	Counts          [][]int    `json:"counts"`
	Total           int        `json:"total"`
}

// riskHeatMap answers GET /api/v1/risks/heatmap: the register's filters, rating=inherent (default) or
// residual, format=json (default) or svg.
func (a *API) riskHeatMap(w http.ResponseWriter, r *http.Request) error {
	f, err := a.riskFilter(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	residual := false
	switch q.Get("rating") {
	case "", "inherent":
	case "residual":
		residual = true
	default:
		return aims.FieldError("rating", "rating is inherent or residual.")
	}
	h, err := a.Risks.HeatMap(r.Context(), aims.ActorFrom(r.Context()).OrgID, f, residual)
	if err != nil {
		return err
	}
	switch q.Get("format") {
	case "", "json":
	case "svg":
		title := "Inherent risk"
		if residual {
			title = "Residual risk"
		}
		w.Header().Set("Content-Type", "image/svg+xml")
		_, err := w.Write([]byte(h.SVG(title, nil)))
		return err
	default:
		return aims.FieldError("format", "format is json or svg.")
	}
	out := heatMap{Rating: "inherent", CriteriaVersion: h.Criteria.Version, Levels: h.Criteria.Matrix, Counts: h.Counts, Total: h.Total}
	if residual {
		out.Rating = "residual"
	}
	for _, s := range h.Criteria.Likelihood {
		out.Likelihood = append(out.Likelihood, s.Label)
	}
	for _, s := range h.Criteria.Consequence {
		out.Consequence = append(out.Consequence, s.Label)
	}
	return writeJSON(w, http.StatusOK, out)
}

// getRiskCriteria answers GET /api/v1/risk-criteria: the current criteria (version 0: the default, not
// saved yet).
func (a *API) getRiskCriteria(w http.ResponseWriter, r *http.Request) error {
	c, err := a.Risks.Criteria(r.Context(), aims.ActorFrom(r.Context()).OrgID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (a *API) listRiskCriteria(w http.ResponseWriter, r *http.Request) error {
	cs, err := a.Risks.CriteriaVersions(r.Context(), aims.ActorFrom(r.Context()).OrgID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*risk.Criteria]{Items: items(cs)})
}

func (a *API) getRiskCriteriaVersion(w http.ResponseWriter, r *http.Request) error {
	v, err := strconv.ParseInt(r.PathValue("version"), 10, 64)
	if err != nil || v < 1 {
		return aims.Errorf(aims.ENOTFOUND, "No such version of the risk criteria.")
	}
	c, err := a.Risks.CriteriaVersion(r.Context(), aims.ActorFrom(r.Context()).OrgID, v)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, c.Version, c)
}

// newCriteria is a new version of the criteria: the criteria and the version they were made from.
type newCriteria struct {
	risk.Criteria
	BasedOn int64 `json:"based_on"`
}

// saveRiskCriteria answers POST /api/v1/risk-criteria/versions: the new version and the reassessment it
// asks for.
func (a *API) saveRiskCriteria(w http.ResponseWriter, r *http.Request) error {
	var req newCriteria
	if err := decode(w, r, &req); err != nil {
		return err
	}
	c := req.Criteria
	re, err := a.Risks.SaveCriteria(r.Context(), aims.ActorFrom(r.Context()).OrgID, &c, req.BasedOn)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/risk-criteria/versions/"+strconv.FormatInt(c.Version, 10))
	return writeResource(w, http.StatusCreated, c.Version, re)
}

// exportRisks answers GET /api/v1/risks/export?format=csv|xlsx|pdf: the register the filters select. CSV is
// written as it is read: an error before the first byte is a problem; one after it drops the connection,
// so that a client cannot take a cut file for a whole one. XLSX and PDF are reports (riskReport).
func (a *API) exportRisks(w http.ResponseWriter, r *http.Request) error {
	switch format := r.URL.Query().Get("format"); format {
	case "", "csv":
	case riskreport.FormatXLSX, riskreport.FormatPDF:
		return a.riskReport(w, r, "risks", format)
	default:
		return aims.FieldError("format", "format is csv, xlsx or pdf.")
	}
	f, err := a.riskFilter(r)
	if err != nil {
		return err
	}
	started := false
	err = a.Risks.ExportCSV(r.Context(), aims.ActorFrom(r.Context()).OrgID, f, w, func() {
		started = true
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="risks.csv"`)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
	})
	if err != nil && started {
		panic(http.ErrAbortHandler)
	}
	return err
}

// acceptRisk answers POST /api/v1/risks/{id}/acceptance: the caller formally accepts the risk as it
// stands, if their role may accept its level.
func (a *API) acceptRisk(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Risk")
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	acc, err := a.Risks.Accept(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, in.Note, version)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/risks/"+id+"/acceptances")
	return writeJSON(w, http.StatusCreated, acc)
}

// listRiskAcceptances answers GET /api/v1/risks/{id}/acceptances: standing and voided, newest first.
func (a *API) listRiskAcceptances(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Risk")
	if err != nil {
		return err
	}
	p, err := page(r)
	if err != nil {
		return err
	}
	as, next, err := a.Risks.Acceptances(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*risk.Acceptance]{Items: items(as), NextCursor: next})
}
