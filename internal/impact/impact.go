// Package impact holds the AI system impact assessments (ISO/IEC 42001, 6.1.4, 8.4 and A.5.2 to A.5.5),
// laid out along ISO/IEC 42005: for each AI system, versioned assessments of what the system may do to
// individuals, groups and society, how likely and how severe that is, and what mitigates it (risks of the
// register and controls, as links), signed off by a manager and reassessed by a date. Where Article 27
// of the EU AI Act applies to the system, an assessment also holds the elements of the fundamental
// rights impact assessment that Article 27(1)(a) to (f) lists.
package impact

import (
	"context"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/system"
)

// Statuses of a version: a draft may change; an approved version never does (editing it makes a draft of
// the next version).
const (
	StatusDraft    = "draft"
	StatusApproved = "approved"
)

// Areas an impact may fall in: on individuals, then on groups and society, then anything else.
var Areas = []Area{
	{"fundamental_rights", "Fundamental rights", "individuals"},
	{"safety", "Safety", "individuals"},
	{"wellbeing", "Wellbeing", "individuals"},
	{"economic", "Economic situation", "individuals"},
	{"environment", "Environment", "society"},
	{"democratic_processes", "Democratic processes", "society"},
	{"labour", "Labour and employment", "society"},
	{"access_to_services", "Access to services", "society"},
	{"other", "Other", "other"},
}

// Area is one area of impact: its key, its name and who it falls on (individuals, society, other).
type Area struct {
	Key, Label, Group string
}

// AreaLabel returns the name of the area key (the key itself when unknown).
func AreaLabel(key string) string {
	for _, a := range Areas {
		if a.Key == key {
			return a.Label
		}
	}
	return key
}

func areaKeys() string {
	k := make([]string, len(Areas))
	for i, a := range Areas {
		k[i] = a.Key
	}
	return strings.Join(k, ", ")
}

// Likelihoods and Severities are the fixed four-step scales an impact is rated on, from 1.
var (
	Likelihoods = []string{"Rare", "Possible", "Likely", "Almost certain"}
	Severities  = []string{"Limited", "Moderate", "Serious", "Critical"}
)

// ScaleLabel returns the label of step n (from 1) of scale, or "" when out of it.
func ScaleLabel(scale []string, n int) string {
	if n < 1 || n > len(scale) {
		return ""
	}
	return scale[n-1]
}

// Party is a person, a group of people or a community the system may affect.
type Party struct {
	Name string `json:"name"`
	// Vulnerable marks a group that needs particular care (children, people in a situation of dependence,
	// applicants for a job or a benefit); Note says why or how.
	Vulnerable bool   `json:"vulnerable"`
	Note       string `json:"note"`
}

// Impact is one effect the system may have: where it falls, on whom, what it is, how likely and how
// severe, and what mitigates it: risks of the register and controls (refs "risk:ID", "control:KEY/REF",
// kept as links from the assessment) and a note.
type Impact struct {
	Area           string   `json:"area"`
	Party          string   `json:"party"`
	Description    string   `json:"description"`
	Likelihood     int      `json:"likelihood"`
	Severity       int      `json:"severity"`
	Mitigations    []string `json:"mitigations"`
	MitigationNote string   `json:"mitigation_note"`
}

// FRIA holds the elements of a fundamental rights impact assessment that Article 27(1) of the EU AI Act
// asks of a deployer, one field per point (a) to (f).
type FRIA struct {
	// (a) the deployer's processes in which the system will be used in line with its intended purpose.
	Processes string `json:"processes"`
	// (b) the period of time within which, and the frequency with which, the system is intended to be used.
	Period string `json:"period"`
	// (c) the categories of natural persons and groups likely to be affected by its use.
	Persons string `json:"persons"`
	// (d) the specific risks of harm likely to have an impact on those categories.
	Harms string `json:"harms"`
	// (e) the implementation of human oversight measures, according to the instructions for use.
	Oversight string `json:"oversight"`
	// (f) the measures to be taken where those risks materialise, including internal governance and
	// complaint mechanisms.
	Measures string `json:"measures"`
}

// FRIAField is one element of Article 27(1): its JSON field, the point, and a short title.
type FRIAField struct {
	Field, Point, Title string
}

// FRIAFields lists the elements in the Article's order.
var FRIAFields = []FRIAField{
	{"processes", "27(1)(a)", "The deployer's processes in which the system is used"},
	{"period", "27(1)(b)", "Period of time and frequency of use"},
	{"persons", "27(1)(c)", "Categories of natural persons and groups likely to be affected"},
	{"harms", "27(1)(d)", "Specific risks of harm to them"},
	{"oversight", "27(1)(e)", "Human oversight measures"},
	{"measures", "27(1)(f)", "Measures if the risks materialise, incl. internal governance and complaint mechanisms"},
}

// Get returns the element named field.
func (f *FRIA) Get(field string) string {
	if f == nil {
		return ""
	}
	switch field {
	case "processes":
		return f.Processes
	case "period":
		return f.Period
	case "persons":
		return f.Persons
	case "harms":
		return f.Harms
	case "oversight":
		return f.Oversight
	case "measures":
		return f.Measures
	}
	return ""
}

func (f *FRIA) ptrs() []*string {
	return []*string{&f.Processes, &f.Period, &f.Persons, &f.Harms, &f.Oversight, &f.Measures}
}

