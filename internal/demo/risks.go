package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/system"
)

// demoRisk is a risk of Lumen's register: of the system named (none: organization-wide), owned by the
// person with owner's e-mail, its ratings written likelihood and consequences by axis, its review due in
// review days (negative: overdue).
type demoRisk struct {
	system, owner                string
	title, description, controls string
	source, objective, genai     string
	inherent, residual           risk.RatingInput
	review                       int
	mitigatedBy                  string // a control (KEY/REF) that mitigates it
}

func rating(l int, cs map[string]int) risk.RatingInput {
	return risk.RatingInput{Likelihood: l, Consequences: cs}
}

var lumenRisks = []demoRisk{
	{system: "TalentMatch", owner: "priya.nair@lumenlabs.example", source: "C.3.4", objective: "C.2.5",
		title:       "The ranker scores candidates of one gender or age group lower",
		description: "Historical hiring decisions in the training data carry the preferences of past recruiters; the ranker may learn them.",
		controls:    "Bias evaluation of each release on held-out applicant data; recruiters see every shortlist.",
		inherent:    rating(4, map[string]int{"individuals": 5, "groups": 4, "organization": 3}),
		residual:    rating(2, map[string]int{"individuals": 4, "groups": 3}), review: 60, mitigatedBy: "iso42001-2023/A.6.2.4"},
	{system: "Lumen Assist", owner: "tom.becker@lumenlabs.example", source: "C.3.2", objective: "C.2.11", genai: "2",
		title:       "The assistant states false facts about a customer's contract",
		description: "Answers are generated; a confident wrong answer about terms or prices may be taken as Lumen's word.",
		controls:    "Answers cite the contract clause they rely on; a human reviews answers about money.",
		inherent:    rating(4, map[string]int{"organization": 3, "individuals": 3}),
		residual:    rating(3, map[string]int{"organization": 2, "individuals": 2}), review: 30},
	{system: "Lumen Assist", owner: "tom.becker@lumenlabs.example", source: "C.3.4", objective: "C.2.10", genai: "9",
		title:       "Instructions hidden in a customer's e-mail make the assistant disclose another customer's data",
		description: "The assistant reads inbound e-mail; text in it may be taken as instructions (prompt injection).",
		inherent:    rating(3, map[string]int{"individuals": 4, "organization": 4}), review: 14},
	{owner: "maya.okafor@lumenlabs.example", source: "C.3.6", objective: "C.2.2",
		title:       "Too few people can judge the evaluations of a model release",
		description: "Two engineers review every release's evaluation; when one is away, releases wait or go out unreviewed.",
		inherent:    rating(3, map[string]int{"organization": 3}), review: -10},
}

// LoadRisks gives Lumen a risk register rated against the default criteria, as its AIMS manager would
// have it a few weeks before the audit: risks of TalentMatch and Lumen Assist and one of the
// organization, one with its review overdue, and the control that mitigates the first. It does nothing
// when Lumen has risks already, so that a restart adds nothing; systems the register names that are
// gone are left out.
func LoadRisks(ctx context.Context, risks *risk.Service, records *record.Service, systems *system.Service, st SoAStore) error {
	org, err := st.OrganizationBySlug(ctx, OrgSlug)
	if err != nil {
		return fmt.Errorf("cannot find the demo organization: %w", err)
	}
	if rs, _, err := risks.List(ctx, org.ID, risk.Filter{}, aims.Page{Limit: 1}); err != nil || len(rs) > 0 {
		return err
	}
	maya, err := st.UserByEmail(ctx, "maya.okafor@lumenlabs.example")
	if err != nil {
		return err
	}
	actx := aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: maya.ID, Name: maya.Name, UserID: maya.ID, OrgID: org.ID,
		OrgSlug: org.Slug, Role: aims.RoleOwner})
	ss, _, err := systems.List(ctx, org.ID, system.Filter{}, aims.Page{Limit: 100})
	if err != nil {
		return err
	}
	byName := map[string]string{}
	for _, s := range ss {
		byName[s.Name] = s.ID
	}
	today := risks.Now().UTC()
	for _, d := range lumenRisks {
		f := risk.Fields{Title: d.title, Description: d.description, ExistingControls: d.controls, Source: d.source, Objective: d.objective,
			GenAIRisk: d.genai, Inherent: d.inherent, Residual: d.residual, ReviewDue: today.AddDate(0, 0, d.review).Format(time.DateOnly)}
		if d.system != "" {
			if f.SystemID = byName[d.system]; f.SystemID == "" {
				continue
			}
		}
		owner, err := st.UserByEmail(ctx, d.owner)
		if err != nil {
			return err
		}
		f.OwnerID = owner.ID
		r, err := risks.Create(actx, org.ID, f)
		if err != nil {
			return fmt.Errorf("cannot register the demo risk %q: %w", d.title, err)
		}
		if d.mitigatedBy != "" {
			if _, err := records.Link(actx, org.ID, record.NewLink{Relationship: "mitigates", From: "control:" + d.mitigatedBy,
				To: "risk:" + r.ID}); err != nil {
				return fmt.Errorf("cannot link the demo risk %s: %w", r.Ref, err)
			}
		}
	}
	return nil
}
