package account_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

func TestAnInvitationMakesNoMemberUntilTheInviteeAccepts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, beta := e.org(t, "acme"), e.org(t, "beta")
	adam, bob := e.user(t, "adam@example.com", "Adam"), e.user(t, "bob@example.com", "Bob")
	e.member(t, acme, adam, aims.RoleAdmin)
	e.member(t, beta, bob, aims.RoleOwner)

	secret, inv, err := e.svc.CreateInvitation(e.as(t, adam, acme), acme.ID, "Bob@Example.com", aims.RoleManager, 0)
	if err != nil {
		t.Fatalf("CreateInvitation: %v", err)
	}
	if inv.Email != "bob@example.com" || inv.Role != aims.RoleManager || inv.InvitedBy != adam.ID ||
		!inv.ExpiresAt.Equal(e.clock.Now().Add(7*24*time.Hour)) || inv.Status(e.clock.Now()) != account.InvitationPending {
		t.Fatalf("invitation %+v", inv)
	}
	if _, ok := account.ParseInvitationSecret(secret); !ok {
		t.Fatalf("secret %q does not have the invitation form", secret)
	}
	if _, err := e.db.MembershipOf(e.sys, acme.ID, bob.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("bob is a member of acme before accepting: %v", err)
	}
	if got := e.lastActivity(t, acme); got.Action != "create" || got.RecordType != "invitation" || got.ActorID != adam.ID {
		t.Fatalf("last activity %+v, want adam creating the invitation", got)
	}

	m, err := e.svc.AcceptInvitation(e.sys, secret, bob.ID)
	if err != nil {
		t.Fatalf("AcceptInvitation: %v", err)
	}
	if m.OrgID != acme.ID || m.UserID != bob.ID || m.Role != aims.RoleManager {
		t.Fatalf("membership %+v", m)
	}
	trail := e.activity(t, acme)
	accept, join := trail[len(trail)-2], trail[len(trail)-1]
	if accept.Action != "accept" || accept.RecordType != "invitation" || accept.RecordID != inv.ID || accept.ActorID != bob.ID {
		t.Fatalf("accept entry %+v", accept)
	}
	if join.Action != "create" || join.RecordType != "membership" || join.RecordID != m.ID || join.ActorID != bob.ID {
		t.Fatalf("membership entry %+v", join)
	}
	assertNoSecrets(t, trail, secret, account.HashSecret(secret))
	got, err := e.db.InvitationByID(e.sys, acme.ID, inv.ID)
	if err != nil || got.Status(e.clock.Now()) != account.InvitationAccepted || got.AcceptedBy != bob.ID {
		t.Fatalf("after accepting: %+v, %v", got, err)
	}
}

