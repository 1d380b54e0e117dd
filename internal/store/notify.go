package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/notify"
)

var _ notify.Store = (*DB)(nil)

const webhookColumns = `id, org_id, url, events, secret, created_by, version, created_at`

func scanWebhook(s scanner) (*notify.Webhook, error) {
	var h notify.Webhook
	var events string
	if err := s.Scan(&h.ID, &h.OrgID, &h.URL, &events, &h.Secret, &h.CreatedBy, &h.Version, &h.CreatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(events), &h.Events); err != nil {
		return nil, fmt.Errorf("cannot read the events of webhook %s: %w", h.ID, err)
	}
	h.CreatedAt = h.CreatedAt.UTC()
	return &h, nil
}

// webhookTrail is what the activity trail keeps of a webhook: never its secret.
func webhookTrail(h *notify.Webhook) any {
	cp := *h
	cp.Secret = ""
	return &cp
}

// CreateWebhook stores h, setting its id, version and time, with its activity entry.
func (db *DB) CreateWebhook(ctx context.Context, h *notify.Webhook) error {
	events, err := json.Marshal(h.Events)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		h.ID, h.Version, h.CreatedAt = aims.NewID(), 1, db.now()
		if _, err := tx.q().exec(ctx, `INSERT INTO webhooks (`+webhookColumns+`) VALUES (?, ?, ?, ?, ?, ?, 1, ?)`,
			h.ID, h.OrgID, h.URL, string(events), h.Secret, h.CreatedBy, h.CreatedAt); err != nil {
			return fmt.Errorf("cannot store webhook: %w", err)
		}
		return tx.record(ctx, h.OrgID, activity.ActionCreate, "webhook", h.ID, nil, webhookTrail(h))
	})
}

// WebhookByID returns orgID's webhook id with its secret, or ENOTFOUND.
func (db *DB) WebhookByID(ctx context.Context, orgID, id string) (*notify.Webhook, error) {
	h, err := scanWebhook(db.reader(ctx).row(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE org_id = ? AND id = ?`, orgID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, aims.Errorf(aims.ENOTFOUND, "No such webhook.")
	}
	return h, err
}

// ListWebhooks returns a page of orgID's webhooks, oldest first.
func (db *DB) ListWebhooks(ctx context.Context, orgID string, p aims.Page) ([]*notify.Webhook, string, error) {
	limit := pageLimit(p.Limit)
	after := ""
	if p.Cursor != "" {
		var err error
		if after, err = decodeCursor(p.Cursor); err != nil {
			return nil, "", err
		}
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?`,
		orgID, after, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list webhooks: %w", err)
	}
	hs, err := collect(rows, scanWebhook)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read webhooks: %w", err)
	}
	hs, next := pageOf(hs, limit, func(h *notify.Webhook) string { return h.ID })
	return hs, next, nil
}

// WebhooksFor returns orgID's webhooks that subscribe to event.
func (db *DB) WebhooksFor(ctx context.Context, orgID, event string) ([]*notify.Webhook, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE org_id = ? ORDER BY id LIMIT ?`,
		orgID, notify.MaxWebhooks)
	if err != nil {
		return nil, fmt.Errorf("cannot list webhooks: %w", err)
	}
	hs, err := collect(rows, scanWebhook)
	if err != nil {
		return nil, fmt.Errorf("cannot read webhooks: %w", err)
	}
	var out []*notify.Webhook
	for _, h := range hs {
		if h.Wants(event) {
			out = append(out, h)
		}
	}
	return out, nil
}

// DeleteWebhook deletes orgID's webhook id with its deliveries, with an activity entry.
func (db *DB) DeleteWebhook(ctx context.Context, orgID, id string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanWebhook(tx.q().row(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE org_id = ? AND id = ?`, orgID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return aims.Errorf(aims.ENOTFOUND, "No such webhook.")
		}
		if err != nil {
			return err
		}
		if _, err := tx.q().exec(ctx, `DELETE FROM webhook_deliveries WHERE org_id = ? AND webhook_id = ?`, orgID, id); err != nil {
			return fmt.Errorf("cannot delete deliveries: %w", err)
		}
		if _, err := tx.q().exec(ctx, `DELETE FROM webhooks WHERE org_id = ? AND id = ?`, orgID, id); err != nil {
			return fmt.Errorf("cannot delete webhook: %w", err)
		}
		return tx.record(ctx, orgID, activity.ActionDelete, "webhook", id, webhookTrail(before), nil)
	})
}

