package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/notify"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// TestEachMemberIsToldTheirWay: a member on immediate e-mail is told at once, one on the daily digest gets
// one message a day with everything in it, one who turned e-mail off gets nothing; tasks due tomorrow and
// overdue ones remind their owners once per due date.
func TestEachMemberIsToldTheirWay(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	maya, _ := e.member(t, "maya@lumen.example", aims.RoleManager)
	_, priya := e.member(t, "priya@lumen.example", aims.RoleContributor)
	_, tom := e.member(t, "tom@lumen.example", aims.RoleContributor)
	_, ann := e.member(t, "ann@lumen.example", aims.RoleContributor)
	ctx := context.Background()
	if err := e.sv.Notify.SetEmailMode(ctx, e.org.ID, tom.ID, notify.EmailDigest); err != nil {
		t.Fatal(err)
	}
	if err := e.sv.Notify.SetEmailMode(ctx, e.org.ID, ann.ID, notify.EmailOff); err != nil {
		t.Fatal(err)
	}
	if err := e.sv.Notify.SetEmailMode(ctx, e.org.ID, ann.ID, "weekly"); aims.ErrorField(err) != "email" {
		t.Errorf("an unknown mode: %v", err)
	}
	if m, _ := e.sv.Notify.EmailMode(ctx, e.org.ID, priya.ID); m != notify.EmailImmediate {
		t.Errorf("the default mode is %q", m)
	}
	s, err := e.sv.Systems.Create(maya, e.org.ID, system.Fields{Name: "TalentMatch", Purpose: "CV screening."})
	if err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	day := func(d int) string { return now.AddDate(0, 0, d).Format(time.DateOnly) }
	for _, tc := range []struct {
		owner, title, due string
	}{{priya.ID, "Review the model card", day(1)}, {tom.ID, "Run the bias test", day(-2)}, {ann.ID, "Tidy the components", day(-1)}} {
		if _, err := e.sv.Records.CreateTask(maya, e.org.ID, record.NewTask{Record: "system:" + s.ID, Title: tc.title, OwnerID: tc.owner, Due: tc.due}); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := e.worker.RunOnce(ctx); n != 1 {
		t.Fatalf("%d e-mails sent at once, want 1 (Priya's)", n)
	}
	reminded, err := e.sv.Records.RemindTasks(ctx, e.db, now)
	if err != nil || reminded != 3 {
		t.Fatalf("reminded %d tasks (%v), want 3", reminded, err)
	}
	if again, _ := e.sv.Records.RemindTasks(ctx, e.db, now); again != 0 {
		t.Errorf("reminded %d tasks a second time", again)
	}
	if n, _ := e.worker.RunOnce(ctx); n != 1 {
		t.Fatalf("%d reminders sent at once, want 1 (Priya's due tomorrow)", n)
	}
	if err := e.sender.SendDigests(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.sender.SendDigests(ctx); err != nil {
		t.Fatal(err)
	}
	var to []string
	for _, m := range e.box.messages() {
		to = append(to, m.to)
	}
	if strings.Join(to, ",") != "priya@lumen.example,priya@lumen.example,tom@lumen.example" {
		t.Fatalf("e-mails went to %v", to)
	}
	msgs := e.box.messages()
	if !strings.Contains(msgs[1].data, "Subject: [Lumen Labs] Due tomorrow: Review the model card") {
		t.Errorf("Priya's reminder:\n%s", msgs[1].data)
	}
	digest := msgs[2].data
	for _, want := range []string{"Subject: [Lumen Labs] Your daily digest: 2 updates", "Task for you: Run the bias test",
		"Overdue: Run the bias test", "https://aims.lumen.example/my-work"} {
		if !strings.Contains(digest, want) {
			t.Errorf("Tom's digest does not say %q:\n%s", want, digest)
		}
	}
}

// TestTheDailyJobIsScheduledOncePerDay: every replica schedules the day's job; one exists.
func TestTheDailyJobIsScheduledOncePerDay(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	a, err := app.New(db, app.Options{Catalog: storetest.Catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := a.ScheduleDaily(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	w, _ := db.Pools()
	var n int
	if err := w.QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'daily'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d daily jobs (%v), want 1", n, err)
	}
	if ran, err := a.Worker.RunOnce(context.Background()); err != nil || ran > 1 {
		t.Errorf("the daily job ran %d times: %v", ran, err)
	}
}
