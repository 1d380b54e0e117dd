// Package system holds the AI system inventory: each AI system the organization provides, develops or
// uses, with its purpose, intended use and foreseeable misuse (ISO/IEC 42001, A.9.4), the organization's
// roles for it (ISO/IEC 22989 and the EU AI Act), its life-cycle stage and the history of its changes
// (6.3).
package system

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/system/euact"
)

// AI roles of ISO/IEC 22989, 5.17.
var AIRoles = []string{"ai_provider", "ai_producer", "ai_customer", "ai_partner", "ai_subject"}

// EU AI Act operator roles (Art. 3).
var EURoles = []string{"provider", "deployer", "importer", "distributor", "authorised_representative"}

// Stages of the AI system life cycle of ISO/IEC 22989, 6.1.
var Stages = []string{"inception", "design_and_development", "verification_and_validation", "deployment",
	"operation_and_monitoring", "re_evaluation", "retirement"}

// Statuses of a system in the inventory.
var Statuses = []string{"active", "planned", "retired"}

// System is one AI system of an organization.
type System struct {
	ID    string `json:"id"`
	OrgID string `json:"-"`
	Fields
	OwnerName string `json:"owner_name"`
	// RiskClass is the class of the system's current EU AI Act classification (see euact.Classes), empty
	// before the first; only classifying changes it.
	RiskClass string    `json:"risk_class"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Fields are a system's editable fields, replaced as a whole on create and update.
type Fields struct {
	Name                string   `json:"name"`
	Purpose             string   `json:"purpose"`
	IntendedUse         string   `json:"intended_use"`
	ForeseeableMisuse   string   `json:"foreseeable_misuse"`
	AIRole              string   `json:"ai_role"`
	EURole              string   `json:"eu_role"`
	Stage               string   `json:"stage"`
	Status              string   `json:"status"`
	OwnerID             string   `json:"owner_id"`
	Team                string   `json:"team"`
	Environments        []string `json:"environments"`
	Markets             []string `json:"markets"`
	Users               string   `json:"users"`
	AffectedPeople      string   `json:"affected_people"`
	Automation          string   `json:"automation"`
	HumanOversight      string   `json:"human_oversight"`
	PersonalData        bool     `json:"personal_data"`
	SpecialCategoryData bool     `json:"special_category_data"`
	DataNotes           string   `json:"data_notes"`
	InteractsWithPeople bool     `json:"interacts_with_people"`
	GeneratesContent    bool     `json:"generates_content"`
}

// apply validates f and copies it onto s; the first fault is an EINVALID error naming its field.
func (f *Fields) apply(s *System) error {
	for _, t := range []struct {
		p         *string
		field     string
		max       int
		multiline bool
	}{
		{&f.Name, "name", 200, false}, {&f.Purpose, "purpose", 4000, true}, {&f.IntendedUse, "intended_use", 4000, true},
		{&f.ForeseeableMisuse, "foreseeable_misuse", 4000, true}, {&f.OwnerID, "owner_id", 26, false}, {&f.Team, "team", 200, false},
		{&f.Users, "users", 4000, true}, {&f.AffectedPeople, "affected_people", 4000, true}, {&f.Automation, "automation", 2000, true},
		{&f.HumanOversight, "human_oversight", 4000, true}, {&f.DataNotes, "data_notes", 4000, true},
	} {
		*t.p = strings.TrimSpace(*t.p)
		if err := checkText(*t.p, t.field, t.max, t.multiline); err != nil {
			return err
		}
	}
	if f.Name == "" {
		return aims.FieldError("name", "Give the AI system a name.")
	}
	if f.Purpose == "" {
		return aims.FieldError("purpose", "Say what the AI system is for (ISO/IEC 42001, A.9.4).")
	}
	if f.Status == "" {
		f.Status = "active"
	}
	if f.Stage == "" {
		f.Stage = "inception"
	}
	if err := aims.OneOf(f.AIRole, AIRoles, "ai_role", true); err != nil {
		return err
	}
	if err := aims.OneOf(f.EURole, EURoles, "eu_role", true); err != nil {
		return err
	}
	if err := aims.OneOf(f.Stage, Stages, "stage", false); err != nil {
		return err
	}
	if err := aims.OneOf(f.Status, Statuses, "status", false); err != nil {
		return err
	}
	if f.OwnerID != "" && !aims.ValidID(f.OwnerID) {
		return aims.FieldError("owner_id", "The owner must be a member of the organization.")
	}
	var err error
	if f.Environments, err = cleanList(f.Environments, "environments"); err != nil {
		return err
	}
	if f.Markets, err = cleanList(f.Markets, "markets"); err != nil {
		return err
	}
	s.Fields = *f
	return nil
}

// FieldsOf returns s's editable fields.
func FieldsOf(s *System) Fields {
	f := s.Fields
	f.Environments, f.Markets = slices.Clone(s.Environments), slices.Clone(s.Markets)
	return f
}

// cleanList trims the items of xs, drops empty ones and duplicates, and refuses more than 50 or long ones.
func cleanList(xs []string, field string) ([]string, error) {
	out := []string{}
	for _, x := range xs {
		x = strings.TrimSpace(x)
		if x == "" || slices.Contains(out, x) {
			continue
		}
		if strings.Contains(x, "\n") {
			return nil, aims.FieldError(field, "One item per entry, without line breaks.")
		}
		if err := checkText(x, field, 100, false); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	if len(out) > 50 {
		return nil, aims.FieldError(field, "At most 50 entries.")
	}
	return out, nil
}

// SplitList splits a comma- or line-separated list as typed in a form or a CSV cell.
func SplitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ';' })
}

// checkText is aims.CheckText, the one text rule of every form.
func checkText(s, field string, max int, multiline bool) error {
	return aims.CheckText(s, field, max, multiline)
}

// Change is one entry of a system's history: the version it produced, who made it, when, why, and the
// system before and after (before is empty for the creation).
type Change struct {
	ID        string    `json:"id"`
	SystemID  string    `json:"system_id"`
	Version   int64     `json:"version"`
	ActorID   string    `json:"actor_id"`
	ActorName string    `json:"actor_name"`
	At        time.Time `json:"at"`
	Reason    string    `json:"reason"`
	Before    []byte    `json:"-"`
	After     []byte    `json:"-"`
}

// Filter narrows and orders a list of systems.
type Filter struct {
	Stage   string
	Status  string
	OwnerID string
	AIRole  string
	Query   string // matched against name and purpose
	Sort    string // "name" (default) or "updated" (most recent first)
	// RiskClass keeps the systems of this EU AI Act class (euact.Classes), or "unclassified" those not
	// classified yet.
	RiskClass string

	// Supplier keeps the systems with a linked component of this supplier; Model those with a linked
	// model of this name. Both match whole values, in any case.
	Supplier string
	Model    string
}

// Sorts a list may be ordered by.
var Sorts = []string{"name", "updated"}

func (f *Filter) check() error {
	f.Query = strings.TrimSpace(f.Query)
	if err := aims.OneOf(f.Stage, Stages, "stage", true); err != nil {
		return err
	}
	if err := aims.OneOf(f.Status, Statuses, "status", true); err != nil {
		return err
	}
	if err := aims.OneOf(f.AIRole, AIRoles, "ai_role", true); err != nil {
		return err
	}
	if err := aims.OneOf(f.Sort, Sorts, "sort", true); err != nil {
		return err
	}
	if f.OwnerID != "" && !aims.ValidID(f.OwnerID) {
		return aims.FieldError("owner_id", "Give the id of a member.")
	}
	if f.RiskClass != "" && f.RiskClass != Unclassified && !slices.Contains(euact.Classes, f.RiskClass) {
		return aims.FieldError("risk_class", "Choose one of %s, %s.", strings.Join(euact.Classes, ", "), Unclassified)
	}
	f.Supplier, f.Model = strings.TrimSpace(f.Supplier), strings.TrimSpace(f.Model)
	if err := checkText(f.Supplier, "supplier", 200, false); err != nil {
		return err
	}
	if err := checkText(f.Model, "model", 200, false); err != nil {
		return err
	}
	return checkText(f.Query, "q", 200, false)
}

// Store persists AI systems and their history. Every method is scoped by the organization and answers
// ENOTFOUND for what it cannot see; every change appends its history entry and activity entry in the same
// transaction.
type Store interface {
	// Atomically runs the service's checks and writes in one transaction.
	aims.Transactor
	// CreateSystems stores the new systems ss all or none, each with a history entry with reason. A name
	// in use is ECONFLICT on name, as an *ImportError with the index of the system at fault. progress,
	// when not nil, is told now and then how many are stored (not yet committed).
	CreateSystems(ctx context.Context, ss []*System, reason string, progress func(stored int)) error
	// UpdateSystem stores s if its version is ifVersion (0: any), with reason in its history.
	UpdateSystem(ctx context.Context, s *System, ifVersion int64, reason string) error
	DeleteSystem(ctx context.Context, orgID, id string) error
	// MembershipOf returns userID's membership of orgID, or ENOTFOUND: the service checks an owner's role.
	MembershipOf(ctx context.Context, orgID, userID string) (*account.Membership, error)
	SystemByID(ctx context.Context, orgID, id string) (*System, error)
	ListSystems(ctx context.Context, orgID string, f Filter, p aims.Page) ([]*System, string, error)
	SystemChanges(ctx context.Context, orgID, id string) ([]*Change, error)
	PageStore
	ClassificationStore
}
