package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/api"
)

func TestTheMatrixCoversEveryRoute(t *testing.T) {
	var routes []string
	for _, rt := range (&api.API{}).Routes() {
		p := rt.Method + " " + rt.Path
		routes = append(routes, p)
		allowed, ok := allowedRoles[p]
		switch {
		case !ok:
			t.Errorf("route %s is not in the authorization matrix", p)
		case rt.Public != (allowed == "public"):
			t.Errorf("route %s: public is %v, the matrix says %q", p, rt.Public, allowed)
		case rt.Person != (allowed == "person"):
			t.Errorf("route %s: person is %v, the matrix says %q", p, rt.Person, allowed)
		}
	}
	for p := range allowedRoles {
		if !slices.Contains(routes, p) {
			t.Errorf("the authorization matrix has %s, which is not a route", p)
		}
	}
}

// TestAuthorizationMatrix calls every route as every role, from the organization that owns the records
// addressed and from another one. A role the matrix allows gets the route's success status in its own
// organization; in another organization it gets 404 for a record id and only its own organization's data
// otherwise. A role the matrix does not allow gets 403. Whatever is refused changes nothing; whatever is
// allowed to change something changes the caller's organization alone, with one activity entry.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b := e.org(t, "alpha"), e.org(t, "bravo")
	members := map[string]map[aims.Role]*member{a.ID: {}, b.ID: {}}
	for _, o := range []*account.Organization{a, b} {
		for _, r := range aims.Roles {
			members[o.ID][r] = e.member(t, o, r)
		}
	}
	tg := &matrixTargets{org: a, members: members[a.ID]}
	_, tg.token = e.token(t, tg.members[aims.RoleViewer], aims.RoleViewer, 0)

	patterns := make([]string, 0, len(allowedRoles))
	for p, allowed := range allowedRoles {
		if allowed != "public" && allowed != "person" {
			patterns = append(patterns, p)
		}
	}
	slices.Sort(patterns)

	for _, pattern := range patterns {
		method, path, _ := strings.Cut(pattern, " ")
		for _, own := range []bool{true, false} {
			for _, role := range aims.Roles {
				from := a
				if !own {
					from = b
				}
				caller := members[from.ID][role]
				name := pattern + "/" + string(role) + "/own"
				if !own {
					name = pattern + "/" + string(role) + "/other"
				}
				t.Run(name, func(t *testing.T) {
					allowed := slices.Contains(strings.Fields(allowedRoles[pattern]), string(role))
					c, after := e.matrixCall(t, method, path, caller, tg)
					before := e.counts(t, a, b)

					res := e.send(t, c)

					want := map[string]int{"GET": 200, "PATCH": 200, "PUT": 200, "POST": 201, "DELETE": 204}[method]
					if pattern == "POST /api/v1/soa/proposals" || pattern == "POST /api/v1/soa/system-proposals" {
						want = 200 // it decides controls that exist; it creates no resource
					}
					if pattern == "POST /api/v1/webhooks/{id}/test" {
						want = 202 // the delivery is queued, to be sent by a worker
					}
					switch {
					case !allowed:
						res.wantProblem(t, 403, "forbidden", "")
					case !own && strings.Contains(path, "{id}"):
						res.wantProblem(t, 404, "not_found", "")
					default:
						res.want(t, want)
					}
					changed := allowed && method != "GET" && (own || !strings.Contains(path, "{id}"))
					for _, o := range []*account.Organization{a, b} {
						wantN := before[o.ID]
						if changed && o.ID == from.ID {
							wantN++
						}
						if got := e.activityCount(t, o.ID); got != wantN {
							t.Errorf("organization %s: %d activity entries after the call, want %d", o.Slug, got, wantN)
						}
					}
					after(t, res, changed)
				})
			}
		}
	}
}

// matrixTargets are the records the matrix's calls address: the organization that owns them, its seeded
// member of each role, and a token of its viewer.
type matrixTargets struct {
	org     *account.Organization
	members map[aims.Role]*member
	token   *account.Token
}

