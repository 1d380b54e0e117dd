package impact

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/euact"
)

// Service applies the rules of impact assessments over a Store. Callers are authorized already (the
// route tables); the service checks the input, the approver's authority and the rules that span records.
type Service struct {
	store Store
	// Links keeps the mitigations of an assessment as links to risks and controls, and applies the
	// delete rules; Tasks gives the owner of an assessment gone stale the task to reassess it.
	// app.NewServices sets both to the record service.
	Links Linker
	Tasks interface {
		CreateTask(ctx context.Context, orgID string, n record.NewTask) (*record.Task, error)
	}
	// FRIAApplies reports whether Article 27 of the EU AI Act applies to orgID's system id (see
	// AppliesFRIA); app.NewServices sets it from the system's classification and EU role.
	FRIAApplies func(ctx context.Context, orgID, systemID string) (bool, error)
	// Now tells the date reassessments are overdue on; NewService sets it to aims.Now.
	Now aims.Clock
}

// Linker is what the service needs of the record service.
type Linker interface {
	Resolve(ctx context.Context, orgID string, r record.Ref) (record.End, error)
	Link(ctx context.Context, orgID string, n record.NewLink) (*record.Link, error)
	List(ctx context.Context, orgID string, f record.Filter, p aims.Page) ([]*record.Link, string, error)
	Unlink(ctx context.Context, orgID, id string) error
}

// NewService returns a Service over st.
func NewService(st Store) *Service { return &Service{store: st, Now: aims.Now} }

// AppliesFRIA reports whether obligations (a system's, see system.Service.Obligations) include Article 27
// of the EU AI Act, the fundamental rights impact assessment.
func AppliesFRIA(obligations []euact.Obligation) bool {
	return slices.ContainsFunc(obligations, func(o euact.Obligation) bool { return o.Article == "27" || o.Scope == "fria" })
}

func (s *Service) today() string { return s.Now().UTC().Format(time.DateOnly) }

func (s *Service) friaApplies(ctx context.Context, orgID, systemID string) (bool, error) {
	if s.FRIAApplies == nil {
		return false, errors.New("impact: no FRIA rule wired; build the service with app.NewServices")
	}
	return s.FRIAApplies(ctx, orgID, systemID)
}

// maxParties and maxImpacts bound the lists of one version; maxMitigations the mitigations of an impact.
const (
	maxParties     = 100
	maxImpacts     = 200
	maxMitigations = 50
)

