package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/authn"
)

func TestMeTellsTheCallerWhoItIs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	m := e.member(t, acme, aims.RoleContributor)

	t.Run("a token acts as a token of its creator, in its organization, with its role", func(t *testing.T) {
		var me struct {
			ActorKind    string `json:"actor_kind"`
			UserID       string `json:"user_id"`
			Role         string `json:"role"`
			Organization struct{ ID, Slug string }
		}
		e.do(t, "GET", "/api/v1/me", m.Token, nil).want(t, http.StatusOK).decode(t, &me)
		if me.ActorKind != "token" || me.UserID != m.User.ID || me.Role != "contributor" || me.Organization.ID != acme.ID || me.Organization.Slug != "acme" {
			t.Fatalf("me = %+v", me)
		}
	})

	t.Run("a token with a lower role than its creator acts with the token's role", func(t *testing.T) {
		low, _ := e.token(t, m, aims.RoleViewer, 0)
		var me struct{ Role string }
		e.do(t, "GET", "/api/v1/me", low, nil).want(t, http.StatusOK).decode(t, &me)
		if me.Role != "viewer" {
			t.Fatalf("role %q, want viewer", me.Role)
		}
	})

	t.Run("a token acts with no more than its creator's current role", func(t *testing.T) {
		admin := e.member(t, acme, aims.RoleAdmin)
		if _, err := e.Accounts.ChangeRole(e.Ctx, acme.ID, admin.ID, aims.RoleViewer, 0); err != nil {
			t.Fatal(err)
		}
		var me struct{ Role string }
		e.do(t, "GET", "/api/v1/me", admin.Token, nil).want(t, http.StatusOK).decode(t, &me)
		if me.Role != "viewer" {
			t.Fatalf("role %q after the creator was demoted to viewer, want viewer", me.Role)
		}
		e.do(t, "PATCH", "/api/v1/organization", admin.Token, map[string]any{"name": "Demoted"}).wantProblem(t, 403, "forbidden", "")
	})
}

// TestSessionCookies covers the API used from a browser session: the cookie authenticates when there is no
// Authorization header, and a session whose user has left the organization is refused.
func TestSessionCookies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	u := e.User(t, "ada@example.com", acme, aims.RoleAdmin) // with apptest.Password: one argon2 hash
	secret, _, err := e.Accounts.Login(e.Ctx, "ada@example.com", apptest.Password, "192.0.2.1", "")
	if err != nil {
		t.Fatal(err)
	}
	cookie := authn.CookieName + "=" + secret
	idle, _, err := e.Accounts.Login(e.Ctx, "ada@example.com", apptest.Password, "192.0.2.1", "")
	if err != nil {
		t.Fatal(err)
	}

	var me struct {
		ActorKind string `json:"actor_kind"`
		UserID    string `json:"user_id"`
		Role      string `json:"role"`
	}
	e.do(t, "GET", "/api/v1/me", "", nil, "Cookie", cookie).want(t, http.StatusOK).decode(t, &me)
	if me.ActorKind != "user" || me.UserID != u.ID || me.Role != "admin" {
		t.Fatalf("me = %+v", me)
	}

	t.Run("a bearer header wins over the cookie, even when it is not valid", func(t *testing.T) {
		e.do(t, "GET", "/api/v1/me", "", nil, "Cookie", cookie, "Authorization", "Bearer nope").wantProblem(t, 401, "unauthorized", "")
	})
	t.Run("a session cookie of the wrong shape is 401", func(t *testing.T) {
		e.do(t, "GET", "/api/v1/me", "", nil, "Cookie", authn.CookieName+"=abc").wantProblem(t, 401, "unauthorized", "")
	})
	t.Run("a cross-site PATCH with a valid session is 403 and changes nothing", func(t *testing.T) {
		before := e.counts(t, acme)
		e.do(t, "PATCH", "/api/v1/organization", "", map[string]any{"name": "Hijacked"}, "Cookie", cookie,
			"Sec-Fetch-Site", "cross-site").wantProblem(t, 403, "forbidden", "")
		e.unchanged(t, before)
	})
	t.Run("an idle session expires", func(t *testing.T) {
		e.do(t, "GET", "/api/v1/me", "", nil, "Cookie", authn.CookieName+"="+idle).want(t, http.StatusOK)
		e.clock.Advance(e.Accounts.SessionIdle + time.Minute)
		e.do(t, "GET", "/api/v1/me", "", nil, "Cookie", authn.CookieName+"="+idle).wantProblem(t, 401, "unauthorized", "")
		e.clock.Advance(-e.Accounts.SessionIdle - time.Minute)
	})
	t.Run("a session whose user left the organization is 403", func(t *testing.T) {
		owner := e.member(t, acme, aims.RoleOwner)
		m, err := e.DB.MembershipOf(e.Ctx, acme.ID, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		e.do(t, "DELETE", "/api/v1/members/"+m.ID, owner.Token, nil).want(t, http.StatusNoContent)
		e.do(t, "GET", "/api/v1/me", "", nil, "Cookie", cookie).wantProblem(t, 403, "forbidden", "")
		e.do(t, "GET", "/api/v1/organization", "", nil, "Cookie", cookie).wantProblem(t, 403, "forbidden", "")
	})
}

