package component

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component/aibom"
)

// DefaultBOMMaxBytes bounds an imported CycloneDX BOM when the configuration does not say otherwise.
const DefaultBOMMaxBytes = 32 << 20

// BOMRole is the role of a component that an imported BOM links to a system.
const BOMRole = "bom"

// detailProperty starts the names of the CycloneDX properties that carry a component's aims details in an
// export, so that importing the export gives them back as they were.
const detailProperty = "aims:detail:"

// BOMImport is one imported version of a system's CycloneDX ML-BOM (ISO/IEC 42001, A.4.2 to A.4.6: the
// resources of the AI system, documented): the document's identity and the inventory read from it.
type BOMImport struct {
	ID             string           `json:"id"`
	OrgID          string           `json:"-"`
	SystemID       string           `json:"system_id"`
	Seq            int64            `json:"seq"` // 1 for the system's first import, then 2, ...
	SpecVersion    string           `json:"spec_version"`
	SerialNumber   string           `json:"serial_number"`
	BOMVersion     int              `json:"bom_version"`
	Filename       string           `json:"filename"`
	SHA256         string           `json:"sha256"`
	Components     int              `json:"components"`
	ImportedBy     string           `json:"imported_by"`
	ImportedByName string           `json:"imported_by_name"`
	ImportedAt     time.Time        `json:"imported_at"`
	Inventory      *aibom.Inventory `json:"inventory,omitempty"`
	// Stats is what the import did to the inventory of components; set by an import only.
	Stats *BOMStats `json:"stats,omitempty"`
}

// BOMStats counts what one import did to the organization's components and the system's links.
type BOMStats struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Linked    int `json:"linked"`
}

// BOMDiff is what changed between two imported versions of a system's BOM.
type BOMDiff struct {
	From    *BOMImport    `json:"from"`
	To      *BOMImport    `json:"to"`
	Changes aibom.Changes `json:"changes"`
	Lines   []string      `json:"lines"`
}

// BOMStore persists imported BOMs, scoped by organization: what another organization holds is ENOTFOUND.
// An import is written in steps that ImportBOM runs (see saveBOMImport): its rows carry the id of the
// pending import and stay invisible until it completes; on any error ImportBOM drops it. While one import
// into an organization is pending, another is ECONFLICT.
type BOMStore interface {
	// BeginBOMImport registers a pending import into system systemID (ENOTFOUND when the organization has
	// no such system) and returns its id; ECONFLICT while another import of the organization is pending.
	BeginBOMImport(ctx context.Context, orgID, systemID string) (string, error)
	// BOMCandidates returns, oldest first, the organization's components a BOM whose components have
	// names may match: at least those with one of the names.
	BOMCandidates(ctx context.Context, orgID string, names []string) ([]*Component, error)
	// BOMLinkedComponents returns the ids of the components linked to system systemID.
	BOMLinkedComponents(ctx context.Context, orgID, systemID string) ([]string, error)
	// WriteBOMComponents stores cs (ids, versions and times set) as components of pending import id, in
	// short transactions of their own that renew its lease; ECONFLICT when it is no longer pending.
	WriteBOMComponents(ctx context.Context, id string, cs []*Component) error
	// WriteBOMLinks links cs to system systemID with role, made at at, as links of pending import id, as
	// WriteBOMComponents writes.
	WriteBOMLinks(ctx context.Context, id, orgID, systemID, role string, cs []*Component, at time.Time) error
	// RenewBOMImport extends the lease of pending import id, which a batch written renews too (an import
	// whose lease runs out is taken for dead); ECONFLICT when it is no longer pending.
	RenewBOMImport(ctx context.Context, id string) error
	// UpdateBOMComponents stores the changed components of us at at, each only if still at the version
	// read; ECONFLICT otherwise. It joins the transaction of Atomically.
	UpdateBOMComponents(ctx context.Context, orgID string, us []BOMUpdate, at time.Time) error
	// CompleteBOMImport stores imp as the system's next version, with its inventory compressed
	// (aibom.GzipJSON), writes one activity entry (record type bom_import, its id, the counts of Stats),
	// and makes pending import id visible; it sets imp's ID, Seq, importer and ImportedAt. It joins the
	// transaction of Atomically; ECONFLICT when the import is no longer pending.
	CompleteBOMImport(ctx context.Context, id string, imp *BOMImport, inventoryGzip []byte) error
	// DropBOMImport deletes pending import id and what it wrote.
	DropBOMImport(ctx context.Context, id string) error
	// BOMImports returns the imports of a system, newest first, without their inventories; ENOTFOUND when
	// there is no such system.
	BOMImports(ctx context.Context, orgID, systemID string) ([]*BOMImport, error)
	// BOMImportBySeq returns one import with its inventory; seq 0 is the newest. ENOTFOUND when there is
	// none.
	BOMImportBySeq(ctx context.Context, orgID, systemID string, seq int64) (*BOMImport, error)
	// BOMImportInventory returns the inventory of import seq (not 0) as JSON text, to be read item by
	// item with aibom.ScanInventory and closed; ENOTFOUND when there is none.
	BOMImportInventory(ctx context.Context, orgID, systemID string, seq int64) (io.ReadCloser, error)
}

