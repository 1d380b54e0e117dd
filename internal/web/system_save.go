package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/system"
)

// SystemFormPage registers a new AI system (System nil) or edits one.
type SystemFormPage struct {
	Layout
	System  *system.System
	Form    SystemForm
	Members []*account.Membership
	// OwnerGone names the owner when they may no longer be chosen (they left, or their role may not own the
	// record), offered so that saving keeps them.
	OwnerGone string
}

// SystemForm is the system form's values and errors. Version guards an edit against lost updates, and
// Reason says why it changes.
type SystemForm struct {
	Name                string
	Purpose             string
	IntendedUse         string
	ForeseeableMisuse   string
	AIRole              string
	EURole              string
	Stage               string
	Status              string
	OwnerID             string
	Team                string
	Markets             string
	InteractsWithPeople bool
	GeneratesContent    bool
	PersonalData        bool
	HumanOversight      string
	Reason              string
	Version             int64
	Err                 *FormError
}

// AIRoles, EURoles, Stages and Statuses are the form's choices.
func (SystemForm) AIRoles() []string  { return system.AIRoles }
func (SystemForm) EURoles() []string  { return system.EURoles }
func (SystemForm) Stages() []string   { return system.Stages }
func (SystemForm) Statuses() []string { return system.Statuses }

// systemFormFields are the names of the form's fields, where an error is shown beside its field.
var systemFormFields = []string{"name", "purpose", "intended_use", "foreseeable_misuse", "ai_role", "eu_role", "stage", "status",
	"owner_id", "team", "markets", "human_oversight", "reason"}

// systemFormOf returns the form for s as it is stored.
func systemFormOf(s *system.System) SystemForm {
	return SystemForm{Name: s.Name, Purpose: s.Purpose, IntendedUse: s.IntendedUse, ForeseeableMisuse: s.ForeseeableMisuse,
		AIRole: s.AIRole, EURole: s.EURole, Stage: s.Stage, Status: s.Status, OwnerID: s.OwnerID, Team: s.Team,
		Markets: strings.Join(s.Markets, ", "), InteractsWithPeople: s.InteractsWithPeople, GeneratesContent: s.GeneratesContent,
		PersonalData: s.PersonalData, HumanOversight: s.HumanOversight, Version: s.Version}
}

// readSystemForm reads the posted form; the caller has parsed it.
func readSystemForm(r *http.Request) SystemForm {
	on := func(name string) bool { return r.PostFormValue(name) != "" }
	return SystemForm{Name: r.PostFormValue("name"), Purpose: r.PostFormValue("purpose"), IntendedUse: r.PostFormValue("intended_use"),
		ForeseeableMisuse: r.PostFormValue("foreseeable_misuse"), AIRole: r.PostFormValue("ai_role"), EURole: r.PostFormValue("eu_role"),
		Stage: r.PostFormValue("stage"), Status: r.PostFormValue("status"), OwnerID: r.PostFormValue("owner_id"),
		Team: r.PostFormValue("team"), Markets: r.PostFormValue("markets"), InteractsWithPeople: on("interacts_with_people"),
		GeneratesContent: on("generates_content"), PersonalData: on("personal_data"), HumanOversight: r.PostFormValue("human_oversight"),
		Reason: r.PostFormValue("reason")}
}

// fields returns the form's values over base, which keeps the fields the form does not show.
func (f SystemForm) fields(base system.Fields) system.Fields {
	base.Name, base.Purpose, base.IntendedUse, base.ForeseeableMisuse = f.Name, f.Purpose, f.IntendedUse, f.ForeseeableMisuse
	base.AIRole, base.EURole, base.Stage, base.Status, base.OwnerID, base.Team = f.AIRole, f.EURole, f.Stage, f.Status, f.OwnerID, f.Team
	base.Markets = system.SplitList(f.Markets)
	base.InteractsWithPeople, base.GeneratesContent, base.PersonalData = f.InteractsWithPeople, f.GeneratesContent, f.PersonalData
	base.HumanOversight = f.HumanOversight
	return base
}

