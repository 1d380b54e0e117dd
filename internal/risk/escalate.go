package risk

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aimsproject/aims/internal/notify"
	"github.com/aimsproject/aims/internal/record"
)

// EventActionEscalated is the event of an overdue action on a risk told to the risk's owner or to the AIMS
// owners: it reaches them by e-mail only.
const EventActionEscalated = "risk.action_escalated"

// Escalation steps, as kept on the task with its due date ("risk-owner:2027-01-31").
const (
	stepRiskOwner = "risk-owner:"
	stepAIMSOwner = "aims-owner:"
)

// OverdueAction is an active task on a risk past its due date, with the risk's owner and the escalation
// already sent for that due date.
type OverdueAction struct {
	TaskID, OrgID, Title, Due, OwnerID string
	RiskID, RiskRef, RiskTitle         string
	RiskOwnerID                        string
	Escalated                          string
}

// EscalationStore finds overdue actions on risks in every organization.
type EscalationStore interface {
	// OverdueRiskActions returns up to n active tasks on risks, in any organization, due before today, with
	// an id after after, by id, whose escalation to the AIMS owners for their due date has not been sent.
	OverdueRiskActions(ctx context.Context, today, after string, n int) ([]OverdueAction, error)
	// MarkEscalated records that escalation key of orgID's task id was sent.
	MarkEscalated(ctx context.Context, orgID, id, key string) error
	// OrgOwners returns the user ids of orgID's owners.
	OrgOwners(ctx context.Context, orgID string) ([]string, error)
}

// Publisher queues the messages of an event; notify.Service implements it.
type Publisher interface {
	Publish(ctx context.Context, orgID string, e notify.Event) error
}

// EscalateActions tells, as of now, the owner of each risk with an action overdue for the criteria's
// RiskOwnerDays, and the organization's owners (the AIMS owners) of each overdue for AIMSOwnerDays, once
// per due date and step. The action's own owner is reminded from the first day by the task reminders. It
// returns how many messages it queued; the daily job calls it.
func (s *Service) EscalateActions(ctx context.Context, st EscalationStore, now time.Time) (int, error) {
	today := now.UTC().Format(time.DateOnly)
	criteria, owners := map[string]*Criteria{}, map[string][]string{}
	n, after := 0, ""
	for {
		as, err := st.OverdueRiskActions(ctx, today, after, 200)
		if err != nil {
			return n, err
		}
		for _, a := range as {
			after = a.TaskID
			c, ok := criteria[a.OrgID]
			if !ok {
				if c, err = s.criteria(ctx, a.OrgID, 0); err != nil {
					return n, err
				}
				criteria[a.OrgID] = c
			}
			due, err := time.Parse(time.DateOnly, a.Due)
			if err != nil {
				continue // a due date aims did not write; the reminders skip it too
			}
			days := int(now.UTC().Sub(due).Hours() / 24)
			step, people := "", []string{}
			switch e := c.Escalation; {
			case e.AIMSOwnerDays > 0 && days >= e.AIMSOwnerDays:
				step = stepAIMSOwner
				os, ok := owners[a.OrgID]
				if !ok {
					if os, err = st.OrgOwners(ctx, a.OrgID); err != nil {
						return n, err
					}
					owners[a.OrgID] = os
				}
				people = append(slices.Clone(os), a.RiskOwnerID)
			case e.RiskOwnerDays > 0 && days >= e.RiskOwnerDays && a.Escalated != stepRiskOwner+a.Due:
				step, people = stepRiskOwner, []string{a.RiskOwnerID}
			default:
				continue
			}
			// The action's owner hears of it from the reminders; nobody hears twice.
			people = slices.DeleteFunc(people, func(p string) bool { return p == "" || p == a.OwnerID })
			slices.Sort(people)
			people = slices.Compact(people)
			subject := fmt.Sprintf("Overdue %d days: %s (%s)", days, a.Title, a.RiskRef)
			text := fmt.Sprintf("An action to treat risk %s, %s, was due on %s and is still open:\n\n%s\n\nYou are told as %s.",
				a.RiskRef, a.RiskTitle, a.Due, a.Title, map[string]string{stepRiskOwner: "the risk's owner", stepAIMSOwner: "an owner of the AI management system"}[step])
			err = s.store.Atomically(ctx, func(ctx context.Context) error {
				if len(people) > 0 && s.Events != nil {
					if err := s.Events.Publish(ctx, a.OrgID, notify.Event{Type: EventActionEscalated, Data: a, People: people,
						Subject: subject, Text: text, Path: "/risks/" + a.RiskID}); err != nil {
						return err
					}
				}
				return st.MarkEscalated(ctx, a.OrgID, a.TaskID, step+a.Due)
			})
			if err != nil {
				return n, err
			}
			if len(people) > 0 {
				n++
			}
		}
		if len(as) < 200 {
			return n, nil
		}
	}
}

var _ record.LinkHook = (*Service)(nil)
