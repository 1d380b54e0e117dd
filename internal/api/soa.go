package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/problem"
	"github.com/aimsproject/aims/internal/soaexport"
)

// getSoA answers the Statement of Applicability whole: it is one document, bounded by the controls of
// the frameworks in it (the 38 Annex A controls of ISO/IEC 42001 plus those the organization added from
// its catalogs), and is read and approved as a whole.
func (a *API) getSoA(w http.ResponseWriter, r *http.Request) error {
	s, err := a.Controls.SoA(r.Context(), aims.ActorFrom(r.Context()).OrgID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s)
}

// proposalsResponse lists the controls that applying the proposals decided.
type proposalsResponse struct {
	Applied []control.Proposal `json:"applied"`
}

func (a *API) applyProposals(w http.ResponseWriter, r *http.Request) error {
	cs, err := a.Controls.ApplyProposals(r.Context(), aims.ActorFrom(r.Context()).OrgID)
	if err != nil {
		return err
	}
	out := proposalsResponse{Applied: []control.Proposal{}}
	for _, c := range cs {
		out.Applied = append(out.Applied, control.Proposal{Ref: c.Ref, Title: c.Title, Applicability: c.Applicability, Justification: c.Justification})
	}
	return writeJSON(w, http.StatusOK, out)
}

type approveRequest struct {
	Note string `json:"note"`
}

// incompleteProblem is the problem details of a refused approval, with the controls that block it.
type incompleteProblem struct {
	problem.Details
	Controls []control.CheckItem `json:"controls"`
}

func (a *API) approveSoA(w http.ResponseWriter, r *http.Request) error {
	var req approveRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	v, err := a.Controls.Approve(r.Context(), aims.ActorFrom(r.Context()).OrgID, req.Note)
	var inc *control.IncompleteError
	if errors.As(err, &inc) {
		w.Header().Set("Content-Type", problem.ContentType)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusConflict)
		return json.NewEncoder(w).Encode(incompleteProblem{Details: problem.From(r, err), Controls: inc.Items})
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/soa/versions/"+strconv.Itoa(v.Number))
	return writeJSON(w, http.StatusCreated, v)
}

func (a *API) listSoAVersions(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	vs, next, err := a.Controls.Versions(r.Context(), aims.ActorFrom(r.Context()).OrgID, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*control.Version]{Items: items(vs), NextCursor: next})
}

// versionResponse is an approved version with its frozen SoA.
type versionResponse struct {
	*control.Version
	SoA *control.SoA `json:"soa"`
}

// getSoAVersion answers an approved version whole, bounded as the SoA is (see getSoA).
func (a *API) getSoAVersion(w http.ResponseWriter, r *http.Request) error {
	n, err := control.ParseVersion(r.PathValue("number"), "number")
	if err != nil {
		return aims.Errorf(aims.ENOTFOUND, "There is no SoA version %q.", r.PathValue("number"))
	}
	v, s, err := a.Controls.Version(r.Context(), aims.ActorFrom(r.Context()).OrgID, n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, versionResponse{Version: v, SoA: s})
}

// diffSoA answers the whole difference of two SoA versions, bounded as the SoA is (see getSoA).
func (a *API) diffSoA(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d, err := a.Controls.Diff(r.Context(), aims.ActorFrom(r.Context()).OrgID, q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

// exportSoA streams the live SoA or an approved version as XLSX, CSV, PDF or OSCAL JSON.
func (a *API) exportSoA(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	format, err := soaexport.ParseFormat(q.Get("format"), "format")
	if err != nil {
		return err
	}
	s, err := a.Controls.SoAAt(r.Context(), aims.ActorFrom(r.Context()).OrgID, q.Get("version"), "version")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", soaexport.ContentType(format))
	w.Header().Set("Content-Disposition", `attachment; filename="`+soaexport.Filename(s, format)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if err := soaexport.Export(w, s, format); err != nil {
		// The status is sent already; the client gets a truncated file, and the log says why.
		a.Log.ErrorContext(r.Context(), "SoA export failed", "format", format, "err", err.Error())
	}
	return nil
}

// systemProposalsResponse lists the Annex A controls the AI system inventory suggests apply.
type systemProposalsResponse struct {
	Items []control.SystemProposal `json:"items"`
}

// listSystemProposals answers GET /api/v1/soa/system-proposals: the Annex A controls not applicable yet
// that the AI systems' traits suggest apply, with the reasons; excluded ones are conflicts.
func (a *API) listSystemProposals(w http.ResponseWriter, r *http.Request) error {
	ps, err := a.Controls.SystemProposals(r.Context(), aims.ActorFrom(r.Context()).OrgID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, systemProposalsResponse{Items: ps})
}

// applySystemProposals answers POST /api/v1/soa/system-proposals: the undecided ones are decided
// applicable; decided controls are never changed.
func (a *API) applySystemProposals(w http.ResponseWriter, r *http.Request) error {
	cs, err := a.Controls.ApplySystemProposals(r.Context(), aims.ActorFrom(r.Context()).OrgID)
	if err != nil {
		return err
	}
	out := proposalsResponse{Applied: []control.Proposal{}}
	for _, c := range cs {
		out.Applied = append(out.Applied, control.Proposal{Ref: c.Ref, Title: c.Title, Applicability: c.Applicability, Justification: c.Justification})
	}
	return writeJSON(w, http.StatusOK, out)
}
