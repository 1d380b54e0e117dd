package web

import (
	"net/http"
	"slices"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
)

// AIRolesPage is the organization's AI roles (clause 4): the roles after ISO/IEC 22989 and the EU AI
// Act, the date set, the proposals they give for the Annex A controls, and the EU AI Act obligations
// that follow.
type AIRolesPage struct {
	Layout
	Profile     *control.Profile
	Form        AIRolesForm
	AIRoles     []control.Role
	EURoles     []control.Role
	Obligations *control.Obligations
	// DatesNotice is set when the organization plans against superseded EU AI Act dates.
	DatesNotice *DatesNotice
	// Proposals are the decisions that applying the proposals would make now.
	Proposals []control.Proposal
	CanEdit   bool
	CanApply  bool
}

// AIRolesForm is the form's values and errors.
type AIRolesForm struct {
	AIRoles []string
	EURoles []string
	EUDates string
	Version int64
	Err     *FormError
}

// HasAI and HasEU report whether the form has role key checked.
func (f AIRolesForm) HasAI(key string) bool { return slices.Contains(f.AIRoles, key) }

// HasEU reports whether the form has the EU role key checked.
func (f AIRolesForm) HasEU(key string) bool { return slices.Contains(f.EURoles, key) }

// aiRolesPage shows the AI roles.
func (w *Web) aiRolesPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderAIRoles(rw, r, v, http.StatusOK, nil)
}

func (w *Web) renderAIRoles(rw http.ResponseWriter, r *http.Request, v *visit, status int, form *AIRolesForm) error {
	ctx := r.Context()
	prof, err := w.Controls.Profile(ctx, v.org.ID)
	if err != nil {
		return err
	}
	p := AIRolesPage{Layout: w.layout(rw, r, v, "AI roles", "/context/ai-roles"), Profile: prof, AIRoles: control.AIRoles,
		EURoles: control.EURoles, Obligations: control.ObligationsFor(w.Controls.Catalog(), prof),
		CanEdit: v.may(aims.ActionUpdate, aims.ResContext), CanApply: v.may(aims.ActionUpdate, aims.ResControl),
		DatesNotice: w.datesNotice(r, v, prof)}
	if form != nil {
		p.Form = *form
	} else {
		p.Form = AIRolesForm{AIRoles: prof.AIRoles, EURoles: prof.EURoles, EUDates: prof.EUDates, Version: prof.Version}
	}
	if p.Proposals, err = w.Controls.Proposals(ctx, v.org.ID); err != nil {
		return err
	}
	return w.render(rw, r, status, "ai_roles", p)
}
