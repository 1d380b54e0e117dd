package web_test

import (
	"crypto/rand"
	"encoding/base32"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
)

var invitationLinkPattern = regexp.MustCompile(`value="(http://[^"]+/invitations/aims_inv_[a-z2-7]{52})"`)

// invitationLink returns the link shown on the page after an invitation was made.
func invitationLink(t *testing.T, p page) string {
	t.Helper()
	m := invitationLinkPattern.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no invitation link on the page:\n%s", excerpt(p))
	}
	return m[1]
}

// invitePath has b (an administrator) invite email and returns the link's path.
func invitePath(t *testing.T, f *apptest.Fixture, b *browser, email string, role aims.Role) string {
	t.Helper()
	p := b.post("/members/invitations", url.Values{"email": {email}, "role": {string(role)}, "expires": {"7d"}})
	expect(t, p, http.StatusOK, "")
	return strings.TrimPrefix(invitationLink(t, p), f.Srv.URL)
}

func TestInvitingShowsTheSamePageWhetherOrNotTheEmailHasAnAccount(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme, beta := f.Org(t, "acme"), f.Org(t, "beta")
	b := browserAs(t, f, newUser(t, f, "admin@acme.example", acme, aims.RoleAdmin), acme)
	newUser(t, f, "known@beta.example", beta, aims.RoleOwner)

	shape := func(email string) string {
		p := b.post("/members/invitations", url.Values{"email": {email}, "role": {"viewer"}, "expires": {"7d"}})
		expect(t, p, http.StatusOK, "")
		link := invitationLink(t, p)
		// The page also lists the invitations made so far; keep the part about the new one.
		body := p.Body[:strings.Index(p.Body, `id="invite-title"`)]
		return strings.NewReplacer(email, "EMAIL", link, "LINK").Replace(body)
	}
	if a, b := shape("known@beta.example"), shape("unknown@nowhere.example"); a != b {
		t.Fatalf("the page differs for an email with an account:\n%s\nand one without:\n%s", text(a), text(b))
	}
	if _, err := f.DB.MembershipOf(f.Ctx, acme.ID, f.User(t, "known@beta.example", nil, "").ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("the user of beta became a member of acme without accepting: %v", err)
	}
}