// BOMInvalidError is an imported document that is not a valid CycloneDX 1.5 or 1.6 BOM: the issues say
// where (a JSON pointer) and what. It is EINVALID.
type BOMInvalidError struct {
	Issues    []aibom.Issue
	Truncated bool
}

func (e *BOMInvalidError) Error() string {
	return fmt.Sprintf("invalid CycloneDX BOM: %d issue(s)", len(e.Issues))
}

// Unwrap gives the coded error that the transports map to a status.
func (e *BOMInvalidError) Unwrap() error {
	msg := "The file is not a valid CycloneDX 1.5 or 1.6 JSON BOM."
	if len(e.Issues) > 0 {
		is := e.Issues[0]
		p := is.Pointer
		if p == "" {
			p = "/"
		}
		msg = fmt.Sprintf("The file is not a valid CycloneDX 1.5 or 1.6 JSON BOM: %s: %s", p, is.Message)
		if n := len(e.Issues) - 1; n > 0 {
			msg += fmt.Sprintf(" (and %d more)", n)
		}
	}
	return &aims.Error{Code: aims.EINVALID, Message: msg}
}

// BOMLimit is the largest BOM ImportBOM takes, in bytes.
func (s *Service) BOMLimit() int64 {
	if s.BOMMaxBytes <= 0 {
		return DefaultBOMMaxBytes
	}
	return s.BOMMaxBytes
}

// ImportBOM reads a CycloneDX 1.5 or 1.6 JSON BOM of at most BOMLimit bytes and stores it as the next version of system systemID's BOM, with its components
// upserted into the organization's components and linked to the system, all or nothing (see
// saveBOMImport). A system of another organization is ENOTFOUND; another import into the
// organization still being stored is ECONFLICT; a document over the limit is ETOOLARGE; one that is not
// JSON or not valid CycloneDX is a *BOMInvalidError (EINVALID) listing the issues. Nothing is stored on
// error.
func (s *Service) ImportBOM(ctx context.Context, orgID, systemID string, r io.Reader, filename string) (*BOMImport, error) {
	if _, err := s.store.SystemByID(ctx, orgID, systemID); err != nil {
		return nil, err
	}
	filename = cleanText(filename, 200, false)
	h := sha256.New()
	doc, err := aibom.Read(aibom.Sized(io.TeeReader(r, h), aibom.SizeOf(r)), s.BOMLimit())
	if err != nil {
		return nil, bomError(err)
	}
	doc.Limits = s.bomLimits()
	// The BOM is validated against the schema while its components are converted and written (in one
	// transaction, committed only once it is found valid): for a large BOM the two take about as long,
	// and each keeps a core busy. Whatever fails, a BOM found invalid is reported as such.
	valid := make(chan error, 1)
	verdict := sync.OnceValue(func() error {
		if err := <-valid; err != nil {
			return bomError(err)
		}
		return nil
	})
	fail := func(err error) (*BOMImport, error) {
		if v := verdict(); v != nil {
			return nil, v
		}
		return nil, err
	}
	inv, err := doc.Inventory()
	// Validation starts once the items are read (on all cores) and runs while they are stored.
	go func() { valid <- doc.Validate() }()
	if err != nil {
		return fail(bomError(err))
	}
	comps, err := bomComponents(orgID, inv)
	if err != nil {
		return fail(err)
	}
	imp := &BOMImport{OrgID: orgID, SystemID: systemID, SpecVersion: inv.Metadata.SpecVersion,
		SerialNumber: inv.Metadata.SerialNumber, BOMVersion: inv.Metadata.Version, Filename: filename,
		SHA256: hex.EncodeToString(h.Sum(nil)), Components: len(inv.Components), Inventory: inv}
	if err := s.saveBOMImport(ctx, imp, comps, verdict); err != nil {
		return fail(err)
	}
	return imp, nil
}

