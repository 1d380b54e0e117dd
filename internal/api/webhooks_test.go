package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/notify"
)

// TestWebhooksThroughTheAPI: an admin adds a webhook and sees its secret once; a test delivery is queued
// and listed; bad URLs and events are 400 naming the field; the 21st webhook is 409; another
// organization's webhook is 404; deleting it ends it.
func TestWebhooksThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, other := e.org(t, "acme"), e.org(t, "other")
	lee := e.member(t, acme, aims.RoleAdmin)
	audrey := e.member(t, acme, aims.RoleAuditor)
	stranger := e.member(t, other, aims.RoleOwner)

	var h notify.Webhook
	res := e.do(t, "POST", "/api/v1/webhooks", lee.Token, map[string]any{"url": "https://hooks.acme.example/aims", "events": []string{"comment.created", "task.created"}}).want(t, 201)
	res.decode(t, &h)
	if !strings.HasPrefix(h.Secret, "whsec_") || len(h.Events) != 2 {
		t.Fatalf("created %+v", h)
	}
	var got notify.Webhook
	e.do(t, "GET", "/api/v1/webhooks/"+h.ID, audrey.Token, nil).want(t, 200).decode(t, &got)
	if got.Secret != "" || got.URL != h.URL {
		t.Errorf("read back: %+v", got)
	}
	var d notify.Delivery
	e.do(t, "POST", "/api/v1/webhooks/"+h.ID+"/test", lee.Token, nil).want(t, 202).decode(t, &d)
	if d.Event != "ping" || d.Status != notify.DeliveryPending {
		t.Errorf("the test delivery: %+v", d)
	}
	var ds struct{ Items []notify.Delivery }
	e.do(t, "GET", "/api/v1/webhooks/"+h.ID+"/deliveries", audrey.Token, nil).want(t, 200).decode(t, &ds)
	if len(ds.Items) != 1 || ds.Items[0].ID != d.ID {
		t.Errorf("deliveries: %+v", ds.Items)
	}

	before := e.counts(t, acme, other)
	e.do(t, "POST", "/api/v1/webhooks", lee.Token, map[string]any{"url": "ftp://hooks.example/x", "events": []string{"task.created"}}).wantProblem(t, 400, "invalid", "url")
	e.send(t, call{method: "POST", path: "/api/v1/webhooks", token: lee.Token, offContract: true,
		body: map[string]any{"url": "https://hooks.example/x", "events": []string{}}}).wantProblem(t, 400, "invalid", "events")
	e.send(t, call{method: "POST", path: "/api/v1/webhooks", token: lee.Token, offContract: true,
		body: map[string]any{"url": "https://hooks.example/x", "events": []string{"risk.accepted"}}}).wantProblem(t, 400, "invalid", "events")
	e.do(t, "POST", "/api/v1/webhooks", audrey.Token, map[string]any{"url": "https://hooks.example/x", "events": []string{"task.created"}}).wantProblem(t, 403, "forbidden", "")
	e.do(t, "GET", "/api/v1/webhooks/"+h.ID, stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", "/api/v1/webhooks/"+h.ID+"/deliveries", stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "POST", "/api/v1/webhooks/"+h.ID+"/test", stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "DELETE", "/api/v1/webhooks/"+h.ID, stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.send(t, call{method: "GET", path: "/api/v1/webhooks?cursor=%25%25", token: lee.Token, offContract: true}).wantProblem(t, 400, "invalid", "cursor")
	e.send(t, call{method: "GET", path: "/api/v1/webhooks/" + h.ID + "/deliveries?cursor=%25%25", token: lee.Token, offContract: true}).
		wantProblem(t, 400, "invalid", "cursor")
	e.unchanged(t, before)

	for i := 1; i < notify.MaxWebhooks; i++ {
		e.do(t, "POST", "/api/v1/webhooks", lee.Token, map[string]any{"url": fmt.Sprintf("https://hooks.example/%d", i), "events": []string{"task.created"}}).want(t, 201)
	}
	e.do(t, "POST", "/api/v1/webhooks", lee.Token, map[string]any{"url": "https://hooks.example/one-too-many", "events": []string{"task.created"}}).wantProblem(t, 409, "conflict", "")
	e.do(t, "DELETE", "/api/v1/webhooks/"+h.ID, lee.Token, nil).want(t, 204)
	e.do(t, "GET", "/api/v1/webhooks/"+h.ID, lee.Token, nil).wantProblem(t, 404, "not_found", "")
	var hs struct{ Items []notify.Webhook }
	e.do(t, "GET", "/api/v1/webhooks?limit=100", lee.Token, nil).want(t, 200).decode(t, &hs)
	if len(hs.Items) != notify.MaxWebhooks-1 {
		t.Errorf("%d webhooks left, want %d", len(hs.Items), notify.MaxWebhooks-1)
	}
}
