// Package account holds organizations (the tenants), users, their memberships and roles, sessions and API
// tokens, and the rules that govern them.
package account

import (
	"context"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
)

// Organization is a tenant: every record in aims belongs to exactly one.
type Organization struct {
	ID          string    `json:"id"`
	Slug        string    `json:"slug"`
	Name        string    `json:"name"`
	RequireTOTP bool      `json:"require_totp"`
	Version     int64     `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// User is a person who can log in. A user belongs to organizations through memberships.
type User struct {
	ID           string `json:"id"`
	Email        string `json:"email"`
	Name         string `json:"name"`
	PasswordHash string `json:"-"`
	TOTPSecret   string `json:"-"`
	TOTPEnabled  bool   `json:"totp_enabled"`
	// LastOrgID is the organization the user last worked in, where their next login lands.
	LastOrgID string    `json:"-"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Membership gives a user a role in an organization. The user and organization names are filled in by the
// store when it lists memberships.
type Membership struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"org_id"`
	UserID    string    `json:"user_id"`
	Role      aims.Role `json:"role"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	UserEmail string `json:"email"`
	UserName  string `json:"name"`
	OrgSlug   string `json:"-"`
	OrgName   string `json:"-"`
}

// Session is a logged-in browser. Only the hash of its secret is stored.
type Session struct {
	IDHash     string
	UserID     string
	OrgID      string // the organization the session currently works in
	MFAPending bool   // the password was right but the second factor is still owed
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute limit
}

// Token is an API token. Its secret is shown once at creation and only its hash is stored.
type Token struct {
	ID         string     `json:"id"`
	OrgID      string     `json:"-"`
	UserID     string     `json:"created_by"`
	Name       string     `json:"name"`
	Role       aims.Role  `json:"role"`
	Prefix     string     `json:"prefix"`
	SecretHash string     `json:"-"`
	Version    int64      `json:"version"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// Active reports whether the token can authenticate at t.
func (t *Token) Active(at time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || at.Before(*t.ExpiresAt))
}

// Store persists accounts. Every method that changes a record appends an activity entry in the same
// transaction, attributed to the actor in ctx; every method that takes an organization id is scoped by it
// and answers ENOTFOUND for another organization's records.
type Store interface {
	CreateOrganization(ctx context.Context, o *Organization) error
	UpdateOrganization(ctx context.Context, o *Organization, ifVersion int64) error
	OrganizationByID(ctx context.Context, id string) (*Organization, error)
	OrganizationBySlug(ctx context.Context, slug string) (*Organization, error)
	ListOrganizations(ctx context.Context) ([]*Organization, error)

	CreateUser(ctx context.Context, u *User) error
	UpdateUser(ctx context.Context, u *User) error
	UseTOTPStep(ctx context.Context, userID string, step int64) (bool, error)
	UserByID(ctx context.Context, id string) (*User, error)
	UserByEmail(ctx context.Context, email string) (*User, error)
	SetLastOrganization(ctx context.Context, userID, orgID string) error

	CreateMembership(ctx context.Context, m *Membership) error
	UpdateMembership(ctx context.Context, m *Membership, ifVersion int64) error
	DeleteMembership(ctx context.Context, orgID, id string) error
	MembershipByID(ctx context.Context, orgID, id string) (*Membership, error)
	MembershipOf(ctx context.Context, orgID, userID string) (*Membership, error)
	MembershipsOfUser(ctx context.Context, userID string) ([]*Membership, error)
	ListMembers(ctx context.Context, orgID string, p aims.Page) ([]*Membership, string, error)
	CountOwners(ctx context.Context, orgID string) (int, error)

	CreateInvitation(ctx context.Context, inv *Invitation) error
	InvitationByID(ctx context.Context, orgID, id string) (*Invitation, error)
	InvitationByHash(ctx context.Context, hash string) (*Invitation, error)
	ListInvitations(ctx context.Context, orgID string, p aims.Page) ([]*Invitation, string, error)
	RevokeInvitation(ctx context.Context, orgID, id string, ifVersion int64) (*Invitation, error)
	AcceptInvitation(ctx context.Context, id, userID string, at time.Time) (*Membership, error)

	CreateSession(ctx context.Context, s *Session) error
	SessionByHash(ctx context.Context, hash string) (*Session, error)
	UpdateSession(ctx context.Context, s *Session) error
	DeleteSession(ctx context.Context, hash string) error
	DeleteUserSessions(ctx context.Context, userID string) error

	CreateToken(ctx context.Context, t *Token) error
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	TokenWithMember(ctx context.Context, hash string) (*Token, *Membership, error)
	TokenByID(ctx context.Context, orgID, id string) (*Token, error)
	ListTokens(ctx context.Context, orgID string, p aims.Page) ([]*Token, string, error)
	RevokeToken(ctx context.Context, orgID, id string, ifVersion int64) (*Token, error)
	TouchToken(ctx context.Context, id string, at time.Time) error

	AttemptStore
}

// ActivityStore reads the activity trail.
type ActivityStore interface {
	ListActivity(ctx context.Context, orgID string, p aims.Page) ([]*activity.Entry, string, error)
	// FilterActivity is ListActivity keeping only the entries f keeps.
	FilterActivity(ctx context.Context, orgID string, f activity.Filter, p aims.Page) ([]*activity.Entry, string, error)
	// ActivityActors lists who appears in the trail, for choosing one to filter by.
	ActivityActors(ctx context.Context, orgID string) ([]activity.Actor, error)
	// SystemNames names the AI systems among ids in one query, for the entries keyed by a system.
	SystemNames(ctx context.Context, orgID string, ids []string) (map[string]string, error)
	EachActivity(ctx context.Context, orgID string, fn func(*activity.Entry) error) error
	VerifyActivity(ctx context.Context, orgID string) (int64, error)
	// VerifyActivityWith feeds the whole chain to v (which may watch entries for checkpoints).
	VerifyActivityWith(ctx context.Context, orgID string, v *activity.Verifier) error
}
