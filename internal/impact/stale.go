package impact

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// overdueReason says why an assessment past its reassessment date is stale.
func overdueReason(due string) string { return "The reassessment was due on " + due + "." }

// judge sets a's Overdue, and its staleness when overdue, as of today.
func (s *Service) judge(a *Assessment) {
	inForce := a.Status == StatusApproved && a.Version == a.Approved
	a.Overdue = inForce && a.ReassessBy != "" && a.ReassessBy < s.today()
	if a.Overdue && !a.Stale {
		a.Stale, a.StaleReason = true, overdueReason(a.ReassessBy)
	}
}

// SystemChanged marks the approved assessment of orgID's system systemID stale, saying why (reason), and
// gives its owner (or the system's owner) a task to reassess it, due in 30 days. The system and
// component services call it in the transaction of a material change of the system: its purpose,
// intended use, move to deployment, components or EU AI Act classification. An assessment stale already
// keeps its first reason and task.
func (s *Service) SystemChanged(ctx context.Context, orgID, systemID, reason string) error {
	return s.store.Atomically(ctx, func(ctx context.Context) error {
		cur, err := s.store.ImpactOfSystem(ctx, orgID, systemID, 0)
		if aims.ErrorCode(err) == aims.ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		if cur.Approved == 0 {
			return nil
		}
		inForce, err := s.store.ImpactOfSystem(ctx, orgID, systemID, cur.Approved)
		if err != nil {
			return err
		}
		if inForce.Stale {
			return nil
		}
		if err := s.store.MarkImpactStale(ctx, orgID, cur.ID, reason); err != nil {
			return err
		}
		owner := inForce.OwnerID
		if owner == "" {
			sys, err := s.store.SystemByID(ctx, orgID, systemID)
			if err != nil {
				return err
			}
			owner = sys.OwnerID
		}
		if owner == "" {
			return nil
		}
		if s.Tasks == nil {
			return errors.New("impact: no task service wired; build the service with app.NewServices")
		}
		m, err := s.store.MembershipOf(ctx, orgID, owner)
		if aims.ErrorCode(err) == aims.ENOTFOUND || (err == nil && !aims.MayOwn(m.Role, aims.ResImpact)) {
			return nil // an owner who left or may no longer change it: the stale banner stays for whoever looks
		}
		if err != nil {
			return err
		}
		due := s.Now().UTC().AddDate(0, 0, 30).Format(time.DateOnly)
		title := "Reassess the impact assessment of " + cur.SystemName + ": " + reason
		if len([]rune(title)) > record.MaxTaskTitle {
			title = string([]rune(title)[:record.MaxTaskTitle-1]) + "…"
		}
		_, err = s.Tasks.CreateTask(ctx, orgID, record.NewTask{Record: record.Ref{Type: record.TypeImpact, ID: cur.ID}.String(),
			OwnerID: owner, Due: due, Title: title})
		return err
	})
}

// MarkOverdue marks stale, with the reason, every approved assessment whose reassessment date has
// passed by now and that is not stale yet, and gives each owner the task to reassess it (as SystemChanged
// does), a batch at a time, each in its own transaction. The daily job calls it; it returns how many it
// marked.
func (s *Service) MarkOverdue(ctx context.Context, now time.Time) (int, error) {
	today := now.UTC().Format(time.DateOnly)
	n := 0
	for {
		due, err := s.store.OverdueImpacts(ctx, today, 100)
		if err != nil {
			return n, err
		}
		for _, d := range due {
			actx := aims.WithActor(ctx, aims.Actor{Kind: aims.ActorSystem, ID: "daily", Name: "aims", OrgID: d[0]})
			if err := s.SystemChanged(actx, d[0], d[1], overdueReason(d[2])); err != nil {
				return n, fmt.Errorf("cannot mark the overdue impact assessment of system %s: %w", d[1], err)
			}
			n++
		}
		if len(due) < 100 {
			return n, nil
		}
	}
}

// Deleting refuses (ECONFLICT) to delete AI systems that have an impact assessment: the assessment and
// its approvals are records of the management system. The system service calls it in the transaction
// that deletes them.
func (s *Service) Deleting(ctx context.Context, orgID string, refs ...record.Ref) error {
	var ids []string
	for _, r := range refs {
		if r.Type == record.TypeSystem {
			ids = append(ids, r.ID)
		}
	}
	found, err := s.store.ImpactIDsOfSystems(ctx, orgID, ids)
	if err != nil || len(found) == 0 {
		return err
	}
	return aims.Errorf(aims.ECONFLICT, "This AI system has an impact assessment, which the management system keeps: retire the system instead of deleting it.")
}
