package demo

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
)

// lumenSystems are Lumen Labs' AI systems: the three SCENARIOS.md tells of, and Lumen Credit, a
// credit-scoring service Lumen deploys to set developers' pay-later limits (EU AI Act Annex III 5(b), so
// Art. 27 applies and its impact assessment carries the fundamental rights impact assessment's elements).
var lumenSystems = []system.Fields{
	{
		Name:    "Lumen Assist",
		Purpose: "Answers customers' support questions in chat and drafts replies for Lumen's support agents.",
		IntendedUse: "Support for Lumen's API customers: product questions, account and billing how-tos, troubleshooting; " +
			"answers cite Lumen's documentation and hand over to a person on request.",
		ForeseeableMisuse: "Asking for legal, medical or financial advice; prompt injection to reveal other customers' data; " +
			"treating drafts as final without review.",
		AIRole: "ai_provider", EURole: "provider", Stage: "operation_and_monitoring", Status: "active",
		Team: "Applied AI", Environments: []string{"production", "staging"}, Markets: []string{"EU", "US", "UK"},
		Users:               "Lumen's API customers and Lumen's support agents.",
		AffectedPeople:      "Customers' end users who contact support.",
		Automation:          "Answers customers directly; drafts for agents are reviewed before sending.",
		HumanOversight:      "Hand-over to a person on request or low confidence; weekly review of sampled conversations.",
		PersonalData:        true,
		DataNotes:           "Conversation logs kept 30 days; account identifiers only, no special categories.",
		InteractsWithPeople: true, GeneratesContent: true,
	},
	{
		Name:    "TalentMatch",
		Purpose: "Ranks job applications against the role's requirements for Lumen's recruiters.",
		IntendedUse: "Shortlisting support for Lumen's own hiring; recruiters decide and see the reasons for each " +
			"ranking.",
		ForeseeableMisuse: "Rejecting candidates without human review; using it for roles it was not configured for; " +
			"inferring protected characteristics.",
		AIRole: "ai_customer", EURole: "deployer", Stage: "deployment", Status: "active",
		Team: "People Operations", Environments: []string{"production"}, Markets: []string{"EU"},
		Users:          "Lumen's recruiters and hiring managers.",
		AffectedPeople: "Job applicants (high-risk use under EU AI Act Annex III, area 4: employment).",
		Automation:     "Ranks and explains; never rejects on its own.",
		HumanOversight: "Every shortlist is reviewed by a recruiter, who can override the ranking; monthly bias review.",
		PersonalData:   true, SpecialCategoryData: false,
		DataNotes: "CVs and application answers; retention 6 months after the hiring decision.",
	},
	{
		Name:              "Lumen Code",
		Purpose:           "Code completion and review suggestions for Lumen's engineers.",
		IntendedUse:       "Internal engineering work on Lumen's own repositories, with human review of every change.",
		ForeseeableMisuse: "Pasting customer data or secrets into prompts; merging suggestions without review.",
		AIRole:            "ai_customer", EURole: "deployer", Stage: "operation_and_monitoring", Status: "active",
		Team: "Developer Productivity", Environments: []string{"developer workstations"}, Markets: []string{"internal"},
		Users:            "Lumen's engineers.",
		AffectedPeople:   "None outside Lumen.",
		Automation:       "Suggests only; engineers accept or reject each suggestion.",
		HumanOversight:   "Code review before merge; usage guidelines in the engineering handbook.",
		GeneratesContent: true,
		DataNotes:        "Source code only; prompts are not retained by the model provider under contract.",
	},
	{
		Name:    "Lumen Credit",
		Purpose: "Sets the pay-later credit limit of individual developers who sign up for Lumen's API, from a credit bureau's score.",
		IntendedUse: "Credit limits for self-employed and individual developers on monthly invoicing; a billing specialist " +
			"reviews every refusal and every limit above the standard band.",
		ForeseeableMisuse: "Using the score to refuse the free tier or support; using it for business customers it was not " +
			"validated on; treating a refusal as a judgement on the person.",
		AIRole: "ai_customer", EURole: "deployer", Stage: "deployment", Status: "active",
		Team: "Billing", Environments: []string{"production"}, Markets: []string{"EU", "UK"},
		Users:          "Lumen's billing specialists.",
		AffectedPeople: "Individual developers who ask to pay monthly (high-risk use under EU AI Act Annex III, point 5(b): creditworthiness).",
		Automation:     "Proposes a limit; refusals and high limits wait for a person.",
		HumanOversight: "A billing specialist confirms every refusal and can override any limit; applicants can ask for a review by a person.",
		PersonalData:   true,
		DataNotes:      "Identity, address and the bureau's score; kept while the account is open and 12 months after.",
	},
}

// systemOwners are the owners of lumenSystems, by position.
var systemOwners = []string{"priya.nair@lumenlabs.example", "sam.osei@lumenlabs.example", "tom.becker@lumenlabs.example",
	"sam.osei@lumenlabs.example"}

// LoadSystems registers Lumen Labs' AI systems, as its AIMS manager would, unless it has some already, and
// classifies those of them not classified yet under the EU AI Act.
func LoadSystems(ctx context.Context, systems *system.Service, components *component.Service, st SoAStore) error {
	org, err := st.OrganizationBySlug(ctx, OrgSlug)
	if err != nil {
		return fmt.Errorf("cannot find the demo organization: %w", err)
	}
	existing, _, err := systems.List(ctx, org.ID, system.Filter{}, aims.Page{Limit: 1})
	if err != nil {
		return err
	}
	maya, err := st.UserByEmail(ctx, people[0].email)
	if err != nil {
		return err
	}
	ctx = aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: maya.ID, Name: maya.Name, UserID: maya.ID, OrgID: org.ID,
		OrgSlug: org.Slug, Role: aims.RoleOwner})
	if len(existing) > 0 {
		if err := classifyLumen(ctx, systems, org.ID); err != nil {
			return err
		}
		return LoadModelCards(ctx, systems, components, st)
	}
	fields := make([]system.Fields, len(lumenSystems))
	for i, f := range lumenSystems {
		u, err := st.UserByEmail(ctx, systemOwners[i])
		if err != nil {
			return fmt.Errorf("cannot find demo user %s: %w", systemOwners[i], err)
		}
		f.OwnerID = u.ID
		fields[i] = f
	}
	if _, err = systems.Import(ctx, org.ID, fields); err != nil {
		return err
	}
	if err := classifyLumen(ctx, systems, org.ID); err != nil {
		return err
	}
	return LoadModelCards(ctx, systems, components, st)
}
