package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/job"
)

// SignatureHeader carries a delivery's signature: "t=UNIX,v1=HEX", where HEX is the HMAC-SHA256, keyed
// with the webhook's secret, of the timestamp, a full stop and the body, as Stripe signs its webhooks. A
// receiver recomputes it, compares in constant time, and refuses a timestamp older than a few minutes.
const SignatureHeader = "Aims-Signature"

// Sign returns the signature header value of body sent at t with secret.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header against body and secret, accepting a timestamp at most tolerance
// from now; receivers written in Go may use it.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return errors.New("notify: the signature header is malformed")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("notify: the signature is too old")
	}
	want := Sign(secret, time.Unix(sec, 0), body)
	if !hmac.Equal([]byte(want), []byte("t="+ts+",v1="+sig)) {
		return errors.New("notify: the signature does not match")
	}
	return nil
}

// Sender does the notify jobs: it POSTs webhook deliveries and sends e-mail.
type Sender struct {
	Store  Store
	Client *http.Client
	Mail   *Mailer
	// PublicURL starts the links in e-mails.
	PublicURL string
	Now       aims.Clock
}

// Handlers returns the job handlers of the notify jobs.
func (s *Sender) Handlers() map[string]job.Handler {
	return map[string]job.Handler{JobWebhook: s.sendWebhook, JobEmail: s.sendEmail}
}

// maxResponse bounds what is kept of a receiver's answer.
const maxResponse = 1024

func (s *Sender) sendWebhook(ctx context.Context, j *job.Job) error {
	var p webhookJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return &job.Permanent{Err: fmt.Errorf("a webhook job without a delivery: %w", err)}
	}
	d, err := s.Store.DeliveryByID(ctx, j.OrgID, p.DeliveryID)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return &job.Permanent{Err: errors.New("the delivery is gone (its webhook was deleted)")}
	}
	if err != nil {
		return err
	}
	h, err := s.Store.WebhookByID(ctx, j.OrgID, d.WebhookID)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return &job.Permanent{Err: errors.New("the webhook was deleted")}
	}
	if err != nil {
		return err
	}
	now := s.now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return &job.Permanent{Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "aims-webhooks/"+aims.Version)
	req.Header.Set("Aims-Event", d.Event)
	req.Header.Set("Aims-Delivery", d.ID)
	req.Header.Set(SignatureHeader, Sign(h.Secret, now, d.Payload))
	d.Attempts = j.Attempts
	res, err := s.client().Do(req)
	if err != nil {
		d.Status, d.Error, d.ResponseStatus, d.ResponseBody = DeliveryPending, err.Error(), 0, ""
		if j.Attempts >= j.MaxAttempts {
			d.Status = DeliveryFailed
		}
		if rerr := s.Store.RecordDelivery(ctx, d); rerr != nil {
			return rerr
		}
		return err
	}
	body, _ := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	res.Body.Close()
	d.ResponseStatus, d.ResponseBody, d.Error = res.StatusCode, string(body), ""
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		d.Status, d.DeliveredAt = DeliveryDelivered, &now
		return s.Store.RecordDelivery(ctx, d)
	}
	d.Status, d.Error = DeliveryPending, fmt.Sprintf("the receiver answered %d", res.StatusCode)
	if j.Attempts >= j.MaxAttempts {
		d.Status = DeliveryFailed
	}
	if err := s.Store.RecordDelivery(ctx, d); err != nil {
		return err
	}
	return errors.New(d.Error)
}

func (s *Sender) sendEmail(ctx context.Context, j *job.Job) error {
	if s.Mail == nil {
		return &job.Permanent{Err: errors.New("no SMTP server is configured")}
	}
	var p emailJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return &job.Permanent{Err: fmt.Errorf("an e-mail job without its message: %w", err)}
	}
	return s.sendTo(ctx, j.OrgID, p.UserID, p.Subject, p.Text, p.Path)
}

// sendTo e-mails the member userID of orgID: a greeting, text, a link to path, and a signature.
func (s *Sender) sendTo(ctx context.Context, orgID, userID, subject, text, path string) error {
	name, email, err := s.Store.MemberContact(ctx, orgID, userID)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		return &job.Permanent{Err: errors.New("the recipient is no longer a member")}
	}
	if err != nil {
		return err
	}
	org, err := s.Store.OrganizationName(ctx, orgID)
	if err != nil {
		return err
	}
	body := fmt.Sprintf("Hello %s,\n\n%s\n", name, text)
	if path != "" && s.PublicURL != "" {
		body += "\n" + strings.TrimSuffix(s.PublicURL, "/") + path + "\n"
	}
	body += fmt.Sprintf("\n-- \naims, the AI management system of %s\n", org)
	return s.Mail.Send(ctx, Message{To: email, ToName: name, Subject: "[" + org + "] " + subject, Text: body})
}

func (s *Sender) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return &http.Client{Timeout: 15 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return aims.Now()
}
