package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/job"
	"github.com/aimsproject/aims/internal/notify"
)

const webhookUsage = "usage: aims webhook add|list|test|remove --org SLUG ..."

func runWebhook(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError(webhookUsage)
	}
	switch args[0] {
	case "add":
		return runWebhookAdd(ctx, env, args[1:])
	case "list":
		return runWebhookList(ctx, env, args[1:])
	case "test":
		return runWebhookTest(ctx, env, args[1:])
	case "remove":
		return runWebhookRemove(ctx, env, args[1:])
	}
	return usageError("unknown webhook command %q: use add, list, test or remove", args[0])
}

func runWebhookAdd(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "webhook add", "webhook add --org SLUG --url URL --events E1,E2")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	u := fs.String("url", "", "where to POST the events: an http:// or https:// address (required)")
	events := fs.String("events", "", "comma-separated: "+strings.Join(notify.Events, ", ")+" (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "url", *u, "events", *events); err != nil {
		return err
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	var es []string
	for _, e := range strings.Split(*events, ",") {
		if e = strings.TrimSpace(e); e != "" {
			es = append(es, e)
		}
	}
	h, err := sv.Notify.CreateWebhook(ctx, o.ID, notify.NewWebhook{URL: *u, Events: es})
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, h.ID)
	fmt.Fprintf(env.Stderr, "webhook to %s for %s\nsigning secret (shown this once): %s\n", h.URL, strings.Join(h.Events, ", "), h.Secret)
	return nil
}

func runWebhookList(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "webhook list", "webhook list --org SLUG [--deliveries ID]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	of := fs.String("deliveries", "", "list this webhook's deliveries instead, newest first")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org); err != nil {
		return err
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	if *of != "" {
		each := func(fn func(*notify.Delivery) error) error {
			return eachPage(func(p aims.Page) ([]*notify.Delivery, string, error) { return sv.Notify.Deliveries(ctx, o.ID, *of, p) }, fn)
		}
		return writeItems(env.Stdout, "text", "ID\tEVENT\tSTATUS\tATTEMPTS\tANSWER\tERROR\tAT", each, func(d *notify.Delivery) string {
			return fmt.Sprintf("%s\t%s\t%s\t%d\t%s\t%s\t%s", d.ID, d.Event, d.Status, d.Attempts, dash(answer(d.ResponseStatus)), dash(d.Error),
				d.CreatedAt.Format("2006-01-02 15:04:05"))
		})
	}
	each := func(fn func(*notify.Webhook) error) error {
		return eachPage(func(p aims.Page) ([]*notify.Webhook, string, error) { return sv.Notify.Webhooks(ctx, o.ID, p) }, fn)
	}
	return writeItems(env.Stdout, "text", "ID\tURL\tEVENTS\tBY\tAT", each, func(h *notify.Webhook) string {
		return fmt.Sprintf("%s\t%s\t%s\t%s\t%s", h.ID, h.URL, strings.Join(h.Events, ","), dash(h.CreatedBy), h.CreatedAt.Format("2006-01-02 15:04"))
	})
}

func answer(status int) string {
	if status == 0 {
		return ""
	}
	return fmt.Sprint(status)
}

// runWebhookTest queues a ping to the webhook, sends what is due (a running server's worker may be first),
// and reports the receiver's answer.
func runWebhookTest(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "webhook test", "webhook test --org SLUG --id ID")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	id := fs.String("id", "", "the webhook's id (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "id", *id); err != nil {
		return err
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := sv.Notify.TestWebhook(ctx, o.ID, *id)
	if err != nil {
		return err
	}
	mail, err := mailerOf(&c)
	if err != nil {
		return err
	}
	sender := &notify.Sender{Store: db, Mail: mail, PublicURL: c.PublicURL}
	w := job.New(db, sender.Handlers(), nil)
	if _, err := w.RunOnce(ctx); err != nil {
		return err
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		cur, err := db.DeliveryByID(ctx, o.ID, d.ID)
		if err != nil {
			return err
		}
		if cur.Attempts > 0 || time.Now().After(deadline) {
			fmt.Fprintf(env.Stdout, "%s %s\n", cur.ID, cur.Status)
			switch {
			case cur.Status == notify.DeliveryDelivered:
				fmt.Fprintf(env.Stderr, "delivered: the receiver answered %d\n", cur.ResponseStatus)
				return nil
			case cur.Attempts == 0:
				return fmt.Errorf("the test delivery is still queued")
			}
			return fmt.Errorf("not delivered (it will be retried): %s", cur.Error)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func runWebhookRemove(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "webhook remove", "webhook remove --org SLUG --id ID")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	id := fs.String("id", "", "the webhook's id (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "id", *id); err != nil {
		return err
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := sv.Notify.DeleteWebhook(ctx, o.ID, *id); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "removed webhook %s\n", *id)
	return nil
}
