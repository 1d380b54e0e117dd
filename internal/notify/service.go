package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/job"
)

// Job kinds this package handles.
const (
	JobWebhook = "webhook"
	JobEmail   = "email"
)

// Store keeps webhooks, their deliveries and the jobs that send them. Every method is scoped to one
// organization.
type Store interface {
	aims.Transactor
	job.Store
	PrefStore
	CreateWebhook(ctx context.Context, h *Webhook) error
	WebhookByID(ctx context.Context, orgID, id string) (*Webhook, error)
	ListWebhooks(ctx context.Context, orgID string, p aims.Page) ([]*Webhook, string, error)
	// WebhooksFor returns orgID's webhooks that subscribe to event (with their secrets).
	WebhooksFor(ctx context.Context, orgID, event string) ([]*Webhook, error)
	DeleteWebhook(ctx context.Context, orgID, id string) error
	CreateDelivery(ctx context.Context, d *Delivery) error
	// RecordWebhookTest writes the activity entry of a person's test delivery d.
	RecordWebhookTest(ctx context.Context, d *Delivery) error
	DeliveryByID(ctx context.Context, orgID, id string) (*Delivery, error)
	// RecordDelivery stores the outcome of an attempt at delivery d.
	RecordDelivery(ctx context.Context, d *Delivery) error
	ListDeliveries(ctx context.Context, orgID, webhookID string, p aims.Page) ([]*Delivery, string, error)
	// UserEmail returns the name and email address of userID when they are a member of orgID.
	MemberContact(ctx context.Context, orgID, userID string) (name, email string, err error)
	OrganizationName(ctx context.Context, orgID string) (string, error)
}

// Service manages webhooks and queues what is to be sent. Callers are authorized already.
type Service struct {
	store Store
	// Self are the host:port pairs aims is reached at; a webhook may not point at them.
	Self []string
	// Mail sends e-mail; nil when no SMTP server is configured, and then no e-mail is queued.
	Mail *Mailer
	// PublicURL starts the links in e-mails.
	PublicURL string
	// Wake, when set, is called after a change that queued jobs, so that an idle worker starts at once.
	Wake func()
}

// NewService returns a Service over st.
func NewService(st Store) *Service { return &Service{store: st} }

// MaxWebhooks bounds an organization's webhooks.
const MaxWebhooks = 20

