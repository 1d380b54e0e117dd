package risk

import (
	"context"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// Risk statuses. A risk is identified, then assessed against the criteria, then treated; closed when it no
// longer applies. (Acceptance of the residual risk comes with treatment.)
const (
	StatusIdentified = "identified"
	StatusAssessed   = "assessed"
	StatusTreating   = "treating"
	StatusClosed     = "closed"
)

// Treatment options (ISO/IEC 42001, 6.1.3): change the risk by controls, avoid it by not doing what
// causes it, share it with another party (a supplier, an insurer), or retain it as it is.
const (
	TreatModify = "modify"
	TreatAvoid  = "avoid"
	TreatShare  = "share"
	TreatRetain = "retain"
)

// TreatmentOptions lists the options in the order the UI offers them.
var TreatmentOptions = []string{TreatModify, TreatAvoid, TreatShare, TreatRetain}

// Statuses lists the statuses in the order the UI offers them.
var Statuses = []string{StatusIdentified, StatusAssessed, StatusTreating, StatusClosed}

// Rating is a risk rated against the criteria: the likelihood and the consequence on each axis rated
// (steps of the criteria's scales, from 1), and the level they give: the worst over the axes.
type Rating struct {
	Likelihood   int            `json:"likelihood"`
	Consequences map[string]int `json:"consequences"`
	Level        string         `json:"level"`
}

// Rated reports whether the rating has a level.
func (r Rating) Rated() bool { return r.Level != "" }

// Risk is an AI risk of the organization (ISO/IEC 42001, 6.1.2 and 8.2), of one AI system or of the whole
// organization: what could happen, from which source, to which objective, who owns it, and how it is
// rated before (inherent) and after (residual) the controls in place.
type Risk struct {
	ID    string `json:"id"`
	OrgID string `json:"-"`
	// Ref is the risk's number in the organization's register, ...
	Ref         string `json:"ref"`
	Seq         int64  `json:"-"`
	Title       string `json:"title"`
	Description string `json:"description"`
	// SystemID is the AI system the risk is of; empty for an organization-wide risk.
	SystemID   string `json:"system_id,omitempty"`
	SystemName string `json:"system_name,omitempty"`
	// Source and Objective are keys of the criteria's risk sources and objectives (ISO/IEC 42001 Annex C
	// by default); GenAIRisk the number of a NIST AI 600-1 generative AI risk, where one applies.
	Source           string `json:"source"`
	Objective        string `json:"objective,omitempty"`
	GenAIRisk        string `json:"genai_risk,omitempty"`
	OwnerID          string `json:"owner_id,omitempty"`
	OwnerName        string `json:"owner_name,omitempty"`
	Inherent         Rating `json:"inherent"`
	ExistingControls string `json:"existing_controls"`
	Residual         Rating `json:"residual"`
	// TreatmentOption is how the risk is treated (ISO/IEC 42001, 6.1.3): modify, avoid, share or retain;
	// TreatmentPlan says how. The controls the treatment selects are linked to the risk ("treats"), its
	// actions are tasks on it.
	TreatmentOption string `json:"treatment_option,omitempty"`
	TreatmentPlan   string `json:"treatment_plan,omitempty"`
	Status          string `json:"status"`
	// ReviewDue is the date (YYYY-MM-DD) by which the risk is to be reviewed; ReviewOverdue is set when
	// it has passed and the risk is not closed.
	ReviewDue     string `json:"review_due,omitempty"`
	ReviewOverdue bool   `json:"review_overdue"`
	// Controls counts the controls the treatment selects (the "treats" links to the risk).
	Controls int `json:"controls"`
	// AcceptedID names the standing acceptance of the risk (empty: none); Accepted says there is one,
	// and Acceptance is it, on reading one risk.
	AcceptedID string      `json:"-"`
	Accepted   bool        `json:"accepted"`
	Acceptance *Acceptance `json:"acceptance,omitempty"`
	// CriteriaVersion is the version of the criteria the ratings were made with.
	CriteriaVersion int64     `json:"criteria_version"`
	Version         int64     `json:"version"`
	CreatedBy       string    `json:"created_by"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Level is the risk's current level: the residual one once rated, else the inherent one ("" when not
// rated yet).
func (r *Risk) Level() string {
	if r.Residual.Rated() {
		return r.Residual.Level
	}
	return r.Inherent.Level
}

// Fields are what people set on a risk.
type Fields struct {
	Title            string      `json:"title"`
	Description      string      `json:"description"`
	SystemID         string      `json:"system_id"`
	Source           string      `json:"source"`
	Objective        string      `json:"objective"`
	GenAIRisk        string      `json:"genai_risk"`
	OwnerID          string      `json:"owner_id"`
	Inherent         RatingInput `json:"inherent"`
	ExistingControls string      `json:"existing_controls"`
	Residual         RatingInput `json:"residual"`
	TreatmentOption  string      `json:"treatment_option"`
	TreatmentPlan    string      `json:"treatment_plan"`
	Status           string      `json:"status"`
	ReviewDue        string      `json:"review_due"`
}

// RatingInput is a rating as given: the level is computed.
type RatingInput struct {
	Likelihood   int            `json:"likelihood"`
	Consequences map[string]int `json:"consequences"`
}

// FieldsOf returns r's fields.
func FieldsOf(r *Risk) Fields {
	return Fields{Title: r.Title, Description: r.Description, SystemID: r.SystemID, Source: r.Source, Objective: r.Objective,
		GenAIRisk: r.GenAIRisk, OwnerID: r.OwnerID, ExistingControls: r.ExistingControls, Status: r.Status, ReviewDue: r.ReviewDue,
		TreatmentOption: r.TreatmentOption, TreatmentPlan: r.TreatmentPlan,
		Inherent: RatingInput{r.Inherent.Likelihood, r.Inherent.Consequences}, Residual: RatingInput{r.Residual.Likelihood, r.Residual.Consequences}}
}

// Filter narrows and orders the register.
type Filter struct {
	SystemID string
	// OrgWide keeps the risks of no system.
	OrgWide bool
	Level   string
	OwnerID string
	Source  string
	Status  string
	// Open keeps the risks not closed; Overdue those whose review date has passed (Today).
	Open    bool
	Overdue bool
	Query   string
	// Control keeps the risks whose treatment selects the control (framework/ref).
	Control string
	// Gap keeps the risks of one gap of the SoA's checks (GapUnaccepted, GapNoControl); GapRank is the
	// rank of the acceptable level, set by the service.
	Gap     string
	GapRank int
	// Sort is level (highest first; the default), ref, or review (soonest first).
	Sort  string
	Today string
}

// Sorts are the orders of the register.
var Sorts = []string{"level", "ref", "review"}

// Store persists risks and criteria, scoped by organization: what another organization holds is
// ENOTFOUND. Every change writes its activity entry in the same transaction.
type Store interface {
	aims.Transactor
	AcceptanceStore
	// Criteria returns the organization's criteria of version (0: the newest); ENOTFOUND when it has
	// saved none.
	Criteria(ctx context.Context, orgID string, version int64) (*Criteria, error)
	// CriteriaVersions returns the saved versions, newest first.
	CriteriaVersions(ctx context.Context, orgID string) ([]*Criteria, error)
	// SaveCriteria stores c as the next version (setting Version and CreatedAt); ECONFLICT when another
	// version was saved since the one c was made from (c.Version before the call).
	SaveCriteria(ctx context.Context, c *Criteria) error
	// CreateRisk stores r, rated with c, numbering it the organization's next risk (Ref) and setting its
	// id, version and times.
	CreateRisk(ctx context.Context, r *Risk, c *Criteria) error
	// UpdateRisk stores r, rated with c, if its stored version is ifVersion (EPRECONDITION otherwise).
	UpdateRisk(ctx context.Context, r *Risk, c *Criteria, ifVersion int64) error
	DeleteRisk(ctx context.Context, orgID, id string) error
	RiskByID(ctx context.Context, orgID, id string) (*Risk, error)
	ListRisks(ctx context.Context, orgID string, f Filter, p aims.Page) ([]*Risk, string, error)
	// RisksBefore returns the open risks rated with criteria older than version.
	RisksBefore(ctx context.Context, orgID string, version int64, limit int) ([]*Risk, error)
	// RiskCells counts the risks f selects by (likelihood, worst consequence) of their inherent or
	// residual rating.
	RiskCells(ctx context.Context, orgID string, f Filter, residual bool) ([]Cell, error)
	// GapRisks returns up to limit of the risks of f's gap (with f's other filters), highest level first,
	// and how many there are, counting to max.
	GapRisks(ctx context.Context, orgID string, f Filter, limit, max int) ([]*Risk, int, error)
	// RiskRefsOfSystems returns the refs (R-1, ...) of the risks of the systems ids, at most limit.
	RiskRefsOfSystems(ctx context.Context, orgID string, ids []string, limit int) ([]string, error)
	// SystemName returns the name of orgID's system id; ENOTFOUND when there is none.
	SystemName(ctx context.Context, orgID, id string) (string, error)
	// MembershipOf returns userID's membership of orgID, or ENOTFOUND.
	MembershipOf(ctx context.Context, orgID, userID string) (*account.Membership, error)
}

// Cell is one cell of a heat map: a likelihood and a consequence step, and how many risks are in it.
type Cell struct {
	Likelihood, Consequence, Count int
}

func trim(s string) string { return strings.TrimSpace(s) }
