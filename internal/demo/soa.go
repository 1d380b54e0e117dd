package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
)

// SoAStore is what the SoA part of the demo needs beyond the control service.
type SoAStore interface {
	Store
	MembershipOf(ctx context.Context, orgID, userID string) (*account.Membership, error)
}

// decision is a demo control's implementation; a zero owner means none yet, a target in days is counted
// from the day the demo is loaded (negative: past).
type decision struct {
	key, ref      string
	applicability string
	justification string // "" keeps the proposal's
	status        string
	owner         string // email
	targetDays    int
	link          *control.Link
}

var decisions = []decision{
	{key: framework.ISO42001, ref: "A.2.2", applicability: control.Applicable, status: control.Implemented, owner: "maya.okafor@lumenlabs.example",
		justification: "Lumen trains, sells and uses AI, so it needs an AI policy; version 1.2 was approved by the CTO in March.",
		link:          &control.Link{Kind: control.LinkDocument, Title: "AI policy v1.2", Target: "Confluence: POL-AI-001"}},
	{key: framework.ISO42001, ref: "A.2.4", applicability: control.Applicable, status: control.Planned, owner: "maya.okafor@lumenlabs.example", targetDays: 60},
	{key: framework.ISO42001, ref: "A.3.2", applicability: control.Applicable, status: control.Implemented, owner: "maya.okafor@lumenlabs.example",
		link: &control.Link{Kind: control.LinkDocument, Title: "RACI of the AI management system", Target: "Confluence: AIMS-RACI"}},
	{key: framework.ISO42001, ref: "A.3.3", applicability: control.Applicable, status: control.Implemented, owner: "it-admin@lumenlabs.example"},
	{key: framework.ISO42001, ref: "A.4.5", applicability: control.Excluded,
		justification: "Lumen Labs operates no computing resources of its own: training and inference run on a managed cloud service, whose resources are documented and controlled as a supplier under A.10.3 and ISO/IEC 27001 A.5.23.",
		status:        control.NotStarted},
	{key: framework.ISO42001, ref: "A.5.2", applicability: control.Applicable, status: control.Planned, owner: "maya.okafor@lumenlabs.example", targetDays: 45},
	{key: framework.ISO42001, ref: "A.6.2.4", applicability: control.Applicable, status: control.Implemented, owner: "priya.nair@lumenlabs.example",
		justification: "Every model release is evaluated against the acceptance criteria of each AI system (promptfoo, lm-eval and garak red-teaming in CI) before it ships.",
		link:          &control.Link{Kind: control.LinkURL, Title: "Release evaluation pipeline", Target: "https://ci.lumenlabs.example/pipelines/model-release"}},
	{key: framework.ISO42001, ref: "A.6.2.6", applicability: control.Applicable, status: control.Partial, owner: "tom.becker@lumenlabs.example", targetDays: 30},
	{key: framework.ISO42001, ref: "A.6.2.8", applicability: control.Applicable, status: control.Implemented, owner: "tom.becker@lumenlabs.example"},
	{key: framework.ISO42001, ref: "A.7.2", applicability: control.Applicable, status: control.Partial, owner: "priya.nair@lumenlabs.example", targetDays: 90},
	{key: framework.ISO42001, ref: "A.7.3", applicability: control.Excluded,
		justification: "Lumen Labs acquires no data from third parties for its AI systems: fine-tuning and evaluation data are produced in-house from consented support conversations, governed under A.7.2, A.7.5 and A.7.6. Reviewed at each management review.",
		status:        control.NotStarted},
	{key: framework.ISO42001, ref: "A.7.5", applicability: control.Applicable, status: control.Planned, owner: "priya.nair@lumenlabs.example", targetDays: 120},
	{key: framework.ISO42001, ref: "A.8.2", applicability: control.Applicable, status: control.Implemented, owner: "maya.okafor@lumenlabs.example"},
	{key: framework.ISO42001, ref: "A.8.4", applicability: control.Applicable, status: control.Partial, owner: "maya.okafor@lumenlabs.example", targetDays: -14},
	{key: framework.ISO42001, ref: "A.10.3", applicability: control.Applicable, status: control.Planned, owner: "sam.osei@lumenlabs.example", targetDays: 60},
	{key: framework.ISO42001, ref: "4.1", status: control.Implemented, owner: "maya.okafor@lumenlabs.example",
		justification: "Context analysis in the AIMS manual, section 2; reviewed at each management review."},
	{key: framework.ISO42001, ref: "5.2", status: control.Implemented, owner: "daniel.reyes@lumenlabs.example",
		link: &control.Link{Kind: control.LinkDocument, Title: "AI policy v1.2", Target: "Confluence: POL-AI-001"}},
	{key: framework.ISO42001, ref: "6.1.3", status: control.Partial, owner: "maya.okafor@lumenlabs.example", targetDays: 30},
	{key: control.OwnKey, ref: "LL-01", applicability: control.Applicable, status: control.Implemented, owner: "priya.nair@lumenlabs.example",
		justification: "Customers and the EU AI Act (Art. 53) expect red-teaming of general-purpose models; Lumen red-teams every release before general availability."},
	{key: framework.ISO27001, ref: "A.5.23", applicability: control.Applicable, status: control.Planned, owner: "it-admin@lumenlabs.example", targetDays: 75,
		justification: "All of Lumen's AI systems run on a managed cloud service, so its use must be governed."},
}

