package account

import (
	"context"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims"
)

// Service applies the rules of accounts over a Store: validation, password hashing, sessions and their
// timeouts, login throttling, second factors and API tokens.
type Service struct {
	store Store
	now   aims.Clock

	// SessionIdle ends a session that has not been used for this long.
	SessionIdle time.Duration
	// SessionMax ends every session this long after login, however active.
	SessionMax time.Duration
	// LoginWindow is the period over which failed logins are counted (see throttle.go).
	LoginWindow time.Duration
	// MaxAccountAddressFailures are the failed logins allowed within LoginWindow for one account from one
	// client address, MaxAddressFailures from one address at any accounts, and MaxAccountFailures for one
	// account from all addresses together (a ceiling well above the first, so that a stranger cannot lock
	// an account's owner out). Further attempts are refused, before any password is checked.
	MaxAccountAddressFailures, MaxAddressFailures, MaxAccountFailures int
	// MaxCodeFailures are the wrong second-factor codes, and separately the wrong password re-checks of a
	// logged-in user, allowed per account within LoginWindow.
	MaxCodeFailures int
	// Passwords hashes and checks every password, a bounded number at a time.
	Passwords *Hasher
	// AuthCacheTTL is how long a successful token or session lookup is reused without reading the store
	// again (0: never). Every change this service makes to tokens, sessions, users or memberships forgets
	// the cache at once, so the bound matters only for changes made by another process (another replica, the
	// command line): they take effect here within AuthCacheTTL.
	AuthCacheTTL time.Duration

	cache authCache
}

// NewService returns a Service with the default timeouts and limits, and a Hasher with the production
// settings (replace Passwords to tune it).
func NewService(st Store, now aims.Clock) *Service {
	if now == nil {
		now = aims.Now
	}
	return &Service{store: st, now: now, SessionIdle: 12 * time.Hour, SessionMax: 7 * 24 * time.Hour,
		LoginWindow: 15 * time.Minute, MaxAccountAddressFailures: 5, MaxAddressFailures: 30, MaxAccountFailures: 50,
		MaxCodeFailures: 5, Passwords: NewHasher(HasherOptions{}),
		AuthCacheTTL: DefaultAuthCacheTTL}
}

// Now returns the service's current time, by which sessions, tokens and invitations expire.
func (s *Service) Now() time.Time { return s.now() }

// Store returns the service's store.
func (s *Service) Store() Store { return s.store }

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// ValidateSlug returns an EINVALID error on field unless slug is 1-63 lower-case letters, digits and
// hyphens, starting with a letter or digit.
func ValidateSlug(slug, field string) error {
	if !slugPattern.MatchString(slug) {
		return aims.FieldError(field, "A slug is 1 to 63 lower-case letters, digits and hyphens, starting with a letter or digit.")
	}
	return nil
}

// NormalizeEmail returns the lower-cased address, or an EINVALID error on field.
func NormalizeEmail(email, field string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 {
		return "", aims.FieldError(field, "Enter an email address like name@example.com.")
	}
	return email, nil
}

func validateName(name, field string, max int) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", aims.FieldError(field, "This field is required.")
	}
	if len([]rune(name)) > max {
		return "", aims.FieldError(field, "At most %d characters.", max)
	}
	return name, nil
}

// CreateOrganization creates an organization. Its first member is added separately.
func (s *Service) CreateOrganization(ctx context.Context, slug, name string) (*Organization, error) {
	if err := ValidateSlug(slug, "slug"); err != nil {
		return nil, err
	}
	name, err := validateName(name, "name", 200)
	if err != nil {
		return nil, err
	}
	o := &Organization{Slug: slug, Name: name}
	if err := s.store.CreateOrganization(ctx, o); err != nil {
		return nil, err
	}
	return o, nil
}

// OrganizationUpdate is a partial change to an organization's profile; nil fields are left alone.
type OrganizationUpdate struct {
	Name        *string `json:"name"`
	RequireTOTP *bool   `json:"require_totp"`
}

