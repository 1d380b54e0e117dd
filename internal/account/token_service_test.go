package account_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

func TestCreateToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	ada := e.user(t, "ada@example.com", "Ada")
	e.member(t, acme, ada, aims.RoleManager)
	asAda := e.as(t, ada, acme)

	t.Run("issues a secret that is shown once and stored only as a hash", func(t *testing.T) {
		secret, tok, err := e.svc.CreateToken(asAda, "  ci  ", aims.RoleContributor, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := account.ParseTokenSecret(secret); !ok || !strings.HasPrefix(secret, "aims_") {
			t.Fatalf("secret %q is not aims_ and 52 base32 characters", secret)
		}
		if tok.Name != "ci" || tok.Role != aims.RoleContributor || tok.OrgID != acme.ID || tok.UserID != ada.ID ||
			tok.ExpiresAt != nil || tok.RevokedAt != nil || tok.LastUsedAt != nil || !aims.ValidID(tok.ID) {
			t.Fatalf("token = %+v", tok)
		}
		if tok.Prefix != secret[:11] || tok.SecretHash != account.HashSecret(secret) {
			t.Fatalf("prefix %q, hash %q; want the secret's first 11 characters and its SHA-256", tok.Prefix, tok.SecretHash)
		}
		stored, err := e.db.TokenByID(e.sys, acme.ID, tok.ID)
		if err != nil || stored.SecretHash != tok.SecretHash {
			t.Fatalf("stored token = %+v, %v", stored, err)
		}
		last := e.lastActivity(t, acme)
		if last.Action != "create" || last.RecordType != "api_token" || last.RecordID != tok.ID || last.ActorName != "Ada" {
			t.Fatalf("last activity = %+v", last)
		}
		assertNoSecrets(t, e.activity(t, acme), secret, tok.SecretHash)
	})
	t.Run("defaults the role to the actor's", func(t *testing.T) {
		_, tok, err := e.svc.CreateToken(asAda, "default", "", 0)
		if err != nil || tok.Role != aims.RoleManager {
			t.Fatalf("CreateToken with no role = %+v, %v; want role manager", tok, err)
		}
	})
	t.Run("sets the expiry from the lifetime", func(t *testing.T) {
		_, tok, err := e.svc.CreateToken(asAda, "short", aims.RoleViewer, 90*24*time.Hour)
		if err != nil || tok.ExpiresAt == nil || !tok.ExpiresAt.Equal(e.clock.Now().Add(90*24*time.Hour)) {
			t.Fatalf("CreateToken(90d) = %+v, %v", tok, err)
		}
	})
	for _, role := range []aims.Role{aims.RoleManager, aims.RoleContributor, aims.RoleAuditor, aims.RoleViewer} {
		t.Run("allows a role no higher than the actor's: "+string(role), func(t *testing.T) {
			if _, _, err := e.svc.CreateToken(asAda, "r", role, 0); err != nil {
				t.Fatal(err)
			}
		})
	}
	for _, role := range []aims.Role{aims.RoleAdmin, aims.RoleOwner} {
		t.Run("refuses a role higher than the actor's: "+string(role), func(t *testing.T) {
			_, _, err := e.svc.CreateToken(asAda, "r", role, 0)
			if aims.ErrorCode(err) != aims.EFORBIDDEN || aims.ErrorField(err) != "role" {
				t.Fatalf("CreateToken(%s) as a manager = %v, want EFORBIDDEN on role", role, err)
			}
		})
	}
	for _, tc := range []struct {
		name, tokenName string
		role            aims.Role
		field           string
	}{
		{"an unknown role", "r", "root", "role"},
		{"an empty name", "   ", aims.RoleViewer, "name"},
		{"a name over 100 characters", strings.Repeat("n", 101), aims.RoleViewer, "name"},
	} {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			_, _, err := e.svc.CreateToken(asAda, tc.tokenName, tc.role, 0)
			if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != tc.field {
				t.Fatalf("CreateToken = %v, want EINVALID on %s", err, tc.field)
			}
		})
	}
	t.Run("refuses an actor who is not a member of an organization", func(t *testing.T) {
		_, _, err := e.svc.CreateToken(e.sys, "system", aims.RoleViewer, 0)
		wantCode(t, err, aims.EFORBIDDEN)
		noOrg := aims.WithActor(e.sys, aims.Actor{Kind: aims.ActorUser, ID: ada.ID, UserID: ada.ID, Role: aims.RoleOwner})
		_, _, err = e.svc.CreateToken(noOrg, "no org", aims.RoleViewer, 0)
		wantCode(t, err, aims.EFORBIDDEN)
	})
}

func TestAuthenticateToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	owner := e.user(t, "owner@example.com", "Owner")
	ada := e.user(t, "ada@example.com", "Ada")
	e.member(t, acme, owner, aims.RoleOwner)
	adaM := e.member(t, acme, ada, aims.RoleAdmin)
	asAda := e.as(t, ada, acme)
	asOwner := e.as(t, owner, acme)

	newToken := func(t *testing.T, role aims.Role, lifetime time.Duration) (string, *account.Token) {
		t.Helper()
		secret, tok, err := e.svc.CreateToken(asAda, "t-"+string(role), role, lifetime)
		if err != nil {
			t.Fatal(err)
		}
		return secret, tok
	}

	t.Run("a valid token acts with its own role in its organization", func(t *testing.T) {
		secret, tok := newToken(t, aims.RoleContributor, 0)
		a, err := e.svc.AuthenticateToken(e.sys, secret)
		if err != nil {
			t.Fatal(err)
		}
		want := aims.Actor{Kind: aims.ActorToken, ID: tok.ID, Name: "token t-contributor (ada@example.com)", UserID: ada.ID,
			OrgID: acme.ID, OrgSlug: "acme", Role: aims.RoleContributor}
		if a != want {
			t.Fatalf("actor = %+v\nwant %+v", a, want)
		}
	})
	for _, tc := range []struct{ name, secret string }{
		{"an empty secret", ""},
		{"a session secret", strings.Repeat("a", 52)},
		{"a secret of the wrong length", "aims_" + strings.Repeat("a", 51)},
		{"a secret with upper-case letters", "aims_" + strings.Repeat("A", 52)},
		{"a bearer header value", "Bearer aims_" + strings.Repeat("a", 52)},
		{"a well-formed but unknown secret", "aims_" + strings.Repeat("a", 52)},
	} {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			_, err := e.svc.AuthenticateToken(e.sys, tc.secret)
			wantCode(t, err, aims.EUNAUTHORIZED)
		})
	}
	t.Run("refuses a revoked token", func(t *testing.T) {
		secret, tok := newToken(t, aims.RoleViewer, 0)
		if _, err := e.svc.RevokeToken(asAda, tok.ID, 0); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.AuthenticateToken(e.sys, secret)
		wantCode(t, err, aims.EUNAUTHORIZED)
	})
	t.Run("refuses an expired token, from the instant it expires", func(t *testing.T) {
		secret, _ := newToken(t, aims.RoleViewer, time.Hour)
		e.clock.Advance(time.Hour - time.Second)
		if _, err := e.svc.AuthenticateToken(e.sys, secret); err != nil {
			t.Fatalf("a token a second before its expiry: %v", err)
		}
		e.clock.Advance(time.Second)
		_, err := e.svc.AuthenticateToken(e.sys, secret)
		wantCode(t, err, aims.EUNAUTHORIZED)
	})
	t.Run("records last use at most once a minute", func(t *testing.T) {
		secret, tok := newToken(t, aims.RoleViewer, 0)
		lastUsed := func() *time.Time {
			got, err := e.db.TokenByID(e.sys, acme.ID, tok.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.LastUsedAt
		}
		if lastUsed() != nil {
			t.Fatal("a new token has a last use")
		}
		first := e.clock.Now()
		if _, err := e.svc.AuthenticateToken(e.sys, secret); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); got == nil || !got.Equal(first) {
			t.Fatalf("LastUsedAt = %v, want %v", got, first)
		}
		e.clock.Advance(30 * time.Second)
		if _, err := e.svc.AuthenticateToken(e.sys, secret); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); got == nil || !got.Equal(first) {
			t.Fatalf("LastUsedAt after 30s = %v, want still %v", got, first)
		}
		e.clock.Advance(31 * time.Second)
		if _, err := e.svc.AuthenticateToken(e.sys, secret); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); got == nil || !got.Equal(e.clock.Now()) {
			t.Fatalf("LastUsedAt after 61s = %v, want %v", got, e.clock.Now())
		}
	})
	t.Run("acts with the lower of its role and its creator's current role", func(t *testing.T) {
		adminTok, _ := newToken(t, aims.RoleAdmin, 0)
		auditorTok, _ := newToken(t, aims.RoleAuditor, 0)
		if _, err := e.svc.ChangeRole(asOwner, acme.ID, adaM.ID, aims.RoleContributor, 0); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			secret string
			want   aims.Role
		}{{adminTok, aims.RoleContributor}, {auditorTok, aims.RoleAuditor}} {
			a, err := e.svc.AuthenticateToken(e.sys, tc.secret)
			if err != nil || a.Role != tc.want {
				t.Fatalf("after demoting the creator to contributor: role %q, %v; want %q", a.Role, err, tc.want)
			}
		}
		if _, err := e.svc.ChangeRole(asOwner, acme.ID, adaM.ID, aims.RoleOwner, 0); err != nil {
			t.Fatal(err)
		}
		if a, err := e.svc.AuthenticateToken(e.sys, adminTok); err != nil || a.Role != aims.RoleAdmin {
			t.Fatalf("after promoting the creator to owner: role %q, %v; want the token's own admin", a.Role, err)
		}
	})
	t.Run("stops working when its creator leaves the organization", func(t *testing.T) {
		secret, tok := newToken(t, aims.RoleViewer, 0)
		m, err := e.db.MembershipOf(e.sys, acme.ID, ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.RemoveMember(asOwner, acme.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.AuthenticateToken(e.sys, secret)
		wantCode(t, err, aims.EUNAUTHORIZED)
		stored, err := e.db.TokenByID(e.sys, acme.ID, tok.ID)
		if err != nil || stored.RevokedAt == nil {
			t.Fatalf("the departed member's token = %+v, %v; want it revoked", stored, err)
		}
		// Coming back does not revive the old tokens.
		e.member(t, acme, ada, aims.RoleAdmin)
		_, err = e.svc.AuthenticateToken(e.sys, secret)
		wantCode(t, err, aims.EUNAUTHORIZED)
	})
}

func TestRevokeToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, beta := e.org(t, "acme"), e.org(t, "beta")
	admin := e.user(t, "admin@example.com", "Admin")
	carl := e.user(t, "carl@example.com", "Carl")
	dana := e.user(t, "dana@example.com", "Dana")
	e.member(t, acme, admin, aims.RoleAdmin)
	e.member(t, acme, carl, aims.RoleContributor)
	e.member(t, acme, dana, aims.RoleContributor)
	e.member(t, beta, admin, aims.RoleOwner)
	asAdmin, asCarl, asDana := e.as(t, admin, acme), e.as(t, carl, acme), e.as(t, dana, acme)

	token := func(t *testing.T, ctx context.Context) *account.Token {
		t.Helper()
		_, tok, err := e.svc.CreateToken(ctx, "tok", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}

	t.Run("a contributor revokes their own token", func(t *testing.T) {
		tok := token(t, asCarl)
		got, err := e.svc.RevokeToken(asCarl, tok.ID, tok.Version)
		if err != nil || got.RevokedAt == nil || !got.RevokedAt.Equal(e.clock.Now()) || got.Version != tok.Version+1 {
			t.Fatalf("RevokeToken = %+v, %v", got, err)
		}
		last := e.lastActivity(t, acme)
		if last.Action != "revoke" || last.RecordID != tok.ID || last.ActorName != "Carl" {
			t.Fatalf("last activity = %+v", last)
		}
	})
	t.Run("a contributor cannot revoke another member's token", func(t *testing.T) {
		tok := token(t, asDana)
		_, err := e.svc.RevokeToken(asCarl, tok.ID, 0)
		wantCode(t, err, aims.EFORBIDDEN)
		if stored, _ := e.db.TokenByID(e.sys, acme.ID, tok.ID); stored.RevokedAt != nil {
			t.Fatal("the refused revocation revoked the token")
		}
	})
	t.Run("an administrator revokes anyone's token", func(t *testing.T) {
		tok := token(t, asDana)
		if _, err := e.svc.RevokeToken(asAdmin, tok.ID, 0); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("revoking twice is a conflict", func(t *testing.T) {
		tok := token(t, asCarl)
		if _, err := e.svc.RevokeToken(asCarl, tok.ID, 0); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.RevokeToken(asCarl, tok.ID, 0)
		wantCode(t, err, aims.ECONFLICT)
	})
	t.Run("a stale version is a failed precondition", func(t *testing.T) {
		tok := token(t, asCarl)
		_, err := e.svc.RevokeToken(asCarl, tok.ID, tok.Version+1)
		wantCode(t, err, aims.EPRECONDITION)
	})
	t.Run("another organization's token is not found", func(t *testing.T) {
		tok := token(t, e.as(t, admin, beta))
		_, err := e.svc.RevokeToken(asAdmin, tok.ID, 0)
		wantCode(t, err, aims.ENOTFOUND)
	})
	t.Run("an unknown token is not found", func(t *testing.T) {
		_, err := e.svc.RevokeToken(asAdmin, aims.NewID(), 0)
		wantCode(t, err, aims.ENOTFOUND)
	})
}