// matrixCall returns the request caller makes to the route method path about the records of tg: the
// seeded ones for reads, fresh ones for changes. after checks the outcome: that an allowed call acted on
// the caller's own organization only, and that a refused one left its record alone.
func (e *env) matrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool)) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	org, target, targetTok := tg.org, tg.members[aims.RoleViewer], tg.token
	callerOrg := caller.Org.ID
	own := callerOrg == org.ID

	switch method + " " + path {
	case "GET /api/v1/me":
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status == 200 {
				var me struct{ Organization struct{ ID string } }
				res.decode(t, &me)
				if me.Organization.ID != callerOrg {
					t.Errorf("me in organization %s, want the caller's %s", me.Organization.ID, callerOrg)
				}
			}
		}
	case "GET /api/v1/organization":
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status == 200 {
				var o account.Organization
				res.decode(t, &o)
				if o.ID != callerOrg {
					t.Errorf("read organization %s, want the caller's %s", o.ID, callerOrg)
				}
			}
		}
	case "PATCH /api/v1/organization":
		name := "Renamed by " + string(caller.Role) + " " + aims.NewID()
		c.body = map[string]any{"name": name}
		return c, func(t *testing.T, res *response, changed bool) {
			o, err := e.DB.OrganizationByID(e.Ctx, callerOrg)
			if err != nil {
				t.Fatal(err)
			}
			if changed != (o.Name == name) {
				t.Errorf("the caller's organization is named %q after the call (changed %v)", o.Name, changed)
			}
		}
	case "GET /api/v1/members":
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status == 200 {
				var l memberList
				res.decode(t, &l)
				for _, m := range l.Items {
					if m.OrgID != callerOrg {
						t.Errorf("listed a member of organization %s", m.OrgID)
					}
				}
			}
		}
	case "POST /api/v1/invitations":
		u := e.newUser(t)
		c.body = map[string]any{"email": u.Email, "role": "viewer"}
		return c, func(t *testing.T, res *response, changed bool) {
			ms, err := e.DB.MembershipsOfUser(e.Ctx, u.ID)
			if err != nil || len(ms) != 0 {
				t.Errorf("the invited user is a member before accepting: %d, %v", len(ms), err)
			}
			is, _, err := e.Accounts.ListInvitations(e.Ctx, callerOrg, aims.Page{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			found := slices.ContainsFunc(is, func(i *account.Invitation) bool { return i.Email == u.Email })
			if changed != found {
				t.Errorf("an invitation for the user in the caller's organization: %v (changed %v)", found, changed)
			}
		}
	case "GET /api/v1/invitations":
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status == 200 {
				var l invitationList
				res.decode(t, &l)
				for _, inv := range l.Items {
					if _, err := e.DB.InvitationByID(e.Ctx, callerOrg, inv.ID); err != nil {
						t.Errorf("listed invitation %s, which is not the caller's organization's: %v", inv.ID, err)
					}
				}
			}
		}
	case "GET /api/v1/invitations/{id}", "DELETE /api/v1/invitations/{id}":
		_, inv, err := e.Accounts.CreateInvitation(e.Ctx, org.ID, "matrix"+aims.NewID()+"@example.com", aims.RoleViewer, 0)
		if err != nil {
			t.Fatal(err)
		}
		c.path = "/api/v1/invitations/" + inv.ID
		return c, func(t *testing.T, res *response, changed bool) {
			cur, err := e.DB.InvitationByID(e.Ctx, org.ID, inv.ID)
			if err != nil {
				t.Fatalf("the invitation after the call: %v", err)
			}
			if method == "DELETE" && changed != (cur.RevokedAt != nil) {
				t.Errorf("the invitation after the call: %+v (changed %v)", cur, changed)
			}
			if method == "GET" && res.status == 200 {
				var got invitationBody
				res.decode(t, &got)
				if got.ID != inv.ID {
					t.Errorf("read invitation %s, want %s", got.ID, inv.ID)
				}
			}
		}
	case "GET /api/v1/members/{id}":
		c.path = "/api/v1/members/" + target.ID
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status == 200 {
				var m account.Membership
				res.decode(t, &m)
				if m.ID != target.ID {
					t.Errorf("read member %s, want %s", m.ID, target.ID)
				}
			}
		}
	case "PATCH /api/v1/members/{id}", "DELETE /api/v1/members/{id}":
		fresh := e.member(t, org, aims.RoleViewer)
		c.path = "/api/v1/members/" + fresh.ID
		if method == "PATCH" {
			c.body = map[string]any{"role": "auditor"}
		}
		return c, func(t *testing.T, res *response, changed bool) {
			m, err := e.DB.MembershipByID(e.Ctx, org.ID, fresh.ID)
			switch {
			case !changed && (err != nil || m.Role != aims.RoleViewer || m.Version != 1):
				t.Errorf("a refused call changed the member: %+v, %v", m, err)
			case changed && method == "PATCH" && (err != nil || m.Role != aims.RoleAuditor):
				t.Errorf("the member after an allowed role change: %+v, %v", m, err)
			case changed && method == "DELETE" && aims.ErrorCode(err) != aims.ENOTFOUND:
				t.Errorf("the member after an allowed removal: %+v, %v", m, err)
			}
		}
	case "GET /api/v1/tokens":
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status == 200 {
				var l tokenList
				res.decode(t, &l)
				for _, tk := range l.Items {
					if _, err := e.DB.TokenByID(e.Ctx, callerOrg, tk.ID); err != nil {
						t.Errorf("listed token %s, which is not the caller's organization's: %v", tk.ID, err)
					}
				}
			}
		}
	case "POST /api/v1/tokens":
		c.body = map[string]any{"name": "matrix"}
		return c, func(t *testing.T, res *response, changed bool) {
			if changed {
				var ct createdToken
				res.decode(t, &ct)
				if _, err := e.DB.TokenByID(e.Ctx, callerOrg, ct.Token.ID); err != nil || ct.Token.Role != caller.Role {
					t.Errorf("created token %+v in the wrong organization or with the wrong role: %v", ct.Token, err)
				}
			}
		}
	case "GET /api/v1/tokens/{id}":
		c.path = "/api/v1/tokens/" + targetTok.ID
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status == 200 {
				var tk account.Token
				res.decode(t, &tk)
				if tk.ID != targetTok.ID {
					t.Errorf("read token %s, want %s", tk.ID, targetTok.ID)
				}
			}
		}
	case "DELETE /api/v1/tokens/{id}":
		// A token of the caller's own user, so that non-admins may revoke it; in another organization, a
		// token of the member with the same role there.
		owner := caller
		if !own {
			owner = tg.members[caller.Role]
		}
		_, tk := e.token(t, owner, caller.Role, 0)
		c.path = "/api/v1/tokens/" + tk.ID
		return c, func(t *testing.T, res *response, changed bool) {
			cur, err := e.DB.TokenByID(e.Ctx, org.ID, tk.ID)
			if err != nil || changed != (cur.RevokedAt != nil) {
				t.Errorf("the token after the call: %+v, %v (changed %v)", cur, err, changed)
			}
		}
	case "GET /api/v1/activity":
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status == 200 {
				var l activityList
				res.decode(t, &l)
				for _, en := range l.Items {
					if en.OrgID != callerOrg {
						t.Errorf("listed an entry of organization %s", en.OrgID)
					}
				}
			}
		}
	case "GET /api/v1/activity/export":
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			sc := bufio.NewScanner(bytes.NewReader(res.body))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var en struct {
					OrgID string `json:"org_id"`
				}
				if err := json.Unmarshal(sc.Bytes(), &en); err != nil || en.OrgID != callerOrg {
					t.Errorf("exported a line of organization %q: %v", en.OrgID, err)
				}
			}
		}
	case "GET /api/v1/activity/verify":
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status == 200 {
				var r verifyResult
				res.decode(t, &r)
				if !r.OK || r.Entries != int64(e.activityCount(t, callerOrg)) {
					t.Errorf("verify = %+v for the caller's organization", r)
				}
			}
		}
	case "GET /api/v1/activity/checkpoint":
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status == 200 {
				var st checkpointStatus
				res.decode(t, &st)
				if st.Checkpoint != nil && st.Checkpoint.OrgID != callerOrg {
					t.Errorf("the checkpoint of organization %s", st.Checkpoint.OrgID)
				}
			}
		}
	}
	if c, after, ok := e.frameworkMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if c, after, ok := e.systemsMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if c, after, ok := e.componentsMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if c, after, ok := e.systemsIOMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if c, after, ok := e.classificationMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if c, after, ok := e.modelCardMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if strings.Contains(path, "/bom") {
		if c, after, ok := e.bomMatrixCall(t, method, path, caller, tg); ok {
			return c, after
		}
	}
	if c, after, ok := e.notificationsMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if c, after, ok := e.webhooksMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if c, after, ok := e.risksMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if c, after, ok := e.risksIOMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if c, after, ok := e.impactMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if c, after, ok := e.gateMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if c, after, ok := e.evidenceMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if c, after, ok := e.evaluationsMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if c, after, ok := e.tasksMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if c, after, ok := e.commentsMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if c, after, ok := e.linksMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	if c, after, ok := e.soaMatrixCall(t, method, path, caller, tg); ok {
		return c, after
	}
	t.Fatalf("the matrix does not know how to call %s %s", method, path)
	return c, nil
}