// UpdateOrganization applies u to orgID if its version is ifVersion (0: any).
func (s *Service) UpdateOrganization(ctx context.Context, orgID string, u OrganizationUpdate, ifVersion int64) (*Organization, error) {
	o, err := s.store.OrganizationByID(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if u.Name != nil {
		if o.Name, err = validateName(*u.Name, "name", 200); err != nil {
			return nil, err
		}
	}
	if u.RequireTOTP != nil {
		o.RequireTOTP = *u.RequireTOTP
	}
	if err := s.store.UpdateOrganization(ctx, o, ifVersion); err != nil {
		return nil, err
	}
	return o, nil
}

// CreateUser creates a user with a password (which may be empty for a user who cannot log in yet). It
// answers ETOOMANY when the server is too busy hashing other passwords.
func (s *Service) CreateUser(ctx context.Context, email, name, password string) (*User, error) {
	email, err := NormalizeEmail(email, "email")
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(name) == "" {
		name = email
	}
	if name, err = validateName(name, "name", 200); err != nil {
		return nil, err
	}
	u := &User{Email: email, Name: name}
	if password != "" {
		if err := ValidatePassword(password, "password"); err != nil {
			return nil, err
		}
		if u.PasswordHash, err = s.Passwords.Hash(ctx, password); err != nil {
			return nil, err
		}
	}
	if err := s.store.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// SetPassword replaces userID's password and ends all their sessions. It answers ETOOMANY when the server
// is too busy hashing other passwords.
func (s *Service) SetPassword(ctx context.Context, userID, password string) error {
	defer s.cache.forget()
	if err := ValidatePassword(password, "password"); err != nil {
		return err
	}
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if u.PasswordHash, err = s.Passwords.Hash(ctx, password); err != nil {
		return err
	}
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return err
	}
	return s.store.DeleteUserSessions(ctx, userID)
}

// ChangePassword checks userID's current password, then sets a new one and, like SetPassword, ends all
// their sessions, the caller's own included. Wrong current passwords are throttled like logins
// (ETOOMANY; see recheckPassword).
func (s *Service) ChangePassword(ctx context.Context, userID, current, next string) error {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if err := s.recheckPassword(ctx, u, current, "current_password"); err != nil {
		return err
	}
	return s.SetPassword(ctx, userID, next)
}

// AddMember gives the user with email a role in orgID at once, without their consent. It is for operators
// (aims user create), the demo and tests: the API and the web invite people instead (CreateInvitation).
// Only an owner may make another owner; the caller's role is taken from ctx's actor.
func (s *Service) AddMember(ctx context.Context, orgID, email string, role aims.Role) (*Membership, error) {
	email, err := NormalizeEmail(email, "email")
	if err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, aims.FieldError("role", "Unknown role.")
	}
	if err := s.mayGrant(ctx, role); err != nil {
		return nil, err
	}
	u, err := s.store.UserByEmail(ctx, email)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return nil, aims.FieldError("email", "No user has this email; create the account first (aims user create).")
	}
	if err != nil {
		return nil, err
	}
	m := &Membership{OrgID: orgID, UserID: u.ID, Role: role}
	if err := s.store.CreateMembership(ctx, m); err != nil {
		return nil, err
	}
	return m, nil
}

// mayGrant refuses to let an actor who is not an owner grant, or take away, the owner role.
func (s *Service) mayGrant(ctx context.Context, role aims.Role) error {
	a := aims.ActorFrom(ctx)
	if role == aims.RoleOwner && a.Kind != aims.ActorSystem && a.Role != aims.RoleOwner {
		return &aims.Error{Code: aims.EFORBIDDEN, Message: "Only an owner can grant or remove the owner role.", Field: "role"}
	}
	return nil
}

// ChangeRole sets a member's role, if its version is ifVersion (0: any).
func (s *Service) ChangeRole(ctx context.Context, orgID, memberID string, role aims.Role, ifVersion int64) (*Membership, error) {
	defer s.cache.forget()
	if !role.Valid() {
		return nil, aims.FieldError("role", "Unknown role.")
	}
	m, err := s.store.MembershipByID(ctx, orgID, memberID)
	if err != nil {
		return nil, err
	}
	if err := s.mayGrant(ctx, role); err != nil {
		return nil, err
	}
	if m.Role == aims.RoleOwner {
		if err := s.mayGrant(ctx, aims.RoleOwner); err != nil {
			return nil, err
		}
	}
	m.Role = role
	if err := s.store.UpdateMembership(ctx, m, ifVersion); err != nil {
		return nil, err
	}
	return m, nil
}

// RemoveMember removes a member from orgID and revokes their tokens there.
func (s *Service) RemoveMember(ctx context.Context, orgID, memberID string) error {
	defer s.cache.forget()
	m, err := s.store.MembershipByID(ctx, orgID, memberID)
	if err != nil {
		return err
	}
	if m.Role == aims.RoleOwner {
		if err := s.mayGrant(ctx, aims.RoleOwner); err != nil {
			return err
		}
	}
	return s.store.DeleteMembership(ctx, orgID, memberID)
}

// ParseExpiry parses a token lifetime: "never" (or empty), or a whole number followed by h (hours), d
// (days) or w (weeks), up to ten years.
func ParseExpiry(s, field string) (time.Duration, error) {
	if s == "" || s == "never" {
		return 0, nil
	}
	unit := map[byte]time.Duration{'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[s[len(s)-1]]
	n, err := strconv.Atoi(s[:len(s)-1])
	// Compare n with the limit divided by the unit: n*unit overflows for large n and could wrap around to a
	// short or negative (never expiring) lifetime.
	if unit == 0 || err != nil || n <= 0 || time.Duration(n) > 3650*24*time.Hour/unit {
		return 0, aims.FieldError(field, "Use a lifetime like 12h, 90d or 4w (at most ten years), or never.")
	}
	return time.Duration(n) * unit, nil
}