// apply checks f and sets a's fields from it; EINVALID names the field at fault. applies says whether the
// system needs the FRIA elements; prev is the version a is made from (nil for the first), whose FRIA
// elements are dropped without a word when Article 27 no longer applies.
func (s *Service) apply(ctx context.Context, orgID string, f Fields, a *Assessment, applies bool, prev *Assessment) error {
	for _, t := range []struct {
		p     *string
		field string
	}{{&f.Scope, "scope"}, {&f.IntendedUse, "intended_use"}, {&f.ForeseeableMisuse, "foreseeable_misuse"}} {
		*t.p = trim(*t.p)
		if err := aims.CheckText(*t.p, t.field, 8000, true); err != nil {
			return err
		}
	}
	if len(f.Affected) > maxParties {
		return aims.FieldError("affected", "At most %d affected individuals or groups.", maxParties)
	}
	affected := []Party{}
	for i, p := range f.Affected {
		field := fmt.Sprintf("affected[%d]", i)
		p.Name, p.Note = trim(p.Name), trim(p.Note)
		if p.Name == "" {
			return aims.FieldError(field+".name", "Name the individuals or group affected.")
		}
		if err := aims.CheckText(p.Name, field+".name", 200, false); err != nil {
			return err
		}
		if err := aims.CheckText(p.Note, field+".note", 2000, true); err != nil {
			return err
		}
		affected = append(affected, p)
	}
	if len(f.Impacts) > maxImpacts {
		return aims.FieldError("impacts", "At most %d impacts.", maxImpacts)
	}
	impacts := []Impact{}
	for i, im := range f.Impacts {
		field := fmt.Sprintf("impacts[%d]", i)
		im.Area, im.Party, im.Description, im.MitigationNote = trim(im.Area), trim(im.Party), trim(im.Description), trim(im.MitigationNote)
		if !slices.ContainsFunc(Areas, func(a Area) bool { return a.Key == im.Area }) {
			return aims.FieldError(field+".area", "Unknown area %q: use %s.", clip(im.Area), areaKeys())
		}
		if err := aims.CheckText(im.Party, field+".party", 200, false); err != nil {
			return err
		}
		if im.Description == "" {
			return aims.FieldError(field+".description", "Say what the impact is.")
		}
		if err := aims.CheckText(im.Description, field+".description", 4000, true); err != nil {
			return err
		}
		if ScaleLabel(Likelihoods, im.Likelihood) == "" {
			return aims.FieldError(field+".likelihood", "Rate the likelihood from 1 to %d: %s.", len(Likelihoods), scaleText(Likelihoods))
		}
		if ScaleLabel(Severities, im.Severity) == "" {
			return aims.FieldError(field+".severity", "Rate the severity from 1 to %d: %s.", len(Severities), scaleText(Severities))
		}
		if err := aims.CheckText(im.MitigationNote, field+".mitigation_note", 4000, true); err != nil {
			return err
		}
		ms, err := s.mitigations(ctx, orgID, field, im.Mitigations)
		if err != nil {
			return err
		}
		im.Mitigations = ms
		impacts = append(impacts, im)
	}
	a.Scope, a.IntendedUse, a.ForeseeableMisuse, a.Affected, a.Impacts = f.Scope, f.IntendedUse, f.ForeseeableMisuse, affected, impacts
	switch {
	case applies:
		fr := FRIA{}
		if f.FRIA != nil {
			fr = *f.FRIA
		}
		for i, p := range fr.ptrs() {
			*p = trim(*p)
			if err := aims.CheckText(*p, "fria."+FRIAFields[i].Field, 8000, true); err != nil {
				return err
			}
		}
		a.FRIA = &fr
	case f.FRIA != nil && !f.FRIA.empty() && (prev == nil || prev.FRIA == nil || *prev.FRIA != *f.FRIA):
		return aims.FieldError("fria", "Article 27 of the EU AI Act (fundamental rights impact assessment) does not apply to this AI system by its classification and EU role: leave the FRIA elements out.")
	default:
		a.FRIA = nil
	}
	if err := s.checkOwner(ctx, orgID, f.OwnerID, a); err != nil {
		return err
	}
	if a.ReassessBy = trim(f.ReassessBy); a.ReassessBy != "" {
		if d, err := time.Parse(time.DateOnly, a.ReassessBy); err != nil || d.Year() < 2000 || d.Year() > 2200 {
			return aims.FieldError("reassess_by", "Give the reassessment date as YYYY-MM-DD, for example 2027-06-30.")
		}
	}
	return nil
}

func (f *FRIA) empty() bool { return *f == FRIA{} }

// mitigations checks the refs of one impact's mitigations: risks and controls of orgID, each once.
func (s *Service) mitigations(ctx context.Context, orgID, field string, refs []string) ([]string, error) {
	if len(refs) > maxMitigations {
		return nil, aims.FieldError(field+".mitigations", "At most %d mitigations per impact.", maxMitigations)
	}
	out := []string{}
	for j, raw := range refs {
		f := fmt.Sprintf("%s.mitigations[%d]", field, j)
		r, err := record.ParseRef(raw, f)
		if aims.ErrorCode(err) == aims.ENOTFOUND {
			return nil, aims.FieldError(f, "%s", aims.ErrorMessage(err))
		}
		if err != nil {
			return nil, err
		}
		if r.Type != record.TypeRisk && r.Type != record.TypeControl {
			return nil, aims.FieldError(f, "A mitigation is a risk of the register (risk:ID) or a control (control:KEY/REF), not a %s.", strings.ToLower(r.Type.Label()))
		}
		if s.Links == nil {
			return nil, errors.New("impact: no link service wired; build the service with app.NewServices")
		}
		e, err := s.Links.Resolve(ctx, orgID, r)
		if aims.ErrorCode(err) == aims.ENOTFOUND {
			return nil, aims.FieldError(f, "%s", aims.ErrorMessage(err))
		}
		if err != nil {
			return nil, err
		}
		if ref := e.Ref().String(); !slices.Contains(out, ref) {
			out = append(out, ref)
		}
	}
	return out, nil
}

