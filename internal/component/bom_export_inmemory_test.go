package component

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component/aibom"
	"github.com/aimsproject/aims/internal/system"
)

// ExportBOMInMemory is ExportBOM as it was before it streamed: it reads every component and the whole
// inventory of each import it needs, builds the inventory of the export and has aibom.Write encode it.
// The tests check that ExportBOM writes the same document.
func (s *Service) ExportBOMInMemory(ctx context.Context, orgID, systemID, toolVersion string, w io.Writer) error {
	sys, err := s.store.SystemByID(ctx, orgID, systemID)
	if err != nil {
		return err
	}
	var linked []*SystemComponent
	if err := s.EachSystemComponent(ctx, orgID, systemID, KindFilter{}, func(sc *SystemComponent) error {
		linked = append(linked, sc)
		return nil
	}); err != nil {
		return err
	}
	// Each component is enriched from the newest import that has its bom-ref, and so are the dependencies
	// from the imports read for that.
	imports, err := s.store.BOMImports(ctx, orgID, systemID)
	if err != nil {
		return err
	}
	bomVersion := 1
	if len(imports) > 0 {
		bomVersion = int(imports[0].Seq) + 1
	}
	want := map[string]bool{}
	for _, sc := range linked {
		if sc.BOMRef != "" {
			want[sc.BOMRef] = true
		}
	}
	latest := &aibom.Inventory{}
	depSeen := map[string]bool{}
	for _, imp := range imports {
		if len(want) == 0 {
			break
		}
		full, err := s.store.BOMImportBySeq(ctx, orgID, systemID, imp.Seq)
		if err != nil {
			return err
		}
		for _, c := range full.Inventory.Components {
			if want[c.BOMRef] {
				delete(want, c.BOMRef)
				latest.Components = append(latest.Components, c)
			}
		}
		for _, d := range full.Inventory.Dependencies {
			if !depSeen[d.Ref] {
				depSeen[d.Ref] = true
				latest.Dependencies = append(latest.Dependencies, d)
			}
		}
	}
	inv := exportInventory(sys, linked, latest)
	meta := aibom.ExportMeta{SystemRef: "aims:system/" + sys.ID, Name: sys.Name, Description: sys.Purpose,
		Timestamp: time.Now().UTC().Truncate(time.Second), BOMVersion: bomVersion, ToolVersion: toolVersion}
	var buf bytes.Buffer
	if err := aibom.Write(&buf, inv, meta); err != nil {
		var ie *aibom.InvalidError
		if errors.As(err, &ie) {
			return aims.Errorf(aims.EINVALID, "The components of %s do not make a valid CycloneDX BOM: %v", sys.Name, ie)
		}
		return fmt.Errorf("cannot export the BOM of system %s: %w", sys.ID, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("cannot write the BOM of system %s: %w", sys.ID, err)
	}
	return nil
}

// exportInventory builds the inventory of an export: one component per linked component (people left
// out), starting from the component of the same bom-ref in latest (the newest imported one of each), and
// latest's dependencies among the exported components, plus the system's dependency on all of them.
func exportInventory(sys *system.System, linked []*SystemComponent, latest *aibom.Inventory) *aibom.Inventory {
	byRef := map[string]*aibom.Component{}
	for i := range latest.Components {
		byRef[latest.Components[i].BOMRef] = &latest.Components[i]
	}
	inv := &aibom.Inventory{}
	refs := map[string]bool{}
	var all []string
	for _, sc := range linked {
		if sc.Kind == "human" {
			continue
		}
		ref := sc.BOMRef
		if ref == "" {
			ref = "aims:component/" + sc.ID
		}
		if refs[ref] {
			continue
		}
		refs[ref] = true
		all = append(all, ref)
		var c aibom.Component
		if prev, ok := byRef[ref]; ok && kindOf(prev) == sc.Kind {
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
		inv.Components = append(inv.Components, c)
	}
	sysRef := "aims:system/" + sys.ID
	for _, d := range latest.Dependencies {
		if d.Ref == sysRef || !refs[d.Ref] {
			continue
		}
		dep := aibom.Dependency{Ref: d.Ref}
		for _, to := range d.DependsOn {
			if refs[to] {
				dep.DependsOn = append(dep.DependsOn, to)
			}
		}
		inv.Dependencies = append(inv.Dependencies, dep)
	}
	if len(all) > 0 {
		inv.Dependencies = append(inv.Dependencies, aibom.Dependency{Ref: sysRef, DependsOn: all})
	}
	return inv
}
