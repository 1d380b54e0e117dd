package web

import (
	"context"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
)

// RequirementTabs join the two pages of a requirement the organization implements: the implementation
// page (/controls/...), which is the requirement's home for the organization, and the catalog's page
// (/frameworks/.../requirements/...), which holds its text, aims's guidance and its mappings, so that the
// guidance is shown in one place and each page leads to the other.
type RequirementTabs struct {
	Implementation, Catalog string
	OnImplementation        bool
	// Status is the implementation's state for the tab: its applicability when not applicable, else its
	// status.
	Status string
}

// implementationTabs returns the tabs for the requirement ref of the framework with key, or nil when the
// organization does not implement it (a heading, or a control of another framework not in its SoA) or
// the visitor may not read controls.
func (w *Web) implementationTabs(ctx context.Context, v *visit, key, ref string, onImplementation bool) *RequirementTabs {
	if !v.may(aims.ActionRead, aims.ResControl) {
		return nil
	}
	c, err := w.Controls.Control(ctx, v.org.ID, key, ref)
	if err != nil || (c.Framework != framework.ISO42001 && !c.InSoA) {
		return nil
	}
	return &RequirementTabs{Implementation: controlHref(key, ref), Catalog: catalogLinks{}.RequirementURL(key, ref),
		OnImplementation: onImplementation, Status: stateOf(c.Applicability, c.Status)}
}

// stateOf is what a requirement's implementation shows in one word: the applicability unless the control
// applies, then its status.
func stateOf(applicability, status string) string {
	if applicability != "" && applicability != control.Applicable {
		return applicability
	}
	return status
}
