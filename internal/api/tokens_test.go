package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

type createdToken struct {
	Token  account.Token `json:"token"`
	Secret string        `json:"secret"`
}

type tokenList struct {
	Items      []account.Token `json:"items"`
	NextCursor string          `json:"next_cursor"`
}

func TestTokensAreCreatedListedReadAndRevoked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	admin := e.member(t, acme, aims.RoleAdmin)
	contributor := e.member(t, acme, aims.RoleContributor)

	res := e.do(t, "POST", "/api/v1/tokens", contributor.Token, map[string]any{"name": " ci pipeline ", "role": "viewer", "expires_in": "90d"}).
		want(t, http.StatusCreated)
	var created createdToken
	res.decode(t, &created)
	tok := created.Token
	if tok.Name != "ci pipeline" || tok.Role != aims.RoleViewer || tok.UserID != contributor.User.ID || tok.RevokedAt != nil || tok.ExpiresAt == nil {
		t.Fatalf("created %+v", tok)
	}
	if d := tok.ExpiresAt.Sub(tok.CreatedAt); d < 90*24*time.Hour-time.Second || d > 90*24*time.Hour {
		t.Fatalf("expires %v after creation, want 90 days", d)
	}
	if !strings.HasPrefix(created.Secret, tok.Prefix) || res.header.Get("Location") != "/api/v1/tokens/"+tok.ID || res.header.Get("ETag") != `"1"` {
		t.Fatalf("secret %q, prefix %q, Location %q, ETag %q", created.Secret, tok.Prefix, res.header.Get("Location"), res.header.Get("ETag"))
	}

	t.Run("the secret authenticates as the token's role", func(t *testing.T) {
		var me struct {
			ActorID string `json:"actor_id"`
			Role    string `json:"role"`
		}
		e.do(t, "GET", "/api/v1/me", created.Secret, nil).want(t, http.StatusOK).decode(t, &me)
		if me.ActorID != tok.ID || me.Role != "viewer" {
			t.Fatalf("me = %+v", me)
		}
	})

	t.Run("the secret is shown once: never when reading or listing", func(t *testing.T) {
		one := e.do(t, "GET", "/api/v1/tokens/"+tok.ID, admin.Token, nil).want(t, http.StatusOK)
		list := e.do(t, "GET", "/api/v1/tokens", admin.Token, nil).want(t, http.StatusOK)
		for _, body := range [][]byte{one.body, list.body} {
			if strings.Contains(string(body), created.Secret) || strings.Contains(string(body), account.HashSecret(created.Secret)) {
				t.Fatalf("a token read shows its secret or its hash: %s", body)
			}
		}
		var got account.Token
		one.decode(t, &got)
		if got.ID != tok.ID || got.LastUsedAt == nil || one.header.Get("ETag") != `"1"` {
			t.Fatalf("read back %+v (last used should be set by the request above)", got)
		}
	})

	t.Run("tokens are listed newest first, in pages", func(t *testing.T) {
		var ids []string
		cursor := ""
		for range 10 {
			path := "/api/v1/tokens?limit=2"
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			var page tokenList
			e.do(t, "GET", path, contributor.Token, nil).want(t, http.StatusOK).decode(t, &page)
			for _, tk := range page.Items {
				ids = append(ids, tk.ID)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		// The admin's seeded token, the contributor's seeded token, then the one created over the API.
		if len(ids) != 3 || ids[0] != tok.ID {
			t.Fatalf("listed %v, want 3 tokens starting with %s", ids, tok.ID)
		}
	})

	t.Run("a token's role cannot be higher than its creator's", func(t *testing.T) {
		before := e.counts(t, acme)
		e.do(t, "POST", "/api/v1/tokens", contributor.Token, map[string]any{"name": "escalate", "role": "admin"}).
			wantProblem(t, 403, "forbidden", "role")
		e.unchanged(t, before)
	})

	t.Run("a token cannot make a token of a higher role than its own", func(t *testing.T) {
		e.do(t, "POST", "/api/v1/tokens", created.Secret, map[string]any{"name": "escalate"}).wantProblem(t, 403, "forbidden", "")
		low, _ := e.token(t, admin, aims.RoleContributor, 0)
		e.do(t, "POST", "/api/v1/tokens", low, map[string]any{"name": "escalate", "role": "admin"}).wantProblem(t, 403, "forbidden", "role")
	})

	t.Run("without a role the token gets its creator's", func(t *testing.T) {
		var c createdToken
		e.do(t, "POST", "/api/v1/tokens", contributor.Token, map[string]any{"name": "mine"}).want(t, http.StatusCreated).decode(t, &c)
		if c.Token.Role != aims.RoleContributor || c.Token.ExpiresAt != nil {
			t.Fatalf("created %+v", c.Token)
		}
	})

	for _, tc := range []struct {
		name  string
		body  any
		field string
	}{
		{"a token needs a name", map[string]any{"role": "viewer"}, "name"},
		{"a blank name is 400 on name", map[string]any{"name": "  "}, "name"},
		{"a name over 100 characters is 400 on name", map[string]any{"name": strings.Repeat("x", 101)}, "name"},
		{"an unknown role is 400 on role", map[string]any{"name": "x", "role": "root"}, "role"},
		{"a lifetime without a unit is 400 on expires_in", map[string]any{"name": "x", "expires_in": "90"}, "expires_in"},
		{"a lifetime over ten years is 400 on expires_in", map[string]any{"name": "x", "expires_in": "3651d"}, "expires_in"},
		{"a negative lifetime is 400 on expires_in", map[string]any{"name": "x", "expires_in": "-1h"}, "expires_in"},
		{"a lifetime that overflows is 400 on expires_in", map[string]any{"name": "x", "expires_in": "9223372036854775807h"}, "expires_in"},
		{"a lifetime that wraps around to a negative one is 400 on expires_in", map[string]any{"name": "x", "expires_in": "2562048h"}, "expires_in"},
		{"a lifetime that wraps around to a short one is 400 on expires_in", map[string]any{"name": "x", "expires_in": "5124096h"}, "expires_in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.counts(t, acme)
			off := tc.name != "a lifetime over ten years is 400 on expires_in"
			e.send(t, call{method: "POST", path: "/api/v1/tokens", token: contributor.Token, body: tc.body, offContract: off}).
				wantProblem(t, 400, "invalid", tc.field)
			e.unchanged(t, before)
		})
	}

	t.Run("a non-admin cannot revoke another member's token", func(t *testing.T) {
		_, adminTok := e.token(t, admin, aims.RoleAdmin, 0)
		before := e.counts(t, acme)
		e.do(t, "DELETE", "/api/v1/tokens/"+adminTok.ID, contributor.Token, nil).wantProblem(t, 403, "forbidden", "")
		e.unchanged(t, before)
		if cur, _ := e.DB.TokenByID(e.Ctx, acme.ID, adminTok.ID); cur.RevokedAt != nil {
			t.Fatal("the admin's token was revoked by a contributor")
		}
	})

	t.Run("a revoke with a stale ETag is 412", func(t *testing.T) {
		e.do(t, "DELETE", "/api/v1/tokens/"+tok.ID, contributor.Token, nil, "If-Match", `"7"`).wantProblem(t, 412, "precondition", "")
		e.do(t, "GET", "/api/v1/me", created.Secret, nil).want(t, http.StatusOK)
	})

	t.Run("a revoked token is 401 and cannot be revoked again", func(t *testing.T) {
		e.do(t, "DELETE", "/api/v1/tokens/"+tok.ID, contributor.Token, nil, "If-Match", `"1"`).want(t, http.StatusNoContent)
		e.do(t, "GET", "/api/v1/me", created.Secret, nil).wantProblem(t, 401, "unauthorized", "")
		var got account.Token
		e.do(t, "GET", "/api/v1/tokens/"+tok.ID, admin.Token, nil).want(t, http.StatusOK).decode(t, &got)
		if got.RevokedAt == nil || got.Version != 2 {
			t.Fatalf("after revoke %+v", got)
		}
		e.do(t, "DELETE", "/api/v1/tokens/"+tok.ID, contributor.Token, nil).wantProblem(t, 409, "conflict", "")
	})

	t.Run("an admin can revoke anyone's token", func(t *testing.T) {
		secret, other := e.token(t, contributor, aims.RoleContributor, 0)
		e.do(t, "DELETE", "/api/v1/tokens/"+other.ID, admin.Token, nil).want(t, http.StatusNoContent)
		e.do(t, "GET", "/api/v1/me", secret, nil).wantProblem(t, 401, "unauthorized", "")
	})

	t.Run("a token can revoke itself", func(t *testing.T) {
		secret, self := e.token(t, contributor, aims.RoleContributor, 0)
		e.do(t, "DELETE", "/api/v1/tokens/"+self.ID, secret, nil).want(t, http.StatusNoContent)
		e.do(t, "GET", "/api/v1/me", secret, nil).wantProblem(t, 401, "unauthorized", "")
	})
}

func TestExpiredTokensAreRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	m := e.member(t, acme, aims.RoleContributor)

	var c createdToken
	e.do(t, "POST", "/api/v1/tokens", m.Token, map[string]any{"name": "short", "expires_in": "1h"}).want(t, http.StatusCreated).decode(t, &c)
	e.do(t, "GET", "/api/v1/me", c.Secret, nil).want(t, http.StatusOK)

	e.clock.Advance(59 * time.Minute)
	e.do(t, "GET", "/api/v1/me", c.Secret, nil).want(t, http.StatusOK)

	e.clock.Advance(time.Minute)
	e.do(t, "GET", "/api/v1/me", c.Secret, nil).wantProblem(t, 401, "unauthorized", "")
	e.do(t, "GET", "/api/v1/organization", c.Secret, nil).wantProblem(t, 401, "unauthorized", "")
	before := e.counts(t, acme)
	e.do(t, "POST", "/api/v1/tokens", c.Secret, map[string]any{"name": "renew"}).wantProblem(t, 401, "unauthorized", "")
	e.unchanged(t, before)

	// The token that never expires still works.
	e.clock.Advance(10 * 365 * 24 * time.Hour)
	e.do(t, "GET", "/api/v1/me", m.Token, nil).want(t, http.StatusOK)
}