// CreateWebhook adds a webhook for orgID: an absolute http(s) URL that is not aims itself (EINVALID on
// url), events among Events (EINVALID on events). It returns the webhook with its secret, shown this once.
func (s *Service) CreateWebhook(ctx context.Context, orgID string, n NewWebhook) (*Webhook, error) {
	u, err := checkURL(n.URL, s.Self)
	if err != nil {
		return nil, err
	}
	if len(n.Events) == 0 {
		return nil, aims.FieldError("events", "Choose the events to send: %s.", strings.Join(Events, ", "))
	}
	var events []string
	for _, e := range n.Events {
		if !slices.Contains(Events, e) {
			return nil, aims.FieldError("events", "Unknown event %q: use %s.", e, strings.Join(Events, ", "))
		}
		if !slices.Contains(events, e) {
			events = append(events, e)
		}
	}
	secret := make([]byte, 24)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	h := &Webhook{OrgID: orgID, URL: u, Events: events, Secret: "whsec_" + hex.EncodeToString(secret), CreatedBy: aims.ActorFrom(ctx).Name}
	err = s.store.Atomically(ctx, func(ctx context.Context) error {
		hs, _, err := s.store.ListWebhooks(ctx, orgID, aims.Page{Limit: MaxWebhooks + 1})
		if err != nil {
			return err
		}
		if len(hs) >= MaxWebhooks {
			return aims.Errorf(aims.ECONFLICT, "An organization has at most %d webhooks; delete one first.", MaxWebhooks)
		}
		return s.store.CreateWebhook(ctx, h)
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// Webhook returns orgID's webhook id (without its secret), or ENOTFOUND.
func (s *Service) Webhook(ctx context.Context, orgID, id string) (*Webhook, error) {
	if !aims.ValidID(id) {
		return nil, aims.Errorf(aims.ENOTFOUND, "No such webhook.")
	}
	h, err := s.store.WebhookByID(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	h.Secret = ""
	return h, nil
}

// Webhooks returns a page of orgID's webhooks, without their secrets.
func (s *Service) Webhooks(ctx context.Context, orgID string, p aims.Page) ([]*Webhook, string, error) {
	hs, next, err := s.store.ListWebhooks(ctx, orgID, p)
	for _, h := range hs {
		h.Secret = ""
	}
	return hs, next, err
}

// DeleteWebhook deletes orgID's webhook id and its deliveries; queued deliveries are dropped.
func (s *Service) DeleteWebhook(ctx context.Context, orgID, id string) error {
	if !aims.ValidID(id) {
		return aims.Errorf(aims.ENOTFOUND, "No such webhook.")
	}
	return s.store.DeleteWebhook(ctx, orgID, id)
}

// TestWebhook queues a ping to orgID's webhook id and returns its delivery, to be followed in the list.
func (s *Service) TestWebhook(ctx context.Context, orgID, id string) (*Delivery, error) {
	var d *Delivery
	err := s.store.Atomically(ctx, func(ctx context.Context) error {
		h, err := s.Webhook(ctx, orgID, id)
		if err != nil {
			return err
		}
		if d, err = s.deliver(ctx, orgID, h, EventPing, map[string]any{"webhook_id": h.ID, "message": "A test delivery from aims."}); err != nil {
			return err
		}
		return s.store.RecordWebhookTest(ctx, d)
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	return d, nil
}

// Deliveries returns a page of the deliveries of orgID's webhook id, newest first.
func (s *Service) Deliveries(ctx context.Context, orgID, id string, p aims.Page) ([]*Delivery, string, error) {
	if _, err := s.Webhook(ctx, orgID, id); err != nil {
		return nil, "", err
	}
	return s.store.ListDeliveries(ctx, orgID, id, p)
}

// Event is a change worth telling about: its type (one of Events), its data (the record as the API
// shows it), and the members to tell by e-mail, with what to say.
type Event struct {
	Type string
	Data any
	// People are the user ids of the members to e-mail; Subject, Text and Path (a page of aims) say what.
	People        []string
	Subject, Text string
	Path          string
}

// Publish queues e's deliveries to orgID's webhooks that subscribe to it and e-mails to its people. Called
// with the context of the transaction that makes the change, it writes in it: the messages exist exactly
// when the change does. It never sends anything itself.
func (s *Service) Publish(ctx context.Context, orgID string, e Event) error {
	hs, err := s.store.WebhooksFor(ctx, orgID, e.Type)
	if err != nil {
		return err
	}
	for _, h := range hs {
		if _, err := s.deliver(ctx, orgID, h, e.Type, e.Data); err != nil {
			return err
		}
	}
	mailed, err := s.tell(ctx, orgID, e)
	if err != nil {
		return err
	}
	if len(hs) > 0 || mailed {
		s.wake()
	}
	return nil
}

func (s *Service) wake() {
	if s.Wake != nil {
		s.Wake()
	}
}

// deliver records a delivery of event to h and queues the job that sends it.
func (s *Service) deliver(ctx context.Context, orgID string, h *Webhook, event string, data any) (*Delivery, error) {
	d := &Delivery{OrgID: orgID, WebhookID: h.ID, Event: event, Status: DeliveryPending}
	d.ID = aims.NewID()
	body, err := json.Marshal(map[string]any{"id": d.ID, "event": event, "created_at": time.Now().UTC().Format(time.RFC3339), "data": data})
	if err != nil {
		return nil, fmt.Errorf("cannot encode the %s event: %w", event, err)
	}
	d.Payload = body
	if err := s.store.CreateDelivery(ctx, d); err != nil {
		return nil, err
	}
	p, _ := json.Marshal(webhookJob{DeliveryID: d.ID})
	if err := s.store.EnqueueJob(ctx, &job.Job{OrgID: orgID, Kind: JobWebhook, Payload: p, MaxAttempts: 8}); err != nil {
		return nil, err
	}
	return d, nil
}

type webhookJob struct {
	DeliveryID string `json:"delivery_id"`
}

type emailJob struct {
	UserID  string `json:"user_id"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	Path    string `json:"path"`
}
