package aims_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
)

// rolesByPower is written out here rather than taken from aims.Roles, so that the test states the
// order it expects instead of repeating the code's.
var rolesByPower = []aims.Role{"owner", "admin", "manager", "contributor", "auditor", "viewer"}

func TestRoleAtMostFollowsThePowerOrder(t *testing.T) {
	t.Parallel()
	for i, r := range rolesByPower {
		for j, other := range rolesByPower {
			want := i >= j // r sits at or below other
			if got := r.AtMost(other); got != want {
				t.Errorf("%s.AtMost(%s) = %v, want %v", r, other, got, want)
			}
		}
	}
}

func TestRoleAtMostRefusesUnknownRoles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ r, other aims.Role }{
		{"", "owner"}, {"root", "owner"}, {"Owner", "owner"}, {"viewer", ""}, {"viewer", "superuser"}, {"", ""},
	} {
		if tc.r.AtMost(tc.other) {
			t.Errorf("%q.AtMost(%q) = true, want false", tc.r, tc.other)
		}
	}
}

func TestRolesListsEveryRoleFromMostToLeastPowerful(t *testing.T) {
	t.Parallel()
	if len(aims.Roles) != len(rolesByPower) {
		t.Fatalf("aims.Roles = %v, want %v", aims.Roles, rolesByPower)
	}
	for i := range rolesByPower {
		if aims.Roles[i] != rolesByPower[i] || !aims.Roles[i].Valid() {
			t.Fatalf("aims.Roles = %v, want %v", aims.Roles, rolesByPower)
		}
	}
}

func TestParseRole(t *testing.T) {
	t.Parallel()
	for _, r := range rolesByPower {
		t.Run("accepts "+string(r), func(t *testing.T) {
			got, err := aims.ParseRole(string(r), "role")
			if err != nil || got != r {
				t.Fatalf("ParseRole(%q) = %q, %v", r, got, err)
			}
		})
	}
	for _, s := range []string{"", "Owner", "ADMIN", " viewer", "viewer ", "root", "none"} {
		t.Run(fmt.Sprintf("refuses %q", s), func(t *testing.T) {
			got, err := aims.ParseRole(s, "the_field")
			if got != "" || aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "the_field" {
				t.Fatalf("ParseRole(%q) = %q, %v; want EINVALID on the_field", s, got, err)
			}
		})
	}
}

// allowed is the policy, written independently of policy.go: for each "resource action", a letter per
// role in the order owner, admin, manager, contributor, auditor, viewer; Y allows and . denies.
var allowed = map[string]string{
	"organization read":    "YYYYYY",
	"organization create":  "......",
	"organization update":  "YY....",
	"organization delete":  "Y.....",
	"organization comment": "......",

	"member read":    "YYYYYY",
	"member create":  "YY....",
	"member update":  "YY....",
	"member delete":  "YY....",
	"member comment": "......",

	"token read":    "YYYYY.",
	"token create":  "YYYY..",
	"token update":  "......",
	"token delete":  "YYYY..",
	"token comment": "......",

	"activity read":    "YYYYY.",
	"activity create":  "......",
	"activity update":  "......",
	"activity delete":  "......",
	"activity comment": "......",

	"record read":    "YYYYYY",
	"record create":  "YYYY..",
	"record update":  "YYYY..",
	"record delete":  "YYY...",
	"record comment": "YYYYY.",

	"organization approve": "......",
	"member approve":       "......",
	"token approve":        "......",
	"activity approve":     "......",
	"record approve":       "......",

	"framework read":    "YYYYYY",
	"framework create":  "YYY...",
	"framework update":  "YYY...",
	"framework delete":  "YYY...",
	"framework comment": "......",
	"framework approve": "......",

	"mapping read":    "YYYYYY",
	"mapping create":  "YYY...",
	"mapping update":  "......",
	"mapping delete":  "YYY...",
	"mapping comment": "......",
	"mapping approve": "......",

	"context read":    "YYYYYY",
	"context create":  "......",
	"context update":  "YYY...",
	"context delete":  "......",
	"context comment": "......",
	"context approve": "......",

	"control read":    "YYYYYY",
	"control create":  "YYY...",
	"control update":  "YYYY..",
	"control delete":  "YYY...",
	"control comment": "YYYYY.",
	"control approve": "......",

	"soa read":    "YYYYYY",
	"soa create":  "......",
	"soa update":  "......",
	"soa delete":  "......",
	"soa comment": "......",
	"soa approve": "YYY...",

	"system read":    "YYYYYY",
	"system create":  "YYYY..",
	"system update":  "YYYY..",
	"system delete":  "YYY...",
	"system comment": "......",
	"system approve": "......",
}

