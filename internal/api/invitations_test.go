package api_test

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/authn"
)

type invitationBody struct {
	account.Invitation
	Status string `json:"status"`
}

type invitationList struct {
	Items      []invitationBody `json:"items"`
	NextCursor string           `json:"next_cursor"`
}

type createdInvitationBody struct {
	Invitation invitationBody `json:"invitation"`
	Secret     string         `json:"secret"`
	Link       string         `json:"link"`
}

// sessionCookie logs u in by storing a session for them directly (the API tests' users have no password)
// and returns the Cookie header that carries it. The session works in no organization.
func (e *env) sessionCookie(t *testing.T, u *account.User) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	secret := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	now := e.clock.Now()
	if err := e.DB.CreateSession(e.Ctx, &account.Session{IDHash: account.HashSecret(secret), UserID: u.ID,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(24 * time.Hour)}); err != nil {
		t.Fatalf("cannot store a session: %v", err)
	}
	return authn.CookieName + "=" + secret
}

// invite has admin invite email with role and returns the answer.
func (e *env) invite(t *testing.T, admin *member, email string, role aims.Role) createdInvitationBody {
	t.Helper()
	var c createdInvitationBody
	e.do(t, "POST", "/api/v1/invitations", admin.Token, map[string]any{"email": email, "role": role}).want(t, http.StatusCreated).decode(t, &c)
	return c
}

func TestAnAdminCannotMakeAUserOfAnotherOrganizationAMemberWithoutTheirConsent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, beta := e.org(t, "acme"), e.org(t, "beta")
	admin := e.member(t, acme, aims.RoleAdmin)
	bob := e.member(t, beta, aims.RoleOwner)

	res := e.do(t, "POST", "/api/v1/invitations", admin.Token, map[string]any{"email": bob.User.Email, "role": "admin"}).want(t, http.StatusCreated)
	var c createdInvitationBody
	res.decode(t, &c)
	if c.Invitation.Email != bob.User.Email || c.Invitation.Status != "pending" || c.Invitation.InvitedBy != admin.User.ID ||
		c.Link != e.Srv.URL+"/invitations/"+c.Secret || res.header.Get("Location") != "/api/v1/invitations/"+c.Invitation.ID {
		t.Fatalf("created %+v, Location %q", c, res.header.Get("Location"))
	}
	if _, err := e.DB.MembershipOf(e.Ctx, acme.ID, bob.User.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("bob is a member of acme before accepting: %v", err)
	}
	var ms memberList
	e.do(t, "GET", "/api/v1/members", admin.Token, nil).want(t, http.StatusOK).decode(t, &ms)
	for _, m := range ms.Items {
		if m.UserID == bob.User.ID {
			t.Fatal("bob is listed as a member of acme before accepting")
		}
	}

	// Bob accepts with his own credentials: here an API token of his own organization.
	var m account.Membership
	e.do(t, "POST", "/api/v1/invitations/accept", bob.Token, map[string]any{"token": c.Secret}).want(t, http.StatusCreated).decode(t, &m)
	if m.OrgID != acme.ID || m.UserID != bob.User.ID || m.Role != aims.RoleAdmin {
		t.Fatalf("membership %+v", m)
	}
	var got invitationBody
	e.do(t, "GET", "/api/v1/invitations/"+c.Invitation.ID, admin.Token, nil).want(t, http.StatusOK).decode(t, &got)
	if got.Status != "accepted" || got.AcceptedBy != bob.User.ID || got.AcceptedAt == nil {
		t.Fatalf("after accepting: %+v", got)
	}
}

func TestInvitingAnswersTheSameWhetherOrNotTheEmailHasAnAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, beta := e.org(t, "acme"), e.org(t, "beta")
	admin := e.member(t, acme, aims.RoleAdmin)
	known := e.member(t, beta, aims.RoleViewer)

	shape := func(email string) string {
		res := e.do(t, "POST", "/api/v1/invitations", admin.Token, map[string]any{"email": email, "role": "viewer"}).want(t, http.StatusCreated)
		var body map[string]any
		if err := json.Unmarshal(res.body, &body); err != nil {
			t.Fatal(err)
		}
		inv := body["invitation"].(map[string]any)
		secret := body["secret"].(string)
		// Blank what must differ: ids, times, the address and the secret.
		for _, k := range []string{"id", "created_at", "expires_at", "email"} {
			inv[k] = "x"
		}
		body["secret"], body["link"] = len(secret), strings.TrimSuffix(body["link"].(string), secret)
		b, _ := json.Marshal(body)
		var hs []string
		for k := range res.header {
			if k != "Date" {
				hs = append(hs, k)
			}
		}
		return fmt.Sprintf("%d %s %v ETag=%s", res.status, b, len(hs), res.header.Get("ETag"))
	}
	if a, b := shape(known.User.Email), shape("nobody-"+aims.NewID()+"@example.com"); a != b {
		t.Fatalf("an email with an account answers\n%s\nan email without one\n%s", a, b)
	}
}