func scaleText(scale []string) string {
	s := make([]string, len(scale))
	for i, l := range scale {
		s[i] = fmt.Sprintf("%d %s", i+1, l)
	}
	return strings.Join(s, ", ")
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// checkOwner sets a's owner from userID ("" for none): a member whose role may change assessments.
func (s *Service) checkOwner(ctx context.Context, orgID, userID string, a *Assessment) error {
	if a.OwnerID = trim(userID); a.OwnerID == "" {
		a.OwnerName = ""
		return nil
	}
	if !aims.ValidID(a.OwnerID) {
		return aims.OwnerError("owner_id", "", aims.ResImpact)
	}
	m, err := s.store.MembershipOf(ctx, orgID, a.OwnerID)
	switch {
	case aims.ErrorCode(err) == aims.ENOTFOUND:
		return aims.OwnerError("owner_id", "", aims.ResImpact)
	case err != nil:
		return err
	case !aims.MayOwn(m.Role, aims.ResImpact):
		return aims.OwnerError("owner_id", m.Role, aims.ResImpact)
	}
	a.OwnerName = m.UserName
	return nil
}

// system returns orgID's system id; ENOTFOUND when there is none.
func (s *Service) system(ctx context.Context, orgID, id string) (*system.System, error) {
	if !aims.ValidID(id) {
		return nil, aims.Errorf(aims.ENOTFOUND, "There is no such AI system.")
	}
	return s.store.SystemByID(ctx, orgID, id)
}

// Create starts the impact assessment of orgID's system systemID: version 1, a draft. The intended use
// and the foreseeable misuse not given are taken from the system's record (its purpose when it says no
// intended use), and so is the human oversight of the FRIA elements where Article 27 applies. ECONFLICT
// when the system has an assessment already (change that instead).
func (s *Service) Create(ctx context.Context, orgID, systemID string, f Fields) (*Assessment, error) {
	a := &Assessment{OrgID: orgID, SystemID: systemID, Version: 1, Status: StatusDraft, CreatedBy: aims.ActorFrom(ctx).Name}
	err := s.store.Atomically(ctx, func(ctx context.Context) error {
		sys, err := s.system(ctx, orgID, systemID)
		if err != nil {
			return err
		}
		if _, err := s.store.ImpactOfSystem(ctx, orgID, systemID, 0); err == nil {
			return aims.Errorf(aims.ECONFLICT, "%s has an impact assessment already: change it, and a new version is made where needed.", sys.Name)
		} else if aims.ErrorCode(err) != aims.ENOTFOUND {
			return err
		}
		applies, err := s.friaApplies(ctx, orgID, systemID)
		if err != nil {
			return err
		}
		prefill(&f, sys, applies)
		a.SystemName = sys.Name
		if err := s.apply(ctx, orgID, f, a, applies, nil); err != nil {
			return err
		}
		if err := s.store.CreateImpact(ctx, a); err != nil {
			return err
		}
		a.FRIARequired = applies
		return s.syncLinks(ctx, orgID, a)
	})
	if err != nil {
		return nil, err
	}
	s.judge(a)
	return a, nil
}

// prefill completes f from the system's record where f leaves a field empty.
func prefill(f *Fields, sys *system.System, applies bool) {
	if trim(f.IntendedUse) == "" {
		f.IntendedUse = sys.IntendedUse
		if f.IntendedUse == "" {
			f.IntendedUse = sys.Purpose
		}
	}
	if trim(f.ForeseeableMisuse) == "" {
		f.ForeseeableMisuse = sys.ForeseeableMisuse
	}
	if trim(f.OwnerID) == "" {
		f.OwnerID = sys.OwnerID
	}
	if applies {
		if f.FRIA == nil {
			f.FRIA = &FRIA{}
		}
		if trim(f.FRIA.Oversight) == "" {
			f.FRIA.Oversight = sys.HumanOversight
		}
		if trim(f.FRIA.Persons) == "" {
			f.FRIA.Persons = sys.AffectedPeople
		}
	}
}

// Assessment returns version (0: the newest) of the assessment of orgID's system systemID.
func (s *Service) Assessment(ctx context.Context, orgID, systemID string, version int64) (*Assessment, error) {
	if _, err := s.system(ctx, orgID, systemID); err != nil {
		return nil, err
	}
	a, err := s.store.ImpactOfSystem(ctx, orgID, systemID, version)
	if err != nil {
		return nil, err
	}
	if a.FRIARequired, err = s.friaApplies(ctx, orgID, systemID); err != nil {
		return nil, err
	}
	s.judge(a)
	return a, nil
}

// SystemOf returns the id of the system orgID's assessment id is of; ENOTFOUND when there is none.
func (s *Service) SystemOf(ctx context.Context, orgID, id string) (string, error) {
	if !aims.ValidID(id) {
		return "", aims.Errorf(aims.ENOTFOUND, "No such impact assessment.")
	}
	return s.store.ImpactSystemID(ctx, orgID, id)
}

// Versions returns every version of the assessment of orgID's system systemID, newest first (none when
// it has no assessment yet).
func (s *Service) Versions(ctx context.Context, orgID, systemID string) ([]*Assessment, error) {
	if _, err := s.system(ctx, orgID, systemID); err != nil {
		return nil, err
	}
	as, err := s.store.ImpactVersions(ctx, orgID, systemID)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		s.judge(a)
	}
	return as, nil
}

