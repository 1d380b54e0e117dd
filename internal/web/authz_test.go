package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
)

// webMatrix is the expected authorization of every web route, written out by hand rather than derived
// from the policy, so that a change to either shows up here. own lists, for the roles owner, admin,
// manager, contributor, auditor and viewer in that order, whether a member with that role may use the
// route in their own organization (Y) or not (N). other says whether the route may be used on another
// organization: on its records, or with a session pointed at an organization the user is not a member of.
var webMatrix = []struct {
	route string
	own   string
	other bool
}{
	{"GET /static/{file}", "YYYYYY", true},
	{"GET /login", "YYYYYY", true},
	{"POST /login", "YYYYYY", true},
	{"GET /login/totp", "YYYYYY", true},
	{"POST /login/totp", "YYYYYY", true},
	{"POST /logout", "YYYYYY", true},
	{"GET /invitations/{token}", "YYYYYY", true},
	{"POST /invitations/{token}/signup", "YYYYYY", true},
	{"POST /invitations/{token}/accept", "YYYYYY", true},

	{"POST /logout/everywhere", "YYYYYY", true},
	{"POST /switch-org", "YYYYYY", false},
	{"GET /account", "YYYYYY", true},
	{"POST /account/password", "YYYYYY", true},
	{"GET /account/totp", "YYYYYY", true},
	{"POST /account/totp/enable", "YYYYYY", true},
	{"POST /account/totp/disable", "YYYYYY", true},

	{"GET /{$}", "YYYYYY", false},
	{"GET /context", "YYYYYY", false},
	{"GET /leadership", "YYYYYY", false},
	{"GET /planning", "YYYYYY", false},
	{"GET /support", "YYYYYY", false},
	{"GET /operation", "YYYYYY", false},
	{"GET /performance", "YYYYYY", false},
	{"GET /improvement", "YYYYYY", false},

	{"GET /members", "YYYYYY", false},
	{"POST /members/invitations", "YYNNNN", false},
	{"POST /members/invitations/{id}/revoke", "YYNNNN", false},
	{"POST /members/{id}/role", "YYNNNN", false},
	{"POST /members/{id}/remove", "YYNNNN", false},

	{"GET /tokens", "YYYYYN", false},
	{"POST /tokens", "YYYYNN", false},
	{"POST /tokens/{id}/revoke", "YYYYNN", false},

	{"GET /activity", "YYYYYN", false},

	{"GET /settings", "YYYYYY", false},
	{"POST /settings", "YYNNNN", false},

	{"GET /context/ai-roles", "YYYYYY", false},
	{"POST /context/ai-roles", "YYYNNN", false},
	{"POST /context/ai-roles/dates", "YYYNNN", false},
	{"POST /soa/proposals", "YYYYNN", false},
	{"POST /soa/system-proposals", "YYYYNN", false},
	{"GET /soa", "YYYYYY", false},
	{"POST /soa/controls", "YYYNNN", false},
	{"POST /soa/controls/{framework}/{ref}/remove", "YYYNNN", false},
	{"GET /soa/versions", "YYYYYY", false},
	{"POST /soa/versions", "YYYNNN", false},
	{"GET /soa/versions/{number}", "YYYYYY", false},
	{"GET /soa/diff", "YYYYYY", false},
	{"GET /soa/export", "YYYYYY", false},
	{"GET /controls/{framework}/{ref}", "YYYYYY", false},
	{"POST /controls/{framework}/{ref}", "YYYYNN", false},
	{"POST /controls/{framework}/{ref}/links", "YYYYNN", false},
	{"POST /controls/{framework}/{ref}/links/{id}/remove", "YYYYNN", false},
	{"GET /clauses", "YYYYYY", false},
	{"GET /coverage", "YYYYYY", false},

	{"GET /systems", "YYYYYY", false},
	{"GET /systems/new", "YYYYNN", false},
	{"POST /systems", "YYYYNN", false},
	{"GET /systems/{id}", "YYYYYY", false},
	{"GET /systems/{id}/edit", "YYYYNN", false},
	{"POST /systems/{id}", "YYYYNN", false},
	{"GET /systems/export", "YYYYYY", false},
	{"POST /systems/import", "YYYYNN", false},
	{"GET /systems/{id}/components", "YYYYYY", false},
	{"POST /systems/{id}/components", "YYYYNN", false},
	{"POST /systems/{id}/components/{componentID}/remove", "YYYYNN", false},
	{"GET /components", "YYYYYY", false},
	{"GET /components/new", "YYYYNN", false},
	{"POST /components", "YYYYNN", false},
	{"GET /components/{id}", "YYYYYY", false},
	{"GET /components/{id}/edit", "YYYYNN", false},
	{"POST /components/{id}", "YYYYNN", false},
	{"POST /components/{id}/delete", "YYYNNN", false},
	{"GET /systems/{id}/classification", "YYYYYY", false},
	{"POST /systems/{id}/classification", "YYYYNN", false},
	{"GET /systems/{id}/card", "YYYYYY", false},
	{"GET /systems/{id}/card/download", "YYYYYY", false},
	{"POST /systems/{id}/model-cards", "YYYYNN", false},
	{"GET /model-cards/{id}", "YYYYYY", false},
	{"GET /systems/{id}/bom", "YYYYYY", false},
	{"POST /systems/{id}/bom", "YYYYNN", false},
	{"GET /systems/{id}/bom/download", "YYYYYY", false},

	{"GET /frameworks", "YYYYYY", false},
	{"POST /frameworks", "YYYNNN", false},
	{"GET /frameworks/{key}", "YYYYYY", false},
	{"POST /frameworks/{key}/delete", "YYYNNN", false},
	{"GET /frameworks/{key}/export", "YYYYYY", false},
	{"GET /frameworks/{key}/requirements/{ref}", "YYYYYY", false},
	{"POST /frameworks/{key}/requirements/{ref}/mappings", "YYYNNN", false},
	{"POST /mappings/{id}/delete", "YYYNNN", false},
	{"POST /licensed-texts", "YYYNNN", false},
	{"GET /risks", "YYYYYY", false},
	{"GET /risks/new", "YYYYNN", false},
	{"POST /risks", "YYYYNN", false},
	{"GET /risks/export", "YYYYYY", false},
	{"POST /risks/import", "YYYYNN", false},
	{"GET /risks/treatment-plan/export", "YYYYYY", false},
	{"GET /risks/criteria", "YYYYYY", false},
	{"POST /risks/criteria", "YYYNNN", false},
	{"GET /risks/{id}", "YYYYYY", false},
	{"GET /risks/{id}/edit", "YYYYNN", false},
	{"POST /risks/{id}", "YYYYNN", false},
	{"POST /risks/{id}/delete", "YYYNNN", false},
	{"POST /risks/{id}/accept", "YYYYNN", false},
	{"GET /impact-assessments", "YYYYYY", false},
	{"GET /impact-assessments/{id}", "YYYYYY", false},
	{"GET /systems/{id}/impact", "YYYYYY", false},
	{"GET /systems/{id}/impact/edit", "YYYYNN", false},
	{"POST /systems/{id}/impact", "YYYYNN", false},
	{"POST /systems/{id}/impact/approve", "YYYNNN", false},
	{"GET /systems/{id}/impact/export", "YYYYYY", false},
	{"GET /systems/{id}/gate", "YYYYYY", false},
	{"GET /gate-policy", "YYYYYY", false},
	{"GET /readiness/systems", "YYYYYY", false},
	{"GET /readiness/frameworks", "YYYYYY", false},
	{"GET /audit-pack/export", "YYYYYY", false},
	{"POST /gate-policy", "YYYNNN", false},
	{"GET /evidence", "YYYYYY", false},
	{"POST /evidence", "YYYYNN", false},
	{"GET /evidence/{id}", "YYYYYY", false},
	{"GET /evidence/{id}/download", "YYYYYY", false},
	{"POST /evidence/{id}/edit", "YYYYNN", false},
	{"POST /evidence/{id}/approve", "YYYNNN", false},
	{"POST /evidence/{id}/delete", "YYYNNN", false},
	{"GET /systems/{id}/evaluations", "YYYYYY", false},
	{"POST /systems/{id}/evaluations", "YYYYNN", false},
	{"POST /systems/{id}/evaluations/criteria", "YYYNNN", false},
	{"GET /evaluations/{id}", "YYYYYY", false},
	{"GET /evaluations/{id}/compare", "YYYYYY", false},
	{"GET /my-work", "YYYYYY", false},
	{"POST /my-work/notifications", "YYYYYY", false},
	{"GET /webhooks", "YYYYYN", false},
	{"POST /webhooks", "YYNNNN", false},
	{"POST /webhooks/{id}/test", "YYNNNN", false},
	{"POST /webhooks/{id}/delete", "YYNNNN", false},
	{"POST /tasks", "YYYYNN", false},
	{"POST /tasks/{id}/status", "YYYYNN", false},
	{"POST /comments", "YYYYYN", false},
	{"POST /comments/{id}/edit", "YYYYYN", false},
	{"POST /comments/{id}/resolve", "YYYYYN", false},
	{"POST /links", "YYYYNN", false},
	{"POST /links/{id}/remove", "YYYYNN", false},
}

