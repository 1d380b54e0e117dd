package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/authn"
)

// sampleBodies are valid request bodies for the routes that take one.
var sampleBodies = map[string]any{
	"PATCH /api/v1/organization": map[string]any{"name": "Sample"},
	"POST /api/v1/members":       map[string]any{"email": "sample@example.com", "role": "viewer"},
	"PATCH /api/v1/members/{id}": map[string]any{"role": "viewer"},
	"POST /api/v1/tokens":        map[string]any{"name": "sample"},
}

// routeCalls returns a well-formed call to every authenticated route, with a made-up id where the route
// takes one.
func routeCalls() map[string]call {
	calls := map[string]call{}
	for _, rt := range (&api.API{}).Routes() {
		if rt.Public {
			continue
		}
		p := rt.Method + " " + rt.Path
		calls[p] = call{method: rt.Method, path: strings.ReplaceAll(rt.Path, "{id}", aims.NewID()), body: sampleBodies[p]}
	}
	return calls
}

func TestEveryRouteRefusesCallersWithoutValidCredentials(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	owner := e.member(t, acme, aims.RoleOwner)
	for _, tc := range []struct {
		name          string
		authorization string
	}{
		{"no credentials", ""},
		{"a malformed Authorization header", "Token " + owner.Token},
		{"a token that does not exist", "Bearer aims_" + strings.Repeat("z", 52)},
	} {
		for p, c := range routeCalls() {
			t.Run(tc.name+"/"+p, func(t *testing.T) {
				if tc.authorization != "" {
					c.header = http.Header{"Authorization": {tc.authorization}}
				}
				before := e.counts(t, acme)
				e.send(t, c).wantProblem(t, 401, "unauthorized", "")
				e.unchanged(t, before)
			})
		}
	}
}

// TestEveryRouteRefusesAFormerMembersSession: a browser session outlives its user's membership, but gets
// 403 on every route.
func TestEveryRouteRefusesAFormerMembersSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	e.member(t, acme, aims.RoleOwner)
	u := e.User(t, "former@example.com", acme, aims.RoleOwner) // with apptest.Password: one argon2 hash
	secret, _, err := e.Accounts.Login(e.Ctx, u.Email, apptest.Password, "192.0.2.1", "")
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.DB.MembershipOf(e.Ctx, acme.ID, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Accounts.RemoveMember(e.Ctx, acme.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	for p, c := range routeCalls() {
		t.Run(p, func(t *testing.T) {
			c.header = http.Header{"Cookie": {authn.CookieName + "=" + secret}}
			before := e.counts(t, acme)
			e.send(t, c).wantProblem(t, 403, "forbidden", "")
			e.unchanged(t, before)
		})
	}
}

// TestEveryJSONBodyIsBoundedAndTyped sends each route that takes a body one that is too large, one that
// is not JSON, and one that is broken JSON.
func TestEveryJSONBodyIsBoundedAndTyped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	owner := e.member(t, acme, aims.RoleOwner)
	victim := e.member(t, acme, aims.RoleViewer)
	big := `{"name":"` + strings.Repeat("a", api.MaxBodyBytes) + `"}`
	for p := range sampleBodies {
		method, path, _ := strings.Cut(p, " ")
		path = strings.ReplaceAll(path, "{id}", victim.ID)
		for _, tc := range []struct {
			name        string
			body        string
			contentType string
			status      int
			code        string
		}{
			{"a body over 1 MiB is 413", big, "application/json", 413, "too_large"},
			{"a body that is not JSON is 415", "role=owner", "application/x-www-form-urlencoded", 415, "media_type"},
			{"a JSON body sent as text/plain is 415", `{"role":"owner"}`, "text/plain", 415, "media_type"},
			{"broken JSON is 400", `{"role":`, "application/json", 400, "invalid"},
		} {
			t.Run(p+"/"+tc.name, func(t *testing.T) {
				before := e.counts(t, acme)
				e.send(t, call{method: method, path: path, token: owner.Token, body: tc.body,
					header: http.Header{"Content-Type": {tc.contentType}}, offContract: true}).wantProblem(t, tc.status, tc.code, "")
				e.unchanged(t, before)
			})
		}
	}
}