// bomError turns the errors of aibom.Parse into coded ones.
func bomError(err error) error {
	var tl *aibom.TooLargeError
	var ie *aibom.InvalidError
	var tm *aibom.TooManyError
	switch {
	case errors.As(err, &tm):
		return &BOMTooManyError{What: tm.What, Limit: tm.Limit}
	case errors.As(err, &tl):
		return aims.Errorf(aims.ETOOLARGE, "The BOM is larger than the limit of %d bytes.", tl.Limit)
	case errors.As(err, &ie):
		return &BOMInvalidError{Issues: ie.Issues, Truncated: ie.Truncated}
	case aims.ErrorCode(err) != aims.EINTERNAL:
		return err
	}
	return fmt.Errorf("cannot read the BOM: %w", err)
}

// BOMs returns the imported versions of system systemID's BOM, newest first, without their inventories.
func (s *Service) BOMs(ctx context.Context, orgID, systemID string) ([]*BOMImport, error) {
	return s.store.BOMImports(ctx, orgID, systemID)
}

// BOM returns version seq of system systemID's BOM with its inventory; ENOTFOUND when there is none.
func (s *Service) BOM(ctx context.Context, orgID, systemID string, seq int64) (*BOMImport, error) {
	if seq <= 0 {
		return nil, aims.FieldError("seq", "Give the number of an imported version (1, 2, ...).")
	}
	return s.store.BOMImportBySeq(ctx, orgID, systemID, seq)
}

// DiffBOM compares versions from and to of system systemID's BOM; ENOTFOUND when either is missing.
func (s *Service) DiffBOM(ctx context.Context, orgID, systemID string, from, to int64) (*BOMDiff, error) {
	if from <= 0 {
		return nil, aims.FieldError("from", "Give the number of an imported version (1, 2, ...).")
	}
	if to <= 0 {
		return nil, aims.FieldError("to", "Give the number of an imported version (1, 2, ...).")
	}
	a, err := s.store.BOMImportBySeq(ctx, orgID, systemID, from)
	if err != nil {
		return nil, err
	}
	b, err := s.store.BOMImportBySeq(ctx, orgID, systemID, to)
	if err != nil {
		return nil, err
	}
	ch := aibom.Diff(a.Inventory, b.Inventory)
	a.Inventory, b.Inventory = nil, nil
	lines := ch.Lines()
	if lines == nil {
		lines = []string{}
	}
	return &BOMDiff{From: a, To: b, Changes: ch, Lines: lines}, nil
}

// bomComponents makes the aims component of each inventory component (one per distinct kind, name and
// version), with the details aims keeps for its kind filled from the BOM. The components are made on
// every core, since a BOM may hold tens of thousands, then kept in the BOM's order.
func bomComponents(orgID string, inv *aibom.Inventory) ([]*Component, error) {
	names := map[string]*aibom.Component{}
	for i := range inv.Components {
		names[inv.Components[i].BOMRef] = &inv.Components[i]
	}
	deps := map[string][]string{}
	for _, d := range inv.Dependencies {
		deps[d.Ref] = append(deps[d.Ref], d.DependsOn...)
	}
	type made struct {
		c   *Component
		key string
		err error
	}
	all := make([]made, len(inv.Components))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(all)/1000))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(all); i += workers {
				all[i].c, all[i].key, all[i].err = bomComponent(orgID, &inv.Components[i], names, deps)
			}
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	out := make([]*Component, 0, len(all))
	for _, m := range all {
		if m.key == "" || seen[m.key] {
			continue
		}
		seen[m.key] = true
		if m.err != nil {
			return nil, m.err
		}
		out = append(out, m.c)
	}
	return out, nil
}

// bomComponent makes the aims component of the inventory component bc and returns it with its key
// (kind, name and version), or no key when bc has no name.
func bomComponent(orgID string, bc *aibom.Component, names map[string]*aibom.Component, deps map[string][]string) (*Component, string, error) {
	kind := kindOf(bc)
	f := ComponentFields{
		Kind:             kind,
		Name:             cleanText(bc.Name, 200, false),
		ComponentVersion: cleanText(bc.Version, 100, false),
		Supplier:         cleanText(supplierOf(bc), 200, false),
		Licence:          cleanText(strings.Join(bc.Licenses, ", "), 200, false),
		Description:      cleanText(bc.Description, 4000, true),
		BOMRef:           cleanText(bc.BOMRef, 200, false),
	}
	if f.Name == "" {
		return nil, "", nil
	}
	key := f.Kind + "\x00" + f.Name + "\x00" + f.ComponentVersion
	raw, err := json.Marshal(bomDetails(bc, kind, names, deps[bc.BOMRef]))
	if err != nil {
		return nil, key, err
	}
	f.Details = raw
	c := &Component{OrgID: orgID}
	if err := f.apply(c); err != nil {
		return nil, key, aims.Errorf(aims.EINVALID, "Component %q of the BOM (bom-ref %q) cannot be kept: %s", bc.Name, bc.BOMRef, aims.ErrorMessage(err))
	}
	return c, key, nil
}