// Update changes version of the assessment of orgID's system systemID to f, if its Rev is ifRev (0: any;
// EPRECONDITION otherwise). A draft changes in place. An approved version never changes: it is copied to
// a new draft, the next version, which takes f; created reports that. Only the newest version may change
// (ECONFLICT naming the draft to change otherwise).
func (s *Service) Update(ctx context.Context, orgID, systemID string, version int64, f Fields, ifRev int64) (a *Assessment, created bool, err error) {
	err = s.store.Atomically(ctx, func(ctx context.Context) error {
		if _, err := s.system(ctx, orgID, systemID); err != nil {
			return err
		}
		cur, err := s.store.ImpactOfSystem(ctx, orgID, systemID, version)
		if err != nil {
			return err
		}
		if ifRev != 0 && ifRev != cur.Rev {
			return aims.Stale(fmt.Sprintf("version %d of the impact assessment", cur.Version), cur.Rev, ifRev)
		}
		if cur.Version != cur.Latest {
			return aims.Errorf(aims.ECONFLICT, "Version %d is not the newest: change version %d instead.", cur.Version, cur.Latest)
		}
		applies, err := s.friaApplies(ctx, orgID, systemID)
		if err != nil {
			return err
		}
		a = cur
		if cur.Status == StatusApproved {
			a = &Assessment{ID: cur.ID, OrgID: orgID, SystemID: systemID, SystemName: cur.SystemName, Version: cur.Latest + 1,
				Status: StatusDraft, CreatedBy: aims.ActorFrom(ctx).Name, Approved: cur.Approved}
			created = true
		}
		if err := s.apply(ctx, orgID, f, a, applies, cur); err != nil {
			return err
		}
		if created {
			err = s.store.AddImpactVersion(ctx, a)
		} else {
			err = s.store.UpdateImpactVersion(ctx, a, cur.Rev)
		}
		if err != nil {
			return err
		}
		a.FRIARequired = applies
		return s.syncLinks(ctx, orgID, a)
	})
	if err != nil {
		return nil, false, err
	}
	s.judge(a)
	return a, created, nil
}

