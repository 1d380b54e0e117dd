// Package risk holds the AI risk criteria and the risk register (ISO/IEC 42001, 6.1.1, 6.1.2 and 8.2):
// criteria set in advance and versioned, risks of AI systems and of the organization rated against them,
// and the heat maps of their inherent and residual levels.
package risk

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// Service applies the rules of risk criteria and the register over a Store. Callers are authorized already
// (the route tables); the service checks the input and the rules that span records.
type Service struct {
	store Store
	// GenAIRisks are the NIST AI 600-1 generative AI risks a risk may name (number and title); the
	// application sets them from the catalog.
	GenAIRisks []Option
	// Links applies the delete rules of a deleted risk's links; Tasks gives risk owners their tasks
	// (reassessment after the criteria change). app.NewServices sets both to the record service.
	Links record.DeleteRules
	Tasks interface {
		CreateTask(ctx context.Context, orgID string, n record.NewTask) (*record.Task, error)
	}
	// Events, when set, queues the e-mails of escalated actions (app.NewServices sets it).
	Events Publisher
	// Now tells the date reviews are overdue on; NewService sets it to aims.Now.
	Now aims.Clock
}

// NewService returns a Service over st.
func NewService(st Store) *Service { return &Service{store: st, Now: aims.Now} }

// today is the date, in UTC, reviews are judged on.
func (s *Service) today() string { return s.Now().UTC().Format(time.DateOnly) }

// Criteria returns orgID's current criteria: the newest saved version, or Default (version 0) when the
// organization has saved none yet.
func (s *Service) Criteria(ctx context.Context, orgID string) (*Criteria, error) {
	return s.criteria(ctx, orgID, 0)
}

// CriteriaVersion returns version v of orgID's criteria; ENOTFOUND when there is none.
func (s *Service) CriteriaVersion(ctx context.Context, orgID string, v int64) (*Criteria, error) {
	if v <= 0 {
		return nil, aims.Errorf(aims.ENOTFOUND, "No such version of the risk criteria.")
	}
	return s.store.Criteria(ctx, orgID, v)
}

// CriteriaVersions returns the saved versions of orgID's criteria, newest first.
func (s *Service) CriteriaVersions(ctx context.Context, orgID string) ([]*Criteria, error) {
	return s.store.CriteriaVersions(ctx, orgID)
}

func (s *Service) criteria(ctx context.Context, orgID string, v int64) (*Criteria, error) {
	c, err := s.store.Criteria(ctx, orgID, v)
	if v == 0 && aims.ErrorCode(err) == aims.ENOTFOUND {
		d := Default()
		d.OrgID = orgID
		return d, nil
	}
	return c, err
}