// bomDetails fills the details of kind from the BOM's component; aims detail properties (from an aims
// export) win over what is derived.
func bomDetails(c *aibom.Component, kind string, byRef map[string]*aibom.Component, dependsOn []string) map[string]any {
	d := map[string]any{}
	set := func(k, v string) {
		if v = cleanText(v, 4000, true); v != "" {
			d[k] = v
		}
	}
	switch kind {
	case "model":
		if m := c.Model; m != nil {
			var data []string
			for _, ds := range m.Datasets {
				switch {
				case ds.Name != "":
					data = append(data, ds.Name)
				case byRef[ds.Ref] != nil:
					data = append(data, byRef[ds.Ref].Name)
				case ds.URL != "":
					data = append(data, ds.URL)
				case ds.Ref != "":
					data = append(data, ds.Ref)
				}
			}
			set("training_data", strings.Join(data, ", "))
			var metrics []string
			for _, mt := range m.Metrics {
				s := strings.TrimSpace(mt.Type + " " + mt.Value)
				if mt.Slice != "" {
					s += " (" + mt.Slice + ")"
				}
				if mt.LowerBound != "" || mt.UpperBound != "" {
					s += " [" + mt.LowerBound + ", " + mt.UpperBound + "]"
				}
				metrics = append(metrics, s)
			}
			set("evaluation_summary", strings.Join(metrics, "; "))
		}
		for _, p := range c.Properties {
			n := strings.ToLower(p.Name)
			if n == "base_model" || n == "base-model" || n == "basemodel" || strings.HasSuffix(n, ":base_model") || strings.HasSuffix(n, ":base-model") {
				set("base_model", p.Value)
			}
		}
		if _, ok := d["base_model"]; !ok {
			var bases []string
			for _, ref := range dependsOn {
				if b := byRef[ref]; b != nil && b.Type == aibom.TypeModel {
					bases = append(bases, strings.TrimSpace(b.Name+" "+b.Version))
				}
			}
			set("base_model", strings.Join(bases, ", "))
		}
		for _, typ := range []string{"model-card", "documentation"} {
			if u := externalURL(c, typ); u != "" {
				set("model_card_url", u)
				break
			}
		}
	case "dataset":
		if ds := c.Dataset; ds != nil {
			src := ds.URL
			if src == "" {
				src = ds.Name
			}
			set("source", src)
			set("provenance", ds.Provenance)
			if len(ds.SensitiveData) > 0 {
				d["personal_data"] = true
			}
		}
		if _, ok := d["source"]; !ok {
			set("source", externalURL(c, ""))
		}
	case "tool":
		set("url", externalURL(c, ""))
	case "service":
		if s := c.Service; s != nil {
			set("provider", s.Provider)
			set("endpoint", strings.Join(s.Endpoints, ", "))
			var flows []string
			for _, f := range s.DataFlows {
				flows = append(flows, strings.TrimSpace(f.Name+" "+f.Classification+" ("+f.Flow+")"))
			}
			set("data_shared", strings.Join(flows, "; "))
		}
	}
	for _, p := range c.Properties {
		k, ok := strings.CutPrefix(p.Name, detailProperty)
		if !ok || !slices.Contains(componentDetails[kind], k) {
			continue
		}
		if slices.Contains(detailBools, k) {
			d[k] = p.Value == "true"
			continue
		}
		if v := cleanText(p.Value, 4000, true); v != "" {
			d[k] = v
		} else {
			delete(d, k)
		}
	}
	return d
}

// externalURL is the URL of c's first external reference of type typ (any type when typ is empty).
func externalURL(c *aibom.Component, typ string) string {
	for _, r := range c.ExternalRefs {
		if typ == "" || r.Type == typ {
			return r.URL
		}
	}
	return ""
}

// cleanText makes s fit a text field of at most max characters: control characters become spaces
// (line breaks stay in multiline fields), surrounding space goes, and a longer text is cut with an
// ellipsis. What a BOM holds in full stays in the stored inventory.
func cleanText(s string, max int, multiline bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		s = strings.TrimSpace(string([]rune(s)[:max-1])) + "…"
	}
	return s
}
