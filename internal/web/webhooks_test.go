package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
)

// TestWebhooksInTheUI: an admin adds a webhook and sees its secret once; a bad URL is refused on the form
// with the field named; a test delivery shows as pending; an auditor reads the list without the forms;
// the admin deletes the webhook.
func TestWebhooksInTheUI(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme := f.Org(t, "acme")
	lee := newUser(t, f, "lee@acme.example", acme, aims.RoleAdmin)
	audrey := newUser(t, f, "audrey@audit.example", acme, aims.RoleAuditor)
	b := browserAs(t, f, lee, acme)
	mustContain(t, b.get("/webhooks"), "No webhook yet.", "Add a webhook")

	p := b.post("/webhooks", url.Values{"url": {"ftp://hooks.example/x"}, "events": {"task.created"}})
	if p.Status != http.StatusBadRequest || !strings.Contains(text(p.Body), "absolute http:// or https://") || !strings.Contains(p.Body, `value="ftp://hooks.example/x"`) {
		t.Errorf("a bad URL: %d\n%s", p.Status, excerpt(p))
	}
	p = b.post("/webhooks", url.Values{"url": {"https://hooks.acme.example/aims"}, "events": {"task.created", "comment.created"}})
	expect(t, p, http.StatusOK, "")
	if !regexp.MustCompile(`value="whsec_[0-9a-f]{48}"`).MatchString(p.Body) {
		t.Errorf("the secret is not shown once:\n%s", excerpt(p))
	}
	list := b.get("/webhooks")
	if strings.Contains(list.Body, "whsec_") {
		t.Errorf("the secret is shown again")
	}
	mustContain(t, list, "https://hooks.acme.example/aims", "task.created", "Nothing delivered yet.")
	hs, _, err := f.Notify.Webhooks(f.Ctx, acme.ID, aims.Page{})
	if err != nil || len(hs) != 1 {
		t.Fatalf("webhooks: %d, %v", len(hs), err)
	}
	expect(t, b.post("/webhooks/"+hs[0].ID+"/test", nil), http.StatusSeeOther, "/webhooks#webhook-"+hs[0].ID)
	mustContain(t, b.get("/webhooks"), "A test delivery is queued", "ping", "pending")

	a := browserAs(t, f, audrey, acme)
	ap := a.get("/webhooks")
	mustContain(t, ap, "https://hooks.acme.example/aims")
	if strings.Contains(ap.Body, `action="/webhooks`) {
		t.Errorf("the auditor is offered the webhook forms")
	}
	expect(t, b.post("/webhooks/"+hs[0].ID+"/delete", nil), http.StatusSeeOther, "/webhooks")
	mustContain(t, b.get("/webhooks"), "is deleted", "No webhook yet.")
}
