package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/record"
)

// ControlPage is one clause item or control: its implementation as a form (or facts, for roles that may
// not change it), aims's guidance and proposal, and the links to the records that satisfy it.
type ControlPage struct {
	Layout
	Control  *control.Control
	Guidance *framework.Guidance
	// Tabs lead to the requirement's catalog page, which shows the guidance.
	Tabs *RequirementTabs
	// Proposal is what aims proposes from the AI roles, for an Annex A control; nil otherwise.
	Proposal *control.Proposal
	// Inventory is what the AI system inventory suggests of the control, when it suggests it applies.
	Inventory *control.SystemProposal
	Form      ControlForm
	Link      LinkForm
	Members   []*account.Membership
	// OwnerGone names the owner when they may no longer be chosen (they left, or their role may not own the
	// record), offered so that saving keeps them.
	OwnerGone string
	CanEdit   bool
	CanRemove bool
	BackHref  string
	BackLabel string
	// Links are the control's links to other records; Comments its comments.
	RecordCards
}

// ControlForm is the control form's values and errors; Version guards against lost updates.
type ControlForm struct {
	Applicability string
	Justification string
	Status        string
	OwnerID       string
	TargetDate    string
	Notes         string
	Version       int64
	Err           *FormError
}

// LinkForm is the add-link form's values and errors.
type LinkForm struct {
	Kind   string
	Title  string
	Target string
	Err    *FormError
}

// Choices returns the applicability choices: applicable and excluded, and undecided while it is.
func (f ControlForm) Choices() []string {
	if f.Applicability == control.Undecided {
		return []string{control.Applicable, control.Excluded, control.Undecided}
	}
	return []string{control.Applicable, control.Excluded}
}

// Statuses returns the implementation statuses in order.
func (ControlForm) Statuses() []string { return control.Statuses }

// formOf returns the form for c as it is stored.
func formOf(c *control.Control) ControlForm {
	return ControlForm{Applicability: c.Applicability, Justification: c.Justification, Status: c.Status, OwnerID: c.OwnerID,
		TargetDate: c.TargetDate, Notes: c.Notes, Version: c.Version}
}

// controlPage shows a clause item or control.
func (w *Web) controlPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderControl(rw, r, v, http.StatusOK, nil, LinkForm{Kind: control.LinkURL})
}

// renderControl renders the page of the control named by the request's path, with form (nil: the stored
// values) and link.
func (w *Web) renderControl(rw http.ResponseWriter, r *http.Request, v *visit, status int, form *ControlForm, link LinkForm) error {
	ctx := r.Context()
	key, ref := r.PathValue("framework"), r.PathValue("ref")
	c, err := w.Controls.Control(ctx, v.org.ID, key, ref)
	if err != nil {
		return err
	}
	back, backLabel, nav := "/soa", "Statement of Applicability", "/soa"
	if c.Clause() {
		back, backLabel, nav = "/clauses", "Clause status", "/clauses"
	}
	p := ControlPage{Layout: w.layout(rw, r, v, c.Ref+" "+c.Title, nav), Control: c, Guidance: w.Controls.Guidance(key, ref),
		Tabs: w.implementationTabs(ctx, v, key, ref, true),
		Link: link, CanEdit: v.may(aims.ActionUpdate, aims.ResControl) && (c.InSoA || c.Framework == framework.ISO42001),
		CanRemove: v.may(aims.ActionDelete, aims.ResControl) && c.InSoA && c.Framework != framework.ISO42001,
		BackHref:  back, BackLabel: backLabel}
	if form != nil {
		p.Form = *form
	} else {
		p.Form = formOf(c)
	}
	if c.AnnexA() {
		prof, err := w.Controls.Profile(ctx, v.org.ID)
		if err != nil {
			return err
		}
		p.Proposal = w.Controls.ProposalFor(prof, c)
		if p.Inventory, err = w.Controls.SystemProposalFor(ctx, v.org.ID, c); err != nil {
			return err
		}
	}
	if p.CanEdit {
		ms, _, err := w.Accounts.Store().ListMembers(ctx, v.org.ID, pageOf("", 200))
		if err != nil {
			return err
		}
		p.Members = mayOwn(ms, aims.ResControl)
		if c.OwnerID != "" && !isMember(p.Members, c.OwnerID) {
			p.OwnerGone = c.OwnerName + " (no longer a member)"
			if c.OwnerIsMember {
				p.OwnerGone = c.OwnerName + " (whose role may not own controls)"
			}
		}
	}
	self := record.End{Type: record.TypeControl, ID: c.Framework + "/" + c.Ref, Title: c.Ref + " " + c.Title}
	if p.RecordCards, err = w.recordCards(ctx, r, v, self); err != nil {
		return err
	}
	return w.render(rw, r, status, "control", p)
}
