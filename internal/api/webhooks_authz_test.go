package api_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/notify"
)

// seedWebhook adds a webhook to orgID.
func (e *env) seedWebhook(t *testing.T, orgID string) *notify.Webhook {
	t.Helper()
	h, err := e.Notify.CreateWebhook(e.Ctx, orgID, notify.NewWebhook{URL: "https://hooks.example/" + aims.NewID(), Events: []string{"task.created"}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// webhooksMatrixCall returns the matrix's call of a webhook route, and true, or false for other routes.
func (e *env) webhooksMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	callerOrg := caller.Org.ID
	switch method + " " + path {
	case "GET /api/v1/webhooks":
		h := e.seedWebhook(t, tg.org.ID)
		return c, func(t *testing.T, res *response, _ bool) {
			defer e.Notify.DeleteWebhook(e.Ctx, tg.org.ID, h.ID) // an organization holds 20 webhooks at most
			if res.status != 200 {
				return
			}
			var l struct{ Items []notify.Webhook }
			res.decode(t, &l)
			for _, x := range l.Items {
				if _, err := e.Notify.Webhook(e.Ctx, callerOrg, x.ID); err != nil || x.Secret != "" {
					t.Errorf("listed webhook %s of another organization, or with its secret", x.ID)
				}
			}
		}, true
	case "POST /api/v1/webhooks":
		url := "https://hooks.example/" + aims.NewID()
		c.body = map[string]any{"url": url, "events": []string{"comment.created"}}
		return c, func(t *testing.T, _ *response, changed bool) {
			hs, _, err := e.Notify.Webhooks(e.Ctx, callerOrg, pageAll)
			n := 0
			for _, h := range hs {
				if h.URL == url {
					n++
					defer e.Notify.DeleteWebhook(e.Ctx, callerOrg, h.ID)
				}
			}
			if err != nil || changed != (n == 1) {
				t.Errorf("webhooks to %s in the caller's organization: %d, %v (changed %v)", url, n, err, changed)
			}
		}, true
	case "GET /api/v1/webhooks/{id}", "DELETE /api/v1/webhooks/{id}", "POST /api/v1/webhooks/{id}/test", "GET /api/v1/webhooks/{id}/deliveries":
		h := e.seedWebhook(t, tg.org.ID)
		c.path = "/api/v1/webhooks/" + h.ID
		switch path {
		case "/api/v1/webhooks/{id}/test":
			c.path += "/test"
		case "/api/v1/webhooks/{id}/deliveries":
			c.path += "/deliveries"
		}
		return c, func(t *testing.T, _ *response, changed bool) {
			defer e.Notify.DeleteWebhook(e.Ctx, tg.org.ID, h.ID)
			_, err := e.Notify.Webhook(e.Ctx, tg.org.ID, h.ID)
			ds, _, _ := e.Notify.Deliveries(e.Ctx, tg.org.ID, h.ID, pageAll)
			switch {
			case method == "DELETE" && changed != (aims.ErrorCode(err) == aims.ENOTFOUND):
				t.Errorf("the webhook after the call: %v (changed %v)", err, changed)
			case path == "/api/v1/webhooks/{id}/test" && changed != (len(ds) == 1):
				t.Errorf("the webhook has %d deliveries (changed %v)", len(ds), changed)
			}
		}, true
	}
	return c, nil, false
}