func TestAnInvitationLinkLetsTheInviteeJoin(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme := f.Org(t, "acme")
	admin := browserAs(t, f, newUser(t, f, "admin@acme.example", acme, aims.RoleAdmin), acme)

	t.Run("someone new creates an account with the invited address and lands in the organization", func(t *testing.T) {
		path := invitePath(t, f, admin, "new@example.com", aims.RoleContributor)
		b := newBrowser(t, f)
		p := b.get(path)
		expect(t, p, http.StatusOK, "")
		mustContain(t, p, "Join Organization acme", "new@example.com", "Log in to accept", "Create account and join")
		if !strings.Contains(p.Body, `href="/login?next=`+url.QueryEscape(path)+`"`) {
			t.Error("the login link does not come back to the invitation")
		}

		p = b.post(path+"/signup", url.Values{"name": {"Nina"}, "password": {apptest.Password}, "confirm": {"something else"}})
		expect(t, p, http.StatusBadRequest, "")
		mustContain(t, p, "The two passwords are not the same.")

		p = b.post(path+"/signup", url.Values{"name": {"Nina"}, "password": {apptest.Password}, "confirm": {apptest.Password}})
		expect(t, p, http.StatusSeeOther, "/")
		mustContain(t, b.get("/"), "Organization acme")
		u, err := f.DB.UserByEmail(f.Ctx, "new@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if m, err := f.DB.MembershipOf(f.Ctx, acme.ID, u.ID); err != nil || m.Role != aims.RoleContributor {
			t.Fatalf("membership %+v, %v", m, err)
		}

		p = newBrowser(t, f).get(path)
		expect(t, p, http.StatusConflict, "")
		mustContain(t, p, "This invitation was used already")
	})

	t.Run("someone logged in with another address is refused, and the link stays usable", func(t *testing.T) {
		path := invitePath(t, f, admin, "bob@example.com", aims.RoleViewer)
		mallory := browserAs(t, f, newUser(t, f, "mallory@example.com", nil, ""), nil)
		p := mallory.get(path)
		mustContain(t, p, "You are logged in as mallory@example.com, but this invitation is for another address.")
		if strings.Contains(p.Body, "Accept and join") {
			t.Error("someone logged in with another address is offered to accept")
		}
		p = mallory.post(path+"/accept", nil)
		expect(t, p, http.StatusForbidden, "")
		mustContain(t, p, "This invitation was sent to another email address.")
		expect(t, mallory.post("/logout", url.Values{"next": {path}}), http.StatusSeeOther, path)
		mustContain(t, mallory.get(path), "Log in to accept")

		bob := browserAs(t, f, newUser(t, f, "bob@example.com", f.Org(t, "bobs"), aims.RoleOwner), nil)
		expect(t, bob.post(path+"/accept", nil), http.StatusSeeOther, "/")
		mustContain(t, bob.get("/"), "Welcome to Organization acme", "Organization acme")
	})

	t.Run("an invitation for an existing account needs its login", func(t *testing.T) {
		newUser(t, f, "carol@example.com", nil, "")
		path := invitePath(t, f, admin, "carol@example.com", aims.RoleViewer)
		p := newBrowser(t, f).post(path+"/signup", url.Values{"name": {"Impostor"}, "password": {apptest.Password}, "confirm": {apptest.Password}})
		expect(t, p, http.StatusConflict, "")
		mustContain(t, p, "log in to accept the invitation")
	})

	t.Run("a revoked link stops working", func(t *testing.T) {
		path := invitePath(t, f, admin, "dan@example.com", aims.RoleViewer)
		is, _, err := f.Accounts.ListInvitations(f.Ctx, acme.ID, aims.Page{Limit: 1})
		if err != nil || len(is) != 1 || is[0].Email != "dan@example.com" {
			t.Fatalf("newest invitation %v, %v", is, err)
		}
		revoke := "/members/invitations/" + is[0].ID + "/revoke"
		version := hidden(t, admin.get("/members").Body, revoke, "version")
		expect(t, admin.post(revoke, url.Values{"version": {version}}), http.StatusSeeOther, "/members")
		mustContain(t, admin.get("/members"), "The invitation for dan@example.com was revoked")
		p := newBrowser(t, f).get(path)
		expect(t, p, http.StatusConflict, "")
		mustContain(t, p, "This invitation was withdrawn.")
	})

	t.Run("an expired or unknown link says so", func(t *testing.T) {
		secret := newInvitationSecret(t)
		now := f.DB.Now()
		if err := f.DB.CreateInvitation(f.Ctx, &account.Invitation{OrgID: acme.ID, Email: "late@example.com", Role: aims.RoleViewer,
			SecretHash: account.HashSecret(secret), CreatedAt: now.Add(-8 * 24 * time.Hour), ExpiresAt: now.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		p := newBrowser(t, f).get(account.InvitationPath(secret))
		expect(t, p, http.StatusConflict, "")
		mustContain(t, p, "This invitation has expired.")
		p = newBrowser(t, f).get(account.InvitationPath(newInvitationSecret(t)))
		expect(t, p, http.StatusNotFound, "")
		mustContain(t, p, "This invitation link is not valid.")
		expect(t, newBrowser(t, f).get("/invitations/nonsense"), http.StatusNotFound, "")
	})
}

func newInvitationSecret(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return account.InvitationPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

func TestALoginLandsInTheOrganizationLastUsed(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	alpha, zulu := f.Org(t, "alpha"), f.Org(t, "zulu")
	u := f.User(t, "una@example.com", alpha, aims.RoleViewer)
	f.User(t, u.Email, zulu, aims.RoleViewer)

	b := newBrowser(t, f)
	b.login(u.Email)
	mustContain(t, b.get("/"), "Organization alpha")
	expect(t, b.post("/switch-org", url.Values{"org": {zulu.ID}, "back": {"/"}}), http.StatusSeeOther, "/")
	expect(t, b.post("/logout", nil), http.StatusSeeOther, "/login")

	again := newBrowser(t, f)
	again.login(u.Email)
	sess, err := f.DB.SessionByHash(f.Ctx, account.HashSecret(again.session()))
	if err != nil {
		t.Fatal(err)
	}
	if sess.OrgID != zulu.ID {
		t.Fatalf("the login landed in %s, want zulu (%s), where the user last worked", sess.OrgID, zulu.ID)
	}
}
