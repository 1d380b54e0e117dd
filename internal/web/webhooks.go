package web

import (
	"fmt"
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/notify"
)

// deliveriesShown is how many of a webhook's latest deliveries its page shows.
const deliveriesShown = 10

// WebhooksPage lists the organization's webhooks with their latest deliveries, and for admins the form
// to add one; Created is the webhook just added, with its secret shown this once.
type WebhooksPage struct {
	Layout
	Webhooks []WebhookView
	Created  *notify.Webhook
	Form     WebhookForm
	CanEdit  bool
}

// WebhookView is a webhook and its latest deliveries.
type WebhookView struct {
	*notify.Webhook
	Deliveries []*notify.Delivery
}

// WebhookForm is the add form's values and error.
type WebhookForm struct {
	URL    string
	Events []string
	Err    *FormError
}

// Has reports whether the form has event e chosen.
func (f WebhookForm) Has(e string) bool {
	for _, x := range f.Events {
		if x == e {
			return true
		}
	}
	return false
}

// Events are the events a webhook may subscribe to.
func (WebhooksPage) Events() []string { return notify.Events }

func (w *Web) webhooksPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderWebhooks(rw, r, v, http.StatusOK, nil, WebhookForm{Events: []string{notify.EventCommentCreated, notify.EventTaskCreated}})
}

func (w *Web) renderWebhooks(rw http.ResponseWriter, r *http.Request, v *visit, status int, created *notify.Webhook, form WebhookForm) error {
	ctx := r.Context()
	hs, _, err := w.Notify.Webhooks(ctx, v.org.ID, pageOf("", notify.MaxWebhooks))
	if err != nil {
		return err
	}
	p := WebhooksPage{Layout: w.layout(rw, r, v, "Webhooks", "/webhooks"), Created: created, Form: form,
		CanEdit: v.may(aims.ActionCreate, aims.ResWebhook)}
	for _, h := range hs {
		ds, _, err := w.Notify.Deliveries(ctx, v.org.ID, h.ID, pageOf("", deliveriesShown))
		if err != nil {
			return err
		}
		p.Webhooks = append(p.Webhooks, WebhookView{Webhook: h, Deliveries: ds})
	}
	return w.render(rw, r, status, "webhooks", p)
}

// addWebhook adds a webhook and shows its secret on the answer itself, this once.
func (w *Web) addWebhook(rw http.ResponseWriter, r *http.Request, v *visit) error {
	if err := parseForm(rw, r); err != nil {
		return err
	}
	form := WebhookForm{URL: r.PostFormValue("url"), Events: r.PostForm["events"]}
	h, err := w.Notify.CreateWebhook(r.Context(), v.org.ID, notify.NewWebhook{URL: form.URL, Events: form.Events})
	if err != nil {
		fe, status, ok := formError(err, "url", "events")
		if !ok {
			return err
		}
		form.Err = fe
		return w.renderWebhooks(rw, r, v, status, nil, form)
	}
	return w.renderWebhooks(rw, r, v, http.StatusOK, h, WebhookForm{})
}

// testWebhookAction queues a test delivery and returns to the list, where it shows as pending until sent.
func (w *Web) testWebhookAction(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := w.Notify.TestWebhook(r.Context(), v.org.ID, id); err != nil {
		return err
	}
	w.flash(rw, flashOK, "A test delivery is queued; reload to see the receiver's answer.")
	http.Redirect(rw, r, "/webhooks#webhook-"+id, http.StatusSeeOther)
	return nil
}

func (w *Web) deleteWebhookAction(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	h, err := w.Notify.Webhook(r.Context(), v.org.ID, id)
	if err != nil {
		return err
	}
	if err := w.Notify.DeleteWebhook(r.Context(), v.org.ID, id); err != nil {
		return err
	}
	w.flash(rw, flashOK, fmt.Sprintf("The webhook to %s is deleted.", h.URL))
	http.Redirect(rw, r, "/webhooks", http.StatusSeeOther)
	return nil
}
