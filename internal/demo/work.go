package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/system"
)

// LoadWork gives the demo an audit in progress: Grace, the internal auditor, has asked about
// TalentMatch's bias evaluation and Priya has answered; Maya has given Priya a task that is now overdue
// and Tom one due in two weeks, and Priya asks Maya to approve the release, so that "My work" and the
// comments have something to show. It does
// nothing when TalentMatch has comments already (or is gone), so that a restart adds nothing.
func LoadWork(ctx context.Context, records *record.Service, systems *system.Service, st SoAStore) error {
	org, err := st.OrganizationBySlug(ctx, OrgSlug)
	if err != nil {
		return fmt.Errorf("cannot find the demo organization: %w", err)
	}
	as := func(email string) (context.Context, string, error) {
		for _, p := range people {
			if p.email != email {
				continue
			}
			u, err := st.UserByEmail(ctx, email)
			if err != nil {
				return nil, "", err
			}
			return aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: org.ID,
				OrgSlug: org.Slug, Role: p.role}), u.ID, nil
		}
		return nil, "", fmt.Errorf("no demo person %s", email)
	}
	ss, _, err := systems.List(ctx, org.ID, system.Filter{Query: "TalentMatch"}, aims.Page{Limit: 10})
	if err != nil {
		return err
	}
	var talent *system.System
	for _, s := range ss {
		if s.Name == "TalentMatch" {
			talent = s
		}
	}
	if talent == nil {
		return nil
	}
	ref := record.Ref{Type: record.TypeSystem, ID: talent.ID}
	if cs, _, err := records.Comments(ctx, org.ID, record.CommentFilter{Record: &ref}, aims.Page{Limit: 1}); err != nil || len(cs) > 0 {
		return err
	}
	grace, _, err := as("grace.liu@lumenlabs.example")
	if err != nil {
		return err
	}
	priya, priyaID, err := as("priya.nair@lumenlabs.example")
	if err != nil {
		return err
	}
	maya, mayaID, err := as("maya.okafor@lumenlabs.example")
	if err != nil {
		return err
	}
	_, tomID, err := as("tom.becker@lumenlabs.example")
	if err != nil {
		return err
	}
	q, err := records.AddComment(grace, org.ID, record.NewComment{Record: ref.String(),
		Body: "@priya.nair where is the bias evaluation of the ranker for the release now in production? " +
			"I would like to sample it for **A.6.2.4** (verification and validation)."})
	if err != nil {
		return fmt.Errorf("cannot add the demo question: %w", err)
	}
	if _, err := records.AddComment(priya, org.ID, record.NewComment{ParentID: q.ID,
		Body: "It runs in CI on every release; I will link the run for 2.3 here this week."}); err != nil {
		return fmt.Errorf("cannot add the demo reply: %w", err)
	}
	day := func(d int) string { return records.Now().UTC().AddDate(0, 0, d).Format(time.DateOnly) }
	for _, t := range []record.NewTask{
		{Record: ref.String(), Title: "Link the bias evaluation of ranker 2.3 to TalentMatch", OwnerID: priyaID, Due: day(-3)},
		{Record: "control:iso42001-2023/A.6.2.4", Title: "Write down the verification steps for ranker releases", OwnerID: tomID, Due: day(14)},
	} {
		if _, err := records.CreateTask(maya, org.ID, t); err != nil {
			return fmt.Errorf("cannot add the demo task %q: %w", t.Title, err)
		}
	}
	if _, err := records.CreateTask(priya, org.ID, record.NewTask{Record: ref.String(), Kind: record.TaskApproval, OwnerID: mayaID,
		Title: "Approve ranker 2.3 of TalentMatch for production once its bias evaluation is linked", Due: day(2)}); err != nil {
		return fmt.Errorf("cannot add the demo approval: %w", err)
	}
	return nil
}
