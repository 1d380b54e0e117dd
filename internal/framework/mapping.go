package framework

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/aimsproject/aims"
)

// MappingRequest is an organization's own mapping to create: a requirement of one framework (by key and
// ref) read "from RELATIONSHIP to" a requirement of another, where the mapping comes from, and why.
type MappingRequest struct {
	FromFramework string `json:"from_framework"`
	FromRef       string `json:"from_ref"`
	ToFramework   string `json:"to_framework"`
	ToRef         string `json:"to_ref"`
	Relationship  string `json:"relationship"`
	Source        string `json:"source"`
	Rationale     string `json:"rationale"`
}

// SourceOwn is the source of an own mapping whose request names none.
const SourceOwn = "own analysis"

// CreateMapping stores one of orgID's own mappings. Unknown frameworks or requirements, a mapping of a
// framework onto itself and an unknown relationship are EINVALID on the field at fault; a pair mapped
// already is ECONFLICT.
func (s *Service) CreateMapping(ctx context.Context, orgID string, req MappingRequest) (*Mapping, error) {
	req.Source, req.Rationale = strings.TrimSpace(req.Source), strings.TrimSpace(req.Rationale)
	if !ValidRelationship(req.Relationship) {
		return nil, aims.FieldError("relationship", "Choose equivalent, subset, superset or intersects.")
	}
	if req.Source == "" {
		req.Source = SourceOwn
	}
	if utf8.RuneCountInString(req.Source) > 200 {
		return nil, aims.FieldError("source", "Name the source in at most 200 characters.")
	}
	if utf8.RuneCountInString(req.Rationale) > 4000 {
		return nil, aims.FieldError("rationale", "Give the rationale in at most 4,000 characters.")
	}
	from, err := s.lookup(ctx, orgID, req.FromFramework, req.FromRef, "from_framework", "from_ref")
	if err != nil {
		return nil, err
	}
	to, err := s.lookup(ctx, orgID, req.ToFramework, req.ToRef, "to_framework", "to_ref")
	if err != nil {
		return nil, err
	}
	if from.FrameworkID == to.FrameworkID {
		return nil, aims.FieldError("to_framework", "Map to a requirement of another framework.")
	}
	m := &Mapping{OrgID: orgID, FromID: from.ID, ToID: to.ID, Relationship: req.Relationship, Source: req.Source,
		Rationale: req.Rationale}
	if err := s.store.CreateMapping(ctx, m); err != nil {
		return nil, err
	}
	return m, nil
}

// lookup finds a requirement for a mapping, answering EINVALID on the field that names what is missing.
func (s *Service) lookup(ctx context.Context, orgID, key, ref, keyField, refField string) (*Requirement, error) {
	if strings.TrimSpace(key) == "" {
		return nil, aims.FieldError(keyField, "Choose a framework.")
	}
	if strings.TrimSpace(ref) == "" {
		return nil, aims.FieldError(refField, "Name a requirement by its reference, like A.6.2.4.")
	}
	f, err := s.Framework(ctx, orgID, key)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return nil, aims.FieldError(keyField, "There is no framework %q.", key)
	}
	if err != nil {
		return nil, err
	}
	r, err := s.store.RequirementByRef(ctx, orgID, f.ID, strings.TrimSpace(ref))
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return nil, aims.FieldError(refField, "%s has no requirement %q.", f.Name, ref)
	}
	return r, err
}

// DeleteMapping removes one of orgID's own mappings; shipped mappings and other organizations' are
// ENOTFOUND.
func (s *Service) DeleteMapping(ctx context.Context, orgID, id string) error {
	return s.store.DeleteMapping(ctx, orgID, id)
}
