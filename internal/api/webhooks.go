package api

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/notify"
)

func (a *API) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	hs, next, err := a.Notify.Webhooks(r.Context(), aims.ActorFrom(r.Context()).OrgID, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*notify.Webhook]{Items: items(hs), NextCursor: next})
}

// createWebhook answers with the webhook and its signing secret, shown this once.
func (a *API) createWebhook(w http.ResponseWriter, r *http.Request) error {
	var req notify.NewWebhook
	if err := decode(w, r, &req); err != nil {
		return err
	}
	h, err := a.Notify.CreateWebhook(r.Context(), aims.ActorFrom(r.Context()).OrgID, req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/webhooks/"+h.ID)
	return writeResource(w, http.StatusCreated, h.Version, h)
}

func (a *API) getWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Webhook")
	if err != nil {
		return err
	}
	h, err := a.Notify.Webhook(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, h.Version, h)
}

func (a *API) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Webhook")
	if err != nil {
		return err
	}
	if err := a.Notify.DeleteWebhook(r.Context(), aims.ActorFrom(r.Context()).OrgID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// testWebhook queues a ping and answers 202 with its delivery, to be followed in the deliveries list.
func (a *API) testWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Webhook")
	if err != nil {
		return err
	}
	d, err := a.Notify.TestWebhook(r.Context(), aims.ActorFrom(r.Context()).OrgID, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, d)
}

func (a *API) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Webhook")
	if err != nil {
		return err
	}
	p, err := page(r)
	if err != nil {
		return err
	}
	ds, next, err := a.Notify.Deliveries(r.Context(), aims.ActorFrom(r.Context()).OrgID, id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, List[*notify.Delivery]{Items: items(ds), NextCursor: next})
}