func TestAnInvitationIsStoredOnlyAsAHash(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	secret, inv, err := e.svc.CreateInvitation(e.sys, acme.ID, "new@example.com", aims.RoleViewer, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, read := e.db.Pools()
	rows, err := read.QueryContext(e.sys, `SELECT id, org_id, email, role, secret_hash, invited_by, accepted_by FROM invitations`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var cols [7]string
		if err := rows.Scan(&cols[0], &cols[1], &cols[2], &cols[3], &cols[4], &cols[5], &cols[6]); err != nil {
			t.Fatal(err)
		}
		n++
		row := strings.Join(cols[:], "|")
		if strings.Contains(row, strings.TrimPrefix(secret, account.InvitationPrefix)) {
			t.Fatalf("the invitations table holds the secret: %s", row)
		}
		if cols[4] != account.HashSecret(secret) || inv.SecretHash != cols[4] {
			t.Fatalf("secret_hash %q, want the SHA-256 of the secret", cols[4])
		}
	}
	if err := rows.Err(); err != nil || n != 1 {
		t.Fatalf("%d invitations, %v", n, err)
	}
}

func TestAnInvitationWorksOnceAndUntilItExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	ann, bob := e.user(t, "ann@example.com", "Ann"), e.user(t, "bob@example.com", "Bob")

	t.Run("a second use is a conflict", func(t *testing.T) {
		secret, _, err := e.svc.CreateInvitation(e.sys, acme.ID, ann.Email, aims.RoleViewer, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AcceptInvitation(e.sys, secret, ann.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.AcceptInvitation(e.sys, secret, ann.ID)
		wantCode(t, err, aims.ECONFLICT)
		if !strings.Contains(err.Error(), "used already") {
			t.Fatalf("error %q does not say the link was used", err)
		}
	})

	t.Run("an expired invitation is refused and makes no member", func(t *testing.T) {
		secret, _, err := e.svc.CreateInvitation(e.sys, acme.ID, bob.Email, aims.RoleViewer, 2*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(2 * time.Hour)
		_, err = e.svc.AcceptInvitation(e.sys, secret, bob.ID)
		wantCode(t, err, aims.ECONFLICT)
		if !strings.Contains(err.Error(), "expired") {
			t.Fatalf("error %q does not say the link expired", err)
		}
		if _, err := e.db.MembershipOf(e.sys, acme.ID, bob.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
			t.Fatalf("bob became a member through an expired invitation: %v", err)
		}
	})

	t.Run("a revoked invitation is refused, and is revoked once", func(t *testing.T) {
		secret, inv, err := e.svc.CreateInvitation(e.sys, acme.ID, bob.Email, aims.RoleViewer, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.RevokeInvitation(e.sys, acme.ID, inv.ID, 1); err != nil {
			t.Fatal(err)
		}
		if got := e.lastActivity(t, acme); got.Action != "revoke" || got.RecordID != inv.ID {
			t.Fatalf("last activity %+v, want the revocation", got)
		}
		_, err = e.svc.RevokeInvitation(e.sys, acme.ID, inv.ID, 0)
		wantCode(t, err, aims.ECONFLICT)
		_, err = e.svc.AcceptInvitation(e.sys, secret, bob.ID)
		wantCode(t, err, aims.ECONFLICT)
		if !strings.Contains(err.Error(), "withdrawn") {
			t.Fatalf("error %q does not say the link was withdrawn", err)
		}
	})

	t.Run("malformed and unknown links are not found", func(t *testing.T) {
		for _, s := range []string{"", "nonsense", account.InvitationPrefix + strings.Repeat("a", 52), account.TokenPrefix + strings.Repeat("a", 52)} {
			_, err := e.svc.AcceptInvitation(e.sys, s, bob.ID)
			wantCode(t, err, aims.ENOTFOUND)
		}
	})

	t.Run("lifetimes over thirty days are refused", func(t *testing.T) {
		_, _, err := e.svc.CreateInvitation(e.sys, acme.ID, bob.Email, aims.RoleViewer, 31*24*time.Hour)
		wantCode(t, err, aims.EINVALID)
		for _, s := range []string{"never", "31d", "5w", "0d", "x"} {
			if _, err := account.ParseInvitationLifetime(s, "expires_in"); aims.ErrorCode(err) != aims.EINVALID {
				t.Errorf("ParseInvitationLifetime(%q) = %v, want EINVALID", s, err)
			}
		}
		for s, want := range map[string]time.Duration{"": 7 * 24 * time.Hour, "12h": 12 * time.Hour, "30d": 30 * 24 * time.Hour} {
			if got, err := account.ParseInvitationLifetime(s, "expires_in"); err != nil || got != want {
				t.Errorf("ParseInvitationLifetime(%q) = %v, %v; want %v", s, got, err, want)
			}
		}
	})
}

func TestAnInvitationIsAcceptedOnlyByThePersonInvited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	bob, mallory := e.user(t, "bob@example.com", "Bob"), e.user(t, "mallory@example.com", "Mallory")
	secret, _, err := e.svc.CreateInvitation(e.sys, acme.ID, bob.Email, aims.RoleAdmin, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.AcceptInvitation(e.sys, secret, mallory.ID)
	wantCode(t, err, aims.EFORBIDDEN)
	if strings.Contains(err.Error(), bob.Email) {
		t.Fatalf("the refusal tells who was invited: %v", err)
	}
	if _, err := e.db.MembershipOf(e.sys, acme.ID, mallory.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("mallory joined with bob's link: %v", err)
	}
	// The refusal does not use the link up.
	if _, err := e.svc.AcceptInvitation(e.sys, secret, bob.ID); err != nil {
		t.Fatalf("bob cannot accept after mallory tried: %v", err)
	}
}

func TestInvitationsFollowTheRulesOfRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	olga, adam, ann := e.user(t, "olga@example.com", "Olga"), e.user(t, "adam@example.com", "Adam"), e.user(t, "ann@example.com", "Ann")
	e.member(t, acme, olga, aims.RoleOwner)
	e.member(t, acme, adam, aims.RoleAdmin)
	e.member(t, acme, ann, aims.RoleViewer)
	asOlga, asAdam := e.as(t, olga, acme), e.as(t, adam, acme)

	_, _, err := e.svc.CreateInvitation(asAdam, acme.ID, "x@example.com", aims.RoleOwner, 0)
	wantCode(t, err, aims.EFORBIDDEN)
	_, owner, err := e.svc.CreateInvitation(asOlga, acme.ID, "x@example.com", aims.RoleOwner, 0)
	if err != nil {
		t.Fatalf("an owner cannot invite an owner: %v", err)
	}
	_, err = e.svc.RevokeInvitation(asAdam, acme.ID, owner.ID, 0)
	wantCode(t, err, aims.EFORBIDDEN)

	for _, tc := range []struct {
		name, email string
		role        aims.Role
		code, field string
	}{
		{"an existing member", "ANN@example.com", aims.RoleViewer, aims.ECONFLICT, "email"},
		{"a malformed email", "not an email", aims.RoleViewer, aims.EINVALID, "email"},
		{"an unknown role", "y@example.com", "superuser", aims.EINVALID, "role"},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			_, _, err := e.svc.CreateInvitation(asAdam, acme.ID, tc.email, tc.role, 0)
			var ae *aims.Error
			if aims.ErrorCode(err) != tc.code || !errors.As(err, &ae) || ae.Field != tc.field {
				t.Fatalf("CreateInvitation = %v, want %s on %s", err, tc.code, tc.field)
			}
		})
	}
}

func TestInvitingAnswersAlikeWhetherOrNotTheEmailHasAnAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	e.user(t, "known@example.com", "Known")
	shape := func(email string) string {
		secret, inv, err := e.svc.CreateInvitation(e.sys, acme.ID, email, aims.RoleViewer, 0)
		if err != nil {
			t.Fatalf("inviting %s: %v", email, err)
		}
		return fmt.Sprintf("%d %s %s %v %v %v %q", len(secret), inv.Role, inv.Status(e.clock.Now()), inv.ExpiresAt.Sub(inv.CreatedAt),
			inv.AcceptedAt, inv.RevokedAt, inv.AcceptedBy)
	}
	if a, b := shape("known@example.com"), shape("unknown@example.com"); a != b {
		t.Fatalf("an existing email gives %s, an unknown one %s", a, b)
	}
}

