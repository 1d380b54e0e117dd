package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
)

func TestSettings(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	admin := browserAs(t, f, newUser(t, f, "admin@example.com", org, aims.RoleAdmin), org)
	manager := browserAs(t, f, newUser(t, f, "manager@example.com", org, aims.RoleManager), org)

	t.Run("an admin renames the organization", func(t *testing.T) {
		version := hidden(t, admin.get("/settings").Body, "/settings", "version")
		expect(t, admin.post("/settings", url.Values{"name": {"Acme AI Lab"}, "version": {version}}), http.StatusSeeOther, "/settings")
		mustContain(t, admin.get("/"), "Acme AI Lab")
	})
	t.Run("a stale version is refused and the values are kept", func(t *testing.T) {
		p := admin.post("/settings", url.Values{"name": {"Mine"}, "require_totp": {"on"}, "version": {"1"}})
		expect(t, p, http.StatusPreconditionFailed, "")
		mustContain(t, p, "Someone else changed the settings", `"Acme AI Lab"`)
		if !strings.Contains(p.Body, `value="Mine"`) || !strings.Contains(p.Body, `checked`) {
			t.Error("the form lost the values sent")
		}
		if o, _ := f.DB.OrganizationByID(f.Ctx, org.ID); o.Name != "Acme AI Lab" {
			t.Errorf("the stale change went through: %q", o.Name)
		}
	})
	t.Run("an empty name is refused beside the field", func(t *testing.T) {
		version := hidden(t, admin.get("/settings").Body, "/settings", "version")
		p := admin.post("/settings", url.Values{"name": {""}, "version": {version}})
		expect(t, p, http.StatusBadRequest, "")
		if !strings.Contains(p.Body, `aria-describedby="org-name-error"`) {
			t.Error("the error is not tied to the name field")
		}
	})
	t.Run("a manager sees the settings read-only", func(t *testing.T) {
		p := manager.get("/settings")
		expect(t, p, http.StatusOK, "")
		mustContain(t, p, "Acme AI Lab", "Only administrators change these settings.")
		if strings.Contains(p.Body, `action="/settings"`) {
			t.Error("a manager is offered the settings form")
		}
		expect(t, manager.post("/settings", url.Values{"name": {"x"}, "version": {"2"}}), http.StatusForbidden, "")
	})
	t.Run("requiring two-factor authentication sends members without it to their account", func(t *testing.T) {
		version := hidden(t, admin.get("/settings").Body, "/settings", "version")
		expect(t, admin.post("/settings", url.Values{"name": {"Acme AI Lab"}, "require_totp": {"on"}, "version": {version}}), http.StatusSeeOther, "/settings")
		for _, path := range []string{"/", "/members", "/settings"} {
			expect(t, manager.get(path), http.StatusSeeOther, "/account")
		}
		expect(t, manager.post("/tokens", url.Values{"name": {"x"}, "role": {"viewer"}, "expires": {"never"}}), http.StatusSeeOther, "/account")
		p := manager.get("/account")
		expect(t, p, http.StatusOK, "")
		mustContain(t, p, "requires two-factor authentication")
	})
}

