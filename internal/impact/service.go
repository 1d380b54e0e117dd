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
