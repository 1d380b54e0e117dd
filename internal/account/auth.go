package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/aimsproject/aims"
)

// errBadLogin is the one answer for a wrong email or password, so that the response does not tell which.
var errBadLogin = &aims.Error{Code: aims.EUNAUTHORIZED, Message: "The email or password is not right.", Field: "password"}

// Login checks a password and starts a session. Before it checks anything it reserves an attempt
// against the login throttle (see throttle.go): it refuses (ETOOMANY, with a Retry-After) when this
// account has failed too often from this client address, the address has failed too often at any
// account, or the account has reached its ceiling from all addresses; and when the server is too busy
// checking other passwords. The returned secret goes in the session cookie; when the user has a second
// factor the session is pending until CompleteTOTP. previous, when set, is the secret of the session the
// browser had before, which is ended so that the session identifier is rotated on login.
func (s *Service) Login(ctx context.Context, email, password, addr, previous string) (string, *Session, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	keys := []string{accountAddressKey(email, addr), addressKey(addr), accountKey(email)}
	if err := s.reserve(ctx, "", []AttemptLimit{
		{keys[0], s.MaxAccountAddressFailures}, {keys[1], s.MaxAddressFailures}, {keys[2], s.MaxAccountFailures},
	}, []string{
		"Too many failed logins for this account from your address",
		"Too many failed logins from your address",
		"Too many failed logins for this account",
	}); err != nil {
		return "", nil, err
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && aims.ErrorCode(err) != aims.ENOTFOUND {
		return "", nil, errors.Join(err, s.release(ctx, keys, nil))
	}
	// An unknown account is checked against a dummy hash, so that timing does not reveal which emails
	// exist; its attempt counts like any wrong password.
	encoded := ""
	if u != nil {
		encoded = u.PasswordHash
	}
	ok, err := s.checkReserved(ctx, encoded, password, "", keys)
	if err != nil {
		return "", nil, err
	}
	if u == nil || u.PasswordHash == "" || !ok {
		return "", nil, errBadLogin
	}
	// The right password from this address forgets its failures here; from the address and the account
	// as a whole only this attempt is taken back, so that one success does not reset a distributed guess.
	// A second factor still owed is counted separately (CompleteTOTP).
	if err := s.release(ctx, keys[1:], keys[:1]); err != nil {
		return "", nil, err
	}
	if previous != "" {
		defer s.cache.forget()
		if err := s.store.DeleteSession(ctx, HashSecret(previous)); err != nil {
			return "", nil, err
		}
	}
	orgID, err := s.landingOrganization(ctx, u)
	if err != nil {
		return "", nil, err
	}
	return s.startSession(ctx, u.ID, orgID, u.TOTPEnabled)
}

// landingOrganization returns the organization a login starts in: the one the user last worked in, or,
// when they are no longer a member there (or never switched), the first of theirs by slug; "" when they
// belong to none.
func (s *Service) landingOrganization(ctx context.Context, u *User) (string, error) {
	ms, err := s.store.MembershipsOfUser(ctx, u.ID)
	if err != nil || len(ms) == 0 {
		return "", err
	}
	for _, m := range ms {
		if m.OrgID == u.LastOrgID {
			return m.OrgID, nil
		}
	}
	return ms[0].OrgID, nil
}

func (s *Service) startSession(ctx context.Context, userID, orgID string, mfaPending bool) (string, *Session, error) {
	now := s.now()
	secret := newSecret()
	sess := &Session{IDHash: HashSecret(secret), UserID: userID, OrgID: orgID, MFAPending: mfaPending,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.SessionMax)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return "", nil, err
	}
	return secret, sess, nil
}

// CompleteTOTP checks the second factor of a pending session. On success the pending session is replaced
// by a new, complete one (rotating the identifier again) whose secret is returned. Each code first reserves
// an attempt of the account's second factor: once MaxCodeFailures codes were wrong within LoginWindow,
// every code is refused (ETOOMANY) until the window ends, however many parallel guesses arrive together.
func (s *Service) CompleteTOTP(ctx context.Context, secret, code string) (string, *Session, error) {
	defer s.cache.forget()
	sess, u, err := s.session(ctx, secret, true)
	if err != nil {
		return "", nil, err
	}
	if !sess.MFAPending {
		return secret, sess, nil
	}
	// Wrong codes count against the account, and logging in again does not reset them, so that six digits
	// cannot be guessed in a loop on one pending session or many.
	key := codeKey(u.ID)
	if err := s.reserve(ctx, "code", []AttemptLimit{{key, s.MaxCodeFailures}},
		[]string{"Too many wrong codes for this account"}); err != nil {
		return "", nil, err
	}
	step, ok := totpStep(strings.TrimSpace(code), u.TOTPSecret)
	if ok {
		// Each code works once: a code used already (or older than the last one used) is refused.
		if ok, err = s.store.UseTOTPStep(ctx, u.ID, step); err != nil {
			return "", nil, errors.Join(err, s.release(ctx, []string{key}, nil))
		}
	}
	if !ok {
		return "", nil, aims.FieldError("code", "The code is not right, or was used already; use the current one from your authenticator app.")
	}
	if err := s.release(ctx, nil, []string{key}); err != nil {
		return "", nil, err
	}
	if err := s.store.DeleteSession(ctx, sess.IDHash); err != nil {
		return "", nil, err
	}
	return s.startSession(ctx, u.ID, sess.OrgID, false)
}

