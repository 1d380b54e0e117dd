package notify_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/notify"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/system"
)

// TestEventsReachWebhooksAndInboxes: an auditor's comment that mentions Priya and a task for her are each
// delivered to the organization's webhook, signed with its secret, and e-mailed to Priya through a real
// SMTP server (with a login); a link, which the webhook does not subscribe to, is not delivered; nothing is
// sent until the worker runs, and the deliveries are listed with the receiver's answers.
func TestEventsReachWebhooksAndInboxes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hook := startReceiver(t)
	maya, _ := e.member(t, "maya@lumen.example", aims.RoleManager)
	audrey, _ := e.member(t, "audrey@audit.example", aims.RoleAuditor)
	_, priya := e.member(t, "priya@lumen.example", aims.RoleContributor)
	wh, err := e.sv.Notify.CreateWebhook(maya, e.org.ID, notify.NewWebhook{URL: hook.URL + "/aims-events", Events: []string{"comment.created", "task.created"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(wh.Secret, "whsec_") {
		t.Fatalf("the webhook's secret: %q", wh.Secret)
	}
	s, err := e.sv.Systems.Create(maya, e.org.ID, system.Fields{Name: "TalentMatch", Purpose: "CV screening."})
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.sv.Records.AddComment(audrey, e.org.ID, record.NewComment{Record: "system:" + s.ID, Body: "@priya where is the bias test?"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sv.Records.CreateTask(maya, e.org.ID, record.NewTask{Record: "system:" + s.ID, Title: "Link the bias test", OwnerID: priya.ID, Due: "2027-03-31"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sv.Records.CreateTask(maya, e.org.ID, record.NewTask{Record: "system:" + s.ID, Title: "Sign off the impact assessment",
		OwnerID: priya.ID, Kind: record.TaskApproval}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sv.Records.Link(maya, e.org.ID, record.NewLink{Relationship: "implements", From: "system:" + s.ID, To: "control:iso42001-2023/A.6.2.4"}); err != nil {
		t.Fatal(err)
	}
	if len(hook.received()) != 0 || len(e.box.messages()) != 0 {
		t.Fatal("something was sent before the worker ran")
	}
	n, err := e.worker.RunOnce(context.Background())
	if err != nil || n != 6 {
		t.Fatalf("the worker ran %d jobs (%v), want 3 deliveries and 3 e-mails", n, err)
	}

	got := hook.received()
	if len(got) != 3 {
		t.Fatalf("the webhook received %d requests, want 3", len(got))
	}
	var events []string
	ids := map[string]bool{}
	for _, d := range got {
		if err := notify.Verify(wh.Secret, d.header.Get(notify.SignatureHeader), d.body, time.Now(), 5*time.Minute); err != nil {
			t.Errorf("delivery %s: %v", d.header.Get("Aims-Delivery"), err)
		}
		if err := notify.Verify("whsec_wrong", d.header.Get(notify.SignatureHeader), d.body, time.Now(), 5*time.Minute); err == nil {
			t.Errorf("a wrong secret verifies delivery %s", d.header.Get("Aims-Delivery"))
		}
		var body struct {
			ID, Event string
			Data      map[string]any
		}
		if err := json.Unmarshal(d.body, &body); err != nil {
			t.Fatal(err)
		}
		if body.Event != d.header.Get("Aims-Event") || body.ID != d.header.Get("Aims-Delivery") || body.Data["id"] == nil {
			t.Errorf("delivery body %s with headers %v", d.body, d.header)
		}
		events, ids[body.ID] = append(events, body.Event), true
	}
	if strings.Join(events, ",") != "comment.created,task.created,task.created" || len(ids) != 3 {
		t.Errorf("events delivered: %v", events)
	}

	msgs := e.box.messages()
	if len(msgs) != 3 {
		t.Fatalf("%d e-mails, want 3", len(msgs))
	}
	for i, want := range []string{"Subject: [Lumen Labs] Audrey mentioned you on AI system TalentMatch", "Subject: [Lumen Labs] Task for you: Link the bias test",
		"Subject: [Lumen Labs] Approval waiting: Sign off the impact assessment"} {
		m := msgs[i]
		if m.to != "priya@lumen.example" || m.from != "aims@lumen.example" || !strings.Contains(m.data, want) {
			t.Errorf("e-mail %d from %s to %s:\n%s\nwant %q", i, m.from, m.to, m.data, want)
		}
	}
	if !strings.Contains(msgs[0].data, "https://aims.lumen.example/systems/"+s.ID+"#comment-"+c.ID) || !strings.Contains(msgs[0].data, "where is the bias test?") {
		t.Errorf("the mention e-mail does not quote the comment and lead to it:\n%s", msgs[0].data)
	}
	if !strings.Contains(msgs[1].data, "It is due on 2027-03-31.") {
		t.Errorf("the task e-mail does not give the due date:\n%s", msgs[1].data)
	}
	if !strings.Contains(msgs[2].data, "asks for your approval on AI system TalentMatch") {
		t.Errorf("the approval e-mail does not say what is to be approved:\n%s", msgs[2].data)
	}

	ds, _, err := e.sv.Notify.Deliveries(maya, e.org.ID, wh.ID, aims.Page{})
	if err != nil || len(ds) != 3 {
		t.Fatalf("deliveries: %d, %v", len(ds), err)
	}
	for _, d := range ds {
		if d.Status != notify.DeliveryDelivered || d.ResponseStatus != 200 || d.ResponseBody != `{"ok":true}` || d.Attempts != 1 || d.DeliveredAt == nil {
			t.Errorf("delivery %+v", d)
		}
	}
	if n, _ := e.worker.RunOnce(context.Background()); n != 0 {
		t.Errorf("%d jobs ran again", n)
	}
}

// TestFailedSendsAreRetriedAndRecorded: a receiver that answers 500 and an SMTP server that refuses the
// recipient leave the change made and the request unblocked; the jobs record the errors and retry after
// their backoff, and succeed once the other side recovers.
func TestFailedSendsAreRetriedAndRecorded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hook := startReceiver(t)
	hook.fail = 1
	e.box.refuse = true
	maya, _ := e.member(t, "maya@lumen.example", aims.RoleManager)
	_, priya := e.member(t, "priya@lumen.example", aims.RoleContributor)
	wh, err := e.sv.Notify.CreateWebhook(maya, e.org.ID, notify.NewWebhook{URL: hook.URL, Events: []string{"task.created"}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.sv.Systems.Create(maya, e.org.ID, system.Fields{Name: "TalentMatch", Purpose: "CV screening."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sv.Records.CreateTask(maya, e.org.ID, record.NewTask{Record: "system:" + s.ID, Title: "Link the bias test", OwnerID: priya.ID}); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.worker.RunOnce(context.Background()); n != 2 {
		t.Fatalf("the first pass ran %d jobs, want 2", n)
	}
	ds, _, err := e.sv.Notify.Deliveries(maya, e.org.ID, wh.ID, aims.Page{})
	if err != nil || len(ds) != 1 || ds[0].Status != notify.DeliveryPending || ds[0].ResponseStatus != 500 ||
		!strings.Contains(ds[0].Error, "500") || ds[0].ResponseBody != "temporarily down\n" {
		t.Fatalf("the delivery after a 500: %+v, %v", ds, err)
	}
	var lastErr string
	w, _ := e.db.Pools()
	if err := w.QueryRow(`SELECT last_error FROM jobs WHERE kind = 'email'`).Scan(&lastErr); err != nil || !strings.Contains(lastErr, "450") {
		t.Errorf("the e-mail job's error: %q, %v", lastErr, err)
	}
	e.box.mu.Lock()
	e.box.refuse = false
	e.box.mu.Unlock()
	if n, _ := e.worker.RunOnce(context.Background()); n != 0 {
		t.Errorf("%d jobs ran before their backoff", n)
	}
	e.clock.Add(2 * time.Minute)
	if n, _ := e.worker.RunOnce(context.Background()); n != 2 {
		t.Errorf("the retry ran %d jobs, want 2", n)
	}
	ds, _, _ = e.sv.Notify.Deliveries(maya, e.org.ID, wh.ID, aims.Page{})
	if ds[0].Status != notify.DeliveryDelivered || ds[0].Attempts != 2 || ds[0].Error != "" {
		t.Errorf("the delivery after the retry: %+v", ds[0])
	}
	if len(hook.received()) != 1 || len(e.box.messages()) != 1 {
		t.Errorf("after the retry: %d deliveries received, %d e-mails", len(hook.received()), len(e.box.messages()))
	}
}

// TestWebhooksRefuseBadInput: a URL that is not http(s), carries a password, or points at aims itself; an
// unknown event; another organization's webhook; none of them writes anything.
func TestWebhooksRefuseBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	maya, _ := e.member(t, "maya@lumen.example", aims.RoleAdmin)
	other, err := e.sv.Accounts.CreateOrganization(context.Background(), "other", "Other")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		n           notify.NewWebhook
		field, says string
	}{
		{"ftp", notify.NewWebhook{URL: "ftp://hooks.example/x", Events: []string{"task.created"}}, "url", "http"},
		{"no host", notify.NewWebhook{URL: "https:///x", Events: []string{"task.created"}}, "url", "http"},
		{"relative", notify.NewWebhook{URL: "/hooks", Events: []string{"task.created"}}, "url", "http"},
		{"a password", notify.NewWebhook{URL: "https://u:p@hooks.example/x", Events: []string{"task.created"}}, "url", "password"},
		{"aims itself", notify.NewWebhook{URL: "http://127.0.0.1:8080/api/v1/links", Events: []string{"task.created"}}, "url", "itself"},
		{"aims as localhost", notify.NewWebhook{URL: "http://localhost:8080/", Events: []string{"task.created"}}, "url", "itself"},
		{"aims's public address", notify.NewWebhook{URL: "https://aims.lumen.example/hook", Events: []string{"task.created"}}, "url", "itself"},
		{"no events", notify.NewWebhook{URL: "https://hooks.example/x"}, "events", "Choose"},
		{"an unknown event", notify.NewWebhook{URL: "https://hooks.example/x", Events: []string{"risk.accepted"}}, "events", "Unknown event"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.sv.Notify.CreateWebhook(maya, e.org.ID, tc.n)
			if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != tc.field || !strings.Contains(aims.ErrorMessage(err), tc.says) {
				t.Errorf("got %v, want EINVALID on %s saying %q", err, tc.field, tc.says)
			}
		})
	}
	if hs, _, _ := e.sv.Notify.Webhooks(maya, e.org.ID, aims.Page{}); len(hs) != 0 {
		t.Errorf("refused webhooks were stored: %d", len(hs))
	}
	wh, err := e.sv.Notify.CreateWebhook(maya, e.org.ID, notify.NewWebhook{URL: "http://127.0.0.1:9999/ok", Events: []string{"task.created", "task.created"}})
	if err != nil || len(wh.Events) != 1 {
		t.Fatalf("another port of this host is fine: %+v, %v", wh, err)
	}
	if _, err := e.sv.Notify.Webhook(maya, other.ID, wh.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("another organization reading the webhook: %v", err)
	}
	if err := e.sv.Notify.DeleteWebhook(maya, other.ID, wh.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("another organization deleting the webhook: %v", err)
	}
	if got, err := e.sv.Notify.Webhook(maya, e.org.ID, wh.ID); err != nil || got.Secret != "" {
		t.Errorf("reading the webhook back: %+v, %v (the secret is shown only once)", got, err)
	}
}
