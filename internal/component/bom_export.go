package component

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component/aibom"
)

// ExportBOM writes system systemID's components as a CycloneDX 1.6 JSON ML-BOM whose metadata.component
// is the system. Components that came from an imported BOM keep what aims does not model (hashes, purl,
// model card metrics, ...) from the newest import; aims's own fields and details win. People are not
// materials and are left out. The output validates against the CycloneDX 1.6 schema: a component it
// refuses is EINVALID, before anything is written. start, when not nil, is called once just before the
// first byte is written (see ExportSystems); an error after that cuts the output short and is returned.
//
// The document is streamed (see aibom.WriteStream): the components are read a page at a time (see
// EachSystemComponent), once to gather their bom-refs, once to validate and once more for each part of
// the document that lists them, and the imports' inventories one item at a time. What is held whatever
// the number of components is a page of them; what grows with it is the set of exported bom-refs, the
// JSON text of the imported components they start from, and the imported dependencies among them.
func (s *Service) ExportBOM(ctx context.Context, orgID, systemID, toolVersion string, w io.Writer, start func()) error {
	sys, err := s.store.SystemByID(ctx, orgID, systemID)
	if err != nil {
		return err
	}
	imports, err := s.store.BOMImports(ctx, orgID, systemID)
	if err != nil {
		return err
	}
	bomVersion := 1
	if len(imports) > 0 {
		bomVersion = int(imports[0].Seq) + 1
	}
	ex := &bomExport{svc: s, ctx: ctx, orgID: orgID, systemID: systemID, sysRef: "aims:system/" + sys.ID}
	if err := ex.prepare(imports); err != nil {
		return fmt.Errorf("cannot export the BOM of system %s: %w", sys.ID, err)
	}
	meta := aibom.ExportMeta{SystemRef: ex.sysRef, Name: sys.Name, Description: sys.Purpose,
		Timestamp: time.Now().UTC().Truncate(time.Second), BOMVersion: bomVersion, ToolVersion: toolVersion}
	stream := aibom.Stream{Components: ex.components, Refs: ex.exportedRefs, Dependencies: ex.dependencies}
	if err := aibom.WriteStream(aims.OnFirstWrite(w, start), stream, meta); err != nil {
		var ie *aibom.InvalidError
		if errors.As(err, &ie) {
			return aims.Errorf(aims.EINVALID, "The components of %s do not make a valid CycloneDX BOM: %v", sys.Name, ie)
		}
		return fmt.Errorf("cannot export the BOM of system %s: %w", sys.ID, err)
	}
	return nil
}

// bomExport is what ExportBOM gathers before it writes: one component per linked component (people left
// out, and those whose bom-ref an earlier one has), starting from the component of the same bom-ref in
// the newest import that has it, and the imports' dependencies among the exported components.
type bomExport struct {
	svc                     *Service
	ctx                     context.Context
	orgID, systemID, sysRef string
	// refs are the bom-refs exported, order the same in the order of the components; dup the ids of the
	// components left out because an earlier one has their bom-ref.
	refs  map[string]bool
	order []string
	dup   map[string]bool
	// latest is the JSON text of the newest imported component of each exported bom-ref.
	latest map[string]json.RawMessage
	// deps are the imported dependencies among the exported components, the newest of each ref.
	deps []aibom.Dependency
}

// exportRef is the bom-ref of sc in an export.
func exportRef(sc *SystemComponent) string {
	if sc.BOMRef == "" {
		return "aims:component/" + sc.ID
	}
	return sc.BOMRef
}

// prepare reads the linked components' bom-refs, then imports (newest first) until each linked bom-ref
// is found, keeping the newest component of each and the dependencies of the imports read.
func (ex *bomExport) prepare(imports []*BOMImport) error {
	ex.refs, ex.dup, ex.latest = map[string]bool{}, map[string]bool{}, map[string]json.RawMessage{}
	want := map[string]bool{}
	err := ex.svc.EachSystemComponent(ex.ctx, ex.orgID, ex.systemID, KindFilter{}, func(sc *SystemComponent) error {
		if sc.BOMRef != "" {
			want[sc.BOMRef] = true
		}
		if sc.Kind == "human" {
			return nil
		}
		if ref := exportRef(sc); ex.refs[ref] {
			ex.dup[sc.ID] = true
		} else {
			ex.refs[ref] = true
			ex.order = append(ex.order, ref)
		}
		return nil
	})
	if err != nil {
		return err
	}
	depSeen := map[string]bool{}
	for _, imp := range imports {
		if len(want) == 0 {
			break
		}
		inv, err := ex.svc.store.BOMImportInventory(ex.ctx, ex.orgID, ex.systemID, imp.Seq)
		if err != nil {
			return err
		}
		err = aibom.ScanInventory(inv, func(raw json.RawMessage) error {
			var c struct {
				BOMRef string `json:"bomRef"`
			}
			if err := json.Unmarshal(raw, &c); err != nil {
				return err
			}
			if want[c.BOMRef] {
				delete(want, c.BOMRef)
				if ex.refs[c.BOMRef] { // not only a person's
					ex.latest[c.BOMRef] = raw
				}
			}
			return nil
		}, func(d *aibom.Dependency) error {
			if depSeen[d.Ref] || d.Ref == ex.sysRef || !ex.refs[d.Ref] {
				return nil
			}
			depSeen[d.Ref] = true
			dep := aibom.Dependency{Ref: d.Ref}
			for _, to := range d.DependsOn {
				if ex.refs[to] {
					dep.DependsOn = append(dep.DependsOn, to)
				}
			}
			ex.deps = append(ex.deps, dep)
			return nil
		})
		inv.Close()
		if err != nil {
			return fmt.Errorf("cannot read BOM version %d: %w", imp.Seq, err)
		}
	}
	return nil
}