// Approve signs off version of the assessment of orgID's system systemID, if its Rev is ifRev (0: any),
// in the name of the person acting: a member whose role may approve assessments (EFORBIDDEN otherwise).
// The version must be the newest, a draft, with a scope, an affected party and an impact; where Article 27
// of the EU AI Act applies to the system, with every FRIA element (EINVALID naming the first empty). A
// version without a reassessment date is to be reassessed in a year. The approved version is in force
// and no longer stale.
func (s *Service) Approve(ctx context.Context, orgID, systemID string, version, ifRev int64) (*Assessment, error) {
	actor := aims.ActorFrom(ctx)
	var a *Assessment
	err := s.store.Atomically(ctx, func(ctx context.Context) error {
		sys, err := s.system(ctx, orgID, systemID)
		if err != nil {
			return err
		}
		if a, err = s.store.ImpactOfSystem(ctx, orgID, systemID, version); err != nil {
			return err
		}
		if ifRev != 0 && ifRev != a.Rev {
			return aims.Stale(fmt.Sprintf("version %d of the impact assessment", a.Version), a.Rev, ifRev)
		}
		if err := s.checkApprover(ctx, orgID, actor); err != nil {
			return err
		}
		if a.Status == StatusApproved {
			return aims.Errorf(aims.ECONFLICT, "Version %d is approved already.", a.Version)
		}
		if a.Version != a.Latest {
			return aims.Errorf(aims.ECONFLICT, "Version %d is not the newest: approve version %d instead.", a.Version, a.Latest)
		}
		applies, err := s.friaApplies(ctx, orgID, systemID)
		if err != nil {
			return err
		}
		if err := complete(a, sys.Name, applies); err != nil {
			return err
		}
		m, err := s.store.MembershipOf(ctx, orgID, actor.UserID)
		if err != nil {
			return err
		}
		now := s.Now().UTC()
		if a.ReassessBy == "" {
			a.ReassessBy = now.AddDate(1, 0, 0).Format(time.DateOnly)
		}
		a.Status, a.ApprovedBy, a.ApprovedByName, a.ApprovedAt = StatusApproved, actor.UserID, m.UserName, &now
		if !applies {
			a.FRIA = nil
		}
		a.FRIARequired = applies
		return s.store.UpdateImpactVersion(ctx, a, a.Rev)
	})
	if err != nil {
		return nil, err
	}
	a.Approved, a.Stale, a.StaleReason = a.Version, false, ""
	s.judge(a)
	return a, nil
}

// checkApprover refuses (EFORBIDDEN) an approval by anyone but a member whose role, and the role the
// request acts with, may approve impact assessments.
func (s *Service) checkApprover(ctx context.Context, orgID string, actor aims.Actor) error {
	if actor.UserID == "" {
		return aims.Errorf(aims.EFORBIDDEN, "An impact assessment is approved by a named person: act as a member (a manager, admin or owner).")
	}
	if actor.Role != "" {
		if err := aims.Authorize(actor.Role, aims.ActionApprove, aims.ResImpact); err != nil {
			return err
		}
	}
	m, err := s.store.MembershipOf(ctx, orgID, actor.UserID)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return aims.Errorf(aims.EFORBIDDEN, "Only a member of the organization approves its impact assessments.")
	}
	if err != nil {
		return err
	}
	if aims.Authorize(m.Role, aims.ActionApprove, aims.ResImpact) != nil {
		return aims.Errorf(aims.EFORBIDDEN, "Approving an impact assessment takes a manager, admin or owner; %s's role is %s.", m.UserName, m.Role)
	}
	return nil
}

