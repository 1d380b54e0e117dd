package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom"
	"github.com/aimsproject/aims/internal/system"
)

// SystemBOMPage shows the CycloneDX ML-BOMs of an AI system: the imported versions, what changed between
// two of them, a form to import another, and the export.
type SystemBOMPage struct {
	Layout
	System *system.System
	// Versions is a page of the imported versions, newest first; OlderHref is the address of the next
	// page ("" on the last), NewestHref that of the first when this is not it.
	Versions              []*component.BOMImport
	OlderHref, NewestHref string
	// Latest is the newest version with its inventory, nil while there is none; Items is the window of
	// its components the page shows.
	Latest      *component.BOMImport
	Items       []aibom.Component
	ItemsWindow Window
	From, To    int64
	Diff        *component.BOMDiff
	// DiffLines is the window of Diff's lines the page shows.
	DiffLines  []string
	DiffWindow Window
	DiffErr    string
	CanImport  bool
	MaxMiB     int64
	Upload     BOMUpload
}

// bomVersionsPageSize is how many imported versions one page of the BOM page lists.
const bomVersionsPageSize = 50

// BOMUpload is the outcome of a refused upload: the form's error and every issue found in the file.
type BOMUpload struct {
	Err       *FormError
	Issues    []aibom.Issue
	Truncated bool
}

// systemBOMPage shows the BOM page of the system named by the path; ?from=N&to=M adds their diff.
func (w *Web) systemBOMPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderSystemBOM(rw, r, v, http.StatusOK, BOMUpload{})
}

func (w *Web) renderSystemBOM(rw http.ResponseWriter, r *http.Request, v *visit, status int, up BOMUpload) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	s, err := w.Systems.System(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	vs, next, err := w.Components.BOMsPage(ctx, v.org.ID, id, pageOf(q.Get("versions"), bomVersionsPageSize))
	if err != nil {
		return err
	}
	p := SystemBOMPage{Layout: w.layout(rw, r, v, "BOM of "+s.Name, systemsPath), System: s, Versions: vs,
		CanImport: v.may(aims.ActionCreate, aims.ResSystem), MaxMiB: w.Components.BOMLimit() >> 20, Upload: up}
	base := systemHref(id) + "/bom"
	if next != "" {
		p.OlderHref = base + "?" + url.Values{"versions": {next}}.Encode() + "#versions-title"
	}
	if q.Get("versions") != "" {
		p.NewestHref = base + "#versions-title"
	}
	if p.Latest, err = w.Components.LatestBOM(ctx, v.org.ID, id); err != nil && aims.ErrorCode(err) != aims.ENOTFOUND {
		return err
	}
	if p.Latest != nil {
		var lo, hi int
		p.ItemsWindow, lo, hi = window(r.URL, "items", "#latest-title", len(p.Latest.Inventory.Components))
		p.Items = p.Latest.Inventory.Components[lo:hi]
		p.To, p.From = p.Latest.Seq, max(p.Latest.Seq-1, 1)
	}
	if q.Has("from") || q.Has("to") {
		from, ferr := strconv.ParseInt(q.Get("from"), 10, 64)
		to, terr := strconv.ParseInt(q.Get("to"), 10, 64)
		if ferr != nil || terr != nil {
			p.DiffErr = "Choose two imported versions to compare."
		} else {
			p.From, p.To = from, to
			p.Diff, err = w.Components.DiffBOM(ctx, v.org.ID, id, from, to)
			switch {
			case err == nil:
				var lo, hi int
				p.DiffWindow, lo, hi = window(r.URL, "lines", "#diff-title", len(p.Diff.Lines))
				p.DiffLines = p.Diff.Lines[lo:hi]
			case aims.ErrorCode(err) == aims.ENOTFOUND || aims.ErrorCode(err) == aims.EINVALID:
				p.DiffErr = "Choose two imported versions to compare."
			default:
				return err
			}
		}
	}
	return w.render(rw, r, status, "system_bom", p)
}

// importBOM imports an uploaded CycloneDX BOM for the system named by the path. A refused file shows the
// page again with every issue found; nothing is stored.
func (w *Web) importBOM(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	imp, err := w.doImportBOM(rw, r, v, id)
	if err != nil {
		var invalid *component.BOMInvalidError
		up := BOMUpload{}
		if errors.As(err, &invalid) {
			up.Issues, up.Truncated = invalid.Issues, invalid.Truncated
			err = aims.FieldError("file", "The file is not a valid CycloneDX 1.5 or 1.6 JSON BOM; nothing was imported.")
		}
		fe, status, ok := formError(err, "file")
		if !ok || status == http.StatusNotFound {
			return err
		}
		up.Err = fe
		return w.renderSystemBOM(rw, r, v, status, up)
	}
	st := imp.Stats
	w.flash(rw, flashOK, fmt.Sprintf("Imported %s as BOM version %d: %s (%d new, %d updated, %d unchanged, %d newly linked).",
		imp.Filename, imp.Seq, plural(imp.Components, "component", "components"), st.Created, st.Updated, st.Unchanged, st.Linked))
	http.Redirect(rw, r, systemHref(id)+"/bom", http.StatusSeeOther)
	return nil
}

func (w *Web) doImportBOM(rw http.ResponseWriter, r *http.Request, v *visit, systemID string) (*component.BOMImport, error) {
	limit := w.Components.BOMLimit()
	api.KeepReading(rw, r)
	r.Body = http.MaxBytesReader(rw, r.Body, limit+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return nil, aims.FieldError("file", "The file is larger than the limit of %d MiB.", limit>>20)
		case errors.Is(err, http.ErrNotMultipart):
			return nil, aims.FieldError("file", "Choose a CycloneDX JSON file to import.")
		}
		return nil, aims.Errorf(aims.EINVALID, "The form could not be read.")
	}
	f, h, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, aims.FieldError("file", "Choose a CycloneDX JSON file to import.")
	}
	if err != nil {
		return nil, aims.FieldError("file", "The file could not be read.")
	}
	defer f.Close()
	imp, err := w.Components.ImportBOM(r.Context(), v.org.ID, systemID, aibom.Sized(f, h.Size), h.Filename)
	if aims.ErrorCode(err) == aims.ETOOLARGE {
		return nil, aims.FieldError("file", "%s", aims.ErrorMessage(err))
	}
	return imp, err
}

// downloadBOM sends the system's components as a CycloneDX 1.6 ML-BOM file.
func (w *Web) downloadBOM(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	// Written as it is made: see the API's exportBOM.
	started := false
	err = w.Components.ExportBOM(r.Context(), v.org.ID, id, aims.Version, rw, func() {
		started = true
		rw.Header().Set("Content-Type", "application/vnd.cyclonedx+json; version=1.6")
		rw.Header().Set("Content-Disposition", `attachment; filename="aibom-`+id+`.cdx.json"`)
		rw.WriteHeader(http.StatusOK)
	})
	if err != nil && started {
		panic(http.ErrAbortHandler)
	}
	return err
}
