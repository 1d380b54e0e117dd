package account

import (
	"context"
	"time"

	"github.com/aimsproject/aims"
)

// CreateToken makes an API token in the actor's organization for the actor's user, with a role no higher
// than the actor's and an optional lifetime (0: never expires). It returns the secret, which is shown
// once and never stored.
func (s *Service) CreateToken(ctx context.Context, name string, role aims.Role, lifetime time.Duration) (string, *Token, error) {
	a := aims.ActorFrom(ctx)
	name, err := validateName(name, "name", 100)
	if err != nil {
		return "", nil, err
	}
	if role == "" {
		role = a.Role
	}
	if !role.Valid() {
		return "", nil, aims.FieldError("role", "Unknown role.")
	}
	if !role.AtMost(a.Role) {
		return "", nil, &aims.Error{Code: aims.EFORBIDDEN, Message: "A token's role cannot be higher than your own (" + string(a.Role) + ").", Field: "role"}
	}
	if a.UserID == "" || a.OrgID == "" {
		return "", nil, aims.Errorf(aims.EFORBIDDEN, "Only a member of an organization can create its tokens.")
	}
	secret := TokenPrefix + newSecret()
	t := &Token{OrgID: a.OrgID, UserID: a.UserID, Name: name, Role: role, Prefix: secret[:len(TokenPrefix)+6],
		SecretHash: HashSecret(secret)}
	if lifetime > 0 {
		exp := s.now().Add(lifetime)
		t.ExpiresAt = &exp
	}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// RevokeToken revokes a token of the actor's organization. Administrators may revoke any token; others
// only their own (EFORBIDDEN otherwise).
func (s *Service) RevokeToken(ctx context.Context, id string, ifVersion int64) (*Token, error) {
	defer s.cache.forget()
	a := aims.ActorFrom(ctx)
	t, err := s.store.TokenByID(ctx, a.OrgID, id)
	if err != nil {
		return nil, err
	}
	if t.UserID != a.UserID && aims.Authorize(a.Role, aims.ActionUpdate, aims.ResMember) != nil {
		return nil, aims.Errorf(aims.EFORBIDDEN, "Only an administrator can revoke another member's token.")
	}
	return s.store.RevokeToken(ctx, a.OrgID, id, ifVersion)
}

// AuthenticateToken returns the actor for a bearer token secret: the token's organization, and the lower
// of the token's role and its creator's current role there. It answers EUNAUTHORIZED for an unknown,
// malformed, expired or revoked token, or one whose creator has left the organization. Use is recorded at
// most once a minute.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (aims.Actor, error) {
	unauth := func() error {
		return aims.Errorf(aims.EUNAUTHORIZED, "The API token is not valid, has expired or was revoked.")
	}
	if _, ok := ParseTokenSecret(secret); !ok {
		return aims.Actor{}, unauth()
	}
	hash := HashSecret(secret)
	now := s.now()
	t, m, err := s.tokenWithMember(ctx, hash, now)
	if err != nil {
		if aims.ErrorCode(err) == aims.ENOTFOUND {
			return aims.Actor{}, unauth()
		}
		return aims.Actor{}, err
	}
	if !t.Active(now) || m == nil {
		return aims.Actor{}, unauth()
	}
	role := t.Role
	if !role.AtMost(m.Role) {
		role = m.Role
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		if err := s.store.TouchToken(ctx, t.ID, now); err != nil {
			return aims.Actor{}, err
		}
		s.cache.update(hash, func(e *authEntry) { e.token.LastUsedAt = &now })
	}
	return aims.Actor{Kind: aims.ActorToken, ID: t.ID, Name: "token " + t.Name + " (" + m.UserEmail + ")",
		UserID: t.UserID, OrgID: t.OrgID, OrgSlug: m.OrgSlug, Role: role}, nil
}

// tokenWithMember returns the token whose secret hashes to hash and its creator's membership, from the cache
// when a lookup made less than AuthCacheTTL ago found them. A token that cannot authenticate (revoked,
// expired, its creator gone) is not cached.
func (s *Service) tokenWithMember(ctx context.Context, hash string, now time.Time) (*Token, *Membership, error) {
	if e, ok := s.cache.get(hash, now); ok && e.token != nil {
		return e.token, e.member, nil
	}
	gen := s.cache.generation()
	t, m, err := s.store.TokenWithMember(ctx, hash)
	if err != nil {
		return nil, nil, err
	}
	if s.AuthCacheTTL > 0 && t.Active(now) && m != nil {
		s.cache.put(gen, hash, authEntry{expires: now.Add(s.AuthCacheTTL), token: t, member: m})
	}
	return t, m, nil
}
