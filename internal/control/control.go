// Package control holds an organization's implementation of requirements: its AI roles (clause 4), the
// applicability, justification, status and owner of each Annex A control and of each control it adds from
// another framework, the links to the records that satisfy a clause item or control, and the Statement of
// Applicability (ISO/IEC 42001, 6.1.3) derived from them, with its approved, frozen versions, their
// differences, exports and the coverage of other frameworks that the implementation gives.
package control

import (
	"context"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/framework"
)

// Applicability of a control to the organization.
const (
	Undecided  = "undecided"
	Applicable = "applicable"
	Excluded   = "excluded"
)

// Implementation statuses, in the order work goes.
const (
	NotStarted  = "not_started"
	Planned     = "planned"
	Partial     = "partial"
	Implemented = "implemented"
)

// Statuses lists the implementation statuses in order.
var Statuses = []string{NotStarted, Planned, Partial, Implemented}

// OwnKey is the key of the framework that holds an organization's own controls, made on first use.
const OwnKey = "own-controls"

// Control is an organization's implementation of one requirement: a row of the Statement of Applicability
// for an Annex A control or a control added from another framework, or the implementation record of a
// clause item (4.1 to 10.2), which is always applicable. A control that was never changed has no stored
// row and is at version 1; the first change stores it at version 2.
type Control struct {
	ID            string     `json:"-"`
	OrgID         string     `json:"-"`
	RequirementID string     `json:"requirement_id"`
	Framework     string     `json:"framework"`
	FrameworkName string     `json:"framework_name"`
	Ref           string     `json:"ref"`
	Title         string     `json:"title"`
	Kind          string     `json:"kind"`
	GroupRef      string     `json:"group_ref"`
	GroupTitle    string     `json:"group_title"`
	Position      int        `json:"-"`
	InSoA         bool       `json:"in_soa"`
	Applicability string     `json:"applicability"`
	Justification string     `json:"justification"`
	Status        string     `json:"status"`
	OwnerID       string     `json:"owner_id"`
	OwnerName     string     `json:"owner_name"`
	OwnerIsMember bool       `json:"-"`
	TargetDate    string     `json:"target_date"`
	Notes         string     `json:"notes"`
	Version       int64      `json:"version"`
	UpdatedAt     *time.Time `json:"updated_at"`
	LinkCount     int        `json:"links_count"`
	// Risks counts the risks whose treatment selects the control (links "treats" from it).
	Risks int     `json:"risks"`
	Links []*Link `json:"links,omitempty"`
}

// Stored reports whether the control has a stored row.
func (c *Control) Stored() bool { return c.ID != "" }

// Clause reports whether c is a management-system clause item, which is mandatory.
func (c *Control) Clause() bool { return c.Kind == framework.ReqClause }

// AnnexA reports whether c is one of ISO/IEC 42001's Annex A controls.
func (c *Control) AnnexA() bool {
	return c.Framework == framework.ISO42001 && c.Kind == framework.ReqControl
}

// Decided reports whether the control has a decision with a justification.
func (c *Control) Decided() bool {
	return c.Applicability != Undecided && strings.TrimSpace(c.Justification) != ""
}

// HasOwner reports whether the control's owner is a member of the organization.
func (c *Control) HasOwner() bool { return c.OwnerID != "" && c.OwnerIsMember }

// Overdue reports whether c is applicable, not implemented, and its target date is before today.
func (c *Control) Overdue(today string) bool {
	return c.Applicability == Applicable && c.Status != Implemented && c.TargetDate != "" && c.TargetDate < today
}

// Link points from a clause item or control to a record that satisfies it: a web address or a document.
type Link struct {
	ID            string    `json:"id"`
	OrgID         string    `json:"-"`
	RequirementID string    `json:"requirement_id"`
	Kind          string    `json:"kind"`
	Title         string    `json:"title"`
	Target        string    `json:"target"`
	CreatedAt     time.Time `json:"created_at"`
}

// Kinds of link.
const (
	LinkURL      = "url"
	LinkDocument = "document"
)

// Update is a change to a control's implementation: every editable field, replaced as a whole.
type Update struct {
	Applicability string `json:"applicability"`
	Justification string `json:"justification"`
	Status        string `json:"status"`
	OwnerID       string `json:"owner_id"`
	TargetDate    string `json:"target_date"`
	Notes         string `json:"notes"`
}

// apply validates u for c and copies it onto c. Clause items are mandatory, so their applicability is
// always applicable and needs no justification; every other decision needs one (6.1.3).
func (u *Update) apply(c *Control) error {
	u.Justification = strings.TrimSpace(u.Justification)
	u.Notes = strings.TrimSpace(u.Notes)
	u.OwnerID = strings.TrimSpace(u.OwnerID)
	u.TargetDate = strings.TrimSpace(u.TargetDate)
	if c.Clause() {
		if u.Applicability != "" && u.Applicability != Applicable {
			return aims.FieldError("applicability", "Clause %s is a requirement of the management system itself: it always applies and cannot be excluded.", c.Ref)
		}
		u.Applicability = Applicable
	}
	switch u.Applicability {
	case Undecided:
	case Applicable, Excluded:
		if u.Justification == "" && !c.Clause() {
			return aims.FieldError("justification", "Say why this control is %s: a decision without a justification cannot be saved (ISO/IEC 42001, 6.1.3).", u.Applicability)
		}
	default:
		return aims.FieldError("applicability", "Choose applicable or excluded (or undecided).")
	}
	if err := checkText(u.Justification, "justification", 4000, true); err != nil {
		return err
	}
	if err := checkText(u.Notes, "notes", 10000, true); err != nil {
		return err
	}
	if !validStatus(u.Status) {
		return aims.FieldError("status", "Choose not_started, planned, partial or implemented.")
	}
	if u.OwnerID != "" && !aims.ValidID(u.OwnerID) {
		return aims.FieldError("owner_id", "The owner must be a member of the organization.")
	}
	if u.TargetDate != "" {
		if t, err := time.Parse(time.DateOnly, u.TargetDate); err != nil || t.Format(time.DateOnly) != u.TargetDate {
			return aims.FieldError("target_date", "Give the target date as YYYY-MM-DD.")
		}
	}
	c.Applicability, c.Justification, c.Status = u.Applicability, u.Justification, u.Status
	c.OwnerID, c.TargetDate, c.Notes = u.OwnerID, u.TargetDate, u.Notes
	return nil
}