func TestAccount(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	u := f.User(t, "ada@example.com", org, aims.RoleViewer)
	b := browserAs(t, f, u, org)

	t.Run("the account page shows the profile", func(t *testing.T) {
		mustContain(t, b.get("/account"), "ada@example.com", "Change password", "Two-factor authentication", "Log out everywhere")
	})

	var secret string
	t.Run("setting up two-factor authentication shows the key as text", func(t *testing.T) {
		p := b.get("/account/totp")
		expect(t, p, http.StatusOK, "")
		mustContain(t, p, "otpauth://totp/aims:ada@example.com")
		secret = hidden(t, p.Body, "/account/totp/enable", "secret")
		if !strings.Contains(p.Body, `src="data:image/png;base64,`) {
			t.Error("no QR code")
		}
	})
	t.Run("a wrong code keeps the same key", func(t *testing.T) {
		p := b.post("/account/totp/enable", url.Values{"secret": {secret}, "code": {"123"}})
		expect(t, p, http.StatusBadRequest, "")
		mustContain(t, p, "The code is not right")
		if hidden(t, p.Body, "/account/totp/enable", "secret") != secret {
			t.Error("the key changed after a wrong code")
		}
	})
	t.Run("a tampered key starts again", func(t *testing.T) {
		expect(t, b.post("/account/totp/enable", url.Values{"secret": {"not-base32"}, "code": {"123456"}}), http.StatusSeeOther, "/account/totp")
	})
	t.Run("the right code turns it on", func(t *testing.T) {
		code, _ := totp.GenerateCode(secret, time.Now())
		expect(t, b.post("/account/totp/enable", url.Values{"secret": {secret}, "code": {code}}), http.StatusSeeOther, "/account")
		mustContain(t, b.get("/account"), "Two-factor authentication is on.")
		got, _ := f.DB.UserByID(f.Ctx, u.ID)
		if !got.TOTPEnabled {
			t.Error("TOTP is not enabled")
		}
	})
	t.Run("turning it off needs the password", func(t *testing.T) {
		p := b.post("/account/totp/disable", url.Values{"password": {"wrong"}})
		expect(t, p, http.StatusBadRequest, "")
		mustContain(t, p, "The password is not right.")
		expect(t, b.post("/account/totp/disable", url.Values{"password": {apptest.Password}}), http.StatusSeeOther, "/account")
	})
	t.Run("the new passwords must match", func(t *testing.T) {
		p := b.post("/account/password", url.Values{"current_password": {apptest.Password}, "password": {"a brand new passphrase"}, "confirm": {"another one entirely"}})
		expect(t, p, http.StatusBadRequest, "")
		mustContain(t, p, "The two new passwords are not the same.")
		if !strings.Contains(p.Body, `aria-describedby="confirm-password-error"`) {
			t.Error("the error is not tied to the confirmation field")
		}
	})
	t.Run("the current password must be right", func(t *testing.T) {
		p := b.post("/account/password", url.Values{"current_password": {"wrong"}, "password": {"a brand new passphrase"}, "confirm": {"a brand new passphrase"}})
		expect(t, p, http.StatusBadRequest, "")
		mustContain(t, p, "The current password is not right.")
	})
	t.Run("changing the password logs out everywhere", func(t *testing.T) {
		other := browserAs(t, f, u, org)
		p := b.post("/account/password", url.Values{"current_password": {apptest.Password}, "password": {"a brand new passphrase"}, "confirm": {"a brand new passphrase"}})
		expect(t, p, http.StatusSeeOther, "/login")
		expect(t, other.get("/"), http.StatusSeeOther, "/login")
		expect(t, b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"a brand new passphrase"}}), http.StatusSeeOther, "/")
	})
}

func TestSwitchOrganization(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme, globex, initech := f.Org(t, "acme"), f.Org(t, "globex"), f.Org(t, "initech")
	u := newUser(t, f, "ada@example.com", acme, aims.RoleViewer)
	if _, err := f.Accounts.AddMember(f.Ctx, globex.ID, "ada@example.com", aims.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	b := browserAs(t, f, u, acme)

	t.Run("the switcher lists the user's organizations only", func(t *testing.T) {
		p := b.get("/members")
		mustContain(t, p, acme.Name, globex.Name)
		if strings.Contains(p.Body, initech.Name) {
			t.Error("the switcher offers an organization the user is not in")
		}
	})
	t.Run("switching goes back to the page with the new role", func(t *testing.T) {
		p := b.post("/switch-org", url.Values{"org": {globex.ID}, "back": {"/members"}})
		expect(t, p, http.StatusSeeOther, "/members")
		p = b.get("/members")
		mustContain(t, p, "You are now working in "+globex.Name+".", "Invite someone")
	})
	t.Run("switching to another's organization is refused", func(t *testing.T) {
		p := b.post("/switch-org", url.Values{"org": {initech.ID}, "back": {"/"}})
		expect(t, p, http.StatusNotFound, "")
		mustContain(t, b.get("/"), globex.Name)
	})
	t.Run("back to another site goes home instead", func(t *testing.T) {
		expect(t, b.post("/switch-org", url.Values{"org": {acme.ID}, "back": {"https://evil.example/"}}), http.StatusSeeOther, "/")
	})
	t.Run("a removed member can still switch away", func(t *testing.T) {
		expect(t, b.post("/switch-org", url.Values{"org": {globex.ID}, "back": {"/"}}), http.StatusSeeOther, "/")
		m, _ := f.DB.MembershipOf(f.Ctx, globex.ID, u.ID)
		if err := f.DB.DeleteMembership(f.Ctx, globex.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		p := b.get("/")
		expect(t, p, http.StatusForbidden, "")
		mustContain(t, p, acme.Name)
		expect(t, b.post("/switch-org", url.Values{"org": {acme.ID}, "back": {"/"}}), http.StatusSeeOther, "/")
		expect(t, b.get("/"), http.StatusOK, "")
	})
}
