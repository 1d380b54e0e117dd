package api_test

import (
	"net/url"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// TestTasksThroughTheAPI: a manager gives a contributor tasks; GET /api/v1/tasks?owner=me lists the
// contributor's, overdue first; a member is also named by email; the contributor closes one with If-Match;
// an auditor may not own a task nor give one; another organization's tasks are 404.
func TestTasksThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, other := e.org(t, "acme"), e.org(t, "other")
	maya := e.member(t, acme, aims.RoleManager)
	priya := e.member(t, acme, aims.RoleContributor)
	audrey := e.member(t, acme, aims.RoleAuditor)
	stranger := e.member(t, other, aims.RoleOwner)
	s := e.seedSystem(t, acme.ID)
	sys := "system:" + s.ID

	var late, soon record.Task
	e.do(t, "POST", "/api/v1/tasks", maya.Token, map[string]any{"record": sys, "title": "Review the model card", "owner_id": priya.User.ID, "due": "2099-01-31"}).
		want(t, 201).decode(t, &soon)
	res := e.do(t, "POST", "/api/v1/tasks", maya.Token, map[string]any{"record": "control:iso42001-2023/A.6.2.4", "title": "Write the procedure",
		"owner_id": priya.User.ID, "due": "2020-01-31"}).want(t, 201)
	res.decode(t, &late)
	if !late.Overdue || soon.Overdue || res.header.Get("ETag") != `"1"` || late.OwnerName != priya.User.Name {
		t.Fatalf("created %+v and %+v", late, soon)
	}
	var approval record.Task
	e.do(t, "POST", "/api/v1/tasks", maya.Token, map[string]any{"record": sys, "title": "Accept the residual risk", "owner_id": priya.User.ID,
		"kind": "approval"}).want(t, 201).decode(t, &approval)
	if approval.Kind != record.TaskApproval || late.Kind != record.TaskAction {
		t.Fatalf("kinds: %q and %q", approval.Kind, late.Kind)
	}
	var mine struct{ Items []record.Task }
	e.do(t, "GET", "/api/v1/tasks?owner=me", priya.Token, nil).want(t, 200).decode(t, &mine)
	if len(mine.Items) != 3 || mine.Items[0].ID != late.ID || mine.Items[1].ID != soon.ID || mine.Items[2].ID != approval.ID {
		t.Errorf("owner=me: %+v", mine.Items)
	}
	e.do(t, "GET", "/api/v1/tasks?owner=me&kind=approval", priya.Token, nil).want(t, 200).decode(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].ID != approval.ID {
		t.Errorf("owner=me&kind=approval: %+v", mine.Items)
	}
	e.do(t, "GET", "/api/v1/tasks?overdue=true&owner="+url.QueryEscape(priya.User.Email), maya.Token, nil).want(t, 200).decode(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].ID != late.ID {
		t.Errorf("overdue by email: %+v", mine.Items)
	}
	e.do(t, "GET", "/api/v1/tasks?owner=me", maya.Token, nil).want(t, 200).decode(t, &mine)
	if len(mine.Items) != 0 {
		t.Errorf("the manager owns %+v", mine.Items)
	}

	before := e.counts(t, acme, other)
	e.do(t, "POST", "/api/v1/tasks", maya.Token, map[string]any{"record": sys, "title": "x", "owner_id": audrey.User.ID}).wantProblem(t, 400, "invalid", "owner_id")
	e.do(t, "POST", "/api/v1/tasks", maya.Token, map[string]any{"record": sys, "title": "x", "owner_id": stranger.User.ID}).wantProblem(t, 400, "invalid", "owner_id")
	e.do(t, "POST", "/api/v1/tasks", maya.Token, map[string]any{"record": sys, "title": "x", "owner_id": priya.User.ID, "due": "soon"}).wantProblem(t, 400, "invalid", "due")
	e.send(t, call{method: "POST", path: "/api/v1/tasks", token: maya.Token, body: map[string]any{"record": sys, "title": "x", "owner_id": priya.User.ID,
		"kind": "chore"}, offContract: true}).wantProblem(t, 400, "invalid", "kind")
	e.send(t, call{method: "GET", path: "/api/v1/tasks?kind=chore", token: maya.Token, offContract: true}).wantProblem(t, 400, "invalid", "kind")
	e.do(t, "POST", "/api/v1/tasks", audrey.Token, map[string]any{"record": sys, "title": "x", "owner_id": priya.User.ID}).wantProblem(t, 403, "forbidden", "")
	e.do(t, "POST", "/api/v1/tasks", stranger.Token, map[string]any{"record": sys, "title": "x", "owner_id": stranger.User.ID}).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", "/api/v1/tasks/"+late.ID, stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", "/api/v1/tasks?owner=nobody@acme.example", maya.Token, nil).wantProblem(t, 400, "invalid", "owner")
	e.do(t, "GET", "/api/v1/tasks?record="+url.QueryEscape(sys), stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.unchanged(t, before)

	e.do(t, "PATCH", "/api/v1/tasks/"+late.ID, priya.Token, map[string]any{"status": "done"}, "If-Match", `"2"`).wantProblem(t, 412, "precondition", "")
	var closed record.Task
	e.do(t, "PATCH", "/api/v1/tasks/"+late.ID, priya.Token, map[string]any{"status": "done"}, "If-Match", `"1"`).want(t, 200).decode(t, &closed)
	if closed.Status != record.TaskDone || closed.CompletedAt == nil || closed.Overdue {
		t.Errorf("closed: %+v", closed)
	}
	e.do(t, "GET", "/api/v1/tasks?owner=me", priya.Token, nil).want(t, 200).decode(t, &mine)
	if len(mine.Items) != 2 || mine.Items[0].ID != soon.ID {
		t.Errorf("owner=me after closing: %+v", mine.Items)
	}
}