func TestAnInvitationLinkWorksOnceForThePersonInvitedUntilItExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	owner := e.member(t, acme, aims.RoleOwner)
	admin := e.member(t, acme, aims.RoleAdmin)
	bob, mallory := e.newUser(t), e.newUser(t)
	bobCookie, malloryCookie := e.sessionCookie(t, bob), e.sessionCookie(t, mallory)
	accept := func(cookie, token string) *response {
		return e.do(t, "POST", "/api/v1/invitations/accept", "", map[string]any{"token": token}, "Cookie", cookie)
	}

	c := e.invite(t, admin, strings.ToUpper(bob.Email), aims.RoleViewer)

	t.Run("someone else's account is refused and the link stays usable", func(t *testing.T) {
		before := e.counts(t, acme)
		d := accept(malloryCookie, c.Secret).wantProblem(t, 403, "forbidden", "")
		if strings.Contains(d.Detail, bob.Email) {
			t.Fatalf("the refusal names the invited address: %s", d.Detail)
		}
		e.unchanged(t, before)
	})
	t.Run("the invitee accepts, whatever the case of the address", func(t *testing.T) {
		accept(bobCookie, c.Secret).want(t, http.StatusCreated)
	})
	t.Run("a second use is 409", func(t *testing.T) {
		before := e.counts(t, acme)
		accept(bobCookie, c.Secret).wantProblem(t, 409, "conflict", "")
		e.unchanged(t, before)
	})
	t.Run("an expired link is 409", func(t *testing.T) {
		u := e.newUser(t)
		var old createdInvitationBody
		e.do(t, "POST", "/api/v1/invitations", admin.Token, map[string]any{"email": u.Email, "role": "viewer", "expires_in": "1h"}).
			want(t, http.StatusCreated).decode(t, &old)
		if d := old.Invitation.ExpiresAt.Sub(old.Invitation.CreatedAt); d != time.Hour {
			t.Fatalf("lifetime %v, want 1h", d)
		}
		e.clock.Advance(time.Hour)
		before := e.counts(t, acme)
		accept(e.sessionCookie(t, u), old.Secret).wantProblem(t, 409, "conflict", "")
		e.unchanged(t, before)
	})
	t.Run("a revoked link is 409, and revoking follows the rules", func(t *testing.T) {
		u := e.newUser(t)
		inv := e.invite(t, admin, u.Email, aims.RoleViewer)
		e.do(t, "DELETE", "/api/v1/invitations/"+inv.Invitation.ID, admin.Token, nil, "If-Match", `"2"`).wantProblem(t, 412, "precondition", "")
		e.do(t, "DELETE", "/api/v1/invitations/"+inv.Invitation.ID, admin.Token, nil, "If-Match", `"1"`).want(t, http.StatusNoContent)
		e.do(t, "DELETE", "/api/v1/invitations/"+inv.Invitation.ID, admin.Token, nil).wantProblem(t, 409, "conflict", "")
		accept(e.sessionCookie(t, u), inv.Secret).wantProblem(t, 409, "conflict", "")

		own := e.invite(t, owner, "future-owner@example.com", aims.RoleOwner)
		e.do(t, "DELETE", "/api/v1/invitations/"+own.Invitation.ID, admin.Token, nil).wantProblem(t, 403, "forbidden", "role")
	})
	t.Run("an unknown link is 404, a malformed one too", func(t *testing.T) {
		accept(bobCookie, account.InvitationPrefix+strings.Repeat("q", 52)).wantProblem(t, 404, "not_found", "")
		e.send(t, call{method: "POST", path: "/api/v1/invitations/accept", body: map[string]any{"token": "nonsense"},
			header: http.Header{"Cookie": {bobCookie}}, offContract: true}).wantProblem(t, 404, "not_found", "")
		e.send(t, call{method: "POST", path: "/api/v1/invitations/accept", body: map[string]any{},
			header: http.Header{"Cookie": {bobCookie}}, offContract: true}).wantProblem(t, 400, "invalid", "token")
	})
	t.Run("accepting needs a logged-in person", func(t *testing.T) {
		e.do(t, "POST", "/api/v1/invitations/accept", "", map[string]any{"token": c.Secret}).wantProblem(t, 401, "unauthorized", "")
	})
	t.Run("the invited member's next login lands in the organization", func(t *testing.T) {
		u := e.User(t, "lands-"+aims.NewID()+"@example.com", e.org(t, "aaa"), aims.RoleViewer)
		inv := e.invite(t, admin, u.Email, aims.RoleViewer)
		accept(e.sessionCookie(t, u), inv.Secret).want(t, http.StatusCreated)
		if _, sess, err := e.Accounts.Login(e.Ctx, u.Email, apptest.Password, "192.0.2.1", ""); err != nil || sess.OrgID != acme.ID {
			t.Fatalf("login after accepting: %+v, %v", sess, err)
		}
	})
}