// current returns the criteria risks are rated with now, inside a transaction: the newest saved version,
// saving the default as version 1 when there is none, so that every rating names a stored version.
func (s *Service) current(ctx context.Context, orgID string) (*Criteria, error) {
	c, err := s.store.Criteria(ctx, orgID, 0)
	if aims.ErrorCode(err) != aims.ENOTFOUND {
		return c, err
	}
	c = Default()
	c.OrgID = orgID
	if err := s.store.SaveCriteria(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// Reassessment is what saving new criteria asks for: the open risks rated with an older version, and
// the tasks given to their owners to rate them again.
type Reassessment struct {
	Criteria *Criteria      `json:"criteria"`
	Risks    []*Risk        `json:"risks"`
	Tasks    []*record.Task `json:"tasks"`
	// More is set when there are more such risks than Risks holds (maxReassess).
	More bool `json:"more"`
}

// maxReassess bounds the risks (and tasks) one change of the criteria lists and makes.
const maxReassess = 500

// SaveCriteria checks c and stores it as orgID's next version of the criteria. basedOn is the version
// the change was made from (0 for the default): ECONFLICT when another was saved since. The open risks
// rated with an older version are listed, and each owner gets a task to reassess theirs (due in 30
// days), in the same transaction; unless the new version rates risks as the old one did (only its lists,
// escalation or note changed).
func (s *Service) SaveCriteria(ctx context.Context, orgID string, c *Criteria, basedOn int64) (*Reassessment, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	c.OrgID = orgID
	out := &Reassessment{Criteria: c, Risks: []*Risk{}, Tasks: []*record.Task{}}
	err := s.store.Atomically(ctx, func(ctx context.Context) error {
		cur, err := s.store.Criteria(ctx, orgID, 0)
		switch {
		case aims.ErrorCode(err) == aims.ENOTFOUND:
			cur = Default()
			if basedOn != 0 {
				return aims.Errorf(aims.ECONFLICT, "The risk criteria have no version %d; reload them and change them again.", basedOn)
			}
		case err != nil:
			return err
		case cur.Version != basedOn:
			return aims.Errorf(aims.ECONFLICT, "Someone saved version %d of the risk criteria since you opened version %d; reload them and change them again.",
				cur.Version, basedOn)
		}
		c.CreatedBy = aims.ActorFrom(ctx).Name
		if err := s.store.SaveCriteria(ctx, c); err != nil {
			return err
		}
		if !c.RatingChanged(cur) {
			return nil // the same ratings: nothing to reassess
		}
		rs, err := s.store.RisksBefore(ctx, orgID, c.Version, maxReassess+1)
		if err != nil {
			return err
		}
		if len(rs) > maxReassess {
			rs, out.More = rs[:maxReassess], true
		}
		out.Risks = rs
		if s.Tasks == nil {
			return errors.New("risk: no task service wired; build the service with app.NewServices")
		}
		due := s.Now().UTC().AddDate(0, 0, 30).Format(time.DateOnly)
		for _, r := range rs {
			if r.OwnerID == "" {
				continue
			}
			t, err := s.Tasks.CreateTask(ctx, orgID, record.NewTask{Record: "risk:" + r.ID, OwnerID: r.OwnerID, Due: due,
				Title: fmt.Sprintf("Reassess %s against version %d of the risk criteria", r.Ref, c.Version)})
			if err != nil {
				return fmt.Errorf("cannot give %s's owner the reassessment: %w", r.Ref, err)
			}
			out.Tasks = append(out.Tasks, t)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// apply checks f against the criteria c and sets r's fields from it; EINVALID names the field at fault.
func (s *Service) apply(ctx context.Context, orgID string, c *Criteria, f Fields, r *Risk) error {
	r.Title, r.Description = trim(f.Title), trim(f.Description)
	if r.Title == "" {
		return aims.FieldError("title", "Say in a few words what could happen.")
	}
	if err := aims.CheckText(r.Title, "title", 200, false); err != nil {
		return err
	}
	if err := aims.CheckText(r.Description, "description", 5000, true); err != nil {
		return err
	}
	r.Source, r.Objective, r.GenAIRisk = trim(f.Source), trim(f.Objective), trim(f.GenAIRisk)
	if !hasOption(c.Sources, r.Source) {
		return aims.FieldError("source", "Name the risk source by its key: %s.", optionKeys(c.Sources))
	}
	if r.Objective != "" && !hasOption(c.Objectives, r.Objective) {
		return aims.FieldError("objective", "Name the objective at stake by its key: %s.", optionKeys(c.Objectives))
	}
	if r.GenAIRisk != "" && !hasOption(s.GenAIRisks, r.GenAIRisk) {
		return aims.FieldError("genai_risk", "Name the NIST AI 600-1 risk by its number, 1 to %d.", len(s.GenAIRisks))
	}
	r.ExistingControls = trim(f.ExistingControls)
	if err := aims.CheckText(r.ExistingControls, "existing_controls", 5000, true); err != nil {
		return err
	}
	var err error
	if r.Inherent, err = rate(c, "inherent", f.Inherent); err != nil {
		return err
	}
	if r.Residual, err = rate(c, "residual", f.Residual); err != nil {
		return err
	}
	if r.Residual.Rated() && !r.Inherent.Rated() {
		return aims.FieldError("inherent.likelihood", "Rate the inherent risk before the residual one.")
	}
	if r.Residual.Rated() && c.Rank(r.Residual.Level) > c.Rank(r.Inherent.Level) {
		return aims.FieldError("residual.likelihood", "The residual risk (%s) cannot be above the inherent risk (%s): controls do not add risk.",
			c.Level(r.Residual.Level).Name, c.Level(r.Inherent.Level).Name)
	}
	r.TreatmentOption, r.TreatmentPlan = trim(f.TreatmentOption), trim(f.TreatmentPlan)
	if r.TreatmentOption != "" && !slices.Contains(TreatmentOptions, r.TreatmentOption) {
		return aims.FieldError("treatment_option", "Choose one of %s.", strings.Join(TreatmentOptions, ", "))
	}
	if err := aims.CheckText(r.TreatmentPlan, "treatment_plan", 5000, true); err != nil {
		return err
	}
	r.CriteriaVersion = c.Version
	r.Status = trim(f.Status)
	switch {
	case r.Status == "" && r.Inherent.Rated():
		r.Status = StatusAssessed
	case r.Status == "":
		r.Status = StatusIdentified
	case !slices.Contains(Statuses, r.Status):
		return aims.FieldError("status", "Choose one of %s.", strings.Join(Statuses, ", "))
	case r.Status != StatusIdentified && r.Status != StatusClosed && !r.Inherent.Rated():
		return aims.FieldError("status", "Rate the inherent risk before the risk is %s.", r.Status)
	case r.Status == StatusTreating && r.TreatmentOption == "":
		return aims.FieldError("treatment_option", "Say how the risk is treated (%s) before it is being treated.", strings.Join(TreatmentOptions, ", "))
	}
	if r.ReviewDue = trim(f.ReviewDue); r.ReviewDue != "" {
		if d, err := time.Parse(time.DateOnly, r.ReviewDue); err != nil || d.Year() < 2000 || d.Year() > 2200 {
			return aims.FieldError("review_due", "Give the review date as YYYY-MM-DD, for example 2027-06-30.")
		}
	}
	if r.SystemID = trim(f.SystemID); r.SystemID != "" {
		if r.SystemName, err = s.store.SystemName(ctx, orgID, r.SystemID); aims.ErrorCode(err) == aims.ENOTFOUND {
			return aims.FieldError("system_id", "No such AI system in this organization.")
		} else if err != nil {
			return err
		}
	} else {
		r.SystemName = ""
	}
	return nil
}

// checkOwner sets r's owner from userID ("" for none): a member whose role may change risks.
func (s *Service) checkOwner(ctx context.Context, orgID, userID string, r *Risk) error {
	if r.OwnerID = trim(userID); r.OwnerID == "" {
		r.OwnerName = ""
		return nil
	}
	m, err := s.store.MembershipOf(ctx, orgID, r.OwnerID)
	switch {
	case aims.ErrorCode(err) == aims.ENOTFOUND:
		return aims.OwnerError("owner_id", "", aims.ResRisk)
	case err != nil:
		return err
	case !aims.MayOwn(m.Role, aims.ResRisk):
		return aims.OwnerError("owner_id", m.Role, aims.ResRisk)
	}
	r.OwnerName = m.UserName
	return nil
}

func optionKeys(opts []Option) string {
	keys := make([]string, len(opts))
	for i, o := range opts {
		keys[i] = o.Key
	}
	return strings.Join(keys, ", ")
}

// rate rates in against c: EINVALID on field.likelihood or field.consequences when out of the scales.
func rate(c *Criteria, field string, in RatingInput) (Rating, error) {
	level, err := c.Rate(field, in.Likelihood, in.Consequences)
	if err != nil {
		return Rating{}, err
	}
	if level == "" {
		return Rating{}, nil
	}
	return Rating{Likelihood: in.Likelihood, Consequences: maps.Clone(in.Consequences), Level: level}, nil
}

// Create checks f against the current criteria and registers a new risk of orgID.
func (s *Service) Create(ctx context.Context, orgID string, f Fields) (*Risk, error) {
	r := &Risk{OrgID: orgID, CreatedBy: aims.ActorFrom(ctx).Name}
	err := s.store.Atomically(ctx, func(ctx context.Context) error {
		c, err := s.current(ctx, orgID)
		if err != nil {
			return err
		}
		if err := s.apply(ctx, orgID, c, f, r); err != nil {
			return err
		}
		if err := s.checkOwner(ctx, orgID, f.OwnerID, r); err != nil {
			return err
		}
		return s.store.CreateRisk(ctx, r, c)
	})
	if err != nil {
		return nil, err
	}
	s.judge(r)
	return r, nil
}

// Update replaces the fields of risk id of orgID by f if its version is ifVersion (0: any;
// EPRECONDITION otherwise), rating it against the current criteria.
func (s *Service) Update(ctx context.Context, orgID, id string, f Fields, ifVersion int64) (*Risk, error) {
	var r *Risk
	err := s.store.Atomically(ctx, func(ctx context.Context) error {
		var err error
		if r, err = s.store.RiskByID(ctx, orgID, id); err != nil {
			return err
		}
		if ifVersion != 0 && ifVersion != r.Version {
			return aims.Stale("the risk", r.Version, ifVersion)
		}
		c, err := s.current(ctx, orgID)
		if err != nil {
			return err
		}
		owner, before := r.OwnerID, *r
		if err := s.apply(ctx, orgID, c, f, r); err != nil {
			return err
		}
		// An owner who has left, or whose role has changed since, stays until someone picks another.
		if trim(f.OwnerID) != owner {
			if err := s.checkOwner(ctx, orgID, f.OwnerID, r); err != nil {
				return err
			}
		}
		if err := s.store.UpdateRisk(ctx, r, c, r.Version); err != nil {
			return err
		}
		if why := material(c, &before, r); why != "" {
			return s.void(ctx, r, why)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.judge(r)
	return r, nil
}

// Delete removes risk id of orgID, applying its links' delete rules (ECONFLICT when one refuses).
func (s *Service) Delete(ctx context.Context, orgID, id string) error {
	return s.store.Atomically(ctx, func(ctx context.Context) error {
		if _, err := s.store.RiskByID(ctx, orgID, id); err != nil {
			return err
		}
		if err := record.ApplyDeleteRules(ctx, s.Links, orgID, record.Ref{Type: record.TypeRisk, ID: id}); err != nil {
			return err
		}
		return s.store.DeleteRisk(ctx, orgID, id)
	})
}

// Risk returns risk id of orgID.
func (s *Service) Risk(ctx context.Context, orgID, id string) (*Risk, error) {
	if !aims.ValidID(id) {
		return nil, aims.Errorf(aims.ENOTFOUND, "No such risk.")
	}
	r, err := s.store.RiskByID(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	if r.AcceptedID != "" {
		if r.Acceptance, err = s.store.AcceptanceByID(ctx, orgID, r.AcceptedID); err != nil {
			return nil, err
		}
	}
	s.judge(r)
	return r, nil
}

// List returns a page of orgID's register matching f; EINVALID for an unknown filter value.
func (s *Service) List(ctx context.Context, orgID string, f Filter, p aims.Page) ([]*Risk, string, error) {
	if err := f.check(); err != nil {
		return nil, "", err
	}
	f.Today = s.today()
	if f.Gap != "" {
		c, err := s.Criteria(ctx, orgID)
		if err != nil {
			return nil, "", err
		}
		f.GapRank = c.rank(c.Acceptable)
	}
	rs, next, err := s.store.ListRisks(ctx, orgID, f, p)
	if err != nil {
		return nil, "", err
	}
	for _, r := range rs {
		s.judge(r)
	}
	return rs, next, nil
}

func (f *Filter) check() error {
	f.Query = trim(f.Query)
	if err := aims.CheckText(f.Query, "q", 200, false); err != nil {
		return err
	}
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		return aims.FieldError("status", "Choose one of %s.", strings.Join(Statuses, ", "))
	}
	if f.Sort == "" {
		f.Sort = "level"
	}
	if !slices.Contains(Sorts, f.Sort) {
		return aims.FieldError("sort", "Sort by %s.", strings.Join(Sorts, ", "))
	}
	if f.SystemID != "" && f.OrgWide {
		return aims.FieldError("system_id", "A risk is of one system or of the whole organization, not both.")
	}
	if f.Gap != "" && f.Gap != GapUnaccepted && f.Gap != GapNoControl {
		return aims.FieldError("gap", "The gap is %s or %s.", GapUnaccepted, GapNoControl)
	}
	if len(f.Control) > 300 {
		return aims.FieldError("control", "Name the control as framework/ref, like iso42001-2023/A.6.2.4.")
	}
	for name, v := range map[string]string{"level": f.Level, "source": f.Source} {
		if len(v) > 40 {
			return aims.FieldError(name, "The %s is not valid.", name)
		}
	}
	return nil
}

func (s *Service) judge(r *Risk) {
	r.Accepted = r.AcceptedID != ""
	r.ReviewOverdue = r.Status != StatusClosed && r.ReviewDue != "" && r.ReviewDue < s.today()
}

// Deleting refuses (ECONFLICT) to delete AI systems that risks of the register are of: a risk would lose
// what it is about. The system service calls it, with the record service's rules, in the transaction
// that deletes them.
func (s *Service) Deleting(ctx context.Context, orgID string, refs ...record.Ref) error {
	var ids []string
	for _, r := range refs {
		if r.Type == record.TypeSystem {
			ids = append(ids, r.ID)
		}
	}
	risks, err := s.store.RiskRefsOfSystems(ctx, orgID, ids, 6)
	if err != nil || len(risks) == 0 {
		return err
	}
	more := ""
	if len(risks) > 5 {
		risks, more = risks[:5], " and more"
	}
	return aims.Errorf(aims.ECONFLICT, "Risks %s%s of the register are of this AI system: give them another system or make them organization-wide first.",
		strings.Join(risks, ", "), more)
}
