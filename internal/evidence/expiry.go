package evidence

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// RemindExpiring gives the owner of every piece of evidence valid until within ExpiryNotice days of now
// (or already past it) a task, due on the valid-until date, to renew it: once per valid-until date, so a
// renewal with a new date brings a new task in its time. Each piece is handled in its own transaction.
// The daily job calls it; it returns how many tasks it made.
func (s *Service) RemindExpiring(ctx context.Context, now time.Time) (int, error) {
	if s.Tasks == nil {
		return 0, errors.New("evidence: no task service wired; build the service with app.NewServices")
	}
	notice := s.ExpiryNotice
	if notice <= 0 {
		notice = DefaultExpiryNotice
	}
	by := now.UTC().AddDate(0, 0, notice).Format(time.DateOnly)
	n := 0
	for {
		due, err := s.store.ExpiringEvidence(ctx, by, 100)
		if err != nil {
			return n, err
		}
		for _, d := range due {
			actx := aims.WithActor(ctx, aims.Actor{Kind: aims.ActorSystem, ID: "daily", Name: "aims", OrgID: d.OrgID})
			made, err := s.remind(actx, d)
			if err != nil {
				return n, fmt.Errorf("cannot remind the owner of evidence %s: %w", d.ID, err)
			}
			if made {
				n++
			}
		}
		if len(due) < 100 {
			return n, nil
		}
	}
}

func (s *Service) remind(ctx context.Context, d Expiring) (bool, error) {
	made := false
	err := s.store.Atomically(ctx, func(ctx context.Context) error {
		if err := s.store.MarkEvidenceNotified(ctx, d.OrgID, d.ID, d.ValidUntil); err != nil {
			return err
		}
		m, err := s.store.MembershipOf(ctx, d.OrgID, d.OwnerID)
		if aims.ErrorCode(err) == aims.ENOTFOUND || (err == nil && !aims.MayOwn(m.Role, aims.ResEvidence)) {
			return nil // an owner who left: the evidence shows as expiring to whoever looks
		}
		if err != nil {
			return err
		}
		title := "Renew the evidence " + d.Title + ": it is valid until " + d.ValidUntil
		if len([]rune(title)) > record.MaxTaskTitle {
			title = string([]rune(title)[:record.MaxTaskTitle-1]) + "…"
		}
		due := d.ValidUntil
		if today := s.Today(); due < today {
			due = today
		}
		_, err = s.Tasks.CreateTask(ctx, d.OrgID, record.NewTask{Record: record.Ref{Type: record.TypeEvidence, ID: d.ID}.String(),
			OwnerID: d.OwnerID, Due: due, Title: title})
		made = err == nil
		return err
	})
	return made, err
}
