package account_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// countingStore counts the token and session lookups that reach the store, and can run a hook in the middle
// of a token lookup, after the row was read and before it is returned.
type countingStore struct {
	account.Store
	tokenReads, sessionReads atomic.Int64
	duringTokenRead          func()
}

func (s *countingStore) TokenWithMember(ctx context.Context, hash string) (*account.Token, *account.Membership, error) {
	s.tokenReads.Add(1)
	t, m, err := s.Store.TokenWithMember(ctx, hash)
	if hook := s.duringTokenRead; hook != nil {
		s.duringTokenRead = nil
		hook()
	}
	return t, m, err
}

func (s *countingStore) SessionByHash(ctx context.Context, hash string) (*account.Session, error) {
	s.sessionReads.Add(1)
	return s.Store.SessionByHash(ctx, hash)
}

// replica returns another account service over e's store and clock, as a second aims process would have,
// with a store that counts its lookups.
func (e *env) replica() (*account.Service, *countingStore) {
	st := &countingStore{Store: e.db}
	return account.NewService(st, e.clock.Now), st
}

func TestAuthCacheSavesLookups(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	ada := e.user(t, "ada@example.com", "Ada")
	e.member(t, acme, ada, aims.RoleAdmin)
	svc, st := e.replica()
	secret, _, err := svc.CreateToken(e.as(t, ada, acme), "ci", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	session, _ := e.login(t, ada.Email)
	for range 5 {
		if _, err := svc.AuthenticateToken(e.sys, secret); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Authenticate(e.sys, session); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Second / 2)
	}
	if n, m := st.tokenReads.Load(), st.sessionReads.Load(); n != 1 || m != 1 {
		t.Fatalf("5 uses within AuthCacheTTL read the token %d times and the session %d times, want once each", n, m)
	}
	e.clock.Advance(account.DefaultAuthCacheTTL)
	if _, err := svc.AuthenticateToken(e.sys, secret); err != nil {
		t.Fatal(err)
	}
	if n := st.tokenReads.Load(); n != 2 {
		t.Fatalf("a use after AuthCacheTTL read the token %d times in all, want 2", n)
	}
}

