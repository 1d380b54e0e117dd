package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/impact"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/system"
)

// demoImpact is the impact assessment of one of Lumen's systems: its fields, whether the AIMS manager has
// approved it, and the risk of the register (by the start of its title) that mitigates its first impact.
type demoImpact struct {
	system   string
	fields   impact.Fields
	approve  bool
	riskLike string
}

// lumenImpacts are Lumen's assessments as SCENARIOS.md tells them. TalentMatch is high-risk under Annex III
// 4(a), and Lumen deploys it as a private company: Article 27 does not apply to it (the demo's
// classification says why), so its assessment has no FRIA elements; its impacts on applicants' rights are
// assessed all the same. Lumen Credit scores the creditworthiness of people (Annex III 5(b)), which binds
// every deployer to Art. 27: its assessment carries the FRIA elements.
var lumenImpacts = []demoImpact{
	{system: "TalentMatch", approve: true, riskLike: "The ranker scores candidates", fields: impact.Fields{
		Scope: "The screening of every application to Lumen's open roles, from the CV upload to the shortlist a recruiter reviews; " +
			"the ranker version in production and its retraining twice a year.",
		Affected: []impact.Party{
			{Name: "Applicants", Vulnerable: true, Note: "They depend on the outcome and cannot see how they were ranked."},
			{Name: "Applicants with career breaks or non-linear CVs", Vulnerable: true, Note: "Parents, carers, people returning from illness."},
			{Name: "Recruiters", Note: "They may come to rely on the ranking."},
		},
		Impacts: []impact.Impact{
			{Area: "fundamental_rights", Party: "Applicants", Likelihood: 2, Severity: 4,
				Description:    "Indirect discrimination: the ranker scores candidates of one gender or age group lower, learned from past decisions.",
				Mitigations:    []string{"control:iso42001-2023/A.6.2.4"},
				MitigationNote: "Bias evaluation of each release on held-out data; every shortlist is reviewed by a recruiter."},
			{Area: "economic", Party: "Applicants with career breaks or non-linear CVs", Likelihood: 3, Severity: 3,
				Description:    "Good candidates are not shortlisted and lose the chance of the job.",
				MitigationNote: "Recruiters review a random tenth of the rejected applications each month."},
			{Area: "labour", Party: "Recruiters", Likelihood: 2, Severity: 2,
				Description:    "Automation bias: recruiters stop reading the CVs below the shortlist.",
				Mitigations:    []string{"control:iso42001-2023/A.9.2"},
				MitigationNote: "Training for recruiters; the ranking is shown as bands, not scores."},
		},
	}},
	{system: "Lumen Assist", approve: true, riskLike: "The assistant states false facts", fields: impact.Fields{
		Scope: "The support assistant answering Lumen's customers by chat and e-mail, in English and German.",
		Affected: []impact.Party{
			{Name: "Customers' staff who ask for support"},
			{Name: "Customers in a billing dispute", Vulnerable: true, Note: "They may act on a wrong answer about money."},
		},
		Impacts: []impact.Impact{
			{Area: "economic", Party: "Customers in a billing dispute", Likelihood: 3, Severity: 2,
				Description:    "A confident wrong answer about contract terms or prices leads a customer to pay or cancel wrongly.",
				MitigationNote: "Answers cite the contract clause; a person reviews answers about money."},
			{Area: "wellbeing", Party: "Customers' staff who ask for support", Likelihood: 2, Severity: 1,
				Description: "People are not told they are talking to an AI system and feel misled.",
				Mitigations: []string{"control:iso42001-2023/A.8.2"}, MitigationNote: "Every conversation opens by saying so (EU AI Act Art. 50(1))."},
		},
	}},
	{system: "Lumen Credit", approve: true, fields: impact.Fields{
		Scope: "The credit limit proposed for each individual developer who asks to pay Lumen's API monthly, from the " +
			"bureau's score and the account's payment history, up to the billing specialist's decision.",
		Affected: []impact.Party{
			{Name: "Individual developers asking for monthly invoicing"},
			{Name: "Developers with a thin credit file", Vulnerable: true, Note: "Young people, recent movers to the EU, people without a bank history."},
		},
		Impacts: []impact.Impact{
			{Area: "access_to_services", Party: "Developers with a thin credit file", Likelihood: 3, Severity: 2,
				Description:    "A missing bureau history reads as a low score: the developer is refused monthly invoicing and must prepay.",
				Mitigations:    []string{"control:iso42001-2023/A.9.2"},
				MitigationNote: "Refusals go to a billing specialist, who can grant the standard limit from the payment history."},
			{Area: "fundamental_rights", Party: "Individual developers asking for monthly invoicing", Likelihood: 2, Severity: 3,
				Description:    "Scores that track nationality or place of residence lead to refusals that are discriminatory in effect.",
				Mitigations:    []string{"control:iso42001-2023/A.6.2.4"},
				MitigationNote: "Refusal rates by country of residence are compared each quarter; the bureau's model documentation is reviewed each year."},
		},
		FRIA: &impact.FRIA{
			Processes: "Sign-up of individual developers for monthly invoicing: the score proposes a limit, a billing specialist decides on refusals and high limits.",
			Period:    "In use since March 2026, for every request for monthly invoicing (about 400 a month); limits are re-scored each year.",
			Persons:   "Individual and self-employed developers in the EU and the UK who ask to pay monthly; among them people with a thin credit file.",
			Harms:     "Refusal of credit without a reason the person can understand; indirect discrimination by nationality or residence; errors in the bureau's data.",
			Oversight: "A billing specialist trained on the score's limits confirms every refusal and every limit above the standard band, and may override it.",
			Measures:  "The person can ask for a review by a person and correct their data; complaints go to the billing lead within 10 days; a rise in refusals stops automatic limits until the AIMS manager reviews it.",
		},
	}},
	{system: "Lumen Code", fields: impact.Fields{
		Scope: "Code suggestions to Lumen's engineers in their editors.",
		Affected: []impact.Party{
			{Name: "Lumen's engineers"},
		},
		Impacts: []impact.Impact{
			{Area: "labour", Party: "Lumen's engineers", Likelihood: 2, Severity: 1,
				Description: "Engineers' skills in areas the assistant covers weaken over time."},
			{Area: "environment", Likelihood: 4, Severity: 1,
				Description: "The energy used by the suggestions, run on every keystroke pause."},
		},
	}},
}

