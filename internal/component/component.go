package component

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// ComponentKinds are the kinds of an AI system's components (ISO/IEC 42001, A.4.2 to A.4.6).
var ComponentKinds = []string{"model", "dataset", "tool", "compute", "human", "service", "other"}

// componentDetails are the keys a component's details may hold, by kind. Every value is text, except
// the boolean ones of detailBools.
var componentDetails = map[string][]string{
	"model": {"base_model", "training_data", "fine_tuning_data", "model_card_url", "evaluation_summary"},
	// Data for AI systems: acquisition (A.7.3), quality (A.7.4), provenance (A.7.5), preparation (A.7.6).
	"dataset": {"source", "acquisition", "provenance", "quality_measures", "preparation", "personal_data", "licence", "retention"},
	"tool":    {"purpose", "url"},
	"compute": {"provider", "location", "hardware"},
	"human":   {"role", "competence"},
	"service": {"provider", "endpoint", "data_shared"},
	"other":   {},
}

var detailBools = []string{"personal_data"}

// DetailKeys returns the keys the details of a component of kind may hold.
func DetailKeys(kind string) []string { return slices.Clone(componentDetails[kind]) }

// Component is a model, data set, tool, computing resource, person or service that AI systems of the
// organization use; one component may serve several systems. Its field names follow the neutral
// inventory of package aibom.
type Component struct {
	ID               string          `json:"id"`
	OrgID            string          `json:"-"`
	Kind             string          `json:"kind"`
	Name             string          `json:"name"`
	ComponentVersion string          `json:"component_version"`
	Supplier         string          `json:"supplier"`
	Licence          string          `json:"licence"`
	Description      string          `json:"description"`
	BOMRef           string          `json:"bom_ref"`
	Details          json.RawMessage `json:"details"`
	Version          int64           `json:"version"`
	CreatedAt        time.Time       `json:"created_at"`
	UpdatedAt        time.Time       `json:"updated_at"`
}

// ComponentFields are a component's editable fields, replaced as a whole on create and update.
type ComponentFields struct {
	Kind             string          `json:"kind"`
	Name             string          `json:"name"`
	ComponentVersion string          `json:"component_version"`
	Supplier         string          `json:"supplier"`
	Licence          string          `json:"licence"`
	Description      string          `json:"description"`
	BOMRef           string          `json:"bom_ref"`
	Details          json.RawMessage `json:"details"`
}

// ComponentFieldsOf returns c's editable fields.
func ComponentFieldsOf(c *Component) ComponentFields {
	return ComponentFields{Kind: c.Kind, Name: c.Name, ComponentVersion: c.ComponentVersion, Supplier: c.Supplier,
		Licence: c.Licence, Description: c.Description, BOMRef: c.BOMRef, Details: bytes.Clone(c.Details)}
}

// apply validates f and copies it onto c; the first fault is an EINVALID error naming its field.
func (f *ComponentFields) apply(c *Component) error {
	for _, t := range []struct {
		p         *string
		field     string
		max       int
		multiline bool
	}{
		{&f.Kind, "kind", 20, false}, {&f.Name, "name", 200, false}, {&f.ComponentVersion, "component_version", 100, false},
		{&f.Supplier, "supplier", 200, false}, {&f.Licence, "licence", 200, false},
		{&f.Description, "description", 4000, true}, {&f.BOMRef, "bom_ref", 200, false},
	} {
		*t.p = strings.TrimSpace(*t.p)
		if err := aims.CheckText(*t.p, t.field, t.max, t.multiline); err != nil {
			return err
		}
	}
	if err := aims.OneOf(f.Kind, ComponentKinds, "kind", false); err != nil {
		return err
	}
	if f.Name == "" {
		return aims.FieldError("name", "Give the component a name.")
	}
	details, err := checkDetails(f.Kind, f.Details)
	if err != nil {
		return err
	}
	f.Details = details
	c.Kind, c.Name, c.ComponentVersion, c.Supplier = f.Kind, f.Name, f.ComponentVersion, f.Supplier
	c.Licence, c.Description, c.BOMRef, c.Details = f.Licence, f.Description, f.BOMRef, details
	return nil
}

