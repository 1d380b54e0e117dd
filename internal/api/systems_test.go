package api_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
)

var pageAll = aims.Page{Limit: 200}

type systemList struct {
	Items      []system.System `json:"items"`
	NextCursor string          `json:"next_cursor"`
}

func TestSystemsAreRegisteredChangedWithAReasonAndKeepTheirHistory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, other := e.org(t, "acme"), e.org(t, "other")
	owner := e.member(t, acme, aims.RoleOwner)
	alice := e.member(t, acme, aims.RoleContributor)
	stranger := e.member(t, other, aims.RoleOwner)
	auditor := e.member(t, acme, aims.RoleAuditor)

	res := e.do(t, "POST", "/api/v1/systems", alice.Token, map[string]any{
		"name": "Lumen Assist", "purpose": "Answers customer questions.", "ai_role": "ai_provider", "eu_role": "provider",
		"stage": "operation_and_monitoring", "owner_id": alice.User.ID, "markets": []string{"EU", "EU", " UK "},
		"interacts_with_people": true, "generates_content": true,
	}).want(t, 201)
	var s system.System
	res.decode(t, &s)
	if s.Version != 1 || s.OwnerName != alice.User.Name || len(s.Markets) != 2 || s.Status != "active" || res.header.Get("ETag") != `"1"` {
		t.Fatalf("created %+v, ETag %s", s, res.header.Get("ETag"))
	}
	path := "/api/v1/systems/" + s.ID

	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
		code   string
		field  string
	}{
		{"an empty name is 400 on name", map[string]any{"name": " ", "purpose": "x"}, 400, "invalid", "name"},
		{"an empty purpose is 400 on purpose", map[string]any{"name": "X", "purpose": ""}, 400, "invalid", "purpose"},
		{"an owner from another organization is 400 on owner_id", map[string]any{"name": "X", "purpose": "x", "owner_id": stranger.User.ID}, 400, "invalid", "owner_id"},
		{"an auditor as owner is 400 on owner_id", map[string]any{"name": "X", "purpose": "x", "owner_id": auditor.User.ID}, 400, "invalid", "owner_id"},
		{"a name in use is 409 on name", map[string]any{"name": "Lumen Assist", "purpose": "x"}, 409, "conflict", "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.counts(t, acme)
			e.do(t, "POST", "/api/v1/systems", alice.Token, tc.body).wantProblem(t, tc.status, tc.code, tc.field)
			e.unchanged(t, before)
		})
	}

	before := e.counts(t, acme)
	e.do(t, "PATCH", path, alice.Token, map[string]any{"stage": "re_evaluation", "reason": " "}).wantProblem(t, 400, "invalid", "reason")
	e.send(t, call{method: "POST", path: "/api/v1/systems", token: alice.Token, offContract: true,
		body: map[string]any{"name": "X", "purpose": "x", "stage": "testing"}}).wantProblem(t, 400, "invalid", "stage")
	e.do(t, "PATCH", path, alice.Token, map[string]any{"stage": "re_evaluation", "reason": "x"}, "If-Match", `"7"`).wantProblem(t, 412, "precondition", "")
	e.do(t, "PATCH", path, alice.Token, map[string]any{"name": "Other", "reason": "x"}).want(t, 200)
	e.do(t, "POST", "/api/v1/systems", alice.Token, map[string]any{"name": "Lumen Assist", "purpose": "x"}).want(t, 201)
	e.do(t, "PATCH", path, alice.Token, map[string]any{"name": "Lumen Assist", "reason": "x"}).wantProblem(t, 409, "conflict", "name")
	if got := e.activityCount(t, acme.ID); got != before[acme.ID]+2 {
		t.Fatalf("activity entries: %d, want %d", got, before[acme.ID]+2)
	}
	res = e.do(t, "PATCH", path, alice.Token, map[string]any{"stage": "re_evaluation", "reason": "Drift found."}, "If-Match", `"2"`).want(t, 200)
	res.decode(t, &s)
	if s.Stage != "re_evaluation" || s.Name != "Other" || s.Version != 3 || !s.InteractsWithPeople {
		t.Fatalf("after the change: %+v", s)
	}
	e.do(t, "GET", path, owner.Token, nil).want(t, 200)
	e.do(t, "GET", path, stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", path+"/history", stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "PATCH", path, stranger.Token, map[string]any{"reason": "x"}).wantProblem(t, 404, "not_found", "")
	e.do(t, "DELETE", path, stranger.Token, nil).wantProblem(t, 404, "not_found", "")

	var h struct{ Items []system.Change }
	e.do(t, "GET", path+"/history", owner.Token, nil).want(t, 200).decode(t, &h)
	if len(h.Items) != 3 || h.Items[0].Reason != "Drift found." || h.Items[0].Version != 3 || h.Items[2].Reason != "Created." ||
		h.Items[0].ActorID != alice.User.ID {
		t.Fatalf("history: %+v", h.Items)
	}
	e.do(t, "DELETE", path, owner.Token, nil).want(t, 204)
	e.do(t, "GET", path, owner.Token, nil).wantProblem(t, 404, "not_found", "")
}

func TestSystemsAreFilteredSortedAndPaged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, other := e.org(t, "acme"), e.org(t, "other")
	viewer := e.member(t, acme, aims.RoleViewer)
	boss := e.member(t, acme, aims.RoleManager)
	for i, n := range []string{"Delta", "Alpha", "Charlie", "Bravo", "Echo"} {
		f := system.Fields{Name: n, Purpose: "Purpose of " + n, Stage: "deployment"}
		if i%2 == 0 {
			f.Stage, f.OwnerID, f.AIRole = "inception", boss.User.ID, "ai_customer"
		}
		if _, err := e.Systems.Create(e.Ctx, acme.ID, f); err != nil {
			t.Fatal(err)
		}
	}
	e.seedSystem(t, other.ID)
	names := func(q string) []string {
		t.Helper()
		var out []string
		cursor := ""
		for {
			var l systemList
			p := "/api/v1/systems?limit=2" + q
			if cursor != "" {
				p += "&cursor=" + cursor
			}
			e.do(t, "GET", p, viewer.Token, nil).want(t, 200).decode(t, &l)
			for _, s := range l.Items {
				out = append(out, s.Name)
			}
			if cursor = l.NextCursor; cursor == "" {
				return out
			}
		}
	}
	for _, tc := range []struct{ query, want string }{
		{"", "Alpha Bravo Charlie Delta Echo"},
		{"&sort=updated", "Echo Bravo Charlie Alpha Delta"},
		{"&stage=inception", "Charlie Delta Echo"},
		{"&owner_id=" + boss.User.ID + "&sort=updated", "Echo Charlie Delta"},
		{"&ai_role=ai_customer&q=ECH", "Echo"},
		{"&q=purpose%20of%20b", "Bravo"},
		{"&q=%25", ""},
	} {
		t.Run(tc.query, func(t *testing.T) {
			got := ""
			for i, n := range names(tc.query) {
				if i > 0 {
					got += " "
				}
				got += n
			}
			if got != tc.want {
				t.Fatalf("names = %q, want %q", got, tc.want)
			}
		})
	}
	e.send(t, call{method: "GET", path: "/api/v1/systems?sort=size", token: viewer.Token, offContract: true}).wantProblem(t, 400, "invalid", "sort")
}