func TestOrganizationReadAndChangeWithETags(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	admin := e.member(t, acme, aims.RoleAdmin)

	read := func(t *testing.T) (*account.Organization, string) {
		t.Helper()
		res := e.do(t, "GET", "/api/v1/organization", admin.Token, nil).want(t, http.StatusOK)
		var o account.Organization
		res.decode(t, &o)
		return &o, res.header.Get("ETag")
	}

	o, tag := read(t)
	if o.ID != acme.ID || o.Slug != "acme" || o.Name != "Organization acme" || o.RequireTOTP {
		t.Fatalf("organization %+v", o)
	}
	if tag != `"1"` || o.Version != 1 {
		t.Fatalf("ETag %s, version %d; want \"1\" and 1", tag, o.Version)
	}

	t.Run("PATCH with the current ETag changes the named fields and returns the next ETag", func(t *testing.T) {
		res := e.do(t, "PATCH", "/api/v1/organization", admin.Token, map[string]any{"name": "  Acme Ltd  "}, "If-Match", tag).want(t, http.StatusOK)
		var got account.Organization
		res.decode(t, &got)
		if got.Name != "Acme Ltd" || got.Version != 2 || res.header.Get("ETag") != `"2"` || got.RequireTOTP {
			t.Fatalf("after PATCH: %+v, ETag %s", got, res.header.Get("ETag"))
		}
		if got.UpdatedAt.Before(o.UpdatedAt) {
			t.Fatalf("updated_at went back: %v -> %v", o.UpdatedAt, got.UpdatedAt)
		}
	})

	t.Run("PATCH with a stale ETag is 412 and changes nothing", func(t *testing.T) {
		before := e.counts(t, acme)
		e.do(t, "PATCH", "/api/v1/organization", admin.Token, map[string]any{"name": "Lost update"}, "If-Match", `"1"`).
			wantProblem(t, http.StatusPreconditionFailed, "precondition", "")
		e.unchanged(t, before)
		if o, _ := read(t); o.Name != "Acme Ltd" {
			t.Fatalf("name %q after a lost update", o.Name)
		}
	})

	t.Run("PATCH of one field leaves the others alone", func(t *testing.T) {
		e.do(t, "PATCH", "/api/v1/organization", admin.Token, map[string]any{"require_totp": true}, "If-Match", `"2"`).want(t, http.StatusOK)
		if o, tag := read(t); !o.RequireTOTP || o.Name != "Acme Ltd" || tag != `"3"` {
			t.Fatalf("after require_totp: %+v, %s", o, tag)
		}
	})

	t.Run("PATCH with If-Match * or none applies whatever the version", func(t *testing.T) {
		e.do(t, "PATCH", "/api/v1/organization", admin.Token, map[string]any{"require_totp": false}, "If-Match", "*").want(t, http.StatusOK)
		e.do(t, "PATCH", "/api/v1/organization", admin.Token, map[string]any{"name": "Acme"}).want(t, http.StatusOK)
		if o, tag := read(t); o.RequireTOTP || o.Name != "Acme" || tag != `"5"` {
			t.Fatalf("after two unconditional PATCHes: %+v, %s", o, tag)
		}
	})

	t.Run("PATCH with an empty object changes nothing but the version", func(t *testing.T) {
		e.do(t, "PATCH", "/api/v1/organization", admin.Token, map[string]any{}).want(t, http.StatusOK)
		if o, _ := read(t); o.Name != "Acme" || o.Version != 6 {
			t.Fatalf("after an empty PATCH: %+v", o)
		}
	})

	for _, tc := range []struct {
		name, ifMatch string
	}{
		{"an If-Match that is not an ETag is 412", "2"},
		{"an If-Match with a list of ETags is 412", `"5", "6"`},
		{"an If-Match of version zero is 412", `"0"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.counts(t, acme)
			e.send(t, call{method: "PATCH", path: "/api/v1/organization", token: admin.Token, body: map[string]any{"name": "X"},
				header: http.Header{"If-Match": {tc.ifMatch}}, offContract: true}).wantProblem(t, http.StatusPreconditionFailed, "precondition", "")
			e.unchanged(t, before)
		})
	}

	for _, tc := range []struct {
		name  string
		body  any
		field string
	}{
		{"a blank name is 400 on name", map[string]any{"name": "   "}, "name"},
		{"a name over 200 characters is 400 on name", map[string]any{"name": strings.Repeat("é", 201)}, "name"},
		{"a name that is not a string is 400 on name", map[string]any{"name": 7}, "name"},
		{"require_totp that is not a boolean is 400 on require_totp", map[string]any{"require_totp": "yes"}, "require_totp"},
		{"the slug cannot be changed", map[string]any{"slug": "other"}, "slug"},
		{"the version cannot be set", map[string]any{"version": 99}, "version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.counts(t, acme)
			e.send(t, call{method: "PATCH", path: "/api/v1/organization", token: admin.Token, body: tc.body, offContract: true}).
				wantProblem(t, http.StatusBadRequest, "invalid", tc.field)
			e.unchanged(t, before)
		})
	}
}