// TestAuthCacheEndsAccessAtOnceHere checks that every change this service makes to who may act takes
// effect on the next request to the same process, however recently the token or session was cached.
func TestAuthCacheEndsAccessAtOnceHere(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	owner := e.user(t, "owner@example.com", "Owner")
	e.member(t, acme, owner, aims.RoleOwner)
	asOwner := e.as(t, owner, acme)

	// user makes a fresh admin of acme with a token and a session, both already used (so cached).
	n := 0
	user := func(t *testing.T) (*account.User, *account.Membership, string, string) {
		t.Helper()
		n++
		u := e.user(t, "u"+string(rune('a'+n))+"@example.com", "U")
		m := e.member(t, acme, u, aims.RoleAdmin)
		tok, _, err := e.svc.CreateToken(e.as(t, u, acme), "ci", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		sess, _ := e.login(t, u.Email)
		if _, err := e.svc.AuthenticateToken(e.sys, tok); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.Authenticate(e.sys, sess); err != nil {
			t.Fatal(err)
		}
		return u, m, tok, sess
	}
	tokenRefused := func(t *testing.T, tok string) {
		t.Helper()
		_, err := e.svc.AuthenticateToken(e.sys, tok)
		wantCode(t, err, aims.EUNAUTHORIZED)
	}
	sessionRefused := func(t *testing.T, sess string) {
		t.Helper()
		_, _, err := e.svc.Authenticate(e.sys, sess)
		wantCode(t, err, aims.EUNAUTHORIZED)
	}

	t.Run("a revoked token", func(t *testing.T) {
		u, _, tok, _ := user(t)
		stored, err := e.db.TokenByHash(e.sys, account.HashSecret(tok))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.RevokeToken(e.as(t, u, acme), stored.ID, 0); err != nil {
			t.Fatal(err)
		}
		tokenRefused(t, tok)
	})
	t.Run("a session logged out", func(t *testing.T) {
		_, _, _, sess := user(t)
		if err := e.svc.Logout(e.sys, sess); err != nil {
			t.Fatal(err)
		}
		sessionRefused(t, sess)
	})
	t.Run("sessions logged out everywhere", func(t *testing.T) {
		u, _, _, sess := user(t)
		if err := e.svc.LogoutEverywhere(e.sys, u.ID); err != nil {
			t.Fatal(err)
		}
		sessionRefused(t, sess)
	})
	t.Run("sessions after a password change", func(t *testing.T) {
		u, _, _, sess := user(t)
		if err := e.svc.SetPassword(e.sys, u.ID, "another long passphrase 42"); err != nil {
			t.Fatal(err)
		}
		sessionRefused(t, sess)
	})
	t.Run("a removed member's token", func(t *testing.T) {
		_, m, tok, sess := user(t)
		if err := e.svc.RemoveMember(asOwner, acme.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		tokenRefused(t, tok)
		s, u, err := e.svc.Authenticate(e.sys, sess)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.SessionActor(e.sys, s, u); aims.ErrorCode(err) != aims.EFORBIDDEN {
			t.Fatalf("a removed member's session acts in the organization: %v", err)
		}
	})
	t.Run("a demoted member's token", func(t *testing.T) {
		_, m, tok, _ := user(t)
		if _, err := e.svc.ChangeRole(asOwner, acme.ID, m.ID, aims.RoleViewer, 0); err != nil {
			t.Fatal(err)
		}
		a, err := e.svc.AuthenticateToken(e.sys, tok)
		if err != nil || a.Role != aims.RoleViewer {
			t.Fatalf("a demoted member's token acts as %q (%v), want viewer", a.Role, err)
		}
	})
}

// TestAuthCacheEndsAccessWithinTTLElsewhere checks the bound for another process: a token revoked and a
// session ended on one replica stop working on another once AuthCacheTTL has passed, on its clock.
func TestAuthCacheEndsAccessWithinTTLElsewhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	ada := e.user(t, "ada@example.com", "Ada")
	e.member(t, acme, ada, aims.RoleAdmin)
	asAda := e.as(t, ada, acme)
	other, _ := e.replica()
	tok, stored, err := e.svc.CreateToken(asAda, "ci", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	sess, _ := e.login(t, ada.Email)
	if _, err := other.AuthenticateToken(e.sys, tok); err != nil {
		t.Fatal(err)
	}
	if _, _, err := other.Authenticate(e.sys, sess); err != nil {
		t.Fatal(err)
	}

	if _, err := e.svc.RevokeToken(asAda, stored.ID, 0); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Logout(e.sys, sess); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AuthenticateToken(e.sys, tok); aims.ErrorCode(err) != aims.EUNAUTHORIZED {
		t.Fatalf("the revoking replica still accepts the token: %v", err)
	}
	e.clock.Advance(account.DefaultAuthCacheTTL - time.Millisecond)
	if _, err := other.AuthenticateToken(e.sys, tok); err != nil {
		t.Fatalf("within AuthCacheTTL the other replica looked the token up again: %v", err)
	}
	e.clock.Advance(time.Millisecond)
	if _, err := other.AuthenticateToken(e.sys, tok); aims.ErrorCode(err) != aims.EUNAUTHORIZED {
		t.Fatalf("AuthCacheTTL after the revocation, the other replica still accepts the token: %v", err)
	}
	if _, _, err := other.Authenticate(e.sys, sess); aims.ErrorCode(err) != aims.EUNAUTHORIZED {
		t.Fatalf("AuthCacheTTL after the logout, the other replica still accepts the session: %v", err)
	}
}

// TestAuthCacheDropsALookupThatRacedARevocation checks that a lookup which read the token before a
// revocation on this replica, and finished after it, does not put the stale answer in the cache.
func TestAuthCacheDropsALookupThatRacedARevocation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	ada := e.user(t, "ada@example.com", "Ada")
	e.member(t, acme, ada, aims.RoleAdmin)
	asAda := e.as(t, ada, acme)
	svc, st := e.replica()
	tok, stored, err := svc.CreateToken(asAda, "ci", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	st.duringTokenRead = func() {
		if _, err := svc.RevokeToken(asAda, stored.ID, 0); err != nil {
			t.Error(err)
		}
	}
	if _, err := svc.AuthenticateToken(e.sys, tok); err != nil {
		t.Fatalf("the lookup that started before the revocation: %v", err)
	}
	if _, err := svc.AuthenticateToken(e.sys, tok); aims.ErrorCode(err) != aims.EUNAUTHORIZED {
		t.Fatalf("after the revocation the token still works: %v", err)
	}
}