func TestSigningUpWithAnInvitation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	secret, _, err := e.svc.CreateInvitation(e.sys, acme.ID, "new@example.com", aims.RoleContributor, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = e.svc.SignUpWithInvitation(e.sys, secret, "Nina", "short")
	wantCode(t, err, aims.EINVALID)
	sessSecret, sess, m, err := e.svc.SignUpWithInvitation(e.sys, secret, "Nina", password)
	if err != nil {
		t.Fatalf("SignUpWithInvitation: %v", err)
	}
	got, u, err := e.svc.Authenticate(e.sys, sessSecret)
	if err != nil || got.OrgID != acme.ID || sess.OrgID != acme.ID || u.Email != "new@example.com" || u.Name != "Nina" ||
		m.OrgID != acme.ID || m.Role != aims.RoleContributor || m.UserID != u.ID {
		t.Fatalf("session %+v, user %+v, membership %+v, %v", got, u, m, err)
	}
	if _, sess, err := e.svc.Login(e.sys, u.Email, password, "192.0.2.1", ""); err != nil || sess.OrgID != acme.ID {
		t.Fatalf("the new user's login: %+v, %v", sess, err)
	}
	_, _, _, err = e.svc.SignUpWithInvitation(e.sys, secret, "Nina again", password)
	wantCode(t, err, aims.ECONFLICT)

	e.user(t, "old@example.com", "Old")
	again, _, err := e.svc.CreateInvitation(e.sys, acme.ID, "old@example.com", aims.RoleViewer, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = e.svc.SignUpWithInvitation(e.sys, again, "Impostor", password)
	wantCode(t, err, aims.ECONFLICT)
}

func TestLoginLandsInTheOrganizationLastUsed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alpha, zulu := e.org(t, "alpha"), e.org(t, "zulu")
	u := e.user(t, "una@example.com", "Una")
	e.member(t, alpha, u, aims.RoleViewer)
	zm := e.member(t, zulu, u, aims.RoleViewer)

	if _, sess := e.login(t, u.Email); sess.OrgID != alpha.ID {
		t.Fatalf("a first login lands in %s, want the first by slug (alpha)", sess.OrgID)
	}
	_, sess := e.login(t, u.Email)
	if err := e.svc.SwitchOrganization(e.sys, sess, zulu.ID); err != nil {
		t.Fatal(err)
	}
	if _, sess := e.login(t, u.Email); sess.OrgID != zulu.ID {
		t.Fatalf("after switching to zulu a login lands in %s, want zulu", sess.OrgID)
	}
	if err := e.svc.RemoveMember(e.sys, zulu.ID, zm.ID); err != nil {
		t.Fatal(err)
	}
	if _, sess := e.login(t, u.Email); sess.OrgID != alpha.ID {
		t.Fatalf("after leaving zulu a login lands in %s, want alpha", sess.OrgID)
	}

	// Accepting an invitation lands the next login in the organization joined.
	mid := e.org(t, "mid")
	secret, _, err := e.svc.CreateInvitation(e.sys, mid.ID, u.Email, aims.RoleViewer, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AcceptInvitation(e.sys, secret, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, sess := e.login(t, u.Email); sess.OrgID != mid.ID {
		t.Fatalf("after joining mid a login lands in %s, want mid", sess.OrgID)
	}
}
