package framework

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework/oscal"
	"github.com/aimsproject/aims/internal/record"
)

// Service is what people do with frameworks, requirements and mappings: browse and search them, import
// frameworks (OSCAL catalogs and profiles, CSV) and licensed requirement text, export frameworks, and
// keep their own mappings. The API, the web UI and the command line all act through it. Callers
// authorize first (aims.Authorize with ResFramework or ResMapping); every method takes the
// organization it acts in, and sees only the built-in frameworks and that organization's own.
type Service struct {
	store Store
	oscal oscal.Validator
	// Links applies the delete rules of the links of the controls of a framework being deleted;
	// app.NewServices sets it to the record service, and a Service without it refuses to delete.
	Links LinkRules
}

// LinkRules are the delete rules a framework's deletion applies to its controls: their links'.
type LinkRules = record.DeleteRules

// NewService returns the service over store.
func NewService(store Store) *Service { return &Service{store: store} }

// Store returns the store the service works on.
func (s *Service) Store() Store { return s.store }

// Frameworks returns the frameworks visible to orgID, the latest revision of each: the built-in ones
// first, then the organization's own, each by name, with their requirement counts.
func (s *Service) Frameworks(ctx context.Context, orgID string) ([]*Framework, error) {
	all, err := s.store.ListFrameworks(ctx, orgID)
	if err != nil {
		return nil, err
	}
	latest := map[string]int{}
	var out []*Framework
	for _, f := range all {
		k := f.OrgID + "\x00" + f.Key
		if i, ok := latest[k]; ok {
			if f.Revision > out[i].Revision {
				out[i] = f
			}
			continue
		}
		latest[k] = len(out)
		out = append(out, f)
	}
	return out, nil
}

// Framework returns the latest revision of the framework with key visible to orgID, with its counts,
// or ENOTFOUND.
func (s *Service) Framework(ctx context.Context, orgID, key string) (*Framework, error) {
	fws, err := s.Frameworks(ctx, orgID)
	if err != nil {
		return nil, err
	}
	for _, f := range fws {
		if f.Key == key {
			return f, nil
		}
	}
	return nil, aims.Errorf(aims.ENOTFOUND, "There is no framework %q.", key)
}

// Tree returns the requirements of framework f in tree order (see Tree).
func (s *Service) Tree(ctx context.Context, orgID string, f *Framework) ([]Node, error) {
	reqs, err := s.store.Requirements(ctx, orgID, f.ID)
	if err != nil {
		return nil, err
	}
	return Tree(reqs), nil
}

// MaxSearchResults bounds a search's answer.
const MaxSearchResults = 500

// Search returns up to limit requirements (of framework f, or of every visible framework when f is nil)
// whose ref, title, text or guidance contain every word of query, case-insensitively. An empty query is
// EINVALID on the field "q".
func (s *Service) Search(ctx context.Context, orgID string, f *Framework, query string, limit int) ([]*Requirement, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, aims.FieldError("q", "Type something to search for.")
	}
	if utf8.RuneCountInString(query) > 200 {
		return nil, aims.FieldError("q", "Search for at most 200 characters.")
	}
	if limit <= 0 || limit > MaxSearchResults {
		limit = MaxSearchResults
	}
	id := ""
	if f != nil {
		id = f.ID
	}
	return s.store.SearchRequirements(ctx, orgID, id, query, limit)
}

// RequirementDetail is a requirement with everything its page shows: where it sits in its framework,
// what sits under it, the organization's licensed text of it, and the requirements of other frameworks
// it maps to.
type RequirementDetail struct {
	*Requirement
	Framework *Framework     `json:"-"`
	Ancestors []*Requirement `json:"ancestors"`
	Children  []*Requirement `json:"children"`
	// LicensedText is the organization's own licensed text of the requirement, or nil. It is the
	// organization's alone and never exported.
	LicensedText *LicensedText `json:"licensed_text"`
	Related      []*Related    `json:"related"`
}

// Requirement returns the requirement ref of the framework with key, or ENOTFOUND.
func (s *Service) Requirement(ctx context.Context, orgID, key, ref string) (*RequirementDetail, error) {
	f, err := s.Framework(ctx, orgID, key)
	if err != nil {
		return nil, err
	}
	reqs, err := s.store.Requirements(ctx, orgID, f.ID)
	if err != nil {
		return nil, err
	}
	d := &RequirementDetail{Framework: f, Ancestors: []*Requirement{}, Children: []*Requirement{}}
	for _, r := range reqs {
		if r.Ref == ref {
			d.Requirement = r
		}
	}
	if d.Requirement == nil {
		return nil, aims.Errorf(aims.ENOTFOUND, "%s has no requirement %q.", f.Name, ref)
	}
	d.Ancestors = append(d.Ancestors, Ancestors(reqs, ref)...)
	for _, n := range Tree(reqs) {
		if n.ParentRef == ref && n.Ref != ref {
			d.Children = append(d.Children, n.Requirement)
		}
	}
	lt, err := s.store.LicensedText(ctx, orgID, d.ID)
	switch {
	case err == nil:
		d.LicensedText = lt
	case aims.ErrorCode(err) != aims.ENOTFOUND:
		return nil, err
	}
	if d.Related, err = s.store.RelatedRequirements(ctx, orgID, d.ID); err != nil {
		return nil, err
	}
	if d.Related == nil {
		d.Related = []*Related{}
	}
	return d, nil
}

// Delete removes every revision of orgID's own framework with key, with its requirements, mappings and
// licensed texts. A built-in framework is ECONFLICT; ifRevision, when not 0, must be the latest revision
// (EPRECONDITION otherwise).
func (s *Service) Delete(ctx context.Context, orgID, key string, ifRevision int64) error {
	f, err := s.Framework(ctx, orgID, key)
	if err != nil {
		return err
	}
	if f.Builtin() {
		return aims.Errorf(aims.ECONFLICT, "%s ships with aims and cannot be deleted.", f.Name)
	}
	if ifRevision != 0 && ifRevision != int64(f.Revision) {
		return aims.Errorf(aims.EPRECONDITION, "%s has a newer revision (%d) than the one you saw; look again before deleting it.", f.Name, f.Revision)
	}
	if s.Links == nil {
		return errors.New("framework: no link rules wired; build the service with app.NewServices")
	}
	return s.store.Atomically(ctx, func(ctx context.Context) error {
		reqs, err := s.store.Requirements(ctx, orgID, f.ID)
		if err != nil {
			return err
		}
		var refs []record.Ref
		for _, r := range reqs {
			if r.Assessable {
				refs = append(refs, record.Ref{Type: record.TypeControl, ID: key + "/" + r.Ref})
			}
		}
		if err := s.Links.Deleting(ctx, orgID, refs...); err != nil {
			return err
		}
		return s.store.DeleteFrameworkKey(ctx, orgID, key)
	})
}
