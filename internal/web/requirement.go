package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

// RequirementPage shows one requirement: its text, aims's guidance, the organization's licensed text, what
// it maps to in other frameworks, and, for managers, the form to add a mapping of its own.
type RequirementPage struct {
	Layout
	catalogLinks
	R          *framework.RequirementDetail
	Framework  *framework.Framework
	Frameworks []*framework.Framework // the others, to map to
	CanMap     bool
	Mapping    MappingForm
	// Self is this page's address, where the mapping forms return.
	Self string
	// Tabs lead to the organization's implementation of the requirement, when it has one.
	Tabs *RequirementTabs
}

// MappingForm is the add-mapping form's values and errors.
type MappingForm struct {
	ToFramework, ToRef, Relationship, Source, Rationale string
	Err                                                 *FormError
}

// FrameworkName returns the name of the framework with key, for the headings of the mappings.
func (p RequirementPage) FrameworkName(key string) string {
	for _, f := range p.Frameworks {
		if f.Key == key {
			return f.Name
		}
	}
	return key
}

// Relationships lists the relationships a mapping may have, for the form.
func (RequirementPage) Relationships() []string {
	return []string{framework.RelIntersects, framework.RelEquivalent, framework.RelSubset, framework.RelSuperset}
}

// SourceKind says where a mapping comes from: one of framework.SourcePublished, SourceDerived, SourceByAims
// or SourceByOrg.
func (RequirementPage) SourceKind(m *framework.Mapping) string {
	if m.SourceKind != "" {
		return m.SourceKind
	}
	return framework.SourceKindOf(m.Source, m.Own)
}

// SourceLabel names a kind of mapping source truthfully for the badge beside a mapping: only a crosswalk
// someone published is called published.
func (RequirementPage) SourceLabel(kind string) string {
	switch kind {
	case framework.SourcePublished:
		return "published crosswalk"
	case framework.SourceDerived:
		return "derived alignment, not published"
	case framework.SourceByAims:
		return "authored by aims"
	case framework.SourceByOrg:
		return "your own"
	}
	return kind
}

func (w *Web) requirementPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderRequirement(rw, r, v, http.StatusOK, MappingForm{Relationship: framework.RelIntersects})
}

func (w *Web) renderRequirement(rw http.ResponseWriter, r *http.Request, v *visit, status int, form MappingForm) error {
	ctx := r.Context()
	d, err := w.Frameworks.Requirement(ctx, v.org.ID, r.PathValue("key"), r.PathValue("ref"))
	if err != nil {
		return err
	}
	fws, err := w.Frameworks.Frameworks(ctx, v.org.ID)
	if err != nil {
		return err
	}
	p := RequirementPage{Layout: w.layout(rw, r, v, d.Ref+" "+d.Title, "/frameworks"), R: d, Framework: d.Framework,
		CanMap: v.may(aims.ActionCreate, aims.ResMapping), Mapping: form}
	p.Self = p.RequirementURL(d.Framework.Key, d.Ref)
	p.Tabs = w.implementationTabs(ctx, v, d.Framework.Key, d.Ref, false)
	for _, f := range fws {
		if f.Key != d.Framework.Key {
			p.Frameworks = append(p.Frameworks, f)
		}
	}
	return w.render(rw, r, status, "requirement", p)
}
