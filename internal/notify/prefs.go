package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/job"
)

// E-mail modes a member chooses per organization.
const (
	EmailImmediate = "immediate"
	EmailDigest    = "digest"
	EmailOff       = "off"
)

// EmailModes lists the modes in the order the UI offers them.
var EmailModes = []string{EmailImmediate, EmailDigest, EmailOff}

// DigestItem is one thing a member on the daily digest is still to be told.
type DigestItem struct {
	ID, OrgID, UserID   string
	Subject, Text, Path string
	CreatedAt           time.Time
}

// PrefStore keeps e-mail preferences and digest items.
type PrefStore interface {
	// EmailModes returns the mode of each of userIDs in orgID that chose one (others are immediate).
	EmailModes(ctx context.Context, orgID string, userIDs []string) (map[string]string, error)
	SetEmailMode(ctx context.Context, orgID, userID, mode string) error
	AddDigestItem(ctx context.Context, it *DigestItem) error
	// DigestRecipients returns up to n (org, user) pairs with unsent digest items.
	DigestRecipients(ctx context.Context, n int) ([][2]string, error)
	// UnsentDigest returns up to n unsent items of userID in orgID, oldest first.
	UnsentDigest(ctx context.Context, orgID, userID string, n int) ([]*DigestItem, error)
	MarkDigestSent(ctx context.Context, ids []string, at time.Time) error
}

// EmailMode returns how userID wants e-mail from orgID.
func (s *Service) EmailMode(ctx context.Context, orgID, userID string) (string, error) {
	ms, err := s.store.EmailModes(ctx, orgID, []string{userID})
	if err != nil {
		return "", err
	}
	if m := ms[userID]; m != "" {
		return m, nil
	}
	return EmailImmediate, nil
}

// SetEmailMode records how userID wants e-mail from orgID: immediate, digest or off (EINVALID on email).
func (s *Service) SetEmailMode(ctx context.Context, orgID, userID, mode string) error {
	switch mode {
	case EmailImmediate, EmailDigest, EmailOff:
	default:
		return aims.FieldError("email", "Choose immediate, digest (once a day) or off.")
	}
	return s.store.SetEmailMode(ctx, orgID, userID, mode)
}

// tell queues e's e-mail to each of its people by their preference: a job now, an item of tomorrow's
// digest, or nothing.
func (s *Service) tell(ctx context.Context, orgID string, e Event) (bool, error) {
	if s.Mail == nil || len(e.People) == 0 {
		return false, nil
	}
	modes, err := s.store.EmailModes(ctx, orgID, e.People)
	if err != nil {
		return false, err
	}
	queued := false
	for _, uid := range e.People {
		switch modes[uid] {
		case EmailOff:
		case EmailDigest:
			if err := s.store.AddDigestItem(ctx, &DigestItem{OrgID: orgID, UserID: uid, Subject: e.Subject, Text: e.Text, Path: e.Path}); err != nil {
				return false, err
			}
		default:
			p, err := json.Marshal(emailJob{UserID: uid, Subject: e.Subject, Text: e.Text, Path: e.Path})
			if err != nil {
				return false, err
			}
			if err := s.store.EnqueueJob(ctx, &job.Job{OrgID: orgID, Kind: JobEmail, Payload: p, MaxAttempts: 6}); err != nil {
				return false, err
			}
			queued = true
		}
	}
	return queued, nil
}

// maxDigestItems bounds one digest; what is left goes in the next.
const maxDigestItems = 100

// SendDigests e-mails each member on the daily digest what they are still to be told, one message per
// member and organization, and marks it sent. A member whose server refuses keeps their items for the
// next run; the error of the first refusal is returned after every other member is served.
func (s *Sender) SendDigests(ctx context.Context) error {
	if s.Mail == nil {
		return nil
	}
	pairs, err := s.Store.DigestRecipients(ctx, 1000)
	if err != nil {
		return err
	}
	var first error
	for _, p := range pairs {
		orgID, userID := p[0], p[1]
		items, err := s.Store.UnsentDigest(ctx, orgID, userID, maxDigestItems)
		if err != nil || len(items) == 0 {
			first = firstErr(first, err)
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Here is what happened since your last digest (%d).\n", len(items))
		ids := make([]string, len(items))
		for i, it := range items {
			ids[i] = it.ID
			fmt.Fprintf(&b, "\n* %s\n  %s\n", it.Subject, strings.ReplaceAll(strings.TrimSpace(it.Text), "\n", "\n  "))
			if it.Path != "" && s.PublicURL != "" {
				fmt.Fprintf(&b, "  %s%s\n", strings.TrimSuffix(s.PublicURL, "/"), it.Path)
			}
		}
		err = s.sendTo(ctx, orgID, userID, fmt.Sprintf("Your daily digest: %d %s", len(items), plural(len(items), "update", "updates")), b.String(), "")
		if err != nil {
			first = firstErr(first, err)
			continue
		}
		first = firstErr(first, s.Store.MarkDigestSent(ctx, ids, s.now()))
	}
	return first
}

func firstErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
