package control

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

// Service applies the rules of control implementations and the Statement of Applicability over a Store.
// Callers are authorized already (by the API's and UI's route tables); the service checks the input and
// the state: a decision needs a justification, an owner must be a member, an SoA with undecided Annex A
// controls cannot be approved.
type Service struct {
	store   Store
	catalog *framework.Catalog
	now     aims.Clock
	// Risks, when set, tells the SoA what the risk register lacks (app.NewServices sets it to the risk
	// service).
	Risks RiskChecker
}

// NewService returns a Service over st with the built-in catalog c (for the role defaults and the EU AI
// Act obligations) and clock now (nil: aims.Now).
func NewService(st Store, c *framework.Catalog, now aims.Clock) *Service {
	if now == nil {
		now = aims.Now
	}
	return &Service{store: st, catalog: c, now: now}
}

// Catalog returns the built-in catalog the service works with.
func (s *Service) Catalog() *framework.Catalog { return s.catalog }

// Today returns the current date (UTC) as YYYY-MM-DD, the day the checks are made for.
func (s *Service) Today() string { return s.now().UTC().Format("2006-01-02") }

// Profile returns orgID's AI roles.
func (s *Service) Profile(ctx context.Context, orgID string) (*Profile, error) {
	return s.store.OrgProfile(ctx, orgID)
}

// UpdateProfile replaces orgID's AI roles if the profile's version is ifVersion (0: any); EPRECONDITION
// otherwise, EINVALID for an unknown role or date set.
func (s *Service) UpdateProfile(ctx context.Context, orgID string, u ProfileUpdate, ifVersion int64) (*Profile, error) {
	p := &Profile{OrgID: orgID}
	if err := u.apply(p); err != nil {
		return nil, err
	}
	if err := s.store.UpdateOrgProfile(ctx, p, ifVersion); err != nil {
		return nil, err
	}
	return p, nil
}