func TestInvitationsAreListedAndCreatedWithinTheRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, beta := e.org(t, "acme"), e.org(t, "beta")
	owner := e.member(t, acme, aims.RoleOwner)
	admin := e.member(t, acme, aims.RoleAdmin)
	stranger := e.member(t, beta, aims.RoleOwner)
	var want []string
	for range 3 {
		want = append([]string{e.invite(t, admin, "p"+aims.NewID()+"@example.com", aims.RoleViewer).Invitation.ID}, want...)
	}
	foreign := e.invite(t, stranger, "f@example.com", aims.RoleViewer)

	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("the cursor does not end")
		}
		var l invitationList
		e.do(t, "GET", "/api/v1/invitations?limit=2"+map[bool]string{true: "", false: "&cursor=" + cursor}[cursor == ""], admin.Token, nil).
			want(t, http.StatusOK).decode(t, &l)
		for _, i := range l.Items {
			got = append(got, i.ID)
		}
		if cursor = l.NextCursor; cursor == "" {
			break
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("listed %v, want newest first %v", got, want)
	}
	e.do(t, "GET", "/api/v1/invitations/"+foreign.Invitation.ID, admin.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "DELETE", "/api/v1/invitations/"+foreign.Invitation.ID, admin.Token, nil).wantProblem(t, 404, "not_found", "")

	for _, tc := range []struct {
		name        string
		token       string
		body        any
		offContract bool
		status      int
		code, field string
	}{
		{"an admin cannot invite an owner", admin.Token, map[string]any{"email": "o@example.com", "role": "owner"}, false, 403, "forbidden", "role"},
		{"inviting a member is 409 on email", admin.Token, map[string]any{"email": owner.User.Email, "role": "viewer"}, false, 409, "conflict", "email"},
		{"a lifetime over 30 days is 400", admin.Token, map[string]any{"email": "l@example.com", "role": "viewer", "expires_in": "31d"}, false, 400, "invalid", "expires_in"},
		{"a malformed lifetime is 400", admin.Token, map[string]any{"email": "l@example.com", "role": "viewer", "expires_in": "never"}, true, 400, "invalid", "expires_in"},
		{"an unknown role is 400", admin.Token, map[string]any{"email": "r@example.com", "role": "superuser"}, true, 400, "invalid", "role"},
		{"a malformed email is 400", admin.Token, map[string]any{"email": "not an email", "role": "viewer"}, true, 400, "invalid", "email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.counts(t, acme)
			e.send(t, call{method: "POST", path: "/api/v1/invitations", token: tc.token, body: tc.body, offContract: tc.offContract}).
				wantProblem(t, tc.status, tc.code, tc.field)
			e.unchanged(t, before)
		})
	}
	t.Run("an owner invites an owner", func(t *testing.T) {
		e.invite(t, owner, "o@example.com", aims.RoleOwner)
	})
	t.Run("a bad cursor is 400", func(t *testing.T) {
		e.send(t, call{method: "GET", path: "/api/v1/invitations?cursor=!!", token: admin.Token, offContract: true}).wantProblem(t, 400, "invalid", "cursor")
	})
}