// LoadImpacts gives Lumen's systems their impact assessments: TalentMatch's, Lumen Assist's and Lumen
// Credit's approved by the AIMS manager, to be reassessed in a year, and Lumen Code's a draft. It does nothing when Lumen has an
// assessment already, so that a restart adds nothing; systems that are gone are left out.
func LoadImpacts(ctx context.Context, impacts *impact.Service, risks *risk.Service, systems *system.Service, st SoAStore) error {
	org, err := st.OrganizationBySlug(ctx, OrgSlug)
	if err != nil {
		return fmt.Errorf("cannot find the demo organization: %w", err)
	}
	if as, _, err := impacts.List(ctx, org.ID, impact.Filter{}, aims.Page{Limit: 1}); err != nil || len(as) > 0 {
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
	byName := map[string]*system.System{}
	for _, s := range ss {
		byName[s.Name] = s
	}
	due := impacts.Now().UTC().AddDate(1, 0, 0).Format(time.DateOnly)
	for _, d := range lumenImpacts {
		s := byName[d.system]
		if s == nil {
			continue
		}
		f := impact.FieldsOf(&impact.Assessment{Fields: d.fields})
		f.OwnerID = s.OwnerID
		if d.approve {
			f.ReassessBy = due
		}
		if d.riskLike != "" {
			rs, _, err := risks.List(ctx, org.ID, risk.Filter{SystemID: s.ID, Query: d.riskLike}, aims.Page{Limit: 1})
			if err != nil {
				return err
			}
			if len(rs) == 1 {
				f.Impacts[0].Mitigations = append(f.Impacts[0].Mitigations, "risk:"+rs[0].ID)
			}
		}
		a, err := impacts.Create(actx, org.ID, s.ID, f)
		if err != nil {
			return fmt.Errorf("cannot assess the impacts of demo system %s: %w", s.Name, err)
		}
		if d.approve {
			if _, err := impacts.Approve(actx, org.ID, s.ID, a.Version, a.Rev); err != nil {
				return fmt.Errorf("cannot approve the impact assessment of demo system %s: %w", s.Name, err)
			}
		}
	}
	return nil
}
