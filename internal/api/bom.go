package api

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom"
	"github.com/aimsproject/aims/internal/problem"
)

// CycloneDXType is the media type of a CycloneDX JSON BOM; exports add "; version=1.6".
const CycloneDXType = "application/vnd.cyclonedx+json"

// bomProblem is the problem details of a refused BOM, with every issue found (a JSON pointer into the
// document and a message).
type bomProblem struct {
	problem.Details
	Errors          []aibom.Issue `json:"errors"`
	ErrorsTruncated bool          `json:"errors_truncated,omitempty"`
}

// importBOM reads the request body as a CycloneDX JSON BOM and stores it as the system's next BOM
// version. The body is bounded by the BOM limit (bom_max_bytes), not by the API's JSON limit.
func (a *API) importBOM(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != CycloneDXType && mt != "application/json") {
		return aims.Errorf(aims.EMEDIATYPE, "Send the BOM as %s or application/json.", CycloneDXType)
	}
	limit := a.Components.BOMLimit()
	if r.ContentLength > limit {
		return aims.Errorf(aims.ETOOLARGE, "The BOM is larger than the limit of %d bytes.", limit)
	}
	KeepReading(w, r)
	imp, err := a.Components.ImportBOM(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, aibom.Sized(r.Body, r.ContentLength), r.URL.Query().Get("filename"))
	var invalid *component.BOMInvalidError
	if errors.As(err, &invalid) {
		d := problem.From(r, err)
		w.Header().Set("Content-Type", problem.ContentType)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(d.Status)
		return json.NewEncoder(w).Encode(bomProblem{Details: d, Errors: invalid.Issues, ErrorsTruncated: invalid.Truncated})
	}
	if err != nil {
		return err
	}
	imp.Inventory = nil // the caller has it; GET .../boms/{seq} returns it
	w.Header().Set("Location", "/api/v1/systems/"+id+"/boms/"+strconv.FormatInt(imp.Seq, 10))
	return writeJSON(w, http.StatusCreated, imp)
}

func (a *API) listBOMs(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	p, err := page(r)
	if err != nil {
		return err
	}
	bs, next, err := a.Components.BOMsPage(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*component.BOMImport]{Items: items(bs), NextCursor: next})
}

// getBOM answers one imported version with its whole inventory: an import holds at most
// bom_max_components components and twice as many dependencies (see system.Service.BOMComponentLimit),
// checked as it is read, so the answer is bounded by configuration; the system's components, which
// many imports can add to, are paged by GET /systems/{id}/components.
func (a *API) getBOM(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	if err != nil || seq <= 0 {
		return aims.Errorf(aims.ENOTFOUND, "BOM version %q not found.", r.PathValue("seq"))
	}
	b, err := a.Components.BOM(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, seq)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, b)
}

// diffBOMs answers the whole difference of two imported versions, bounded like getBOM by twice the
// component limit.
func (a *API) diffBOMs(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var seqs [2]int64
	for i, name := range []string{"from", "to"} {
		n, err := strconv.ParseInt(q.Get(name), 10, 64)
		if err != nil || n <= 0 {
			return aims.FieldError(name, "Give %s as the number of an imported version (1, 2, ...).", name)
		}
		seqs[i] = n
	}
	d, err := a.Components.DiffBOM(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, seqs[0], seqs[1])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

// exportBOM answers the system's components as a CycloneDX 1.6 ML-BOM.
func (a *API) exportBOM(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "AI system")
	if err != nil {
		return err
	}
	// The BOM is written as it is made (see ExportBOM); an error before the first byte, such as
	// components the schema refuses, is a problem, one after it cuts the download short.
	started := false
	err = a.Components.ExportBOM(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, aims.Version, w, func() {
		started = true
		w.Header().Set("Content-Type", CycloneDXType+"; version=1.6")
		w.Header().Set("Content-Disposition", `attachment; filename="aibom-`+id+`.cdx.json"`)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
	})
	if err != nil && started {
		panic(http.ErrAbortHandler)
	}
	return err
}