var (
	allResources = []aims.Resource{"organization", "member", "token", "activity", "record", "framework", "mapping", "context", "control", "soa", "system"}
	allActions   = []aims.Action{"read", "create", "update", "delete", "comment", "approve"}
)

func TestAuthorizeMatchesThePolicyTable(t *testing.T) {
	t.Parallel()
	if len(allowed) != len(allResources)*len(allActions) {
		t.Fatalf("the expected table has %d rows, want %d", len(allowed), len(allResources)*len(allActions))
	}
	for _, res := range allResources {
		for _, act := range allActions {
			row, ok := allowed[string(res)+" "+string(act)]
			if !ok {
				t.Fatalf("no expectation for %s %s", res, act)
			}
			for i, role := range rolesByPower {
				want := row[i] == 'Y'
				err := aims.Authorize(role, act, res)
				if want && err != nil {
					t.Errorf("%s may %s %s, but Authorize = %v", role, act, res, err)
				}
				if !want && aims.ErrorCode(err) != aims.EFORBIDDEN {
					t.Errorf("%s may not %s %s, but Authorize = %v", role, act, res, err)
				}
			}
		}
	}
}

func TestAuthorizeAuditorReadsAndCommentsButChangesNothing(t *testing.T) {
	t.Parallel()
	for _, res := range []aims.Resource{"organization", "member", "token", "activity", "record"} {
		if err := aims.Authorize(aims.RoleAuditor, aims.ActionRead, res); err != nil {
			t.Errorf("auditor cannot read %s: %v", res, err)
		}
		for _, act := range []aims.Action{aims.ActionCreate, aims.ActionUpdate, aims.ActionDelete} {
			if err := aims.Authorize(aims.RoleAuditor, act, res); aims.ErrorCode(err) != aims.EFORBIDDEN {
				t.Errorf("auditor may %s %s: %v", act, res, err)
			}
		}
	}
	if err := aims.Authorize(aims.RoleAuditor, aims.ActionComment, aims.ResRecord); err != nil {
		t.Errorf("auditor cannot comment on records: %v", err)
	}
}

func TestAuthorizeViewerCannotReadTheTrailOrTokens(t *testing.T) {
	t.Parallel()
	for _, res := range []aims.Resource{aims.ResActivity, aims.ResToken} {
		if err := aims.Authorize(aims.RoleViewer, aims.ActionRead, res); aims.ErrorCode(err) != aims.EFORBIDDEN {
			t.Errorf("viewer may read %s: %v", res, err)
		}
	}
	if err := aims.Authorize(aims.RoleViewer, aims.ActionComment, aims.ResRecord); aims.ErrorCode(err) != aims.EFORBIDDEN {
		t.Errorf("viewer may comment: %v", err)
	}
}

func TestAuthorizeDeniesUnknownRolesActionsAndResources(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		role   aims.Role
		action aims.Action
		res    aims.Resource
	}{
		{"no role", "", aims.ActionRead, aims.ResRecord},
		{"unknown role", "root", aims.ActionRead, aims.ResRecord},
		{"role in the wrong case", "OWNER", aims.ActionRead, aims.ResRecord},
		{"unknown action", aims.RoleOwner, "publish", aims.ResRecord},
		{"unknown resource", aims.RoleOwner, aims.ActionRead, "secrets"},
		{"empty action and resource", aims.RoleOwner, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := aims.Authorize(tc.role, tc.action, tc.res)
			if aims.ErrorCode(err) != aims.EFORBIDDEN {
				t.Fatalf("Authorize(%q, %q, %q) = %v, want EFORBIDDEN", tc.role, tc.action, tc.res, err)
			}
		})
	}
}

