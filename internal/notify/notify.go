// Package notify tells people and other systems what changed: signed webhooks per organization and
// e-mail per member, both sent by job workers from rows written in the same transaction as the change.
package notify

import (
	"encoding/json"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims"
)

// Events a webhook may subscribe to.
const (
	EventPing           = "ping"
	EventLinkCreated    = "link.created"
	EventCommentCreated = "comment.created"
	EventTaskCreated    = "task.created"
	EventTaskUpdated    = "task.updated"
)

// Events lists the events a webhook may subscribe to ("ping" is sent by a test and always delivered).
var Events = []string{EventLinkCreated, EventCommentCreated, EventTaskCreated, EventTaskUpdated}

// Webhook is an organization's subscription: events are POSTed to URL, signed with Secret.
type Webhook struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"-"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	Secret    string    `json:"secret,omitempty"` // shown once, when the webhook is made
	CreatedBy string    `json:"created_by"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
}

// Wants reports whether h subscribes to event.
func (h *Webhook) Wants(event string) bool {
	return event == EventPing || slices.Contains(h.Events, event)
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// Delivery is one event sent, or to be sent, to one webhook, with what its receiver answered last.
type Delivery struct {
	ID             string          `json:"id"`
	OrgID          string          `json:"-"`
	WebhookID      string          `json:"webhook_id"`
	Event          string          `json:"event"`
	Payload        json.RawMessage `json:"payload"`
	Status         string          `json:"status"`
	Attempts       int             `json:"attempts"`
	ResponseStatus int             `json:"response_status,omitempty"`
	ResponseBody   string          `json:"response_body,omitempty"`
	Error          string          `json:"error,omitempty"`
	CreatedAt      time.Time       `json:"created_at"`
	DeliveredAt    *time.Time      `json:"delivered_at,omitempty"`
}

// NewWebhook is what a caller asks for.
type NewWebhook struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// checkURL refuses a webhook URL that is not absolute http(s), carries credentials, or points at aims
// itself (one of self, host:port pairs), which would make aims call itself in a loop.
func checkURL(raw string, self []string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return "", aims.FieldError("url", "A webhook URL is an absolute http:// or https:// address.")
	}
	if len(raw) > 2000 {
		return "", aims.FieldError("url", "A webhook URL has at most 2,000 characters.")
	}
	if u.User != nil {
		return "", aims.FieldError("url", "Put no user name or password in the URL: aims signs each delivery with the webhook's secret instead.")
	}
	if u.Fragment != "" {
		return "", aims.FieldError("url", "A webhook URL has no #fragment.")
	}
	if pointsAt(u, self) {
		return "", aims.FieldError("url", "The URL points at this aims server itself; give the address of the system that receives the events.")
	}
	return u.String(), nil
}

func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

func pointsAt(u *url.URL, self []string) bool {
	hp := hostPort(u)
	host, port, _ := net.SplitHostPort(hp)
	for _, s := range self {
		sh, sp, err := net.SplitHostPort(s)
		if err != nil {
			continue
		}
		if sp != port {
			continue
		}
		sh = strings.ToLower(sh)
		if sh == host {
			return true
		}
		// A server listening on every address (":8080", "0.0.0.0:8080") is reached as localhost too.
		if (sh == "" || sh == "0.0.0.0" || sh == "::") && isLoopback(host) {
			return true
		}
		if isLoopback(sh) && isLoopback(host) {
			return true
		}
	}
	return false
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
