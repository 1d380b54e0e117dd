package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/system"
)

// TestTasksInTheUI: a manager gives a contributor tasks from a system's page; one for an auditor is
// refused with a message; the contributor's "My work" lists theirs overdue first with their records and
// marks one done, coming back to the list; an auditor sees the tasks without the forms.
func TestTasksInTheUI(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme := f.Org(t, "acme")
	maya := newUser(t, f, "maya@acme.example", acme, aims.RoleManager)
	priya := newUser(t, f, "priya@acme.example", acme, aims.RoleContributor)
	audrey := newUser(t, f, "audrey@audit.example", acme, aims.RoleAuditor)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test"})
	s, err := f.Systems.Create(ctx, acme.ID, system.Fields{Name: "TalentMatch", Purpose: "CV screening."})
	if err != nil {
		t.Fatal(err)
	}
	sysPath := "/systems/" + s.ID
	m := browserAs(t, f, maya, acme)
	page := m.get(sysPath)
	mustContain(t, page, "Tasks", "No task on this record.", "Add task")
	if strings.Contains(page.Body, `<option value="`+audrey.ID+`"`) {
		t.Errorf("an auditor is offered as a task owner")
	}
	for _, tc := range []struct{ title, due string }{{"Review the model card", "2099-01-31"}, {"Run the bias test", "2020-01-31"}, {"Tidy the components", ""}} {
		expect(t, m.post("/tasks", url.Values{"self": {"system:" + s.ID}, "title": {tc.title}, "owner_id": {priya.ID}, "due": {tc.due}}),
			http.StatusSeeOther, sysPath+"#record-tasks-title")
	}
	mustContain(t, m.get(sysPath), "priya@acme.example owns “Tidy the components”.", "Run the bias test", "overdue")
	expect(t, m.post("/tasks", url.Values{"self": {"system:" + s.ID}, "title": {"Accept the residual risk"}, "owner_id": {priya.ID},
		"kind": {record.TaskApproval}}), http.StatusSeeOther, sysPath+"#record-tasks-title")
	mustContain(t, m.get(sysPath), "priya@acme.example is asked to approve “Accept the residual risk”.", "Accept the residual risk approval")
	before := activityCount(t, f, acme.ID)
	m.post("/tasks", url.Values{"self": {"system:" + s.ID}, "title": {"x"}, "owner_id": {audrey.ID}})
	mustContain(t, m.get(sysPath), "No task added: The owner must be a member whose role may change")
	if n := activityCount(t, f, acme.ID); n != before {
		t.Errorf("a refused task wrote %d activity entries", n-before)
	}

	p := browserAs(t, f, priya, acme)
	mustContain(t, p.get("/"), "4 tasks for you, 1 overdue, 1 waiting for your approval", "0 open auditor questions")
	work := p.get("/my-work")
	mustContain(t, work, "1 task is overdue.", "TalentMatch", "Waiting for your approval 1")
	if !strings.Contains(work.Body, `aria-label="Mark Accept the residual risk approved">Approved</button>`) {
		t.Errorf("My work offers no way to mark the approval given")
	}
	body := text(work.Body)
	if a, i, j, k := strings.Index(body, "Accept the residual risk"), strings.Index(body, "Run the bias test"), strings.Index(body, "Review the model card"),
		strings.Index(body, "Tidy the components"); a < 0 || i < 0 || !(a < i && i < j && j < k) {
		t.Errorf("My work is not approvals first, then overdue first, undated last:\n%s", body)
	}
	ts, _, err := f.Records.Tasks(f.Ctx, acme.ID, record.TaskFilter{OwnerID: priya.ID, Kind: record.TaskAction}, aims.Page{})
	if err != nil || len(ts) != 3 {
		t.Fatalf("priya's tasks: %d, %v", len(ts), err)
	}
	expect(t, p.post("/tasks/"+ts[0].ID+"/status", url.Values{"version": {"1"}, "status": {record.TaskDone}, "back": {"my-work"}}), http.StatusSeeOther, "/my-work")
	work = p.get("/my-work")
	mustContain(t, work, "“Run the bias test” is done.")
	if strings.Contains(text(work.Body), "is overdue") || strings.Contains(work.Body, "badge-overdue") {
		t.Errorf("My work still shows an overdue task")
	}

	mustContain(t, work, "E-mail", "once a day, in a digest")
	expect(t, p.post("/my-work/notifications", url.Values{"email": {"digest"}}), http.StatusSeeOther, "/my-work#notify-title")
	if !strings.Contains(p.get("/my-work").Body, `value="digest" checked`) {
		t.Errorf("the digest is not chosen on My work")
	}
	if m, _ := f.Notify.EmailMode(f.Ctx, acme.ID, priya.ID); m != "digest" {
		t.Errorf("the stored mode: %q", m)
	}

	a := browserAs(t, f, audrey, acme)
	ap := a.get(sysPath)
	mustContain(t, ap, "Review the model card")
	if strings.Contains(ap.Body, `action="/tasks`) {
		t.Errorf("the auditor is offered the task forms")
	}
	mustContain(t, a.get("/my-work"), "Nothing is waiting for you.")
}