func validStatus(s string) bool {
	for _, x := range Statuses {
		if s == x {
			return true
		}
	}
	return false
}

// checkText is aims.CheckText, the one text rule of every form.
func checkText(s, field string, max int, multiline bool) error {
	return aims.CheckText(s, field, max, multiline)
}

// NewLink validates a link's fields and returns it.
func NewLink(kind, title, target string) (*Link, error) {
	l := &Link{Kind: kind, Title: strings.TrimSpace(title), Target: strings.TrimSpace(target)}
	if l.Kind != LinkURL && l.Kind != LinkDocument {
		return nil, aims.FieldError("kind", "A link is a url or a document.")
	}
	if l.Title == "" {
		return nil, aims.FieldError("title", "Give the link a title.")
	}
	if err := checkText(l.Title, "title", 200, false); err != nil {
		return nil, err
	}
	if err := checkText(l.Target, "target", 2000, false); err != nil {
		return nil, err
	}
	if l.Kind == LinkURL {
		u, err := url.Parse(l.Target)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, aims.FieldError("target", "Give a web address that starts with https:// or http://.")
		}
	}
	return l, nil
}

// validOwnRef checks the ref and title of an organization's own control.
func validOwnRef(ref, title string) (string, string, error) {
	ref, title = strings.TrimSpace(ref), strings.TrimSpace(title)
	if ref == "" || utf8.RuneCountInString(ref) > 40 || strings.ContainsAny(ref, "/\\?#%") {
		return "", "", aims.FieldError("ref", "Give the control a short reference of up to 40 characters, without / \\ ? # or %%.")
	}
	if err := checkText(ref, "ref", 40, false); err != nil {
		return "", "", err
	}
	if title == "" {
		return "", "", aims.FieldError("title", "Give the control a title.")
	}
	if err := checkText(title, "title", 200, false); err != nil {
		return "", "", err
	}
	return ref, title, nil
}

// Store persists control implementations, profiles, links and approved versions. Every method is scoped by
// the organization and answers ENOTFOUND for what it cannot see; every change appends activity entries in
// the same transaction.
type Store interface {
	// Atomically runs the service's checks and writes in one transaction.
	aims.Transactor
	OrgProfile(ctx context.Context, orgID string) (*Profile, error)
	UpdateOrgProfile(ctx context.Context, p *Profile, ifVersion int64) error

	// SystemTraits returns the traits of up to limit of orgID's AI systems not retired, by name.
	SystemTraits(ctx context.Context, orgID string, limit int) ([]SystemTraits, error)
	// SoAControls returns the Annex A controls in order and then the controls added to the SoA.
	SoAControls(ctx context.Context, orgID string) ([]*Control, error)
	// ClauseControls returns the assessable clause items of ISO/IEC 42001 in order.
	ClauseControls(ctx context.Context, orgID string) ([]*Control, error)
	// ControlByRef returns the implementation of the requirement ref of the framework with key, with its
	// links; one never changed has no stored row and version 1.
	ControlByRef(ctx context.Context, orgID, frameworkKey, ref string) (*Control, error)
	// MembershipOf returns userID's membership of orgID, or ENOTFOUND: the service checks an owner's role.
	MembershipOf(ctx context.Context, orgID, userID string) (*account.Membership, error)
	// SaveControl stores c if its version is ifVersion (0: any). The owner must be a member.
	SaveControl(ctx context.Context, c *Control, ifVersion int64) error
	// Decide stores each decision of cs whose control is still undecided, and returns those it stored.
	Decide(ctx context.Context, orgID string, cs []*Control) ([]*Control, error)
	// SetInSoA puts a requirement in the SoA or takes it out; the service decides which may be.
	SetInSoA(ctx context.Context, orgID, frameworkKey, ref string, in bool) (*Control, error)
	AddOwnControl(ctx context.Context, orgID, ref, title string) (*Control, error)

	AddLink(ctx context.Context, l *Link) error
	RemoveLink(ctx context.Context, orgID, requirementID, id string) error

	CreateSoAVersion(ctx context.Context, v *Version) error
	SoAVersions(ctx context.Context, orgID string, p aims.Page) ([]*Version, string, error)
	SoAVersion(ctx context.Context, orgID string, number int) (*Version, error)

	MappingsBetween(ctx context.Context, orgID, fromFrameworkID, toFrameworkID string) ([]*framework.Mapping, error)
	ListFrameworks(ctx context.Context, orgID string) ([]*framework.Framework, error)
	OrganizationByID(ctx context.Context, id string) (*account.Organization, error)
}