// newSystemPage shows the form that registers an AI system.
func (w *Web) newSystemPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderSystemForm(rw, r, v, http.StatusOK, nil, SystemForm{Stage: "inception", Status: "active"})
}

// editSystemPage shows the form that changes the AI system named by the request's path.
func (w *Web) editSystemPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	s, err := w.Systems.System(r.Context(), v.org.ID, id)
	if err != nil {
		return err
	}
	return w.renderSystemForm(rw, r, v, http.StatusOK, s, systemFormOf(s))
}

// renderSystemForm renders the form for a new system (s nil) or for s, with form's values and errors.
func (w *Web) renderSystemForm(rw http.ResponseWriter, r *http.Request, v *visit, status int, s *system.System, form SystemForm) error {
	title := "Register an AI system"
	if s != nil {
		title = "Edit " + s.Name
	}
	ms, _, err := w.Accounts.Store().ListMembers(r.Context(), v.org.ID, pageOf("", 200))
	if err != nil {
		return err
	}
	p := SystemFormPage{Layout: w.layout(rw, r, v, title, systemsPath), System: s, Form: form, Members: mayOwn(ms, aims.ResSystem)}
	if s != nil && s.OwnerID != "" && !isMember(p.Members, s.OwnerID) {
		p.OwnerGone = s.OwnerName
		if p.OwnerGone == "" {
			p.OwnerGone = "Former owner"
		}
		if isMember(ms, s.OwnerID) {
			p.OwnerGone += " (whose role may not own AI systems)"
		} else {
			p.OwnerGone += " (no longer a member)"
		}
	}
	return w.render(rw, r, status, "system_form", p)
}

// mayOwn returns the members of ms whose role may own a record of res: those who may change it.
func mayOwn(ms []*account.Membership, res aims.Resource) []*account.Membership {
	var out []*account.Membership
	for _, m := range ms {
		if aims.MayOwn(m.Role, res) {
			out = append(out, m)
		}
	}
	return out
}

func isMember(ms []*account.Membership, userID string) bool {
	for _, m := range ms {
		if m.UserID == userID {
			return true
		}
	}
	return false
}

// createSystem registers an AI system. A fault is shown beside its field and nothing is stored.
func (w *Web) createSystem(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	f := readSystemForm(r)
	s, err := w.Systems.Create(r.Context(), v.org.ID, f.fields(system.Fields{}))
	if err != nil {
		fe, status, ok := formError(err, systemFormFields...)
		if !ok {
			return err
		}
		f.Err = fe
		return w.renderSystemForm(rw, r, v, status, nil, f)
	}
	w.flash(rw, flashOK, s.Name+" is registered.")
	http.Redirect(rw, r, systemHref(s.ID), http.StatusSeeOther)
	return nil
}

// updateSystem saves a change to an AI system. A change needs a reason, which the history keeps; one made
// over a version that is no longer current is refused with the form's values kept.
func (w *Web) updateSystem(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(rw, r); err != nil {
		return err
	}
	ctx := r.Context()
	cur, err := w.Systems.System(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	f := readSystemForm(r)
	version, err := formVersion(r)
	f.Version = version
	var s *system.System
	if err == nil {
		s, err = w.Systems.Update(ctx, v.org.ID, id, f.fields(system.FieldsOf(cur)), version, f.Reason)
	}
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return err
	}
	if err != nil {
		fe, status, ok := formError(err, systemFormFields...)
		if !ok {
			return err
		}
		if aims.ErrorCode(err) == aims.EPRECONDITION {
			now, cerr := w.Systems.System(ctx, v.org.ID, id)
			if cerr != nil {
				return cerr
			}
			cur, f.Version = now, now.Version
			fe.Message = fmt.Sprintf("Someone else changed this AI system while you were editing: it is now at version %d. "+
				"Your values are kept below; save again to replace theirs.", now.Version)
		}
		f.Err = fe
		return w.renderSystemForm(rw, r, v, status, cur, f)
	}
	w.flash(rw, flashOK, s.Name+" is saved.")
	http.Redirect(rw, r, systemHref(s.ID), http.StatusSeeOther)
	return nil
}
