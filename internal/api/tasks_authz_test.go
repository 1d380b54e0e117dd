package api_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// seedTask gives the contributor of tg's organization a task on a fresh system.
func (e *env) seedTask(t *testing.T, orgID, ownerID string) *record.Task {
	t.Helper()
	s := e.seedSystem(t, orgID)
	tk, err := e.Records.CreateTask(e.Ctx, orgID, record.NewTask{Record: "system:" + s.ID, Title: "Run the bias test", OwnerID: ownerID, Due: "2027-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// tasksMatrixCall returns the matrix's call of a task route, and true, or false for other routes.
func (e *env) tasksMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	callerOrg := caller.Org.ID
	switch method + " " + path {
	case "GET /api/v1/tasks":
		e.seedTask(t, tg.org.ID, tg.members[aims.RoleContributor].User.ID)
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			var l struct{ Items []record.Task }
			res.decode(t, &l)
			for _, x := range l.Items {
				if _, err := e.Records.Task(e.Ctx, callerOrg, x.ID); err != nil {
					t.Errorf("listed task %s of another organization", x.ID)
				}
			}
		}, true
	case "POST /api/v1/tasks":
		s := e.seedSystem(t, callerOrg)
		c.body = map[string]any{"record": "system:" + s.ID, "title": "Review the model card", "owner_id": caller.User.ID}
		return c, func(t *testing.T, _ *response, changed bool) {
			ts, _, err := e.Records.Tasks(e.Ctx, callerOrg, record.TaskFilter{Record: &record.Ref{Type: record.TypeSystem, ID: s.ID}}, pageAll)
			if err != nil || changed != (len(ts) == 1) {
				t.Errorf("tasks on the caller's system: %d, %v (changed %v)", len(ts), err, changed)
			}
		}, true
	case "GET /api/v1/tasks/{id}", "PATCH /api/v1/tasks/{id}":
		x := e.seedTask(t, tg.org.ID, tg.members[aims.RoleContributor].User.ID)
		c.path = "/api/v1/tasks/" + x.ID
		if method == "PATCH" {
			c.body = map[string]any{"status": "done"}
		}
		return c, func(t *testing.T, _ *response, changed bool) {
			cur, err := e.Records.Task(e.Ctx, tg.org.ID, x.ID)
			if err != nil {
				t.Fatal(err)
			}
			if method == "PATCH" && (cur.Status == record.TaskDone) != changed {
				t.Errorf("the task is %s, changed %v", cur.Status, changed)
			}
		}, true
	}
	return c, nil, false
}
