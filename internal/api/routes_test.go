package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/authn"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/surface"
)

// sampleBodies are valid request bodies for the routes that take one.
var sampleBodies = map[string]any{
	"PATCH /api/v1/organization":      map[string]any{"name": "Sample"},
	"POST /api/v1/invitations":        map[string]any{"email": "sample@example.com", "role": "viewer"},
	"POST /api/v1/invitations/accept": map[string]any{"token": account.InvitationPrefix + strings.Repeat("a", 52)},
	"PATCH /api/v1/members/{id}":      map[string]any{"role": "viewer"},
	"POST /api/v1/tokens":             map[string]any{"name": "sample"},

	"PUT /api/v1/context/ai-roles":                            map[string]any{"ai_roles": []string{"ai_provider"}, "eu_roles": []string{}, "eu_dates": "published"},
	"PUT /api/v1/controls/{framework}/{ref}":                  map[string]any{"applicability": "applicable", "justification": "Sample.", "status": "planned"},
	"POST /api/v1/controls/{framework}/{ref}/links":           map[string]any{"kind": "document", "title": "Sample"},
	"POST /api/v1/soa/controls":                               map[string]any{"framework": "iso27001-2022", "ref": "A.5.1"},
	"POST /api/v1/soa/versions":                               map[string]any{"note": "Sample."},
	"POST /api/v1/systems":                                    map[string]any{"name": "Sample", "purpose": "Sample."},
	"PATCH /api/v1/systems/{id}":                              map[string]any{"stage": "deployment", "reason": "Sample."},
	"POST /api/v1/components":                                 map[string]any{"kind": "model", "name": "Sample"},
	"PATCH /api/v1/components/{id}":                           map[string]any{"supplier": "Sample"},
	"PUT /api/v1/systems/{id}/components/{componentID}":       map[string]any{"role": "Sample"},
	"PUT /api/v1/systems/{id}/classification":                 map[string]any{"answers": map[string]string{"scope_military": "yes"}},
	"POST /api/v1/comments":                                   map[string]any{"record": "system:" + aims.NewID(), "body": "Where is the bias test?"},
	"PATCH /api/v1/comments/{id}":                             map[string]any{"resolved": true},
	"POST /api/v1/risks":                                      map[string]any{"title": "Drift", "source": "C.3.6"},
	"PATCH /api/v1/risks/{id}":                                map[string]any{"status": "closed"},
	"POST /api/v1/risks/{id}/acceptance":                      map[string]any{"note": "Accepted."},
	"POST /api/v1/systems/{id}/impact-assessments":            map[string]any{"scope": "Sample."},
	"POST /api/v1/gate-policy/versions":                       map[string]any{"stages": []map[string]any{{"stage": "deployment", "require": []string{"risks"}}}, "based_on": 0},
	"PUT /api/v1/systems/{id}/evaluation-criteria":            map[string]any{"rules": []map[string]any{{"tool": "garak", "measure": "failure_rate", "op": "<=", "threshold": 0.01}}},
	"PATCH /api/v1/systems/{id}/impact-assessments/{version}": map[string]any{"scope": "Sample."},
	"POST /api/v1/risk-criteria/versions": map[string]any{"likelihood": risk.Default().Likelihood, "consequence": risk.Default().Consequence,
		"axes": risk.Default().Axes, "levels": risk.Default().Levels, "matrix": risk.Default().Matrix, "acceptable": "low",
		"sources": risk.Default().Sources, "objectives": risk.Default().Objectives, "based_on": 0},
	"POST /api/v1/tasks":           map[string]any{"record": "system:" + aims.NewID(), "title": "Run the bias test", "owner_id": aims.NewID()},
	"PATCH /api/v1/tasks/{id}":     map[string]any{"status": "done"},
	"PUT /api/v1/evidence/{id}":    map[string]any{"title": "Sample"},
	"PUT /api/v1/me/notifications": map[string]any{"email": "digest"},
	"POST /api/v1/webhooks":        map[string]any{"url": "https://hooks.example/aims", "events": []string{"task.created"}},
	"POST /api/v1/links":           map[string]any{"relationship": "implements", "from": "system:" + aims.NewID(), "to": "control:iso42001-2023/A.6.2.4"},
	"POST /api/v1/mappings": map[string]any{"from_framework": "iso42001-2023", "from_ref": "A.6.2.4",
		"to_framework": "nist-ai-rmf-1.0", "to_ref": "MEASURE 2.13", "relationship": "intersects"},
}

