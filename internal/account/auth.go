package account

import (
	"context"
	"strings"
	"time"

	"github.com/aimsproject/aims"
)

// errBadLogin is the one answer for a wrong email or password, so that the response does not tell which.
var errBadLogin = &aims.Error{Code: aims.EUNAUTHORIZED, Message: "The email or password is not right.", Field: "password"}

// Login checks a password and starts a session. It refuses (ETOOMANY) when the account or the client
// address has failed too often recently. The returned secret goes in the session cookie; when the user
// has a second factor the session is pending until CompleteTOTP. previous, when set, is the secret of the
// session the browser had before, which is ended so that the session identifier is rotated on login.
func (s *Service) Login(ctx context.Context, email, password, addr, previous string) (string, *Session, error) {
	now := s.now()
	since := now.Add(-s.LoginWindow)
	email = strings.ToLower(strings.TrimSpace(email))
	acctKey, addrKey := "acct:"+HashSecret(email), "addr:"+addr
	if n, err := s.store.CountLoginFailures(ctx, acctKey, since); err != nil {
		return "", nil, err
	} else if n >= s.MaxAccountFailures {
		return "", nil, aims.Errorf(aims.ETOOMANY, "Too many failed logins for this account; try again in %d minutes.", int(s.LoginWindow.Minutes()))
	}
	if n, err := s.store.CountLoginFailures(ctx, addrKey, since); err != nil {
		return "", nil, err
	} else if n >= s.MaxAddressFailures {
		return "", nil, aims.Errorf(aims.ETOOMANY, "Too many failed logins from your address; try again in %d minutes.", int(s.LoginWindow.Minutes()))
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && aims.ErrorCode(err) != aims.ENOTFOUND {
		return "", nil, err
	}
	if u == nil || !CheckPassword(u.PasswordHash, password) {
		if u == nil {
			// Spend the same time as a real check so that timing does not reveal which emails exist.
			CheckPassword(s.dummyHash(), password)
		}
		if err := s.store.AddLoginFailure(ctx, acctKey, now); err != nil {
			return "", nil, err
		}
		if err := s.store.AddLoginFailure(ctx, addrKey, now); err != nil {
			return "", nil, err
		}
		return "", nil, errBadLogin
	}
	if !u.TOTPEnabled {
		// A login that still owes a second factor is not a success yet: the account's failures are forgotten
		// only when CompleteTOTP succeeds, so that logging in again does not reset the count of wrong codes.
		if err := s.store.ClearLoginFailures(ctx, acctKey); err != nil {
			return "", nil, err
		}
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

// dummyHash returns a hash to check unknown accounts' passwords against, made on first use so that
// start-up stays fast.
func (s *Service) dummyHash() string {
	s.dummyOnce.Do(func() { s.dummy, _ = HashPassword("not a real password, only for timing") })
	return s.dummy
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
// by a new, complete one (rotating the identifier again) whose secret is returned. A wrong code counts as a
// failed login of the account, and once the account has failed MaxAccountFailures times within LoginWindow
// every code is refused (ETOOMANY).
func (s *Service) CompleteTOTP(ctx context.Context, secret, code string) (string, *Session, error) {
	defer s.cache.forget()
	sess, u, err := s.session(ctx, secret, true)
	if err != nil {
		return "", nil, err
	}
	if !sess.MFAPending {
		return secret, sess, nil
	}
	// Wrong codes count against the account like wrong passwords, so that six digits cannot be guessed in
	// a loop on one pending session.
	key := "acct:" + HashSecret(u.Email)
	if n, err := s.store.CountLoginFailures(ctx, key, s.now().Add(-s.LoginWindow)); err != nil {
		return "", nil, err
	} else if n >= s.MaxAccountFailures {
		return "", nil, aims.Errorf(aims.ETOOMANY, "Too many failed logins for this account; try again in %d minutes.", int(s.LoginWindow.Minutes()))
	}
	step, ok := totpStep(strings.TrimSpace(code), u.TOTPSecret)
	if ok {
		// Each code works once: a code used already (or older than the last one used) is refused.
		if ok, err = s.store.UseTOTPStep(ctx, u.ID, step); err != nil {
			return "", nil, err
		}
	}
	if !ok {
		if err := s.store.AddLoginFailure(ctx, key, s.now()); err != nil {
			return "", nil, err
		}
		return "", nil, aims.FieldError("code", "The code is not right, or was used already; use the current one from your authenticator app.")
	}
	if err := s.store.ClearLoginFailures(ctx, key); err != nil {
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