// ownTitles are the titles of Lumen's own controls.
var ownTitles = map[string]string{"LL-01": "Red-team every model release before general availability"}

// LoadSoA gives Lumen Labs its AI roles (an AI provider, producer and customer; an EU AI Act provider and
// deployer), applies the proposals, fills in a realistic, partly implemented SoA (owners, a couple of
// exclusions, one control past its target date, an own control and an ISO/IEC 27001 control) and has the
// CTO approve version 1. It does nothing when Lumen Labs has its AI roles already, so it is idempotent.
func LoadSoA(ctx context.Context, ctl *control.Service, st SoAStore) error {
	org, err := st.OrganizationBySlug(ctx, OrgSlug)
	if err != nil {
		return fmt.Errorf("cannot find the demo organization: %w", err)
	}
	prof, err := ctl.Profile(ctx, org.ID)
	if err != nil {
		return err
	}
	if len(prof.AIRoles) > 0 {
		return nil
	}
	as := func(email string) (context.Context, *account.User, error) {
		u, err := st.UserByEmail(ctx, email)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot find demo user %s: %w", email, err)
		}
		m, err := st.MembershipOf(ctx, org.ID, u.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("demo user %s is not in Lumen Labs: %w", email, err)
		}
		return aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: org.ID,
			OrgSlug: org.Slug, Role: m.Role}), u, nil
	}
	maya, _, err := as(people[0].email)
	if err != nil {
		return err
	}
	if _, err := ctl.UpdateProfile(maya, org.ID, control.ProfileUpdate{AIRoles: []string{"ai_provider", "ai_producer", "ai_customer"},
		EURoles: []string{"provider", "deployer"}, EUDates: control.DatesDefault}, 0); err != nil {
		return err
	}
	if _, err := ctl.ApplyProposals(maya, org.ID); err != nil {
		return err
	}
	today, err := time.Parse(time.DateOnly, ctl.Today())
	if err != nil {
		return err
	}
	for _, d := range decisions {
		if err := decide(maya, ctl, org.ID, d, today, as); err != nil {
			return fmt.Errorf("cannot set demo control %s: %w", d.ref, err)
		}
	}
	cto, _, err := as("daniel.reyes@lumenlabs.example")
	if err != nil {
		return err
	}
	if _, err := ctl.Approve(cto, org.ID, "Approved by the CTO at the first AIMS management review."); err != nil {
		return err
	}
	// Work goes on after the approval: monitoring is now in place, which the comparison with version 1 shows.
	c, err := ctl.Control(maya, org.ID, framework.ISO42001, "A.6.2.6")
	if err != nil {
		return err
	}
	_, err = ctl.UpdateControl(maya, org.ID, framework.ISO42001, "A.6.2.6", control.Update{Applicability: c.Applicability,
		Justification: c.Justification, Status: control.Implemented, OwnerID: c.OwnerID, TargetDate: c.TargetDate}, c.Version)
	return err
}

// decide applies one demo decision as the AIMS manager, adding the control to the SoA first when it is
// not one of ISO/IEC 42001's.
func decide(ctx context.Context, ctl *control.Service, orgID string, d decision, today time.Time,
	as func(string) (context.Context, *account.User, error)) error {
	if d.key != framework.ISO42001 {
		if _, err := ctl.AddToSoA(ctx, orgID, d.key, d.ref, ownTitles[d.ref]); err != nil {
			return err
		}
	}
	c, err := ctl.Control(ctx, orgID, d.key, d.ref)
	if err != nil {
		return err
	}
	u := control.Update{Applicability: d.applicability, Justification: d.justification, Status: d.status}
	if u.Applicability == "" {
		u.Applicability = c.Applicability
	}
	if u.Justification == "" {
		u.Justification = c.Justification
	}
	if d.owner != "" {
		_, owner, err := as(d.owner)
		if err != nil {
			return err
		}
		u.OwnerID = owner.ID
	}
	if d.targetDays != 0 {
		u.TargetDate = today.AddDate(0, 0, d.targetDays).Format(time.DateOnly)
	}
	if _, err := ctl.UpdateControl(ctx, orgID, d.key, d.ref, u, c.Version); err != nil {
		return err
	}
	if d.link != nil {
		if _, err := ctl.AddLink(ctx, orgID, d.key, d.ref, d.link.Kind, d.link.Title, d.link.Target); err != nil {
			return err
		}
	}
	return nil
}