// components hands over the exported services (services set) or the other exported components, in the
// order of the system's components. A service is a component of kind service (see typeOf and kindOf).
func (ex *bomExport) components(services bool, yield func(*aibom.Component) error) error {
	kinds := KindFilter{NotIn: []string{"human", "service"}}
	if services {
		kinds = KindFilter{In: []string{"service"}}
	}
	return ex.svc.EachSystemComponent(ex.ctx, ex.orgID, ex.systemID, kinds, func(sc *SystemComponent) error {
		if ex.dup[sc.ID] {
			return nil
		}
		ref := exportRef(sc)
		var prev *aibom.Component
		if raw, ok := ex.latest[ref]; ok {
			prev = &aibom.Component{}
			if err := json.Unmarshal(raw, prev); err != nil {
				return fmt.Errorf("cannot read the imported component %s: %w", ref, err)
			}
		}
		c := exportComponent(sc, ref, prev)
		return yield(&c)
	})
}

// exportedRefs hands over the exported bom-refs in the order of the system's components.
func (ex *bomExport) exportedRefs(yield func(string) error) error {
	for _, ref := range ex.order {
		if err := yield(ref); err != nil {
			return err
		}
	}
	return nil
}

// dependencies hands over the imported dependencies among the exported components.
func (ex *bomExport) dependencies(yield func(*aibom.Dependency) error) error {
	for i := range ex.deps {
		if err := yield(&ex.deps[i]); err != nil {
			return err
		}
	}
	return nil
}

// exportComponent is the exported component of sc, of bom-ref ref: prev (the newest imported component
// of that bom-ref, nil when there is none) with aims's fields and details, when it is of sc's kind; else
// a component of aims's fields alone.
func exportComponent(sc *SystemComponent, ref string, prev *aibom.Component) aibom.Component {
	var c aibom.Component
	if prev != nil && kindOf(prev) == sc.Kind {
		c = *prev
	} else {
		c = aibom.Component{BOMRef: ref}
		c.Type, c.CycloneDXType = typeOf(sc.Kind)
		if sc.Kind == "dataset" {
			c.Dataset = &aibom.DatasetInfo{}
		}
		if sc.Kind == "service" {
			c.Service = &aibom.ServiceInfo{}
		}
	}
	c.Name, c.Version, c.Description = sc.Name, sc.ComponentVersion, sc.Description
	if supplierOf(&c) != sc.Supplier {
		if c.Service != nil {
			c.Service.Provider = sc.Supplier
		} else {
			c.Supplier, c.Manufacturer, c.Publisher = sc.Supplier, "", ""
		}
	}
	if strings.Join(c.Licenses, ", ") != sc.Licence {
		c.Licenses = nil
		if sc.Licence != "" {
			c.Licenses = []string{sc.Licence}
		}
	}
	c.Properties = detailProperties(c.Properties, sc.Details)
	return c
}

// detailProperties replaces the aims detail properties of props with details.
func detailProperties(props []aibom.Property, details json.RawMessage) []aibom.Property {
	var out []aibom.Property
	for _, p := range props {
		if !strings.HasPrefix(p.Name, detailProperty) {
			out = append(out, p)
		}
	}
	var m map[string]any
	_ = json.Unmarshal(details, &m)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := fmt.Sprint(m[k])
		out = append(out, aibom.Property{Name: detailProperty + k, Value: v})
	}
	return out
}

// kindOf maps an inventory component to one of ComponentKinds.
func kindOf(c *aibom.Component) string {
	switch c.Type {
	case aibom.TypeModel:
		return "model"
	case aibom.TypeDataset:
		return "dataset"
	case aibom.TypeTool, aibom.TypeLibrary:
		return "tool"
	case aibom.TypeService:
		return "service"
	}
	switch c.CycloneDXType {
	case "platform", "device", "device-driver", "firmware":
		return "compute"
	}
	return "other"
}

// typeOf maps a component kind to an inventory type and, where it is not the type's canonical one, the
// CycloneDX type.
func typeOf(kind string) (string, string) {
	switch kind {
	case "model":
		return aibom.TypeModel, ""
	case "dataset":
		return aibom.TypeDataset, ""
	case "tool":
		return aibom.TypeTool, ""
	case "service":
		return aibom.TypeService, ""
	case "compute":
		return aibom.TypeOther, "platform"
	}
	return aibom.TypeOther, ""
}

// supplierOf is the organization that supplies c, as aims records it.
func supplierOf(c *aibom.Component) string {
	for _, s := range []string{c.Supplier, c.Manufacturer, c.Publisher} {
		if s != "" {
			return s
		}
	}
	if c.Service != nil {
		return c.Service.Provider
	}
	return ""
}