// checkDetails returns raw, a JSON object with only the keys of kind, in a canonical form: text trimmed,
// empty entries dropped, keys sorted.
func checkDetails(kind string, raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return json.RawMessage("{}"), nil
	}
	var m map[string]any
	if raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		return nil, aims.FieldError("details", "The details must be a JSON object.")
	}
	allowed := componentDetails[kind]
	var unknown []string
	for k := range m {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		known := "none"
		if len(allowed) > 0 {
			known = strings.Join(allowed, ", ")
		}
		return nil, aims.FieldError("details", "Unknown details for a %s: %s (known: %s).", kind, strings.Join(unknown, ", "), known)
	}
	out := map[string]any{}
	for k, v := range m {
		if slices.Contains(detailBools, k) {
			b, ok := v.(bool)
			if !ok {
				return nil, aims.FieldError("details", "details.%s must be true or false.", k)
			}
			out[k] = b
			continue
		}
		s, ok := v.(string)
		if !ok {
			return nil, aims.FieldError("details", "details.%s must be text.", k)
		}
		s = strings.TrimSpace(s)
		if err := aims.CheckText(s, "details", 4000, true); err != nil {
			return nil, err
		}
		if s != "" {
			out[k] = s
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Link ties a component to a system that uses it, with the component's role there.
type Link struct {
	OrgID       string    `json:"-"`
	SystemID    string    `json:"system_id"`
	ComponentID string    `json:"component_id"`
	Role        string    `json:"role"`
	Notes       string    `json:"notes"`
	CreatedAt   time.Time `json:"created_at"`
	// New is set by LinkComponent when the component was not linked to the system before.
	New bool `json:"-"`
}

// SystemComponent is a component as one system uses it.
type SystemComponent struct {
	Component
	Role     string    `json:"role"`
	Notes    string    `json:"notes"`
	LinkedAt time.Time `json:"linked_at"`
}

// SystemRef names a system that uses a component, and the component's role there.
type SystemRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// ComponentFilter narrows a list of components.
type ComponentFilter struct {
	Kind  string
	Query string // matched against name and supplier
	// NotInSystem, when set, leaves out the components that this system uses.
	NotInSystem string
}

// ComponentStore persists components and their links to systems, scoped by organization: what another
// organization holds is ENOTFOUND. Every change appends its activity entry in the same transaction.
type ComponentStore interface {
	// CreateComponent stores c; ECONFLICT on name when the organization has the same kind, name and
	// component version already.
	CreateComponent(ctx context.Context, c *Component) error
	// UpdateComponent stores c if its version is ifVersion (0: any).
	UpdateComponent(ctx context.Context, c *Component, ifVersion int64) error
	DeleteComponent(ctx context.Context, orgID, id string) error
	ComponentByID(ctx context.Context, orgID, id string) (*Component, error)
	// ComponentByKey returns the component of that kind, name and component version.
	ComponentByKey(ctx context.Context, orgID, kind, name, componentVersion string) (*Component, error)
	ListComponents(ctx context.Context, orgID string, f ComponentFilter, p aims.Page) ([]*Component, string, error)
	// LinkComponent links or relinks; it changes nothing (and records nothing) when l is stored as it is.
	LinkComponent(ctx context.Context, l *Link) error
	UnlinkComponent(ctx context.Context, orgID, systemID, componentID string) error
	// SystemComponents returns every component of a system at once, for tests and small systems: a
	// system may use 100,000, which a walk (SystemComponentsAfter) or a page (SystemComponentsPage) reads
	// with bounded memory.
	SystemComponents(ctx context.Context, orgID, systemID string) ([]*SystemComponent, error)
	// SystemComponentsPage returns a page of a system's components, in SystemComponents' order, after
	// p.Cursor or (before set) before it, with the cursors of the next and previous pages.
	SystemComponentsPage(ctx context.Context, orgID, systemID string, p aims.Page, before bool) ([]*SystemComponent, string, string, error)
	// SystemComponentsAfter returns up to limit of a system's components of the kinds chosen, in SystemComponents' order,
	// those after the component after (nil: from the first), compared by its values: a step of a walk
	// through all of them (see EachSystemComponent).
	SystemComponentsAfter(ctx context.Context, orgID, systemID string, kinds KindFilter, after *SystemComponent, limit int) ([]*SystemComponent, error)
	// CountSystemComponentsOfKinds returns how many components of the kinds chosen a system uses.
	CountSystemComponentsOfKinds(ctx context.Context, orgID, systemID string, kinds KindFilter) (int, error)
	// CountSystemComponents returns how many components a system uses.
	CountSystemComponents(ctx context.Context, orgID, systemID string) (int, error)
	ComponentSystems(ctx context.Context, orgID, componentID string) ([]*SystemRef, error)
}

// CreateComponent validates f and stores a new component of orgID.
func (s *Service) CreateComponent(ctx context.Context, orgID string, f ComponentFields) (*Component, error) {
	c := &Component{OrgID: orgID}
	if err := f.apply(c); err != nil {
		return nil, err
	}
	if err := s.store.CreateComponent(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateComponent replaces the fields of component id if its version is ifVersion (0: any).
func (s *Service) UpdateComponent(ctx context.Context, orgID, id string, f ComponentFields, ifVersion int64) (*Component, error) {
	cur, err := s.store.ComponentByID(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	if err := f.apply(cur); err != nil {
		return nil, err
	}
	if err := s.store.UpdateComponent(ctx, cur, ifVersion); err != nil {
		return nil, err
	}
	return cur, nil
}

// DeleteComponent removes component id, its links to systems, and its record links by their rules:
// ECONFLICT when a link to it refuses the delete (a system depends on it).
func (s *Service) DeleteComponent(ctx context.Context, orgID, id string) error {
	return s.store.Atomically(ctx, func(ctx context.Context) error {
		if _, err := s.store.ComponentByID(ctx, orgID, id); err != nil {
			return err
		}
		if err := record.ApplyDeleteRules(ctx, s.Links, orgID, record.Ref{Type: record.TypeComponent, ID: id}); err != nil {
			return err
		}
		return s.store.DeleteComponent(ctx, orgID, id)
	})
}

// Component returns orgID's component id.
func (s *Service) Component(ctx context.Context, orgID, id string) (*Component, error) {
	return s.store.ComponentByID(ctx, orgID, id)
}

// ComponentByKey returns orgID's component of that kind, name and component version.
func (s *Service) ComponentByKey(ctx context.Context, orgID, kind, name, componentVersion string) (*Component, error) {
	return s.store.ComponentByKey(ctx, orgID, kind, strings.TrimSpace(name), strings.TrimSpace(componentVersion))
}

// Components returns a page of orgID's components matching f, ordered by name.
func (s *Service) Components(ctx context.Context, orgID string, f ComponentFilter, p aims.Page) ([]*Component, string, error) {
	f.Query = strings.TrimSpace(f.Query)
	if err := aims.OneOf(f.Kind, ComponentKinds, "kind", true); err != nil {
		return nil, "", err
	}
	if err := aims.CheckText(f.Query, "q", 200, false); err != nil {
		return nil, "", err
	}
	return s.store.ListComponents(ctx, orgID, f, p)
}

// Link links component componentID to system systemID, with its role there and notes; linking again
// replaces them. Either id of another organization is ENOTFOUND.
func (s *Service) Link(ctx context.Context, orgID, systemID, componentID, role, notes string) (*Link, error) {
	l := &Link{OrgID: orgID, SystemID: systemID, ComponentID: componentID, Role: strings.TrimSpace(role), Notes: strings.TrimSpace(notes)}
	if err := aims.CheckText(l.Role, "role", 200, false); err != nil {
		return nil, err
	}
	if err := aims.CheckText(l.Notes, "notes", 4000, true); err != nil {
		return nil, err
	}
	err := s.store.Atomically(ctx, func(ctx context.Context) error {
		if err := s.store.LinkComponent(ctx, l); err != nil {
			return err
		}
		if !l.New {
			return nil // a new role or notes do not change what the system is made of
		}
		return s.componentChanged(ctx, orgID, systemID, componentID, "linked to")
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// componentChanged tells s.Watch, if any, that component componentID was linked to (or unlinked from)
// system systemID.
func (s *Service) componentChanged(ctx context.Context, orgID, systemID, componentID, how string) error {
	if s.Watch == nil {
		return nil
	}
	c, err := s.store.ComponentByID(ctx, orgID, componentID)
	if err != nil {
		return err
	}
	return s.Watch.SystemChanged(ctx, orgID, systemID, fmt.Sprintf("The %s %s was %s the AI system.", c.Kind, c.Name, how))
}

// Unlink removes the link of component componentID to system systemID; ENOTFOUND when there is none.
func (s *Service) Unlink(ctx context.Context, orgID, systemID, componentID string) error {
	return s.store.Atomically(ctx, func(ctx context.Context) error {
		if err := s.componentChanged(ctx, orgID, systemID, componentID, "unlinked from"); err != nil {
			return err
		}
		return s.store.UnlinkComponent(ctx, orgID, systemID, componentID)
	})
}

// SystemComponents returns every component of system systemID at once, by kind and name: for tests. What
// may meet a large system walks them (EachSystemComponent) or reads a page (SystemComponentsPage).
func (s *Service) SystemComponents(ctx context.Context, orgID, systemID string) ([]*SystemComponent, error) {
	return s.store.SystemComponents(ctx, orgID, systemID)
}

// walkPage is how many components a walk through all of a system's components reads at a time: some
// megabytes, and few enough pages that each being a scan (see store.SystemComponentsAfter) costs little.
const walkPage = 5000

// KindFilter chooses components by kind: those of a kind in In (when set) and not in NotIn.
type KindFilter struct{ In, NotIn []string }

// EachSystemComponent calls fn with each component of orgID's system systemID of the kinds chosen, in
// SystemComponents' order, reading them WalkPage at a time, and returns fn's first error: what is held is one page,
// whatever the number of components. Each page is read on its own: a component linked, unlinked or
// renamed during the walk may be seen or not (a renamed one even twice). A system of another
// organization has none (the caller checks that the system is there).
func (s *Service) EachSystemComponent(ctx context.Context, orgID, systemID string, kinds KindFilter, fn func(*SystemComponent) error) error {
	var after *SystemComponent
	for {
		size := cmp.Or(s.WalkPage, walkPage)
		cs, err := s.store.SystemComponentsAfter(ctx, orgID, systemID, kinds, after, size)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if err := fn(c); err != nil {
				return err
			}
		}
		if len(cs) < size {
			return nil
		}
		after = cs[len(cs)-1]
	}
}

// FirstSystemComponents returns the first limit (at most 5,000) components of system systemID of the
// kinds chosen, in SystemComponents' order, and how many of those kinds the system uses in all: what a
// summary that shows a page of them and points to the rest needs. A system of another organization has
// none (the caller checks that the system is there).
func (s *Service) FirstSystemComponents(ctx context.Context, orgID, systemID string, kinds KindFilter, limit int) ([]*SystemComponent, int, error) {
	cs, err := s.store.SystemComponentsAfter(ctx, orgID, systemID, kinds, nil, limit)
	if err != nil {
		return nil, 0, err
	}
	n, err := s.store.CountSystemComponentsOfKinds(ctx, orgID, systemID, kinds)
	if err != nil {
		return nil, 0, err
	}
	return cs, n, nil
}

// ComponentsPage is one page of an AI system's components.
type ComponentsPage struct {
	Items []*SystemComponent
	// Next and Prev are the cursors of the pages after and before this one ("" at either end); Prev is
	// to be asked for with Before set.
	Next, Prev string
	// Total is how many components the system uses in all.
	Total int
}

// SystemComponentsPage returns a page of system systemID's components, by kind and name: up to p.Limit
// (default 50, at most 500) after p.Cursor, or before it when before is set; ENOTFOUND when there is no
// such system, EINVALID on cursor for a cursor that is not one.
func (s *Service) SystemComponentsPage(ctx context.Context, orgID, systemID string, p aims.Page, before bool) (*ComponentsPage, error) {
	cs, next, prev, err := s.store.SystemComponentsPage(ctx, orgID, systemID, p, before)
	if err != nil {
		return nil, err
	}
	n, err := s.store.CountSystemComponents(ctx, orgID, systemID)
	if err != nil {
		return nil, err
	}
	return &ComponentsPage{Items: cs, Next: next, Prev: prev, Total: n}, nil
}

// ComponentSystems returns the systems that use component componentID, by name.
func (s *Service) ComponentSystems(ctx context.Context, orgID, componentID string) ([]*SystemRef, error) {
	return s.store.ComponentSystems(ctx, orgID, componentID)
}
