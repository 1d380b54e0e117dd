package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

type memberList struct {
	Items      []account.Membership `json:"items"`
	NextCursor string               `json:"next_cursor"`
}

func TestMembersAreListedInPagesInTheOrderTheyJoined(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	other := e.org(t, "other")
	e.member(t, other, aims.RoleOwner) // must never show up in acme's list
	var want []string
	viewer := e.member(t, acme, aims.RoleViewer)
	want = append(want, viewer.ID)
	for range 4 {
		want = append(want, e.member(t, acme, aims.RoleContributor).ID)
	}

	var got []string
	cursor, pages := "", 0
	for {
		path := "/api/v1/members?limit=2"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		var page memberList
		e.do(t, "GET", path, viewer.Token, nil).want(t, http.StatusOK).decode(t, &page)
		pages++
		for _, m := range page.Items {
			if m.OrgID != acme.ID || m.UserEmail == "" || m.UserID == "" {
				t.Fatalf("member %+v", m)
			}
			got = append(got, m.ID)
		}
		if page.NextCursor == "" {
			break
		}
		if pages > 10 {
			t.Fatal("the cursor does not end")
		}
		cursor = page.NextCursor
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || pages != 3 {
		t.Fatalf("paged members %v in %d pages, want %v in 3", got, pages, want)
	}

	var all memberList
	e.do(t, "GET", "/api/v1/members", viewer.Token, nil).want(t, http.StatusOK).decode(t, &all)
	if len(all.Items) != 5 || all.NextCursor != "" {
		t.Fatalf("default page: %d members, cursor %q", len(all.Items), all.NextCursor)
	}
}

func TestMembersAreAddedReadChangedAndRemoved(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	owner := e.member(t, acme, aims.RoleOwner)
	admin := e.member(t, acme, aims.RoleAdmin)
	newcomer := e.newUser(t)

	// Join through an invitation.
	res := e.do(t, "POST", "/api/v1/invitations", admin.Token, map[string]any{"email": newcomer.Email, "role": "contributor"}).want(t, http.StatusCreated)
	var inv createdInvitationBody
	res.decode(t, &inv)
	res = e.do(t, "POST", "/api/v1/invitations/accept", "", map[string]any{"token": inv.Secret}, "Cookie", e.sessionCookie(t, newcomer)).
		want(t, http.StatusCreated)
	var m account.Membership
	res.decode(t, &m)
	if m.UserID != newcomer.ID || m.OrgID != acme.ID || m.Role != aims.RoleContributor || m.Version != 1 || m.UserEmail != newcomer.Email {
		t.Fatalf("added %+v", m)
	}
	if res.header.Get("Location") != "/api/v1/members/"+m.ID || res.header.Get("ETag") != `"1"` {
		t.Fatalf("Location %q, ETag %q", res.header.Get("Location"), res.header.Get("ETag"))
	}

	t.Run("the new member can be read at its Location with its ETag", func(t *testing.T) {
		res := e.do(t, "GET", "/api/v1/members/"+m.ID, admin.Token, nil).want(t, http.StatusOK)
		var got account.Membership
		res.decode(t, &got)
		if got.ID != m.ID || got.Role != aims.RoleContributor || res.header.Get("ETag") != `"1"` {
			t.Fatalf("read back %+v, ETag %s", got, res.header.Get("ETag"))
		}
	})

	t.Run("members are no longer added directly", func(t *testing.T) {
		before := e.counts(t, acme)
		e.send(t, call{method: "POST", path: "/api/v1/members", token: owner.Token,
			body: map[string]any{"email": e.newUser(t).Email, "role": "viewer"}, offContract: true}).wantProblem(t, 404, "not_found", "")
		e.unchanged(t, before)
	})

	t.Run("a role change with the current ETag applies and bumps the ETag", func(t *testing.T) {
		res := e.do(t, "PATCH", "/api/v1/members/"+m.ID, admin.Token, map[string]any{"role": "manager"}, "If-Match", `"1"`).want(t, http.StatusOK)
		var got account.Membership
		res.decode(t, &got)
		if got.Role != aims.RoleManager || got.Version != 2 || res.header.Get("ETag") != `"2"` {
			t.Fatalf("after PATCH %+v, ETag %s", got, res.header.Get("ETag"))
		}
	})

	t.Run("a role change with a stale ETag is 412 and changes nothing", func(t *testing.T) {
		before := e.counts(t, acme)
		e.do(t, "PATCH", "/api/v1/members/"+m.ID, admin.Token, map[string]any{"role": "viewer"}, "If-Match", `"1"`).
			wantProblem(t, 412, "precondition", "")
		e.unchanged(t, before)
		if cur, _ := e.DB.MembershipByID(e.Ctx, acme.ID, m.ID); cur.Role != aims.RoleManager {
			t.Fatalf("role %s after a lost update", cur.Role)
		}
	})

	t.Run("an admin cannot make someone an owner", func(t *testing.T) {
		e.do(t, "PATCH", "/api/v1/members/"+m.ID, admin.Token, map[string]any{"role": "owner"}).wantProblem(t, 403, "forbidden", "role")
	})

	t.Run("an admin cannot demote an owner", func(t *testing.T) {
		e.do(t, "PATCH", "/api/v1/members/"+owner.ID, admin.Token, map[string]any{"role": "viewer"}).wantProblem(t, 403, "forbidden", "role")
	})

	t.Run("an admin cannot remove an owner", func(t *testing.T) {
		before := e.counts(t, acme)
		e.do(t, "DELETE", "/api/v1/members/"+owner.ID, admin.Token, nil).wantProblem(t, 403, "forbidden", "role")
		e.unchanged(t, before)
	})

	t.Run("a role change without a role is 400 on role", func(t *testing.T) {
		e.send(t, call{method: "PATCH", path: "/api/v1/members/" + m.ID, token: admin.Token, body: map[string]any{}, offContract: true}).
			wantProblem(t, 400, "invalid", "role")
	})

	t.Run("a removed member is gone, and so are their tokens", func(t *testing.T) {
		removed := e.member(t, acme, aims.RoleContributor)
		e.do(t, "GET", "/api/v1/me", removed.Token, nil).want(t, http.StatusOK)
		e.do(t, "DELETE", "/api/v1/members/"+removed.ID, admin.Token, nil).want(t, http.StatusNoContent)
		e.do(t, "GET", "/api/v1/members/"+removed.ID, admin.Token, nil).wantProblem(t, 404, "not_found", "")
		e.do(t, "DELETE", "/api/v1/members/"+removed.ID, admin.Token, nil).wantProblem(t, 404, "not_found", "")
		e.do(t, "GET", "/api/v1/me", removed.Token, nil).wantProblem(t, 401, "unauthorized", "")
	})
}

func TestTheLastOwnerStays(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	owner := e.member(t, acme, aims.RoleOwner)

	t.Run("the last owner cannot be removed", func(t *testing.T) {
		before := e.counts(t, acme)
		e.do(t, "DELETE", "/api/v1/members/"+owner.ID, owner.Token, nil).wantProblem(t, 409, "conflict", "role")
		e.unchanged(t, before)
	})
	t.Run("the last owner cannot be demoted", func(t *testing.T) {
		before := e.counts(t, acme)
		e.do(t, "PATCH", "/api/v1/members/"+owner.ID, owner.Token, map[string]any{"role": "admin"}).wantProblem(t, 409, "conflict", "role")
		e.unchanged(t, before)
	})
	t.Run("with a second owner, the first can go", func(t *testing.T) {
		second := e.member(t, acme, aims.RoleOwner)
		e.do(t, "DELETE", "/api/v1/members/"+owner.ID, second.Token, nil).want(t, http.StatusNoContent)
		e.do(t, "DELETE", "/api/v1/members/"+second.ID, second.Token, nil).wantProblem(t, 409, "conflict", "role")
	})
}