// complete refuses (EINVALID, naming the field) a version not ready for approval.
func complete(a *Assessment, systemName string, applies bool) error {
	switch {
	case a.Scope == "":
		return aims.FieldError("scope", "Say what the assessment covers before it is approved.")
	case len(a.Affected) == 0:
		return aims.FieldError("affected", "Name at least one individual or group the system may affect before approval.")
	case len(a.Impacts) == 0:
		return aims.FieldError("impacts", "Assess at least one impact before approval.")
	}
	if applies {
		for _, ff := range FRIAFields {
			if a.FRIA.Get(ff.Field) == "" {
				return aims.FieldError("fria."+ff.Field, "Article 27 of the EU AI Act applies to %s: describe %s (Art. %s) before approval.",
					systemName, strings.ToLower(ff.Title[:1])+ff.Title[1:], ff.Point)
			}
		}
	}
	return nil
}

// syncLinks makes the links "impact is addressed by" from the assessment the mitigations of a's impacts:
// missing ones are made, those no mitigation names any more removed.
func (s *Service) syncLinks(ctx context.Context, orgID string, a *Assessment) error {
	if s.Links == nil {
		return errors.New("impact: no link service wired; build the service with app.NewServices")
	}
	want := map[string]bool{}
	for _, im := range a.Impacts {
		for _, m := range im.Mitigations {
			want[m] = true
		}
	}
	self := record.Ref{Type: record.TypeImpact, ID: a.ID}
	have := map[string]bool{}
	cursor := ""
	for {
		ls, next, err := s.Links.List(ctx, orgID, record.Filter{From: &self, Relationship: record.RelAddressedBy}, aims.Page{Cursor: cursor, Limit: aims.MaxPageLimit})
		if err != nil {
			return err
		}
		for _, l := range ls {
			ref := l.To.Ref().String()
			if want[ref] {
				have[ref] = true
				continue
			}
			if err := s.Links.Unlink(ctx, orgID, l.ID); err != nil {
				return err
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	refs := make([]string, 0, len(want))
	for r := range want {
		if !have[r] {
			refs = append(refs, r)
		}
	}
	slices.Sort(refs)
	for _, r := range refs {
		if _, err := s.Links.Link(ctx, orgID, record.NewLink{Relationship: string(record.RelAddressedBy), From: self.String(), To: r}); err != nil {
			return err
		}
	}
	return nil
}

// List returns a page of orgID's assessments f selects, by system name.
func (s *Service) List(ctx context.Context, orgID string, f Filter, p aims.Page) ([]*Summary, string, error) {
	if f.DueBefore = trim(f.DueBefore); f.DueBefore != "" {
		if _, err := time.Parse(time.DateOnly, f.DueBefore); err != nil {
			return nil, "", aims.FieldError("due_before", "Give the date as YYYY-MM-DD, for example 2027-06-30.")
		}
	}
	f.Today = s.today()
	out, next, err := s.store.ListImpacts(ctx, orgID, f, p)
	if err != nil {
		return nil, "", err
	}
	for _, m := range out {
		m.Overdue = m.Approved > 0 && m.ReassessBy != "" && m.ReassessBy < f.Today
		if m.Overdue && !m.Stale {
			m.Stale, m.StaleReason = true, overdueReason(m.ReassessBy)
		}
	}
	return out, next, nil
}

func overdueReason(due string) string { return "The reassessment was due on " + due + "." }

// judge sets a's Overdue, and its staleness when overdue, as of today.
func (s *Service) judge(a *Assessment) {
	inForce := a.Status == StatusApproved && a.Version == a.Approved
	a.Overdue = inForce && a.ReassessBy != "" && a.ReassessBy < s.today()
	if a.Overdue && !a.Stale {
		a.Stale, a.StaleReason = true, overdueReason(a.ReassessBy)
	}
}

// SystemChanged marks the approved assessment of orgID's system systemID stale, saying why (reason), and
// gives its owner (or the system's owner) a task to reassess it, due in 30 days. The system and
// component services call it in the transaction of a material change of the system: its purpose,
// intended use, move to deployment, components or EU AI Act classification. An assessment stale already
// keeps its first reason and task.
func (s *Service) SystemChanged(ctx context.Context, orgID, systemID, reason string) error {
	return s.store.Atomically(ctx, func(ctx context.Context) error {
		cur, err := s.store.ImpactOfSystem(ctx, orgID, systemID, 0)
		if aims.ErrorCode(err) == aims.ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		if cur.Approved == 0 {
			return nil
		}
		inForce, err := s.store.ImpactOfSystem(ctx, orgID, systemID, cur.Approved)
		if err != nil {
			return err
		}
		if inForce.Stale {
			return nil
		}
		if err := s.store.MarkImpactStale(ctx, orgID, cur.ID, reason); err != nil {
			return err
		}
		owner := inForce.OwnerID
		if owner == "" {
			sys, err := s.store.SystemByID(ctx, orgID, systemID)
			if err != nil {
				return err
			}
			owner = sys.OwnerID
		}
		if owner == "" {
			return nil
		}
		if s.Tasks == nil {
			return errors.New("impact: no task service wired; build the service with app.NewServices")
		}
		m, err := s.store.MembershipOf(ctx, orgID, owner)
		if aims.ErrorCode(err) == aims.ENOTFOUND || (err == nil && !aims.MayOwn(m.Role, aims.ResImpact)) {
			return nil // an owner who left or may no longer change it: the stale banner stays for whoever looks
		}
		if err != nil {
			return err
		}
		due := s.Now().UTC().AddDate(0, 0, 30).Format(time.DateOnly)
		title := "Reassess the impact assessment of " + cur.SystemName + ": " + reason
		if len([]rune(title)) > record.MaxTaskTitle {
			title = string([]rune(title)[:record.MaxTaskTitle-1]) + "…"
		}
		_, err = s.Tasks.CreateTask(ctx, orgID, record.NewTask{Record: record.Ref{Type: record.TypeImpact, ID: cur.ID}.String(),
			OwnerID: owner, Due: due, Title: title})
		return err
	})
}

// MarkOverdue marks stale, with the reason, every approved assessment whose reassessment date has
// passed by now and that is not stale yet, and gives each owner the task to reassess it (as SystemChanged
// does), a batch at a time, each in its own transaction. The daily job calls it; it returns how many it
// marked.
func (s *Service) MarkOverdue(ctx context.Context, now time.Time) (int, error) {
	today := now.UTC().Format(time.DateOnly)
	n := 0
	for {
		due, err := s.store.OverdueImpacts(ctx, today, 100)
		if err != nil {
			return n, err
		}
		for _, d := range due {
			actx := aims.WithActor(ctx, aims.Actor{Kind: aims.ActorSystem, ID: "daily", Name: "aims", OrgID: d[0]})
			if err := s.SystemChanged(actx, d[0], d[1], overdueReason(d[2])); err != nil {
				return n, fmt.Errorf("cannot mark the overdue impact assessment of system %s: %w", d[1], err)
			}
			n++
		}
		if len(due) < 100 {
			return n, nil
		}
	}
}

// Deleting refuses (ECONFLICT) to delete AI systems that have an impact assessment: the assessment and
// its approvals are records of the management system. The system service calls it in the transaction
// that deletes them.
func (s *Service) Deleting(ctx context.Context, orgID string, refs ...record.Ref) error {
	var ids []string
	for _, r := range refs {
		if r.Type == record.TypeSystem {
			ids = append(ids, r.ID)
		}
	}
	found, err := s.store.ImpactIDsOfSystems(ctx, orgID, ids)
	if err != nil || len(found) == 0 {
		return err
	}
	return aims.Errorf(aims.ECONFLICT, "This AI system has an impact assessment, which the management system keeps: retire the system instead of deleting it.")
}