// Authenticate returns the complete session whose cookie value is secret and its user, or EUNAUTHORIZED
// when there is none, it has expired (idle or absolute), or it still owes a second factor. It records use
// at most once a minute, so that reads stay reads.
func (s *Service) Authenticate(ctx context.Context, secret string) (*Session, *User, error) {
	return s.session(ctx, secret, false)
}

// PendingSession returns the session for secret even when it still owes a second factor.
func (s *Service) PendingSession(ctx context.Context, secret string) (*Session, *User, error) {
	return s.session(ctx, secret, true)
}

func (s *Service) session(ctx context.Context, secret string, allowPending bool) (*Session, *User, error) {
	unauth := aims.Errorf(aims.EUNAUTHORIZED, "Please log in.")
	if _, ok := ParseSessionSecret(secret); !ok {
		return nil, nil, unauth
	}
	hash := HashSecret(secret)
	now := s.now()
	sess, u, err := s.sessionByHash(ctx, hash, now)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return nil, nil, unauth
	}
	if err != nil {
		return nil, nil, err
	}
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > s.SessionIdle {
		s.cache.forget()
		_ = s.store.DeleteSession(ctx, sess.IDHash)
		return nil, nil, aims.Errorf(aims.EUNAUTHORIZED, "Your session has expired; please log in again.")
	}
	if sess.MFAPending && !allowPending {
		return nil, nil, unauth
	}
	if now.Sub(sess.LastSeenAt) > time.Minute {
		sess.LastSeenAt = now
		if err := s.store.UpdateSession(ctx, sess); err != nil {
			return nil, nil, err
		}
		s.cache.update(hash, func(e *authEntry) { e.session.LastSeenAt = now })
	}
	return sess, u, nil
}

// sessionByHash returns the session whose secret hashes to hash and its user, from the cache when a lookup
// made less than AuthCacheTTL ago found them.
func (s *Service) sessionByHash(ctx context.Context, hash string, now time.Time) (*Session, *User, error) {
	if e, ok := s.cache.get(hash, now); ok && e.session != nil {
		return e.session, e.user, nil
	}
	gen := s.cache.generation()
	sess, err := s.store.SessionByHash(ctx, hash)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.store.UserByID(ctx, sess.UserID)
	if err != nil {
		return nil, nil, err
	}
	if s.AuthCacheTTL > 0 {
		s.cache.put(gen, hash, authEntry{expires: now.Add(s.AuthCacheTTL), session: sess, user: u})
	}
	return sess, u, nil
}

// SwitchOrganization makes the session work in orgID, which the user must belong to (ENOTFOUND otherwise),
// and remembers it as the user's last used organization, where their next login lands.
func (s *Service) SwitchOrganization(ctx context.Context, sess *Session, orgID string) error {
	defer s.cache.forget()
	if _, err := s.store.MembershipOf(ctx, orgID, sess.UserID); err != nil {
		return err
	}
	sess.OrgID = orgID
	if err := s.store.UpdateSession(ctx, sess); err != nil {
		return err
	}
	return s.store.SetLastOrganization(ctx, sess.UserID, orgID)
}

// Logout ends the session whose cookie value is secret.
func (s *Service) Logout(ctx context.Context, secret string) error {
	defer s.cache.forget()
	return s.store.DeleteSession(ctx, HashSecret(secret))
}

// LogoutEverywhere ends every session of userID.
func (s *Service) LogoutEverywhere(ctx context.Context, userID string) error {
	defer s.cache.forget()
	return s.store.DeleteUserSessions(ctx, userID)
}

// SessionActor returns the actor for a session's user in the session's current organization, or
// EFORBIDDEN when the user is no longer a member there.
func (s *Service) SessionActor(ctx context.Context, sess *Session, u *User) (aims.Actor, *Membership, error) {
	if sess.OrgID == "" {
		return aims.Actor{}, nil, aims.Errorf(aims.EFORBIDDEN, "You are not a member of any organization yet.")
	}
	m, err := s.store.MembershipOf(ctx, sess.OrgID, u.ID)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return aims.Actor{}, nil, aims.Errorf(aims.EFORBIDDEN, "You are no longer a member of this organization.")
	}
	if err != nil {
		return aims.Actor{}, nil, err
	}
	return aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: m.OrgID, OrgSlug: m.OrgSlug, Role: m.Role}, m, nil
}
