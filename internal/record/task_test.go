package record_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// TestTasksListOverdueFirst: a manager gives a contributor tasks on a system and a control; the
// contributor's list holds their active tasks, overdue first and undated last, a page at a time; closing a
// task takes it off the list and records when; the owner must be a member whose role may change the
// record; bad input writes nothing; deleting the record deletes its tasks.
func TestTasksListOverdueFirst(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	clk := &testClock{now: time.Date(2027, 3, 10, 9, 0, 0, 0, time.UTC)}
	f.sv.Records.Now = clk.Now
	mgr, _ := f.as(t, f.org, "maya@lumen.example", aims.RoleManager)
	_, priya := f.as(t, f.org, "priya@lumen.example", aims.RoleContributor)
	_, audrey := f.as(t, f.org, "audrey@audit.example", aims.RoleAuditor)
	other := f.newOrg(t, "elsewhere")
	_, stranger := f.as(t, other, "sam@elsewhere.example", aims.RoleOwner)
	talent := f.system(t, f.org.ID, "TalentMatch")

	add := func(title, rec, due string, kind ...string) *record.Task {
		t.Helper()
		n := record.NewTask{Record: rec, Title: title, OwnerID: priya.ID, Due: due}
		if len(kind) > 0 {
			n.Kind = kind[0]
		}
		tk, err := f.sv.Records.CreateTask(mgr, f.org.ID, n)
		if err != nil {
			t.Fatalf("task %q: %v", title, err)
		}
		return tk
	}
	later := add("Review the model card", talent, "2027-04-30")
	undated := add("Tidy the component list", talent, "")
	overdue := add("Run the bias test", talent, "2027-03-01")
	approval := add("Write the verification procedure", "control:iso42001-2023/A.6.2.4", "2027-03-09", record.TaskApproval)
	if approval.Kind != record.TaskApproval || overdue.Kind != record.TaskAction {
		t.Errorf("kinds: %q, %q; want approval, action", approval.Kind, overdue.Kind)
	}
	if !overdue.Overdue || later.Overdue || undated.Overdue || overdue.OwnerName != "Person priya" || overdue.Record.Title != "TalentMatch" {
		t.Errorf("tasks: %+v %+v %+v", overdue, later, undated)
	}
	mine := func() []string {
		t.Helper()
		var out []string
		p := aims.Page{Limit: 2}
		for {
			ts, next, err := f.sv.Records.MyWork(f.ctx, f.org.ID, priya.ID, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, tk := range ts {
				out = append(out, tk.Title)
			}
			if next == "" {
				return out
			}
			p.Cursor = next
		}
	}
	want := []string{"Run the bias test", "Write the verification procedure", "Review the model card", "Tidy the component list"}
	if got := mine(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("my work: %q, want %q", got, want)
	}
	if c, err := f.sv.Records.CountMyWork(f.ctx, f.org.ID, priya.ID, 10); err != nil || c != (record.WorkCount{Active: 4, Overdue: 2, Approvals: 1}) {
		t.Errorf("counted %+v (%v); want 4 active, 2 overdue, 1 approval", c, err)
	}
	if c, err := f.sv.Records.CountMyWork(f.ctx, f.org.ID, priya.ID, 3); err != nil || c != (record.WorkCount{Active: 3, Overdue: 2, Approvals: 1, More: true}) {
		t.Errorf("counted up to 3: %+v (%v); want 3 active, 2 overdue, 1 approval, more", c, err)
	}
	if ap, _, err := f.sv.Records.Tasks(f.ctx, f.org.ID, record.TaskFilter{OwnerID: priya.ID, Kind: record.TaskApproval}, aims.Page{}); err != nil ||
		len(ap) != 1 || ap[0].ID != approval.ID {
		t.Errorf("approvals waiting: %v, %v; want the one", ap, err)
	}
	if _, _, err := f.sv.Records.Tasks(f.ctx, f.org.ID, record.TaskFilter{Kind: "chore"}, aims.Page{}); aims.ErrorField(err) != "kind" {
		t.Errorf("an unknown kind to list: %v", err)
	}
	od, _, err := f.sv.Records.Tasks(f.ctx, f.org.ID, record.TaskFilter{OwnerID: priya.ID, Overdue: true}, aims.Page{})
	if err != nil || len(od) != 2 {
		t.Errorf("overdue: %d, %v", len(od), err)
	}
	done := record.TaskDone
	closed, err := f.sv.Records.UpdateTask(mgr, f.org.ID, overdue.ID, record.TaskUpdate{Status: &done}, overdue.Version)
	if err != nil || closed.CompletedAt == nil || closed.Overdue {
		t.Fatalf("closing: %+v, %v", closed, err)
	}
	if _, err := f.sv.Records.UpdateTask(mgr, f.org.ID, overdue.ID, record.TaskUpdate{Status: &done}, overdue.Version); aims.ErrorCode(err) != aims.EPRECONDITION {
		t.Errorf("a stale update: %v", err)
	}
	if got := mine(); len(got) != 3 || got[0] != "Write the verification procedure" {
		t.Errorf("my work after closing one: %q", got)
	}
	onRecord, _, err := f.sv.Records.Tasks(f.ctx, f.org.ID, record.TaskFilter{Record: ref(t, talent)}, aims.Page{})
	if err != nil || len(onRecord) != 3 {
		t.Errorf("the system's tasks, closed ones too: %d, %v", len(onRecord), err)
	}

	before := f.trail(t, f.org.ID)
	for _, tc := range []struct {
		name        string
		n           record.NewTask
		code, field string
		says        string
	}{
		{"an auditor cannot own it", record.NewTask{Record: talent, Title: "x", OwnerID: audrey.ID}, aims.EINVALID, "owner_id", "this member's role is auditor"},
		{"a stranger cannot own it", record.NewTask{Record: talent, Title: "x", OwnerID: stranger.ID}, aims.EINVALID, "owner_id", "must be a member"},
		{"no owner", record.NewTask{Record: talent, Title: "x"}, aims.EINVALID, "owner_id", ""},
		{"no title", record.NewTask{Record: talent, Title: " ", OwnerID: priya.ID}, aims.EINVALID, "title", ""},
		{"a bad date", record.NewTask{Record: talent, Title: "x", OwnerID: priya.ID, Due: "31/03/2027"}, aims.EINVALID, "due", "YYYY-MM-DD"},
		{"an unknown kind", record.NewTask{Record: talent, Title: "x", OwnerID: priya.ID, Kind: "chore"}, aims.EINVALID, "kind", "action, approval"},
		{"another organization's record", record.NewTask{Record: "system:" + aims.NewID(), Title: "x", OwnerID: priya.ID}, aims.ENOTFOUND, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.sv.Records.CreateTask(mgr, f.org.ID, tc.n)
			if aims.ErrorCode(err) != tc.code || aims.ErrorField(err) != tc.field || !strings.Contains(aims.ErrorMessage(err), tc.says) {
				t.Errorf("got %v (field %q), want %s on %q saying %q", err, aims.ErrorField(err), tc.code, tc.field, tc.says)
			}
		})
	}
	bad := "finished"
	if _, err := f.sv.Records.UpdateTask(mgr, f.org.ID, later.ID, record.TaskUpdate{Status: &bad}, 0); aims.ErrorField(err) != "status" {
		t.Errorf("an unknown status: %v", err)
	}
	if n := f.trail(t, f.org.ID); n != before {
		t.Errorf("refused tasks wrote %d activity entries", n-before)
	}
	if _, err := f.sv.Records.Task(f.ctx, other.ID, later.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("another organization reading the task: %v", err)
	}

	if err := f.sv.Systems.Delete(f.ctx, f.org.ID, strings.TrimPrefix(talent, "system:")); err != nil {
		t.Fatal(err)
	}
	if got := mine(); len(got) != 1 || got[0] != "Write the verification procedure" {
		t.Errorf("my work after the system went: %q", got)
	}
}
