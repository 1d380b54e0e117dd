package web_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/system"
)

// prepareTasks fills in the matrix's request for adding a task and changing its status: on a fresh system
// of target, owned by a fresh contributor there.
func prepareTasks(t *testing.T, f *apptest.Fixture, r *matrixRequest, route string, target *account.Organization) {
	t.Helper()
	switch route {
	case "POST /tasks", "POST /tasks/{id}/status":
	case "POST /my-work/notifications":
		r.form.Set("email", "digest")
		r.okLocation = "/my-work#notify-title"
		return
	default:
		return
	}
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: target.ID})
	s, err := f.Systems.Create(ctx, target.ID, system.Fields{Name: "Matrix system " + aims.NewID(), Purpose: "Matrix."})
	if err != nil {
		t.Fatal(err)
	}
	owner := newUser(t, f, "owner-"+aims.NewID()+"@example.com", target, aims.RoleContributor)
	r.okLocation = "/systems/" + s.ID + "#record-tasks-title"
	if route == "POST /tasks" {
		r.form.Set("self", "system:"+s.ID)
		r.form.Set("title", "Run the bias test")
		r.form.Set("owner_id", owner.ID)
		return
	}
	tk, err := f.Records.CreateTask(ctx, target.ID, record.NewTask{Record: "system:" + s.ID, Title: "Run the bias test", OwnerID: owner.ID})
	if err != nil {
		t.Fatal(err)
	}
	r.path = "/tasks/" + tk.ID + "/status"
	r.form.Set("version", "1")
	r.form.Set("status", "done")
}