// sampleFiles are well-formed bodies of the routes that import files, which take up to 32 MiB and so are
// not among the JSON bodies bounded at 1 MiB.
var sampleFiles = map[string]any{
	"POST /api/v1/frameworks":               map[string]any{"catalog": map[string]any{}},
	"POST /api/v1/licensed-texts":           map[string]any{"catalog": map[string]any{}},
	"POST /api/v1/systems/{id}/boms":        map[string]any{"bomFormat": "CycloneDX", "specVersion": "1.6"},
	"POST /api/v1/systems/{id}/model-cards": "---\nlicense: mit\n---\n# Sample model\n",
	"POST /api/v1/systems/import":           []map[string]any{{"name": "Sample", "purpose": "Sample."}},
	"POST /api/v1/risks/import":             []map[string]any{{"title": "Sample", "source": "C.3.1"}},
	"POST /api/v1/evidence":                 "accuracy: 0.93\n",
	"PUT /api/v1/evidence/{id}/content":     "accuracy: 0.94\n",
	"POST /api/v1/systems/{id}/evaluations": `{"entry_type": "init", "garak_version": "0.14.0"}` + "\n",
}

// sampleFileTypes are the media types of the sample files that are not JSON.
var sampleFileTypes = map[string]string{
	"POST /api/v1/systems/{id}/model-cards": "text/markdown",
	"POST /api/v1/evidence":                 "application/octet-stream",
	"PUT /api/v1/evidence/{id}/content":     "application/octet-stream",
	"POST /api/v1/systems/{id}/evaluations": "application/octet-stream",
}

// sampleQueries are the required query parameters of the routes that have some.
var sampleQueries = map[string]string{
	"GET /api/v1/coverage":               "?framework=nist-ai-rmf-1.0",
	"GET /api/v1/readiness/mapped":       "?framework=nist-ai-rmf-1.0",
	"GET /api/v1/soa/diff":               "?from=1&to=live",
	"GET /api/v1/soa/export":             "?format=csv",
	"GET /api/v1/search":                 "?q=policy",
	"GET /api/v1/systems/{id}/boms/diff": "?from=1&to=2",
}

// samplePath fills in a route's path parameters with well-formed values.
var samplePath = strings.NewReplacer("{componentID}", aims.NewID(), "{framework}", "iso42001-2023", "{key}", "iso42001-2023", "{ref}", "A.6.2.4", "{number}", "1", "{seq}", "1", "{version}", "1")

// routeCalls returns a well-formed call to every authenticated route, with a made-up id where the route
// takes one.
func routeCalls() map[string]call {
	calls := map[string]call{}
	for _, rt := range (&api.API{}).Routes() {
		if rt.Public {
			continue
		}
		p := rt.Method + " " + rt.Path
		path := samplePath.Replace(strings.ReplaceAll(rt.Path, "{id}", aims.NewID())) + sampleQueries[p]
		calls[p] = call{method: rt.Method, path: path, body: sampleBodies[p]}
		if f, ok := sampleFiles[p]; ok {
			calls[p] = call{method: rt.Method, path: path, body: f, header: http.Header{}}
			if mt, ok := sampleFileTypes[p]; ok {
				calls[p].header.Set("Content-Type", mt)
			}
		}
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
					c.header = c.header.Clone()
					if c.header == nil {
						c.header = http.Header{}
					}
					c.header.Set("Authorization", tc.authorization)
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
		if p == "POST /api/v1/invitations/accept" {
			continue // needs no membership: a former member may accept an invitation (invitations_test.go)
		}
		t.Run(p, func(t *testing.T) {
			c.header = c.header.Clone()
			if c.header == nil {
				c.header = http.Header{}
			}
			c.header.Set("Cookie", authn.CookieName+"="+secret)
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
		path = samplePath.Replace(strings.ReplaceAll(path, "{id}", victim.ID))
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

// TestTheAPIRefusesAMissingDependencyAtStart: New names every dependency it lacks instead of answering
// 500 on the first request that needs it.
func TestTheAPIRefusesAMissingDependencyAtStart(t *testing.T) {
	t.Parallel()
	if _, err := api.New(surface.Deps{}); err == nil ||
		!strings.Contains(err.Error(), "missing dependencies: Accounts, Activity, Auth, Components, Controls, Evaluations, Evidence, Frameworks, Gate, Impacts, Notify, Pack, Readiness, Records, Risks, Systems") {
		t.Fatalf("New with nothing = %v", err)
	}
}
