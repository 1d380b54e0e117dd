package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/api"
)

// TestBadInputIsRefusedAndChangesNothing sends requests that are wrong in every way a client can get one
// wrong. Each gets a problem with a stable type, status, code and field, and leaves every record as it was.
func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	other := e.org(t, "other")
	owner := e.member(t, acme, aims.RoleOwner)
	admin := e.member(t, acme, aims.RoleAdmin)
	viewer := e.member(t, acme, aims.RoleViewer)
	stranger := e.member(t, other, aims.RoleOwner)
	_, strangerTok := e.token(t, stranger, aims.RoleViewer, 0)
	revokedSecret, revoked := e.token(t, admin, aims.RoleAdmin, 0)
	if _, err := e.DB.RevokeToken(e.Ctx, acme.ID, revoked.ID, 0); err != nil {
		t.Fatal(err)
	}
	newcomer := e.newUser(t)
	big := `{"name":"` + strings.Repeat("a", api.MaxBodyBytes) + `"}`
	srvURL := e.Srv.URL

	type tc struct {
		name   string
		call   call
		status int
		code   string
		field  string
	}
	patchOrg := func(body any, header ...string) call {
		h := http.Header{}
		for i := 0; i+1 < len(header); i += 2 {
			h.Set(header[i], header[i+1])
		}
		return call{method: "PATCH", path: "/api/v1/organization", token: admin.Token, body: body, header: h}
	}
	off := func(c call) call { c.offContract = true; return c }
	unseen := func(c call) call { c.offContract, c.kinMisses = true, true; return c }
	withHeader := func(c call, kv ...string) call {
		h := c.header.Clone()
		if h == nil {
			h = http.Header{}
		}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		c.header = h
		return c
	}
	addMember := call{method: "POST", path: "/api/v1/invitations", token: admin.Token, body: map[string]any{"email": newcomer.Email, "role": "viewer"}}
	removeViewer := call{method: "DELETE", path: "/api/v1/members/" + viewer.ID, token: admin.Token}
	get := func(path, token string) call { return call{method: "GET", path: path, token: token} }

	cases := []tc{
		// Bodies.
		{"malformed JSON is 400", off(patchOrg(`{"name": "x"`)), 400, "invalid", ""},
		{"JSON that is not an object is 400", off(patchOrg(`["name"]`)), 400, "invalid", ""},
		{"an empty body is 400", off(patchOrg(``)), 400, "invalid", ""},
		{"two JSON values are 400", unseen(patchOrg(`{"name":"x"} {"name":"y"}`)), 400, "invalid", ""},
		{"trailing garbage is 400", unseen(patchOrg(`{"name":"x"} ]`)), 400, "invalid", ""},
		{"a wrong type is 400 naming the field", off(patchOrg(`{"name": 12}`)), 400, "invalid", "name"},
		{"a wrong type in a nested position is 400 naming the field", off(patchOrg(`{"require_totp": {"a": 1}}`)), 400, "invalid", "require_totp"},
		{"an unknown field is 400 naming it", off(patchOrg(`{"name":"x","colour":"red"}`)), 400, "invalid", "colour"},
		{"a field in the wrong case is 400 naming it", off(patchOrg(`{"Name":"x"}`)), 400, "invalid", "Name"},
		{"a field in upper case is 400 naming it", off(patchOrg(`{"require_totp":true,"REQUIRE_TOTP":false}`)), 400, "invalid", "REQUIRE_TOTP"},
		{"a repeated field is 400 naming it", unseen(patchOrg(`{"name":"x","name":"y"}`)), 400, "invalid", "name"},
		{"a body over 1 MiB is 413", off(patchOrg(big)), 413, "too_large", ""},
		{"invalid UTF-8 is 400, never stored altered", unseen(patchOrg("{\"name\":\"Acme \xff\"}")), 400, "invalid", ""},
		{"a lone high surrogate is 400 naming the field, never stored altered", unseen(patchOrg(`{"name":"Acme \ud800"}`)), 400, "invalid", "name"},
		{"a lone low surrogate is 400 naming the field, never stored altered", unseen(patchOrg(`{"name":"\udc00 Acme"}`)), 400, "invalid", "name"},
		{"a weak ETag in If-Match is 412", patchOrg(`{"name":"x"}`, "If-Match", `W/"1"`), 412, "precondition", ""},
		{"a body that is not JSON is 415", off(patchOrg("name=x", "Content-Type", "application/x-www-form-urlencoded")), 415, "media_type", ""},
		{"text/plain is 415", off(patchOrg(`{"name":"x"}`, "Content-Type", "text/plain")), 415, "media_type", ""},
		{"a body without Content-Type is 415", off(patchOrg(`{"name":"x"}`, "Content-Type", "")), 415, "media_type", ""},
		{"a malformed Content-Type is 415", patchOrg(`{"name":"x"}`, "Content-Type", "application/json; charset"), 415, "media_type", ""},
		{"a wrong type when inviting a member is 400 naming the field", off(call{method: "POST", path: "/api/v1/invitations", token: admin.Token,
			body: `{"email": ["a@example.com"], "role": "viewer"}`}), 400, "invalid", "email"},
		{"an unknown field when creating a token is 400 naming it", off(call{method: "POST", path: "/api/v1/tokens", token: admin.Token,
			body: `{"name": "x", "scopes": ["all"]}`}), 400, "invalid", "scopes"},

		// Ids.
		{"an id of the wrong shape is 404", off(get("/api/v1/members/nope", admin.Token)), 404, "not_found", ""},
		{"an id with a letter outside the alphabet is 404", off(get("/api/v1/members/"+strings.Repeat("u", 26), admin.Token)), 404, "not_found", ""},
		{"an upper-case id is 404", off(get("/api/v1/tokens/"+strings.ToUpper(revoked.ID), admin.Token)), 404, "not_found", ""},
		{"a well-formed id of nothing is 404", get("/api/v1/members/"+aims.NewID(), admin.Token), 404, "not_found", ""},
		{"a member of another organization is 404", get("/api/v1/members/"+stranger.ID, admin.Token), 404, "not_found", ""},
		{"a token of another organization is 404", get("/api/v1/tokens/"+strangerTok.ID, admin.Token), 404, "not_found", ""},
		{"changing a member of another organization is 404", call{method: "PATCH", path: "/api/v1/members/" + stranger.ID, token: owner.Token,
			body: map[string]any{"role": "viewer"}}, 404, "not_found", ""},
		{"removing a member of another organization is 404", call{method: "DELETE", path: "/api/v1/members/" + stranger.ID, token: owner.Token}, 404, "not_found", ""},
		{"revoking a token of another organization is 404", call{method: "DELETE", path: "/api/v1/tokens/" + strangerTok.ID, token: owner.Token}, 404, "not_found", ""},
		{"removing a member with a malformed id is 404", off(call{method: "DELETE", path: "/api/v1/members/" + viewer.ID + "x", token: admin.Token}), 404, "not_found", ""},

		// Credentials.
		{"no credentials are 401", get("/api/v1/organization", ""), 401, "unauthorized", ""},
		{"a revoked token is 401", get("/api/v1/organization", revokedSecret), 401, "unauthorized", ""},
		{"a token that was never issued is 401", get("/api/v1/organization", "aims_"+strings.Repeat("a", 52)), 401, "unauthorized", ""},
		{"a token of the wrong shape is 401", get("/api/v1/organization", "aims_short"), 401, "unauthorized", ""},
		{"an Authorization header without a scheme is 401", withHeader(get("/api/v1/organization", ""), "Authorization", admin.Token), 401, "unauthorized", ""},
		{"a Basic Authorization header is 401", withHeader(get("/api/v1/organization", ""), "Authorization", "Basic YWRtaW46YWRtaW4="), 401, "unauthorized", ""},
		{"a Bearer scheme without a token is 401", withHeader(get("/api/v1/organization", ""), "Authorization", "Bearer"), 401, "unauthorized", ""},
		{"a Bearer scheme with an empty token is 401", withHeader(get("/api/v1/organization", ""), "Authorization", "Bearer "), 401, "unauthorized", ""},
		{"a token with a trailing character is 401", withHeader(get("/api/v1/organization", ""), "Authorization", "Bearer "+admin.Token+"x"), 401, "unauthorized", ""},
		{"a session secret as a bearer token is 401", withHeader(get("/api/v1/organization", ""), "Authorization", "Bearer "+strings.TrimPrefix(admin.Token, "aims_")), 401, "unauthorized", ""},
		{"a changing request without credentials is 401", call{method: "PATCH", path: "/api/v1/organization", body: map[string]any{"name": "x"}}, 401, "unauthorized", ""},

		// Cross-origin requests that change data.
		{"a cross-site PATCH is 403", withHeader(patchOrg(map[string]any{"name": "Evil"}), "Sec-Fetch-Site", "cross-site"), 403, "forbidden", ""},
		{"a same-site (but not same-origin) POST is 403", withHeader(addMember, "Sec-Fetch-Site", "same-site"), 403, "forbidden", ""},
		{"a cross-site DELETE is 403", withHeader(removeViewer, "Sec-Fetch-Site", "cross-site"), 403, "forbidden", ""},
		{"a POST from a foreign Origin is 403", withHeader(addMember, "Origin", "https://evil.example"), 403, "forbidden", ""},
		{"a PATCH from a foreign Origin is 403", withHeader(patchOrg(map[string]any{"name": "Evil"}), "Origin", "https://evil.example"), 403, "forbidden", ""},
		{"a DELETE from a foreign Origin is 403", withHeader(removeViewer, "Origin", "http://evil.example"), 403, "forbidden", ""},
		{"a cross-site DELETE of a token is 403", withHeader(call{method: "DELETE", path: "/api/v1/tokens/" + revoked.ID, token: admin.Token},
			"Sec-Fetch-Site", "cross-site"), 403, "forbidden", ""},

		// Paging.
		{"a limit of 0 is 400 on limit", off(get("/api/v1/members?limit=0", viewer.Token)), 400, "invalid", "limit"},
		{"a limit over 500 is 400 on limit", off(get("/api/v1/members?limit=501", viewer.Token)), 400, "invalid", "limit"},
		{"a limit that is not a number is 400 on limit", off(get("/api/v1/tokens?limit=ten", admin.Token)), 400, "invalid", "limit"},
		{"a negative limit is 400 on limit", off(get("/api/v1/activity?limit=-1", admin.Token)), 400, "invalid", "limit"},
		{"a cursor that is not base64 is 400 on cursor", off(get("/api/v1/members?cursor=!!", viewer.Token)), 400, "invalid", "cursor"},
		{"a cursor of tokens that is not base64 is 400 on cursor", off(get("/api/v1/tokens?cursor=*", admin.Token)), 400, "invalid", "cursor"},
		{"an activity cursor that is not a position is 400 on cursor", get("/api/v1/activity?cursor=Zm9v", admin.Token), 400, "invalid", "cursor"},
		{"a cursor that is too long is 400 on cursor", off(get("/api/v1/members?cursor="+strings.Repeat("QUFB", 30), viewer.Token)), 400, "invalid", "cursor"},
	}
	// The same-origin request the browser makes is allowed: the check is not simply "any Origin".
	sameOrigin := withHeader(patchOrg(map[string]any{"name": "Same origin"}), "Origin", srvURL, "Sec-Fetch-Site", "same-origin")

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.counts(t, acme, other)
			memberBefore, _ := e.DB.MembershipByID(e.Ctx, acme.ID, viewer.ID)
			orgBefore, _ := e.DB.OrganizationByID(e.Ctx, acme.ID)
			res := e.send(t, c.call)
			res.wantProblem(t, c.status, c.code, c.field)
			e.unchanged(t, before)
			if m, err := e.DB.MembershipByID(e.Ctx, acme.ID, viewer.ID); err != nil || m.Version != memberBefore.Version {
				t.Fatalf("the viewer's membership changed: %+v, %v", m, err)
			}
			if o, _ := e.DB.OrganizationByID(e.Ctx, acme.ID); o.Version != orgBefore.Version || o.Name != orgBefore.Name {
				t.Fatalf("the organization changed: %+v", o)
			}
			if _, err := e.DB.MembershipOf(e.Ctx, acme.ID, newcomer.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
				t.Fatalf("the newcomer was added: %v", err)
			}
		})
	}
	t.Run("a same-origin PATCH from a browser is allowed", func(t *testing.T) {
		e.send(t, sameOrigin).want(t, http.StatusOK)
	})
	t.Run("a whole surrogate pair is a character and is stored as one", func(t *testing.T) {
		e.send(t, patchOrg(`{"name":"Acme \ud83d\ude00"}`)).want(t, http.StatusOK)
		if o, _ := e.DB.OrganizationByID(e.Ctx, acme.ID); o.Name != "Acme 😀" {
			t.Fatalf("the organization is named %q", o.Name)
		}
	})
}

func TestUnknownAPIPathsAreJSON404(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	admin := e.member(t, acme, aims.RoleAdmin)
	for _, c := range []call{
		{method: "GET", path: "/api/v1/nothing", token: admin.Token, offContract: true},
		{method: "GET", path: "/api/v2/organization", token: admin.Token, offContract: true},
		{method: "PUT", path: "/api/v1/organization", token: admin.Token, body: map[string]any{"name": "x"}, offContract: true},
		{method: "POST", path: "/api/v1/activity", token: admin.Token, body: map[string]any{}, offContract: true},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			before := e.counts(t, acme)
			e.send(t, c).wantProblem(t, 404, "not_found", "")
			e.unchanged(t, before)
		})
	}
}
