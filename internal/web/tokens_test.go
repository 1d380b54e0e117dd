package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
)

var secretPattern = regexp.MustCompile(`aims_[a-z2-7]{52}`)

func TestTokens(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	dev := newUser(t, f, "dev@example.com", org, aims.RoleContributor)
	b := browserAs(t, f, dev, org)

	var secret string
	t.Run("a contributor creates a token and sees its secret once", func(t *testing.T) {
		p := b.post("/tokens", url.Values{"name": {"CI upload"}, "role": {"viewer"}, "expires": {"30d"}})
		expect(t, p, http.StatusOK, "")
		mustContain(t, p, "Token created", "It will not be shown again")
		secret = secretPattern.FindString(p.Body)
		if secret == "" {
			t.Fatalf("the secret is not on the page")
		}
		list := b.get("/tokens")
		mustContain(t, list, "CI upload", secret[:11]+"…", "viewer", "Active", "dev@example.com")
		if strings.Contains(list.Body, secret) {
			t.Error("the token list shows the secret")
		}
	})
	t.Run("the token works on the API", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, f.Srv.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET /api/v1/me with the new token: %d", res.StatusCode)
		}
	})

	cases := []struct {
		name   string
		form   url.Values
		status int
		field  string
		says   string
	}{
		{"a token needs a name", url.Values{"name": {" "}, "role": {"viewer"}, "expires": {"never"}},
			http.StatusBadRequest, "token-name", "This field is required."},
		{"a token's role may not exceed the creator's", url.Values{"name": {"x"}, "role": {"admin"}, "expires": {"never"}},
			http.StatusForbidden, "token-role", "cannot be higher than your own"},
		{"only the offered lifetimes are accepted", url.Values{"name": {"x"}, "role": {"viewer"}, "expires": {"9999999999d"}},
			http.StatusBadRequest, "token-expires", "Choose one of the offered lifetimes."},
		{"an unknown role is refused", url.Values{"name": {"x"}, "role": {"god"}, "expires": {"never"}},
			http.StatusBadRequest, "token-role", "unknown role"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := b.post("/tokens", c.form)
			expect(t, p, c.status, "")
			mustContain(t, p, c.says)
			if !strings.Contains(p.Body, `aria-describedby="`+c.field+`-error"`) {
				t.Errorf("the error is not tied to the field %s", c.field)
			}
			if secretPattern.MatchString(p.Body) {
				t.Error("a refused form shows a secret")
			}
		})
	}

	ts, _, err := f.DB.ListTokens(f.Ctx, org.ID, pageOf())
	if err != nil || len(ts) != 1 {
		t.Fatalf("want 1 token, got %d (%v)", len(ts), err)
	}
	revoke := "/tokens/" + ts[0].ID + "/revoke"

	t.Run("another contributor may not revoke it", func(t *testing.T) {
		other := browserAs(t, f, newUser(t, f, "other@example.com", org, aims.RoleContributor), org)
		list := other.get("/tokens")
		if strings.Contains(list.Body, revoke) {
			t.Error("another contributor is offered the revoke button")
		}
		p := other.post(revoke, url.Values{"version": {"1"}})
		expect(t, p, http.StatusForbidden, "")
		mustContain(t, p, "Only an administrator can revoke another member's token.")
	})
	t.Run("a stale version is refused", func(t *testing.T) {
		p := b.post(revoke, url.Values{"version": {"7"}})
		expect(t, p, http.StatusPreconditionFailed, "")
		mustContain(t, p, "Someone else changed the token")
	})
	t.Run("its creator revokes it", func(t *testing.T) {
		version := hidden(t, b.get("/tokens").Body, revoke, "version")
		p := b.post(revoke, url.Values{"version": {version}})
		expect(t, p, http.StatusSeeOther, "/tokens")
		p = b.get("/tokens")
		mustContain(t, p, "The token “CI upload” is revoked.", "revoked")
		if strings.Contains(p.Body, revoke) {
			t.Error("a revoked token still has a revoke button")
		}
	})
	t.Run("an auditor sees tokens but no forms", func(t *testing.T) {
		a := browserAs(t, f, newUser(t, f, "auditor@example.com", org, aims.RoleAuditor), org)
		p := a.get("/tokens")
		expect(t, p, http.StatusOK, "")
		mustContain(t, p, "CI upload")
		if strings.Contains(p.Body, `action="/tokens"`) || strings.Contains(p.Body, "/revoke") {
			t.Error("an auditor is offered token forms")
		}
	})
	t.Run("a viewer may not see tokens", func(t *testing.T) {
		v := browserAs(t, f, newUser(t, f, "viewer@example.com", org, aims.RoleViewer), org)
		p := v.get("/tokens")
		expect(t, p, http.StatusForbidden, "")
		mustContain(t, p, "does not allow read on token")
	})
}
