package account

import (
	"context"
	"strings"
	"time"

	"github.com/aimsproject/aims"
)

// Invitation asks the person with Email to join an organization with Role. Its secret travels in a link
// (InvitationPath) that is shown once to the administrator who made it; only the secret's hash is stored.
// An invitation works once, until ExpiresAt, unless revoked.
//
// The invitee accepts while logged in with the invited email address (compared case-insensitively): a
// link that leaks cannot bring anyone else into the organization. Someone without an account creates one
// from the link, with the invited address; that is the only way to create an account from the web.
type Invitation struct {
	ID         string     `json:"id"`
	OrgID      string     `json:"-"`
	Email      string     `json:"email"`
	Role       aims.Role  `json:"role"`
	SecretHash string     `json:"-"`
	InvitedBy  string     `json:"invited_by"` // the inviting user's id; empty when an operator invited
	Version    int64      `json:"version"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	AcceptedAt *time.Time `json:"accepted_at"`
	AcceptedBy string     `json:"accepted_by"` // the user who accepted it

	OrgSlug string `json:"-"`
	OrgName string `json:"-"`
}

// Invitation states, as Status reports them.
const (
	InvitationPending  = "pending"
	InvitationAccepted = "accepted"
	InvitationRevoked  = "revoked"
	InvitationExpired  = "expired"
)

// Status returns whether the invitation is pending, accepted, revoked or expired at t.
func (i *Invitation) Status(t time.Time) string {
	switch {
	case i.AcceptedAt != nil:
		return InvitationAccepted
	case i.RevokedAt != nil:
		return InvitationRevoked
	case !t.Before(i.ExpiresAt):
		return InvitationExpired
	}
	return InvitationPending
}

// InvitationPrefix starts every invitation secret, so that it is not mistaken for a token or a session.
const InvitationPrefix = "aims_inv_"

// DefaultInvitationLifetime and MaxInvitationLifetime bound how long an invitation link works.
const (
	DefaultInvitationLifetime = 7 * 24 * time.Hour
	MaxInvitationLifetime     = 30 * 24 * time.Hour
)

// InvitationPath returns the web path where the invitee opens an invitation.
func InvitationPath(secret string) string { return "/invitations/" + secret }

// InvitationLink returns the link to send to an invitee: base (the URL people reach aims at, without a
// trailing slash) followed by InvitationPath.
func InvitationLink(base, secret string) string {
	return strings.TrimRight(base, "/") + InvitationPath(secret)
}

// ParseInvitationSecret reports whether s has the form of an invitation secret.
func ParseInvitationSecret(s string) (string, bool) {
	rest, ok := strings.CutPrefix(s, InvitationPrefix)
	if !ok || !validSecret(rest) {
		return "", false
	}
	return s, true
}

// ParseInvitationLifetime parses an invitation's lifetime like ParseExpiry ("72h", "7d", "2w"); empty is
// the default of seven days, and more than thirty days (or "never") is refused.
func ParseInvitationLifetime(s, field string) (time.Duration, error) {
	if s == "" {
		return DefaultInvitationLifetime, nil
	}
	d, err := ParseExpiry(s, field)
	if err != nil || d == 0 || d > MaxInvitationLifetime {
		return 0, aims.FieldError(field, "Use a lifetime like 72h, 7d or 2w, at most 30 days.")
	}
	return d, nil
}

// CreateInvitation invites email to orgID with role, for lifetime (0: seven days; at most thirty). It
// returns the secret, which is shown once and never stored. The answer is the same whether or not email
// has an account, so that inviting does not tell which addresses exist. Only an owner may invite an owner
// (EFORBIDDEN on role). Inviting an existing member of orgID is ECONFLICT on email: administrators see the
// member list already, so this tells them nothing new.
func (s *Service) CreateInvitation(ctx context.Context, orgID, email string, role aims.Role, lifetime time.Duration) (string, *Invitation, error) {
	email, err := NormalizeEmail(email, "email")
	if err != nil {
		return "", nil, err
	}
	if !role.Valid() {
		return "", nil, aims.FieldError("role", "Unknown role.")
	}
	if lifetime == 0 {
		lifetime = DefaultInvitationLifetime
	}
	if lifetime < 0 || lifetime > MaxInvitationLifetime {
		return "", nil, aims.FieldError("expires_in", "An invitation lasts at most 30 days.")
	}
	if err := s.mayGrant(ctx, role); err != nil {
		return "", nil, err
	}
	if u, err := s.store.UserByEmail(ctx, email); err == nil {
		if _, err := s.store.MembershipOf(ctx, orgID, u.ID); err == nil {
			return "", nil, &aims.Error{Code: aims.ECONFLICT, Message: "This person is a member already.", Field: "email"}
		} else if aims.ErrorCode(err) != aims.ENOTFOUND {
			return "", nil, err
		}
	} else if aims.ErrorCode(err) != aims.ENOTFOUND {
		return "", nil, err
	}
	secret := InvitationPrefix + newSecret()
	now := s.now()
	inv := &Invitation{OrgID: orgID, Email: email, Role: role, SecretHash: HashSecret(secret),
		InvitedBy: aims.ActorFrom(ctx).UserID, CreatedAt: now, ExpiresAt: now.Add(lifetime)}
	if err := s.store.CreateInvitation(ctx, inv); err != nil {
		return "", nil, err
	}
	return secret, inv, nil
}

// RevokeInvitation ends a pending invitation of orgID, if its version is ifVersion (0: any). An invitation
// that was accepted or revoked already is ECONFLICT; only an owner may revoke an invitation to be owner.
func (s *Service) RevokeInvitation(ctx context.Context, orgID, id string, ifVersion int64) (*Invitation, error) {
	inv, err := s.store.InvitationByID(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	if err := s.mayGrant(ctx, inv.Role); err != nil {
		return nil, err
	}
	return s.store.RevokeInvitation(ctx, orgID, id, ifVersion)
}

// errBadInvitation is the answer for a link that is malformed or unknown.
var errBadInvitation = aims.Errorf(aims.ENOTFOUND, "This invitation link is not valid. Ask for a new one.")

// OpenInvitation returns the invitation whose secret is secret, with its organization's name, if it can
// still be accepted. A malformed or unknown secret is ENOTFOUND; an accepted, revoked or expired
// invitation is ECONFLICT with a message that says which.
func (s *Service) OpenInvitation(ctx context.Context, secret string) (*Invitation, error) {
	if _, ok := ParseInvitationSecret(secret); !ok {
		return nil, errBadInvitation
	}
	inv, err := s.store.InvitationByHash(ctx, HashSecret(secret))
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return nil, errBadInvitation
	}
	if err != nil {
		return nil, err
	}
	switch inv.Status(s.now()) {
	case InvitationAccepted:
		return nil, aims.Errorf(aims.ECONFLICT, "This invitation was used already; each link works once.")
	case InvitationRevoked:
		return nil, aims.Errorf(aims.ECONFLICT, "This invitation was withdrawn. Ask for a new one.")
	case InvitationExpired:
		return nil, aims.Errorf(aims.ECONFLICT, "This invitation has expired. Ask for a new one.")
	}
	return inv, nil
}

// AcceptInvitation makes userID a member of the invitation's organization with its role, once. The user's
// email must be the invited one (EFORBIDDEN otherwise, without saying which address was invited). The
// errors of OpenInvitation apply; a user who is a member already is ECONFLICT. The organization becomes
// the user's last used, where their next login lands. The activity entry is attributed to the user.
func (s *Service) AcceptInvitation(ctx context.Context, secret, userID string) (*Membership, error) {
	inv, err := s.OpenInvitation(ctx, secret)
	if err != nil {
		return nil, err
	}
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(u.Email, inv.Email) {
		return nil, aims.Errorf(aims.EFORBIDDEN, "This invitation was sent to another email address. Log in with the address it was sent to.")
	}
	ctx = aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID,
		OrgID: inv.OrgID, OrgSlug: inv.OrgSlug, Role: inv.Role})
	m, err := s.store.AcceptInvitation(ctx, inv.ID, u.ID, s.now())
	if err != nil {
		return nil, err
	}
	if err := s.store.SetLastOrganization(ctx, u.ID, m.OrgID); err != nil {
		return nil, err
	}
	return m, nil
}

// SignUpWithInvitation creates the invitee's account, with the invited email address, name and password,
// accepts the invitation with it, and starts a session in the organization joined, whose secret it returns
// like Login. An address that has an account already is ECONFLICT on email (log in instead).
func (s *Service) SignUpWithInvitation(ctx context.Context, secret, name, password string) (string, *Session, *Membership, error) {
	inv, err := s.OpenInvitation(ctx, secret)
	if err != nil {
		return "", nil, nil, err
	}
	if err := ValidatePassword(password, "password"); err != nil {
		return "", nil, nil, err
	}
	if _, err := s.store.UserByEmail(ctx, inv.Email); err == nil {
		return "", nil, nil, &aims.Error{Code: aims.ECONFLICT, Message: "An account with this email exists already: log in to accept the invitation.", Field: "email"}
	}
	u, err := s.CreateUser(ctx, inv.Email, name, password)
	if err != nil {
		return "", nil, nil, err
	}
	m, err := s.AcceptInvitation(ctx, secret, u.ID)
	if err != nil {
		return "", nil, nil, err
	}
	sessSecret, sess, err := s.startSession(ctx, u.ID, m.OrgID, false)
	if err != nil {
		return "", nil, nil, err
	}
	return sessSecret, sess, m, nil
}

// ListInvitations returns a page of orgID's invitations, newest first, whatever their state.
func (s *Service) ListInvitations(ctx context.Context, orgID string, p aims.Page) ([]*Invitation, string, error) {
	return s.store.ListInvitations(ctx, orgID, p)
}
