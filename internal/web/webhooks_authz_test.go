package web_test

import (
	"net/http"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/notify"
)

// prepareWebhooks fills in the matrix's request for adding, testing and deleting webhooks: a fresh
// webhook of target for the ones with an id. Each is deleted when the test ends, so that an organization
// never holds more than it may.
func prepareWebhooks(t *testing.T, f *apptest.Fixture, r *matrixRequest, route string, target *account.Organization) {
	t.Helper()
	switch route {
	case "POST /webhooks":
		r.form.Set("url", "https://hooks.example/"+aims.NewID())
		r.form.Add("events", "task.created")
		r.okStatus = http.StatusOK // the secret is shown on the answer itself
		t.Cleanup(func() {
			for _, o := range []*account.Organization{target} {
				hs, _, _ := f.Notify.Webhooks(f.Ctx, o.ID, aims.Page{Limit: 100})
				for _, h := range hs {
					f.Notify.DeleteWebhook(f.Ctx, o.ID, h.ID)
				}
			}
		})
	case "POST /webhooks/{id}/test", "POST /webhooks/{id}/delete":
		h, err := f.Notify.CreateWebhook(f.Ctx, target.ID, notify.NewWebhook{URL: "https://hooks.example/" + aims.NewID(), Events: []string{"task.created"}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Notify.DeleteWebhook(f.Ctx, target.ID, h.ID) })
		if route == "POST /webhooks/{id}/test" {
			r.path, r.okLocation = "/webhooks/"+h.ID+"/test", "/webhooks#webhook-"+h.ID
		} else {
			r.path, r.okLocation = "/webhooks/"+h.ID+"/delete", "/webhooks"
		}
	}
}