const deliveryColumns = `id, org_id, webhook_id, event, payload, status, attempts, response_status, response_body, error, created_at, delivered_at`

func scanDelivery(s scanner) (*notify.Delivery, error) {
	var d notify.Delivery
	var payload string
	var delivered sql.NullTime
	if err := s.Scan(&d.ID, &d.OrgID, &d.WebhookID, &d.Event, &payload, &d.Status, &d.Attempts, &d.ResponseStatus, &d.ResponseBody,
		&d.Error, &d.CreatedAt, &delivered); err != nil {
		return nil, err
	}
	d.Payload = json.RawMessage(payload)
	d.CreatedAt, d.DeliveredAt = d.CreatedAt.UTC(), nullTime(delivered)
	return &d, nil
}

// CreateDelivery stores d (whose id the caller set) as pending.
func (db *DB) CreateDelivery(ctx context.Context, d *notify.Delivery) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		d.CreatedAt = db.now()
		_, err := tx.q().exec(ctx, `INSERT INTO webhook_deliveries (id, org_id, webhook_id, event, payload, status, attempts,
			response_status, response_body, error, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0, '', '', ?)`,
			d.ID, d.OrgID, d.WebhookID, d.Event, string(d.Payload), d.Status, d.CreatedAt)
		if err != nil {
			return fmt.Errorf("cannot store delivery: %w", err)
		}
		return nil
	})
}

// RecordWebhookTest writes the activity entry of a test delivery d, which a person asked for.
func (db *DB) RecordWebhookTest(ctx context.Context, d *notify.Delivery) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		return tx.record(ctx, d.OrgID, activity.ActionCreate, "webhook_test", d.ID, nil, d)
	})
}

// DeliveryByID returns orgID's delivery id, or ENOTFOUND.
func (db *DB) DeliveryByID(ctx context.Context, orgID, id string) (*notify.Delivery, error) {
	d, err := scanDelivery(db.reader(ctx).row(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE org_id = ? AND id = ?`, orgID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, aims.Errorf(aims.ENOTFOUND, "No such delivery.")
	}
	return d, err
}

// RecordDelivery stores the outcome of an attempt at delivery d.
func (db *DB) RecordDelivery(ctx context.Context, d *notify.Delivery) error {
	_, err := db.writer(ctx).exec(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = ?, response_status = ?, response_body = ?,
		error = ?, delivered_at = ? WHERE org_id = ? AND id = ?`, d.Status, d.Attempts, d.ResponseStatus, d.ResponseBody, d.Error,
		timeArg(d.DeliveredAt), d.OrgID, d.ID)
	if err != nil {
		return fmt.Errorf("cannot record delivery %s: %w", d.ID, err)
	}
	return nil
}

// ListDeliveries returns a page of the deliveries of orgID's webhook, newest first.
func (db *DB) ListDeliveries(ctx context.Context, orgID, webhookID string, p aims.Page) ([]*notify.Delivery, string, error) {
	limit := pageLimit(p.Limit)
	before := "~"
	if p.Cursor != "" {
		var err error
		if before, err = decodeCursor(p.Cursor); err != nil {
			return nil, "", err
		}
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE org_id = ? AND webhook_id = ? AND id < ?
		ORDER BY id DESC LIMIT ?`, orgID, webhookID, before, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list deliveries: %w", err)
	}
	ds, err := collect(rows, scanDelivery)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read deliveries: %w", err)
	}
	ds, next := pageOf(ds, limit, func(d *notify.Delivery) string { return d.ID })
	return ds, next, nil
}

// MemberContact returns the name and e-mail address of userID when they are a member of orgID.
func (db *DB) MemberContact(ctx context.Context, orgID, userID string) (string, string, error) {
	m, err := db.MemberByUserID(ctx, orgID, userID)
	if err != nil {
		return "", "", err
	}
	return m.Name, m.Email, nil
}

// OrganizationName returns orgID's name.
func (db *DB) OrganizationName(ctx context.Context, orgID string) (string, error) {
	o, err := db.OrganizationByID(ctx, orgID)
	if err != nil {
		return "", err
	}
	return o.Name, nil
}