// Fields are what people set on a version of an assessment.
type Fields struct {
	Scope             string   `json:"scope"`
	IntendedUse       string   `json:"intended_use"`
	ForeseeableMisuse string   `json:"foreseeable_misuse"`
	Affected          []Party  `json:"affected"`
	Impacts           []Impact `json:"impacts"`
	// FRIA is set only where Article 27 of the EU AI Act applies to the system.
	FRIA *FRIA `json:"fria,omitempty"`
	// OwnerID is the member who answers for the assessment; ReassessBy the date (YYYY-MM-DD) by which it
	// is to be assessed again.
	OwnerID    string `json:"owner_id"`
	ReassessBy string `json:"reassess_by"`
}

// Assessment is one version of the impact assessment of an AI system. ID names the assessment across its
// versions (the record that links, comments and tasks are on); Version counts its versions from 1; Rev
// counts the changes of this version (its ETag).
type Assessment struct {
	ID         string `json:"id"`
	OrgID      string `json:"-"`
	SystemID   string `json:"system_id"`
	SystemName string `json:"system_name"`
	Version    int64  `json:"version"`
	Status     string `json:"status"`
	Fields
	OwnerName string `json:"owner_name,omitempty"`
	// FRIARequired is set when Article 27 of the EU AI Act applies to the system (read, not stored).
	FRIARequired   bool       `json:"fria_required"`
	ApprovedBy     string     `json:"approved_by,omitempty"`
	ApprovedByName string     `json:"approved_by_name,omitempty"`
	ApprovedAt     *time.Time `json:"approved_at,omitempty"`
	// Stale is set on the approved version in force when the system changed materially since its
	// approval (StaleReason says how) or when its reassessment date has passed (Overdue).
	Stale       bool   `json:"stale"`
	StaleReason string `json:"stale_reason,omitempty"`
	Overdue     bool   `json:"overdue"`
	// Latest is the assessment's newest version number; Approved the version in force (0: none yet).
	Latest    int64     `json:"latest"`
	Approved  int64     `json:"approved"`
	Rev       int64     `json:"rev"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Summary is an assessment as the organization-wide list shows it: its newest version and the state of
// the approved one.
type Summary struct {
	ID           string `json:"id"`
	SystemID     string `json:"system_id"`
	SystemName   string `json:"system_name"`
	Latest       int64  `json:"latest"`
	LatestStatus string `json:"latest_status"`
	Approved     int64  `json:"approved"`
	OwnerID      string `json:"owner_id,omitempty"`
	OwnerName    string `json:"owner_name,omitempty"`
	ReassessBy   string `json:"reassess_by,omitempty"`
	Stale        bool   `json:"stale"`
	StaleReason  string `json:"stale_reason,omitempty"`
	Overdue      bool   `json:"overdue"`
	// Staled is when the system's change made it stale (nil when it did not).
	StaledAt  *time.Time `json:"staled_at,omitempty"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Filter narrows the organization-wide list: Stale keeps those stale (by a change or overdue), Overdue
// those whose reassessment date has passed, DueBefore those to be reassessed before a date.
type Filter struct {
	Stale     bool
	Overdue   bool
	DueBefore string
	// Today is the date overdue is judged on; the service sets it.
	Today string
}

// Store persists impact assessments, scoped by organization: what another organization holds is
// ENOTFOUND. Every change writes its activity entry in the same transaction.
type Store interface {
	aims.Transactor
	// CreateImpact stores a's assessment (setting its ID) and a as its version 1, a draft.
	CreateImpact(ctx context.Context, a *Assessment) error
	// AddImpactVersion stores a as version a.Version (the next one) of assessment a.ID, a draft.
	AddImpactVersion(ctx context.Context, a *Assessment) error
	// UpdateImpactVersion stores a's fields, status and approval if its Rev is ifRev (EPRECONDITION
	// otherwise); approving it makes it the version in force, clears the staleness and sets the date.
	UpdateImpactVersion(ctx context.Context, a *Assessment, ifRev int64) error
	// MarkImpactStale records that the approved version of assessment id went stale, and why.
	MarkImpactStale(ctx context.Context, orgID, id, reason string) error
	// ImpactOfSystem returns version (0: the newest) of the assessment of systemID; ENOTFOUND when none.
	ImpactOfSystem(ctx context.Context, orgID, systemID string, version int64) (*Assessment, error)
	// ImpactVersions returns every version of the assessment of systemID, newest first.
	ImpactVersions(ctx context.Context, orgID, systemID string) ([]*Assessment, error)
	// ListImpacts returns a page of orgID's assessments f selects, by system name.
	ListImpacts(ctx context.Context, orgID string, f Filter, p aims.Page) ([]*Summary, string, error)
	// OverdueImpacts returns, across organizations, up to limit approved assessments not marked stale
	// whose reassessment date is before today, as (organization, system, date) triples.
	OverdueImpacts(ctx context.Context, today string, limit int) ([][3]string, error)
	// ImpactSystemID returns the id of the system of orgID's assessment id; ENOTFOUND when none.
	ImpactSystemID(ctx context.Context, orgID, id string) (string, error)
	// ImpactIDsOfSystems returns the ids of the assessments of the systems ids.
	ImpactIDsOfSystems(ctx context.Context, orgID string, ids []string) ([]string, error)
	SystemByID(ctx context.Context, orgID, id string) (*system.System, error)
	MembershipOf(ctx context.Context, orgID, userID string) (*account.Membership, error)
}

func trim(s string) string { return strings.TrimSpace(s) }

// FieldsOf returns a copy of a's fields: what an edit starts from.
func FieldsOf(a *Assessment) Fields {
	f := a.Fields
	f.Affected = append([]Party(nil), a.Affected...)
	f.Impacts = make([]Impact, len(a.Impacts))
	for i, im := range a.Impacts {
		im.Mitigations = append([]string(nil), im.Mitigations...)
		f.Impacts[i] = im
	}
	if a.FRIA != nil {
		c := *a.FRIA
		f.FRIA = &c
	}
	return f
}