// matrixRequest is one request of the matrix and what success looks like for it.
type matrixRequest struct {
	method, path string
	form         url.Values
	sessionOrg   *account.Organization
	okStatus     int
	okLocation   string
	// alsoOK is another status that shows the handler was reached (0: none).
	alsoOK int
}

// TestWebAuthorizationMatrix sends every route of the web route table as every role, in its own
// organization and against another, and fails on any allow or deny that the table above does not expect.
// A denied request must also leave both organizations' activity trails as they were.
func TestWebAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	own, other := f.Org(t, "own"), f.Org(t, "other")
	otherOwner := newUser(t, f, "owner@other.example", other, aims.RoleOwner)

	expected := map[string]int{}
	for i, m := range webMatrix {
		expected[m.route] = i
	}
	routes := map[string]bool{}
	for _, rt := range f.Web.Routes() {
		routes[rt.Pattern()] = true
		if _, ok := expected[rt.Pattern()]; !ok {
			t.Errorf("the route %s has no row in the matrix", rt.Pattern())
		}
	}
	for _, m := range webMatrix {
		if !routes[m.route] {
			t.Errorf("the matrix has a row for %s, which is not a route", m.route)
		}
	}
	css := regexp.MustCompile(`/static/app\.[0-9a-f]{8}\.css`).FindString(newBrowser(t, f).get("/login").Body)

	var seq atomic.Int64
	fresh := func(t *testing.T, org *account.Organization) *account.Membership {
		email := fmt.Sprintf("target-%d@example.com", seq.Add(1))
		u := newUser(t, f, email, org, aims.RoleViewer)
		if org == nil {
			return &account.Membership{UserEmail: u.Email}
		}
		m, err := f.DB.MembershipOf(f.Ctx, org.ID, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}

	// prepare builds the request for route as u, against org target, with fresh records to act on.
	prepare := func(t *testing.T, route string, u *account.User, onOther bool) matrixRequest {
		target := own
		if onOther {
			target = other
		}
		method, path, _ := strings.Cut(route, " ")
		r := matrixRequest{method: method, path: path, sessionOrg: own, okStatus: http.StatusOK}
		if method == http.MethodPost {
			r.form, r.okStatus = url.Values{}, http.StatusSeeOther
		}
		if onOther && !strings.Contains(path, "{id}") && path != "/switch-org" {
			// Without a record to point at, "another organization" is a session working in one the user
			// does not belong to (they were removed, or the session was tampered with).
			r.sessionOrg = other
		}
		switch route {
		case "GET /static/{file}":
			r.path = css
		case "GET /login", "GET /login/totp":
			r.okStatus, r.okLocation = http.StatusSeeOther, "/"
		case "POST /login":
			// The matrix's users have no password, so that no request spends the deliberately slow password
			// hash; reaching the handler, which refuses the password (or, after a few refusals, throttles the
			// account), is what "allowed" means here. The scenario tests cover a successful login.
			r.form.Set("email", u.Email)
			r.form.Set("password", apptest.Password)
			r.okStatus, r.alsoOK = http.StatusUnauthorized, http.StatusTooManyRequests
		case "POST /login/totp":
			r.form.Set("code", "000000")
			r.okLocation = "/"
		case "POST /logout", "POST /logout/everywhere":
			r.okLocation = "/login"
		case "POST /switch-org":
			r.form.Set("org", target.ID)
			r.form.Set("back", "/members")
			r.okLocation = "/members"
		case "POST /account/password":
			// As for login: the handler's answer about the password shows the route was reached.
			r.form.Set("current_password", apptest.Password)
			r.form.Set("password", apptest.Password)
			r.form.Set("confirm", apptest.Password)
			r.okStatus, r.alsoOK = http.StatusBadRequest, http.StatusTooManyRequests
		case "POST /account/totp/enable":
			setup, err := f.Accounts.BeginTOTP(u)
			if err != nil {
				t.Fatal(err)
			}
			code, err := totp.GenerateCode(setup.Secret, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			r.form.Set("secret", setup.Secret)
			r.form.Set("code", code)
			r.okLocation = "/account"
		case "POST /account/totp/disable":
			r.form.Set("password", apptest.Password)
			r.okStatus, r.alsoOK = http.StatusBadRequest, http.StatusTooManyRequests
		case "GET /{$}":
			r.path = "/"
		case "POST /members/invitations":
			r.form.Set("email", fresh(t, nil).UserEmail)
			r.form.Set("role", "viewer")
			r.form.Set("expires", "7d")
			r.okStatus = http.StatusOK // the link is shown on the response itself
		case "POST /members/invitations/{id}/revoke":
			_, inv, err := f.Accounts.CreateInvitation(f.Ctx, target.ID, fmt.Sprintf("invited-%d@example.com", seq.Add(1)), aims.RoleViewer, 0)
			if err != nil {
				t.Fatal(err)
			}
			r.path = "/members/invitations/" + inv.ID + "/revoke"
			r.form.Set("version", fmt.Sprint(inv.Version))
			r.okLocation = "/members"
		case "GET /invitations/{token}", "POST /invitations/{token}/signup", "POST /invitations/{token}/accept":
			// An invitation of a fresh organization for the visitor's own address: anyone with the link may
			// open it, and anyone logged in as the invitee may accept it, whatever their role elsewhere.
			// Signing up reaches the handler, which refuses the short password without hashing anything.
			inviting := f.Org(t, fmt.Sprintf("inviting-%d", seq.Add(1)))
			secret, _, err := f.Accounts.CreateInvitation(f.Ctx, inviting.ID, u.Email, aims.RoleViewer, 0)
			if err != nil {
				t.Fatal(err)
			}
			r.path = account.InvitationPath(secret) + strings.TrimPrefix(path, "/invitations/{token}")
			switch method {
			case http.MethodPost:
				r.okLocation = "/"
			}
			if route == "POST /invitations/{token}/signup" {
				r.form.Set("name", "Matrix")
				r.form.Set("password", "short")
				r.form.Set("confirm", "short")
				r.okStatus, r.okLocation = http.StatusBadRequest, ""
			}
		case "POST /members/{id}/role":
			m := fresh(t, target)
			r.path = "/members/" + m.ID + "/role"
			r.form.Set("role", "contributor")
			r.form.Set("version", fmt.Sprint(m.Version))
			r.okLocation = "/members"
		case "POST /members/{id}/remove":
			r.path = "/members/" + fresh(t, target).ID + "/remove"
			r.okLocation = "/members"
		case "POST /tokens":
			r.form.Set("name", "matrix")
			r.form.Set("role", "viewer")
			r.form.Set("expires", "30d")
			r.okStatus = http.StatusOK // the secret is shown on the response itself
		case "POST /tokens/{id}/revoke":
			// In its own organization a member revokes a token of their own; elsewhere, one of that
			// organization's tokens.
			creator := u
			if onOther {
				creator = otherOwner
			}
			f.Token(t, creator, target, aims.RoleViewer)
			ts, _, err := f.DB.ListTokens(f.Ctx, target.ID, aims.Page{Limit: 1})
			if err != nil || len(ts) == 0 {
				t.Fatalf("cannot find the new token: %v", err)
			}
			r.path = "/tokens/" + ts[0].ID + "/revoke"
			r.form.Set("version", fmt.Sprint(ts[0].Version))
			r.okLocation = "/tokens"
		case "POST /settings":
			o, err := f.DB.OrganizationByID(f.Ctx, own.ID)
			if err != nil {
				t.Fatal(err)
			}
			r.form.Set("name", o.Name)
			r.form.Set("version", fmt.Sprint(o.Version))
			r.okLocation = "/settings"
		}
		prepareCatalog(t, f, &r, route, target)
		prepareSoA(t, f, &r, route, own, target)
		prepareSystems(t, f, &r, route, target)
		prepareComponents(t, f, &r, route, target)
		prepareClassification(t, f, &r, route, target)
		prepareModelCards(t, f, &r, route, target)
		prepareBOM(t, f, &r, route, target)
		prepareRecordLinks(t, f, &r, route, target)
		prepareComments(t, f, &r, route, u, target)
		prepareTasks(t, f, &r, route, target)
		prepareWebhooks(t, f, &r, route, target)
		prepareRisks(t, f, &r, route, target)
		prepareImpacts(t, f, &r, route, target)
		prepareGate(t, f, &r, route, target)
		prepareEvidence(t, f, &r, route, target)
		prepareEvaluations(t, f, &r, route, target)
		return r
	}

	for ri, role := range aims.Roles {
		// The roles run one after another: the check that a denied request changed nothing compares whole
		// activity trails, which a concurrent allowed request would change.
		t.Run(string(role), func(t *testing.T) {
			u := newUser(t, f, string(role)+"@own.example", own, role)
			for _, m := range webMatrix {
				for _, onOther := range []bool{false, true} {
					want := m.own[ri] == 'Y'
					scope := "own organization"
					if onOther {
						want, scope = want && m.other, "other organization"
					}
					r := prepare(t, m.route, u, onOther)
					b := newBrowser(t, f)
					b.setSession(startSession(t, f, u, r.sessionOrg.ID))
					var before [2]int64
					if !want {
						before = [2]int64{activityCount(t, f, own.ID), activityCount(t, f, other.ID)}
					}
					p := b.do(r.method, r.path, r.form)
					allowed := p.Status == r.okStatus && (r.okLocation == "" || p.Location == r.okLocation) ||
						r.alsoOK != 0 && p.Status == r.alsoOK
					denied := p.Status == http.StatusForbidden || p.Status == http.StatusNotFound
					switch {
					case !allowed && !denied:
						t.Errorf("%s as %s on %s: neither allowed nor denied: %d to %q\n%s", m.route, role, scope, p.Status, p.Location, text(p.Body))
					case allowed && !want:
						t.Errorf("%s as %s on %s: allowed, want denied (%d to %q)", m.route, role, scope, p.Status, p.Location)
					case denied && want:
						t.Errorf("%s as %s on %s: denied (%d), want allowed\n%s", m.route, role, scope, p.Status, text(p.Body))
					case denied: // and expected to be, so before was read
						after := [2]int64{activityCount(t, f, own.ID), activityCount(t, f, other.ID)}
						if after != before {
							t.Errorf("%s as %s on %s: denied, but the activity trails changed from %v to %v", m.route, role, scope, before, after)
						}
					}
				}
			}
		})
	}
}