// Obligations returns the EU AI Act obligations that bind orgID in its EU roles.
func (s *Service) Obligations(ctx context.Context, orgID string) (*Obligations, error) {
	p, err := s.store.OrgProfile(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return ObligationsFor(s.catalog, p), nil
}

// Proposal is aims's proposed decision for an Annex A control, from the organization's AI roles.
type Proposal struct {
	Ref           string `json:"ref"`
	Title         string `json:"title"`
	Applicability string `json:"applicability"`
	Justification string `json:"justification"`
}

// propose returns the proposed decisions for the undecided Annex A controls among cs. A control is
// proposed applicable when one of the AI roles is among those it normally applies to.
func (s *Service) propose(p *Profile, cs []*Control) []*Control {
	var out []*Control
	for _, c := range cs {
		d := s.catalog.RoleDefaults[c.Ref]
		if !c.AnnexA() || c.Applicability != Undecided || d == nil {
			continue
		}
		n := *c
		n.Applicability, n.Justification = Excluded, d.JustificationExcluded
		if slices.ContainsFunc(p.AIRoles, func(r string) bool { return slices.Contains(d.AppliesTo, r) }) {
			n.Applicability, n.Justification = Applicable, d.JustificationApplicable
		}
		if strings.TrimSpace(c.Justification) != "" {
			n.Justification = c.Justification // a drafted justification is the organization's own words
		}
		out = append(out, &n)
	}
	return out
}

// ProposalFor returns what aims proposes for Annex A control c given profile p, decided or not; nil for
// other controls, or when no AI roles are declared.
func (s *Service) ProposalFor(p *Profile, c *Control) *Proposal {
	if !c.AnnexA() || len(p.AIRoles) == 0 {
		return nil
	}
	undecided := *c
	undecided.Applicability, undecided.Justification = Undecided, ""
	ps := s.propose(p, []*Control{&undecided})
	if len(ps) == 0 {
		return nil
	}
	return &Proposal{Ref: c.Ref, Title: c.Title, Applicability: ps[0].Applicability, Justification: ps[0].Justification}
}

// Guidance returns aims's guidance on the built-in requirement ref of the framework with key, or nil.
func (s *Service) Guidance(key, ref string) *framework.Guidance {
	if bf := s.catalog.Framework(key); bf != nil {
		for _, r := range bf.Requirements {
			if r.Ref == ref {
				return r.Guidance
			}
		}
	}
	return nil
}

// AddableFrameworks returns the frameworks orgID can add controls from to its SoA: every visible one but
// ISO/IEC 42001, whose controls are in the SoA always, and its own controls, which are added by title.
func (s *Service) AddableFrameworks(ctx context.Context, orgID string) ([]*framework.Framework, error) {
	fs, err := s.store.ListFrameworks(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out []*framework.Framework
	at := map[string]int{}
	for _, f := range fs {
		if f.Key == framework.ISO42001 || f.Key == OwnKey {
			continue
		}
		if i, ok := at[f.Key]; ok {
			if f.Revision > out[i].Revision {
				out[i] = f // the latest revision of an imported framework
			}
			continue
		}
		at[f.Key] = len(out)
		out = append(out, f)
	}
	return out, nil
}

// Proposals previews what ApplyProposals would decide for orgID.
func (s *Service) Proposals(ctx context.Context, orgID string) ([]Proposal, error) {
	p, cs, err := s.profileAndControls(ctx, orgID)
	if err != nil {
		return nil, err
	}
	out := []Proposal{}
	if len(p.AIRoles) == 0 {
		return out, nil
	}
	for _, c := range s.propose(p, cs) {
		out = append(out, Proposal{Ref: c.Ref, Title: c.Title, Applicability: c.Applicability, Justification: c.Justification})
	}
	return out, nil
}

// ApplyProposals decides every undecided Annex A control of orgID as its AI roles suggest, with aims's
// default justification, and never changes a control that has a decision. It returns the controls it
// decided (none when all are decided). Without declared AI roles it is ECONFLICT.
func (s *Service) ApplyProposals(ctx context.Context, orgID string) ([]*Control, error) {
	p, cs, err := s.profileAndControls(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if len(p.AIRoles) == 0 {
		return nil, aims.Errorf(aims.ECONFLICT, "Declare the organization's AI roles first: the proposals follow from them.")
	}
	return s.store.Decide(ctx, orgID, s.propose(p, cs))
}

func (s *Service) profileAndControls(ctx context.Context, orgID string) (*Profile, []*Control, error) {
	p, err := s.store.OrgProfile(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	cs, err := s.store.SoAControls(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	return p, cs, nil
}

// Control returns orgID's implementation of requirement ref of the framework with key, with its links.
func (s *Service) Control(ctx context.Context, orgID, key, ref string) (*Control, error) {
	return s.store.ControlByRef(ctx, orgID, key, ref)
}

// Clauses returns orgID's implementation of the clause items 4.1 to 10.2.
func (s *Service) Clauses(ctx context.Context, orgID string) ([]*Control, error) {
	return s.store.ClauseControls(ctx, orgID)
}

// editable refuses changes to a requirement that is neither part of ISO/IEC 42001 nor in the SoA.
func editable(c *Control) error {
	if c.Framework != framework.ISO42001 && !c.InSoA {
		return aims.Errorf(aims.ECONFLICT, "%s %s is not in the Statement of Applicability; add it first.", c.FrameworkName, c.Ref)
	}
	return nil
}

// UpdateControl replaces the implementation of a control or clause item if its version is ifVersion (0:
// any). A decision without a justification, an unknown status, an owner who is not a member or a
// malformed target date is EINVALID, and nothing is saved.
func (s *Service) UpdateControl(ctx context.Context, orgID, key, ref string, u Update, ifVersion int64) (*Control, error) {
	// The rules are checked in the transaction that saves the control: an owner removed meanwhile cannot
	// slip in.
	err := s.store.Atomically(ctx, func(ctx context.Context) error {
		c, err := s.store.ControlByRef(ctx, orgID, key, ref)
		if err != nil {
			return err
		}
		if err := editable(c); err != nil {
			return err
		}
		owner := c.OwnerID
		if err := u.apply(c); err != nil {
			return err
		}
		// A new owner must be a member who may change controls; an owner who has left, or whose role has
		// changed since, stays until someone picks another.
		if c.OwnerID != "" && c.OwnerID != owner {
			if err := s.checkOwner(ctx, orgID, c.OwnerID); err != nil {
				return err
			}
		}
		return s.store.SaveControl(ctx, c, ifVersion)
	})
	if err != nil {
		return nil, err
	}
	return s.store.ControlByRef(ctx, orgID, key, ref)
}

// checkOwner refuses, as EINVALID on owner_id, an owner who is not a member of orgID or whose role may not
// change controls (an auditor or a viewer).
func (s *Service) checkOwner(ctx context.Context, orgID, userID string) error {
	m, err := s.store.MembershipOf(ctx, orgID, userID)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return aims.OwnerError("owner_id", "", aims.ResControl)
	} else if err != nil {
		return err
	}
	if !aims.MayOwn(m.Role, aims.ResControl) {
		return aims.OwnerError("owner_id", m.Role, aims.ResControl)
	}
	return nil
}

// AddToSoA adds a control to orgID's SoA: the control ref of a visible framework with key, or, when key
// is OwnKey, one of the organization's own controls, created with title unless it exists. Annex A is in
// the SoA always, and clause items never (ECONFLICT).
func (s *Service) AddToSoA(ctx context.Context, orgID, key, ref, title string) (*Control, error) {
	switch {
	case key == OwnKey:
		ref, title, err := validOwnRef(ref, title)
		if err != nil {
			return nil, err
		}
		return s.store.AddOwnControl(ctx, orgID, ref, title)
	case strings.TrimSpace(title) != "":
		return nil, aims.FieldError("title", "Only the organization's own controls (framework %s) take a title; others have theirs.", OwnKey)
	case key == framework.ISO42001:
		return nil, aims.FieldError("framework", "ISO/IEC 42001's Annex A controls are in the SoA always, and its clauses are not SoA controls.")
	case key == "":
		return nil, aims.FieldError("framework", "Name the framework of the control.")
	}
	var out *Control
	err := s.store.Atomically(ctx, func(ctx context.Context) error {
		c, err := s.store.ControlByRef(ctx, orgID, key, ref)
		if aims.ErrorCode(err) == aims.ENOTFOUND {
			return &aims.Error{Code: aims.ENOTFOUND, Message: aims.ErrorMessage(err), Field: "ref"}
		}
		if err != nil {
			return err
		}
		if c.Clause() {
			return aims.FieldError("ref", "%s %s is a management-system clause, not a control.", c.FrameworkName, ref)
		}
		if c.InSoA {
			return &aims.Error{Code: aims.ECONFLICT, Message: fmt.Sprintf("%s %s is in the SoA already.", c.FrameworkName, ref), Field: "ref"}
		}
		out, err = s.store.SetInSoA(ctx, orgID, key, ref, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RemoveFromSoA takes a control that was added to orgID's SoA out of it, keeping its record. Annex A
// controls cannot be removed (ECONFLICT): exclude them with a justification instead.
func (s *Service) RemoveFromSoA(ctx context.Context, orgID, key, ref string) error {
	if key == framework.ISO42001 {
		return aims.Errorf(aims.ECONFLICT, "ISO/IEC 42001's controls stay in the SoA; exclude one with a justification instead.")
	}
	return s.store.Atomically(ctx, func(ctx context.Context) error {
		c, err := s.store.ControlByRef(ctx, orgID, key, ref)
		if err != nil {
			return err
		}
		if !c.InSoA || !c.Stored() {
			return aims.Errorf(aims.ENOTFOUND, "%s %s is not in the SoA.", c.FrameworkName, ref)
		}
		_, err = s.store.SetInSoA(ctx, orgID, key, ref, false)
		return err
	})
}

// AddLink links a clause item or control to a record that satisfies it.
func (s *Service) AddLink(ctx context.Context, orgID, key, ref, kind, title, target string) (*Link, error) {
	l, err := NewLink(kind, title, target)
	if err != nil {
		return nil, err
	}
	c, err := s.store.ControlByRef(ctx, orgID, key, ref)
	if err != nil {
		return nil, err
	}
	if err := editable(c); err != nil {
		return nil, err
	}
	l.OrgID, l.RequirementID = orgID, c.RequirementID
	if err := s.store.AddLink(ctx, l); err != nil {
		return nil, err
	}
	return l, nil
}

// RemoveLink removes a link of a clause item or control; ENOTFOUND when it has no such link.
func (s *Service) RemoveLink(ctx context.Context, orgID, key, ref, id string) error {
	c, err := s.store.ControlByRef(ctx, orgID, key, ref)
	if err != nil {
		return err
	}
	return s.store.RemoveLink(ctx, orgID, c.RequirementID, id)
}

// SoAControls returns the controls of orgID's live Statement of Applicability, in its order, without
// building the SoA or its checks (readiness reads them).
func (s *Service) SoAControls(ctx context.Context, orgID string) ([]*Control, error) {
	return s.store.SoAControls(ctx, orgID)
}

// SoA returns orgID's live Statement of Applicability with its checks as of today.
func (s *Service) SoA(ctx context.Context, orgID string) (*SoA, error) {
	o, err := s.store.OrganizationByID(ctx, orgID)
	if err != nil {
		return nil, err
	}
	cs, err := s.store.SoAControls(ctx, orgID)
	if err != nil {
		return nil, err
	}
	soa := buildSoA(Organization{Slug: o.Slug, Name: o.Name}, cs, s.now())
	if err := s.followRisks(ctx, orgID, soa); err != nil {
		return nil, err
	}
	return soa, nil
}

// IncompleteError refuses to approve an SoA whose Annex A controls lack decisions with justifications. It
// is ECONFLICT, and lists them.
type IncompleteError struct {
	Items []CheckItem
}

func (e *IncompleteError) Error() string { return e.Unwrap().Error() }

// Unwrap returns the coded error.
func (e *IncompleteError) Unwrap() error {
	refs := make([]string, len(e.Items))
	for i, c := range e.Items {
		refs[i] = c.Ref
	}
	return aims.Errorf(aims.ECONFLICT, "The SoA cannot be approved while %d Annex A controls lack a decision with a justification: %s.",
		len(e.Items), strings.Join(refs, ", "))
}

// Approve freezes orgID's live SoA as its next version, approved by the actor in ctx with note. While an
// Annex A control lacks a decision with a justification it is refused with an *IncompleteError.
func (s *Service) Approve(ctx context.Context, orgID, note string) (*Version, error) {
	note = strings.TrimSpace(note)
	if err := checkText(note, "note", 2000, true); err != nil {
		return nil, err
	}
	live, err := s.SoA(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if missing := live.AnnexAUndecided(); len(missing) > 0 {
		return nil, &IncompleteError{Items: missing}
	}
	a := aims.ActorFrom(ctx)
	v := &Version{OrgID: orgID, Note: note, ApprovedByID: a.UserID, ApprovedByName: a.Name}
	if v.ApprovedByID == "" {
		v.ApprovedByID = a.ID
	}
	if err := v.freeze(live); err != nil {
		return nil, err
	}
	if err := s.store.CreateSoAVersion(ctx, v); err != nil {
		return nil, err
	}
	return v, nil
}

// Versions returns a page of orgID's approved versions, newest first.
func (s *Service) Versions(ctx context.Context, orgID string, p aims.Page) ([]*Version, string, error) {
	return s.store.SoAVersions(ctx, orgID, p)
}

// Version returns approved version n of orgID's SoA with its frozen content.
func (s *Service) Version(ctx context.Context, orgID string, n int) (*Version, *SoA, error) {
	v, err := s.store.SoAVersion(ctx, orgID, n)
	if err != nil {
		return nil, nil, err
	}
	soa, err := v.SoA()
	if err != nil {
		return nil, nil, err
	}
	return v, soa, nil
}

// Live names the live SoA where a version number is expected.
const Live = "live"

// SoAAt returns the live SoA ("live" or "") or the approved version numbered which. A which that is
// neither is EINVALID on field; a version that does not exist is ENOTFOUND.
func (s *Service) SoAAt(ctx context.Context, orgID, which, field string) (*SoA, error) {
	if which == "" || which == Live {
		return s.SoA(ctx, orgID)
	}
	n, err := ParseVersion(which, field)
	if err != nil {
		return nil, err
	}
	_, soa, err := s.Version(ctx, orgID, n)
	return soa, err
}

// ParseVersion parses a version number, or returns EINVALID on field.
func ParseVersion(s, field string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1_000_000 || strconv.Itoa(n) != s {
		return 0, aims.FieldError(field, "Give an approved version's number (1, 2, ...) or live.")
	}
	return n, nil
}

// Diff compares two of orgID's SoAs: from and to are version numbers or "live".
func (s *Service) Diff(ctx context.Context, orgID, from, to string) (*Diff, error) {
	if from == "" {
		return nil, aims.FieldError("from", "Give the version to compare from.")
	}
	a, err := s.SoAAt(ctx, orgID, from, "from")
	if err != nil {
		return nil, err
	}
	if to == "" {
		to = Live
	}
	b, err := s.SoAAt(ctx, orgID, to, "to")
	if err != nil {
		return nil, err
	}
	return DiffSoA(a, b, from, to), nil
}