func TestAuthorizeExplainsTheRefusal(t *testing.T) {
	t.Parallel()
	msg := aims.ErrorMessage(aims.Authorize("", aims.ActionDelete, aims.ResRecord))
	if !strings.Contains(msg, "(none)") || !strings.Contains(msg, "delete") || !strings.Contains(msg, "record") {
		t.Fatalf("message for no role = %q; want it to name the role as none, the action and the resource", msg)
	}
	msg = aims.ErrorMessage(aims.Authorize(aims.RoleViewer, aims.ActionUpdate, aims.ResMember))
	if !strings.Contains(msg, "viewer") {
		t.Fatalf("message = %q; want it to name the role", msg)
	}
}

func TestNewIDHasTheDocumentedShape(t *testing.T) {
	t.Parallel()
	id := aims.NewID()
	if len(id) != 26 || !aims.ValidID(id) {
		t.Fatalf("NewID() = %q (%d chars), ValidID = %v", id, len(id), aims.ValidID(id))
	}
	if strings.ToLower(id) != id {
		t.Fatalf("NewID() = %q is not lower case", id)
	}
}

func TestNewIDIsStrictlyIncreasingAndUnique(t *testing.T) {
	t.Parallel()
	const n = 10000
	prev := aims.NewID()
	seen := map[string]bool{prev: true}
	for i := 1; i < n; i++ {
		id := aims.NewID()
		if !aims.ValidID(id) {
			t.Fatalf("call %d: NewID() = %q is not valid", i, id)
		}
		if id <= prev {
			t.Fatalf("call %d: NewID() = %q does not sort after %q", i, id, prev)
		}
		if seen[id] {
			t.Fatalf("call %d: NewID() = %q repeats", i, id)
		}
		seen[id] = true
		prev = id
	}
}

func TestValidID(t *testing.T) {
	t.Parallel()
	good := aims.NewID()
	for _, tc := range []struct {
		name string
		s    string
		want bool
	}{
		{"an id from NewID", good, true},
		{"26 zeros", strings.Repeat("0", 26), true},
		{"every letter of the alphabet", "0123456789abcdefghjkmnpqrs", true},
		{"empty", "", false},
		{"one short", good[:25], false},
		{"one long", good + "0", false},
		{"upper case", strings.ToUpper(strings.Repeat("a", 26)), false},
		{"excluded letter i", strings.Repeat("0", 25) + "i", false},
		{"excluded letter l", strings.Repeat("0", 25) + "l", false},
		{"excluded letter o", strings.Repeat("0", 25) + "o", false},
		{"excluded letter u", strings.Repeat("0", 25) + "u", false},
		{"a hyphen", strings.Repeat("0", 25) + "-", false},
		{"a path", "../../../../../etc/passwd0", false},
		{"a space", strings.Repeat("0", 25) + " ", false},
		{"multi-byte characters of 26 bytes", strings.Repeat("0", 24) + "é", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := aims.ValidID(tc.s); got != tc.want {
				t.Fatalf("ValidID(%q) = %v, want %v", tc.s, got, tc.want)
			}
		})
	}
}

func TestActorFromDefaultsToTheSystem(t *testing.T) {
	t.Parallel()
	a := aims.ActorFrom(t.Context())
	if a.Kind != aims.ActorSystem || a.Role != "" {
		t.Fatalf("ActorFrom(empty context) = %+v, want a system actor with no role", a)
	}
	want := aims.Actor{Kind: aims.ActorUser, ID: "u1", Name: "Ada", UserID: "u1", OrgID: "o1", Role: aims.RoleAuditor}
	if got := aims.ActorFrom(aims.WithActor(t.Context(), want)); got != want {
		t.Fatalf("ActorFrom(WithActor(a)) = %+v, want %+v", got, want)
	}
}
