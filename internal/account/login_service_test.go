package account_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, beta := e.org(t, "acme"), e.org(t, "beta")
	ada := e.user(t, "ada@example.com", "Ada")
	e.member(t, beta, ada, aims.RoleViewer)
	e.member(t, acme, ada, aims.RoleAdmin)
	loner := e.user(t, "loner@example.com", "Loner")
	noPassword, err := e.svc.CreateUser(e.sys, "nopass@example.com", "No Password", "")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("succeeds with the right password and starts a complete session", func(t *testing.T) {
		secret, sess, err := e.svc.Login(e.sys, "ada@example.com", password, "192.0.2.1", "")
		if err != nil {
			t.Fatal(err)
		}
		if sess.UserID != ada.ID || sess.MFAPending || !sess.CreatedAt.Equal(e.clock.Now()) ||
			!sess.ExpiresAt.Equal(e.clock.Now().Add(e.svc.SessionMax)) {
			t.Fatalf("session = %+v", sess)
		}
		if sess.OrgID != acme.ID {
			t.Fatalf("session works in %s, want the first organization by slug (acme, %s)", sess.OrgID, acme.ID)
		}
		if strings.Contains(sess.IDHash, secret) || sess.IDHash == secret {
			t.Fatal("the session stores its secret")
		}
		got, u, err := e.svc.Authenticate(e.sys, secret)
		if err != nil || got.IDHash != sess.IDHash || u.ID != ada.ID {
			t.Fatalf("Authenticate = %+v, %+v, %v", got, u, err)
		}
	})
	t.Run("normalises the email", func(t *testing.T) {
		if _, _, err := e.svc.Login(e.sys, "  ADA@Example.com ", password, "192.0.2.1", ""); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a user of no organization gets a session in none", func(t *testing.T) {
		_, sess := e.login(t, loner.Email)
		if sess.OrgID != "" {
			t.Fatalf("OrgID = %q, want none", sess.OrgID)
		}
		_, _, err := e.svc.SessionActor(e.sys, sess, loner)
		wantCode(t, err, aims.EFORBIDDEN)
	})

	var wrongPassword, unknownEmail error
	t.Run("refuses a wrong password", func(t *testing.T) {
		secret, sess, err := e.svc.Login(e.sys, "ada@example.com", "not the password", "192.0.2.2", "")
		wantCode(t, err, aims.EUNAUTHORIZED)
		if secret != "" || sess != nil {
			t.Fatal("a refused login returned a session")
		}
		wrongPassword = err
	})
	t.Run("refuses an unknown email", func(t *testing.T) {
		_, _, err := e.svc.Login(e.sys, "nobody@example.com", password, "192.0.2.2", "")
		wantCode(t, err, aims.EUNAUTHORIZED)
		unknownEmail = err
	})
	t.Run("a wrong password and an unknown email get the same answer", func(t *testing.T) {
		if wrongPassword == nil || unknownEmail == nil || wrongPassword.Error() != unknownEmail.Error() ||
			aims.ErrorField(wrongPassword) != aims.ErrorField(unknownEmail) {
			t.Fatalf("wrong password: %v; unknown email: %v", wrongPassword, unknownEmail)
		}
	})
	t.Run("a user without a password cannot log in, even with an empty one", func(t *testing.T) {
		_, _, err := e.svc.Login(e.sys, noPassword.Email, "", "192.0.2.3", "")
		wantCode(t, err, aims.EUNAUTHORIZED)
	})
}

func TestLoginRotatesTheSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ada := e.user(t, "ada@example.com", "Ada")
	e.member(t, e.org(t, "acme"), ada, aims.RoleViewer)
	before, _ := e.login(t, ada.Email)

	after, _, err := e.svc.Login(e.sys, ada.Email, password, "192.0.2.1", before)
	if err != nil {
		t.Fatal(err)
	}
	if after == before {
		t.Fatal("login kept the previous session secret")
	}
	if _, _, err := e.svc.Authenticate(e.sys, before); aims.ErrorCode(err) != aims.EUNAUTHORIZED {
		t.Fatalf("the previous session still authenticates: %v", err)
	}
	if _, _, err := e.svc.Authenticate(e.sys, after); err != nil {
		t.Fatalf("the new session does not authenticate: %v", err)
	}

	t.Run("a failed login leaves the previous session alone", func(t *testing.T) {
		if _, _, err := e.svc.Login(e.sys, ada.Email, "wrong password!", "192.0.2.1", after); aims.ErrorCode(err) != aims.EUNAUTHORIZED {
			t.Fatalf("Login = %v", err)
		}
		if _, _, err := e.svc.Authenticate(e.sys, after); err != nil {
			t.Fatalf("the session ended on a failed login: %v", err)
		}
	})
}

func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.svc.SessionIdle, e.svc.SessionMax = time.Hour, 3*time.Hour
	ada := e.user(t, "ada@example.com", "Ada")
	e.member(t, e.org(t, "acme"), ada, aims.RoleViewer)

	t.Run("an idle session ends", func(t *testing.T) {
		secret, _ := e.login(t, ada.Email)
		e.clock.Advance(time.Hour)
		if _, _, err := e.svc.Authenticate(e.sys, secret); err != nil {
			t.Fatalf("a session idle exactly SessionIdle ended: %v", err)
		}
		e.clock.Advance(time.Hour + time.Second)
		_, _, err := e.svc.Authenticate(e.sys, secret)
		wantCode(t, err, aims.EUNAUTHORIZED)
		if !strings.Contains(aims.ErrorMessage(err), "expired") {
			t.Fatalf("message = %q, want it to say the session expired", aims.ErrorMessage(err))
		}
		if _, err := e.db.SessionByHash(e.sys, account.HashSecret(secret)); aims.ErrorCode(err) != aims.ENOTFOUND {
			t.Fatalf("the expired session is still stored: %v", err)
		}
	})
	t.Run("use keeps a session alive", func(t *testing.T) {
		secret, _ := e.login(t, ada.Email)
		for range 3 { // 3 × 50 minutes: well past SessionIdle in all, never idle that long
			e.clock.Advance(50 * time.Minute)
			if _, _, err := e.svc.Authenticate(e.sys, secret); err != nil {
				t.Fatalf("an active session ended: %v", err)
			}
		}
	})
	t.Run("a session ends at SessionMax however active", func(t *testing.T) {
		secret, _ := e.login(t, ada.Email)
		for range 3 { // 2h30m
			e.clock.Advance(50 * time.Minute)
			if _, _, err := e.svc.Authenticate(e.sys, secret); err != nil {
				t.Fatalf("an active session ended early: %v", err)
			}
		}
		e.clock.Advance(30 * time.Minute) // exactly SessionMax
		_, _, err := e.svc.Authenticate(e.sys, secret)
		wantCode(t, err, aims.EUNAUTHORIZED)
	})
	t.Run("reads within a minute do not write", func(t *testing.T) {
		secret, sess := e.login(t, ada.Email)
		e.clock.Advance(30 * time.Second)
		if _, _, err := e.svc.Authenticate(e.sys, secret); err != nil {
			t.Fatal(err)
		}
		stored, err := e.db.SessionByHash(e.sys, sess.IDHash)
		if err != nil || !stored.LastSeenAt.Equal(sess.LastSeenAt) {
			t.Fatalf("LastSeenAt = %v, %v; want unchanged %v", stored.LastSeenAt, err, sess.LastSeenAt)
		}
		e.clock.Advance(31 * time.Second)
		if _, _, err := e.svc.Authenticate(e.sys, secret); err != nil {
			t.Fatal(err)
		}
		stored, err = e.db.SessionByHash(e.sys, sess.IDHash)
		if err != nil || !stored.LastSeenAt.Equal(e.clock.Now()) {
			t.Fatalf("LastSeenAt = %v, %v; want %v", stored.LastSeenAt, err, e.clock.Now())
		}
	})
	t.Run("malformed and unknown secrets are refused", func(t *testing.T) {
		for _, s := range []string{"", "short", strings.Repeat("a", 52), strings.Repeat("A", 52), "aims_" + strings.Repeat("a", 52)} {
			if _, _, err := e.svc.Authenticate(e.sys, s); aims.ErrorCode(err) != aims.EUNAUTHORIZED {
				t.Errorf("Authenticate(%q) = %v, want EUNAUTHORIZED", s, err)
			}
		}
	})
}

func TestTOTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ada := e.user(t, "ada@example.com", "Ada")
	e.member(t, e.org(t, "acme"), ada, aims.RoleViewer)

	setup, err := e.svc.BeginTOTP(ada)
	if err != nil {
		t.Fatal(err)
	}
	if len(setup.Secret) < 16 || !strings.HasPrefix(setup.URL, "otpauth://totp/") || !strings.Contains(setup.URL, "secret="+setup.Secret) {
		t.Fatalf("BeginTOTP = %+v", setup)
	}
	if u, _ := e.db.UserByID(e.sys, ada.ID); u.TOTPEnabled || u.TOTPSecret != "" {
		t.Fatal("BeginTOTP stored the second factor before it was confirmed")
	}

	t.Run("EnableTOTP refuses a wrong code", func(t *testing.T) {
		err := e.svc.EnableTOTP(e.sys, ada.ID, setup.Secret, wrongCode(t, setup.Secret))
		if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "code" {
			t.Fatalf("EnableTOTP = %v, want EINVALID on code", err)
		}
	})
	t.Run("EnableTOTP refuses a secret of the wrong size", func(t *testing.T) {
		for _, s := range []string{"", "JBSWY3DP", strings.Repeat("A", 129)} {
			err := e.svc.EnableTOTP(e.sys, ada.ID, s, "123456")
			if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "secret" {
				t.Fatalf("EnableTOTP(secret %q) = %v, want EINVALID on secret", s, err)
			}
		}
	})
	t.Run("EnableTOTP stores the factor with the current code", func(t *testing.T) {
		if err := e.svc.EnableTOTP(e.sys, ada.ID, setup.Secret, " "+currentCode(t, setup.Secret)+" "); err != nil {
			t.Fatal(err)
		}
		u, err := e.db.UserByID(e.sys, ada.ID)
		if err != nil || !u.TOTPEnabled || u.TOTPSecret != setup.Secret {
			t.Fatalf("after EnableTOTP: %+v, %v", u, err)
		}
	})

	var pending string
	t.Run("login starts a pending session that Authenticate refuses", func(t *testing.T) {
		var sess *account.Session
		pending, sess = e.login(t, ada.Email)
		if !sess.MFAPending {
			t.Fatalf("session = %+v, want pending", sess)
		}
		if stored, err := e.db.SessionByHash(e.sys, sess.IDHash); err != nil || !stored.MFAPending {
			t.Fatalf("stored session = %+v, %v; want pending", stored, err)
		}
		_, _, err := e.svc.Authenticate(e.sys, pending)
		wantCode(t, err, aims.EUNAUTHORIZED)
		if s, u, err := e.svc.PendingSession(e.sys, pending); err != nil || !s.MFAPending || u.ID != ada.ID {
			t.Fatalf("PendingSession = %+v, %+v, %v", s, u, err)
		}
	})
	t.Run("CompleteTOTP refuses a wrong code and the session stays pending", func(t *testing.T) {
		_, _, err := e.svc.CompleteTOTP(e.sys, pending, wrongCode(t, setup.Secret))
		if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "code" {
			t.Fatalf("CompleteTOTP = %v, want EINVALID on code", err)
		}
		if _, _, err := e.svc.Authenticate(e.sys, pending); aims.ErrorCode(err) != aims.EUNAUTHORIZED {
			t.Fatalf("Authenticate after a wrong code = %v", err)
		}
	})
	t.Run("CompleteTOTP refuses a session secret that is not a session", func(t *testing.T) {
		_, _, err := e.svc.CompleteTOTP(e.sys, strings.Repeat("b", 52), currentCode(t, setup.Secret))
		wantCode(t, err, aims.EUNAUTHORIZED)
	})
	t.Run("CompleteTOTP with the right code completes the session under a new secret", func(t *testing.T) {
		full, sess, err := e.svc.CompleteTOTP(e.sys, pending, nextCode(t, setup.Secret))
		if err != nil {
			t.Fatal(err)
		}
		if full == pending || sess.MFAPending {
			t.Fatalf("CompleteTOTP = %q, %+v; want a new, complete session", full, sess)
		}
		if _, _, err := e.svc.Authenticate(e.sys, full); err != nil {
			t.Fatalf("the completed session does not authenticate: %v", err)
		}
		if _, _, err := e.svc.PendingSession(e.sys, pending); aims.ErrorCode(err) != aims.EUNAUTHORIZED {
			t.Fatalf("the pending session survived: %v", err)
		}
		again, _, err := e.svc.CompleteTOTP(e.sys, full, "")
		if err != nil || again != full {
			t.Fatalf("CompleteTOTP on a complete session = %q, %v; want the same secret back", again, err)
		}
	})
	t.Run("a code works once: replaying it in another login is refused", func(t *testing.T) {
		used := nextCode(t, setup.Secret)
		pending2, _, err := e.svc.Login(e.sys, ada.Email, password, "192.0.2.1", "")
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = e.svc.CompleteTOTP(e.sys, pending2, used)
		if aims.ErrorCode(err) != aims.EINVALID || !strings.Contains(aims.ErrorMessage(err), "used already") {
			t.Fatalf("replayed code: %v, want it refused", err)
		}
		// An older code than the last one used is refused too.
		if _, _, err := e.svc.CompleteTOTP(e.sys, pending2, currentCode(t, setup.Secret)); aims.ErrorCode(err) != aims.EINVALID {
			t.Fatalf("an older code: %v, want it refused", err)
		}
	})
	t.Run("DisableTOTP refuses a wrong password", func(t *testing.T) {
		err := e.svc.DisableTOTP(e.sys, ada.ID, "not the password")
		if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "password" {
			t.Fatalf("DisableTOTP = %v, want EINVALID on password", err)
		}
	})
	t.Run("DisableTOTP removes the factor and login is complete again", func(t *testing.T) {
		if err := e.svc.DisableTOTP(e.sys, ada.ID, password); err != nil {
			t.Fatal(err)
		}
		u, err := e.db.UserByID(e.sys, ada.ID)
		if err != nil || u.TOTPEnabled || u.TOTPSecret != "" {
			t.Fatalf("after DisableTOTP: %+v, %v", u, err)
		}
		secret, sess := e.login(t, ada.Email)
		if sess.MFAPending {
			t.Fatal("login after DisableTOTP is pending")
		}
		if _, _, err := e.svc.Authenticate(e.sys, secret); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSwitchOrganization(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, beta, gamma := e.org(t, "acme"), e.org(t, "beta"), e.org(t, "gamma")
	ada := e.user(t, "ada@example.com", "Ada")
	e.member(t, acme, ada, aims.RoleAdmin)
	e.member(t, beta, ada, aims.RoleAuditor)
	secret, sess := e.login(t, ada.Email)
	if sess.OrgID != acme.ID {
		t.Fatalf("login works in %s, want acme", sess.OrgID)
	}

	t.Run("to an organization of the user's, with the role there", func(t *testing.T) {
		if err := e.svc.SwitchOrganization(e.sys, sess, beta.ID); err != nil {
			t.Fatal(err)
		}
		got, u, err := e.svc.Authenticate(e.sys, secret)
		if err != nil || got.OrgID != beta.ID {
			t.Fatalf("after switching, the session works in %v (%v), want beta", got, err)
		}
		a, m, err := e.svc.SessionActor(e.sys, got, u)
		if err != nil || a.OrgID != beta.ID || a.OrgSlug != "beta" || a.Role != aims.RoleAuditor || m.Role != aims.RoleAuditor ||
			a.Kind != aims.ActorUser || a.Name != "Ada" {
			t.Fatalf("SessionActor = %+v, %v", a, err)
		}
	})
	for _, tc := range []struct{ name, orgID string }{
		{"to an organization the user is not in", gamma.ID},
		{"to an organization that does not exist", aims.NewID()},
		{"to no organization", ""},
	} {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			cp := *sess
			err := e.svc.SwitchOrganization(e.sys, &cp, tc.orgID)
			wantCode(t, err, aims.ENOTFOUND)
			got, _, err := e.svc.Authenticate(e.sys, secret)
			if err != nil || got.OrgID != beta.ID {
				t.Fatalf("a refused switch moved the session to %v (%v)", got, err)
			}
		})
	}
}

func TestLogoutEndsSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ada := e.user(t, "ada@example.com", "Ada")
	bob := e.user(t, "bob@example.com", "Bob")
	laptop, _ := e.login(t, ada.Email)
	phone, _ := e.login(t, ada.Email)
	bobs, _ := e.login(t, bob.Email)

	if err := e.svc.Logout(e.sys, phone); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.Authenticate(e.sys, phone); aims.ErrorCode(err) != aims.EUNAUTHORIZED {
		t.Fatalf("Logout left the session: %v", err)
	}
	if _, _, err := e.svc.Authenticate(e.sys, laptop); err != nil {
		t.Fatalf("Logout ended another session: %v", err)
	}
	phone, _ = e.login(t, ada.Email)

	if err := e.svc.LogoutEverywhere(e.sys, ada.ID); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{"laptop": laptop, "phone": phone} {
		if _, _, err := e.svc.Authenticate(e.sys, s); aims.ErrorCode(err) != aims.EUNAUTHORIZED {
			t.Errorf("LogoutEverywhere left the %s session: %v", name, err)
		}
	}
	if _, _, err := e.svc.Authenticate(e.sys, bobs); err != nil {
		t.Fatalf("LogoutEverywhere ended another user's session: %v", err)
	}
}

func TestPasswordChangesEndSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ada := e.user(t, "ada@example.com", "Ada")
	const next = "a brand new passphrase"

	t.Run("SetPassword refuses a weak password and changes nothing", func(t *testing.T) {
		secret, _ := e.login(t, ada.Email)
		err := e.svc.SetPassword(e.sys, ada.ID, "short")
		if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "password" {
			t.Fatalf("SetPassword = %v, want EINVALID on password", err)
		}
		if _, _, err := e.svc.Authenticate(e.sys, secret); err != nil {
			t.Fatalf("a refused SetPassword ended the session: %v", err)
		}
	})
	t.Run("SetPassword of an unknown user", func(t *testing.T) {
		wantCode(t, e.svc.SetPassword(e.sys, aims.NewID(), next), aims.ENOTFOUND)
	})
	t.Run("ChangePassword refuses a wrong current password", func(t *testing.T) {
		err := e.svc.ChangePassword(e.sys, ada.ID, "not the password", next)
		if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "current_password" {
			t.Fatalf("ChangePassword = %v, want EINVALID on current_password", err)
		}
	})
	t.Run("SetPassword ends every session and only the new password works", func(t *testing.T) {
		s1, _ := e.login(t, ada.Email)
		if err := e.svc.ChangePassword(e.sys, ada.ID, password, next); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.Authenticate(e.sys, s1); aims.ErrorCode(err) != aims.EUNAUTHORIZED {
			t.Fatalf("the session survived a password change: %v", err)
		}
		if _, _, err := e.svc.Login(e.sys, ada.Email, password, "192.0.2.1", ""); aims.ErrorCode(err) != aims.EUNAUTHORIZED {
			t.Fatalf("the old password still works: %v", err)
		}
		if _, _, err := e.svc.Login(e.sys, ada.Email, next, "192.0.2.1", ""); err != nil {
			t.Fatalf("the new password does not work: %v", err)
		}
	})
}
