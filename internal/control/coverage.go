package control

import (
	"context"
	"slices"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

// CoverageFrameworks are the frameworks whose coverage aims computes from the ISO/IEC 42001
// implementation through the mappings.
var CoverageFrameworks = []string{framework.NISTAIRMF, framework.EUAIAct}

// Coverage is how much of another framework the organization's ISO/IEC 42001 implementation covers
// through the mappings between them, and exactly what is left.
type Coverage struct {
	Framework     string `json:"framework"`
	FrameworkName string `json:"framework_name"`
	// Scope says which of the framework's requirements count.
	Scope     string         `json:"scope"`
	Targets   int            `json:"targets"`
	Covered   int            `json:"covered"`
	Partial   int            `json:"partial"`
	Open      int            `json:"open"`
	Unmapped  int            `json:"unmapped"`
	Percent   int            `json:"percent"`
	Items     []CoverageItem `json:"items"`
	Generated time.Time      `json:"generated_at"`
}

// Coverage states of a target requirement.
const (
	// CoverCovered: an applicable ISO/IEC 42001 item mapped to it is implemented.
	CoverCovered = "covered"
	// CoverPartial: none is implemented, but one is partly implemented.
	CoverPartial = "partial"
	// CoverOpen: ISO/IEC 42001 items map to it, but none is implemented even in part.
	CoverOpen = "open"
	// CoverUnmapped: no ISO/IEC 42001 item maps to it; the ISO implementation cannot cover it.
	CoverUnmapped = "unmapped"
)

// CoverageItem is one requirement of the other framework, with the ISO/IEC 42001 items mapped to it:
// those that cover it, and for one not covered, those that would.
type CoverageItem struct {
	Ref   string           `json:"ref"`
	Title string           `json:"title"`
	State string           `json:"state"`
	Via   []CoverageSource `json:"via"`
}

// CoverageSource is an ISO/IEC 42001 clause item or Annex A control mapped to a target requirement, with
// its state in the organization: implemented, partial, excluded or open.
type CoverageSource struct {
	Ref          string `json:"ref"`
	Title        string `json:"title"`
	Relationship string `json:"relationship"`
	State        string `json:"state"`
}

// sourceState is the state of an ISO/IEC 42001 item for coverage.
func sourceState(c *Control) string {
	switch {
	case c == nil:
		return CoverOpen
	case c.Applicability == Excluded:
		return Excluded
	case c.Applicability == Applicable && c.Status == Implemented:
		return Implemented
	case c.Applicability == Applicable && c.Status == Partial:
		return Partial
	}
	return CoverOpen
}

// Coverage computes the coverage of the framework with key by orgID's ISO/IEC 42001 implementation. For
// the EU AI Act only the obligations that bind the organization's EU roles count. An unknown key is
// EINVALID on the field framework.
func (s *Service) Coverage(ctx context.Context, orgID, key string) (*Coverage, error) {
	bf := s.catalog.Framework(key)
	if bf == nil || !slices.Contains(CoverageFrameworks, key) {
		return nil, aims.FieldError("framework", "Coverage is computed for %s and %s.", framework.NISTAIRMF, framework.EUAIAct)
	}
	cov := &Coverage{Framework: key, FrameworkName: bf.Framework.Name, Items: []CoverageItem{},
		Generated: s.now()}
	var targets []*framework.Requirement
	switch key {
	case framework.EUAIAct:
		p, err := s.store.OrgProfile(ctx, orgID)
		if err != nil {
			return nil, err
		}
		binding := map[string]bool{}
		for _, o := range ObligationsFor(s.catalog, p).Items {
			binding[o.Article] = true
		}
		for _, r := range bf.Requirements {
			if r.Assessable && binding[r.Ref] {
				targets = append(targets, r)
			}
		}
		cov.Scope = "The articles whose obligations bind the organization's EU AI Act roles"
		if len(p.EURoles) == 0 {
			cov.Scope += " (none are declared yet: declare them under Context, AI roles)"
		}
	default:
		for _, r := range bf.Requirements {
			if r.Assessable {
				targets = append(targets, r)
			}
		}
		cov.Scope = "Every subcategory"
	}
	rows, err := s.isoItems(ctx, orgID)
	if err != nil {
		return nil, err
	}
	ms, err := s.store.MappingsBetween(ctx, orgID, framework.ISO42001, key)
	if err != nil {
		return nil, err
	}
	byTarget := map[string][]*framework.Mapping{}
	for _, m := range ms {
		byTarget[m.ToID] = append(byTarget[m.ToID], m)
	}
	for _, t := range targets {
		item := CoverageItem{Ref: t.Ref, Title: t.Title, State: CoverUnmapped, Via: []CoverageSource{}}
		for _, m := range byTarget[t.ID] {
			c := rows[m.FromID]
			if c == nil {
				continue // a heading, or an item that is not assessable
			}
			src := CoverageSource{Ref: c.Ref, Title: c.Title, Relationship: m.Relationship, State: sourceState(c)}
			item.Via = append(item.Via, src)
			switch {
			case src.State == Implemented:
				item.State = CoverCovered
			case src.State == Partial && item.State != CoverCovered:
				item.State = CoverPartial
			case item.State == CoverUnmapped:
				item.State = CoverOpen
			}
		}
		switch item.State {
		case CoverCovered:
			cov.Covered++
		case CoverPartial:
			cov.Partial++
		case CoverOpen:
			cov.Open++
		default:
			cov.Unmapped++
		}
		cov.Items = append(cov.Items, item)
	}
	cov.Targets = len(targets)
	if cov.Targets > 0 {
		cov.Percent = cov.Covered * 100 / cov.Targets
	}
	return cov, nil
}

// isoItems returns orgID's implementation of every ISO/IEC 42001 clause item and Annex A control, by
// requirement id.
func (s *Service) isoItems(ctx context.Context, orgID string) (map[string]*Control, error) {
	annex, err := s.store.SoAControls(ctx, orgID)
	if err != nil {
		return nil, err
	}
	clauses, err := s.store.ClauseControls(ctx, orgID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Control, len(annex)+len(clauses))
	for _, c := range append(annex, clauses...) {
		if c.Framework == framework.ISO42001 {
			out[c.RequirementID] = c
		}
	}
	return out, nil
}
