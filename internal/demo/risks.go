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
	// treatment and plan say how it is treated; treats are the Annex A controls (refs) the treatment
	// selects; acceptedBy is the e-mail of who accepted what is left, when someone has.
	treatment, plan string
	treats          []string
	acceptedBy      string
	// action is an action of the treatment, a task due in dueDays (negative: overdue).
	action *demoAction
}

// demoAction is an action of a risk's treatment: a task of the owner with e-mail owner.
type demoAction struct {
	title, owner string
	dueDays      int
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
		residual:    rating(2, map[string]int{"individuals": 4, "groups": 3}), review: 60, mitigatedBy: "iso42001-2023/A.6.2.4",
		treatment: risk.TreatModify, plan: "Re-weight the training data by group; block a release whose selection-rate ratio falls under 0.8; recruiters review every shortlist.",
		treats: []string{"A.6.2.4", "A.7.4", "A.9.2"},
		action: &demoAction{"Add the selection-rate ratio to the release evaluation", "priya.nair@lumenlabs.example", -9}},
	{system: "Lumen Assist", owner: "tom.becker@lumenlabs.example", source: "C.3.2", objective: "C.2.11", genai: "2",
		title:       "The assistant states false facts about a customer's contract",
		description: "Answers are generated; a confident wrong answer about terms or prices may be taken as Lumen's word.",
		controls:    "Answers cite the contract clause they rely on; a human reviews answers about money.",
		inherent:    rating(4, map[string]int{"organization": 3, "individuals": 3}),
		residual:    rating(3, map[string]int{"organization": 2, "individuals": 2}), review: 30,
		treatment: risk.TreatModify, plan: "Ground answers in the contract store and show the clause; route questions about money to a person.",
		treats: []string{"A.6.2.4", "A.8.2"}, acceptedBy: "daniel.reyes@lumenlabs.example"},
	{system: "Lumen Assist", owner: "tom.becker@lumenlabs.example", source: "C.3.4", objective: "C.2.10", genai: "9",
		title:       "Instructions hidden in a customer's e-mail make the assistant disclose another customer's data",
		description: "The assistant reads inbound e-mail; text in it may be taken as instructions (prompt injection).",
		inherent:    rating(3, map[string]int{"individuals": 4, "organization": 4}), review: 14,
		treatment: risk.TreatModify, plan: "Separate e-mail text from instructions; allow-list the tools the assistant may call; red-team each release."},
	{owner: "maya.okafor@lumenlabs.example", source: "C.3.6", objective: "C.2.2",
		title:       "Too few people can judge the evaluations of a model release",
		description: "Two engineers review every release's evaluation; when one is away, releases wait or go out unreviewed.",
		inherent:    rating(3, map[string]int{"organization": 3}), review: -10},
	{system: "TalentMatch", owner: "priya.nair@lumenlabs.example", source: "C.3.2", objective: "C.2.11",
		title:       "Candidates cannot learn why they were not shortlisted",
		description: "Rejected candidates receive no reason; a regulator or court may ask for one.",
		inherent:    rating(3, map[string]int{"individuals": 3, "organization": 3}), residual: rating(2, map[string]int{"individuals": 2, "organization": 3}),
		review: 90, treatment: risk.TreatModify, plan: "Record the three strongest factors of each score and offer them on request.",
		treats: []string{"A.8.2", "A.8.5"}, acceptedBy: "daniel.reyes@lumenlabs.example"},
	{system: "TalentMatch", owner: "priya.nair@lumenlabs.example", source: "C.3.3", objective: "C.2.1",
		title:       "Recruiters rubber-stamp the ranking",
		description: "Under time pressure, recruiters may approve the top of the list without reading it: the human oversight becomes nominal.",
		inherent:    rating(4, map[string]int{"individuals": 4, "organization": 3}), residual: rating(2, map[string]int{"individuals": 4}),
		review: 45, treatment: risk.TreatModify, plan: "Show candidates unranked first; sample 5% of decisions for a second review.",
		treats: []string{"A.9.2", "A.9.3", "A.4.6"}, acceptedBy: "maya.okafor@lumenlabs.example"},
	{system: "TalentMatch", owner: "sam.osei@lumenlabs.example", source: "C.3.6", objective: "C.2.8",
		title:       "The CV parser supplier changes its model without notice",
		description: "TalentMatch depends on a third-party CV parser; a silent model change may shift scores.",
		inherent:    rating(3, map[string]int{"organization": 3, "individuals": 3}), residual: rating(2, map[string]int{"organization": 3}),
		review: 120, treatment: risk.TreatShare, plan: "Contract clause: 30 days' notice of model changes; a regression suite runs on each parser release.",
		treats: []string{"A.10.3", "A.6.2.4"}, acceptedBy: "daniel.reyes@lumenlabs.example"},
	{system: "TalentMatch", owner: "priya.nair@lumenlabs.example", source: "C.3.4", objective: "C.2.7", genai: "4",
		title:       "Personal data of applicants is kept longer than needed",
		description: "CVs and scores stay in the feature store after the hiring round ends.",
		inherent:    rating(3, map[string]int{"individuals": 3}), residual: rating(1, map[string]int{"individuals": 3}),
		review: 180, treatment: risk.TreatModify, plan: "Delete applicant records 6 months after the round closes; log each deletion.",
		treats: []string{"A.7.2", "A.7.4"}, acceptedBy: "priya.nair@lumenlabs.example"},
	{system: "TalentMatch", owner: "maya.okafor@lumenlabs.example", source: "C.3.1", objective: "C.2.1",
		title:       "TalentMatch is used for internal promotions it was not designed for",
		description: "Managers asked to rank internal candidates with it; its training data holds external applicants only.",
		inherent:    rating(2, map[string]int{"individuals": 4, "organization": 3}), review: 30,
		treatment: risk.TreatAvoid, plan: "The intended-use statement excludes internal promotions; the tenant for HR is not given access."},
	{system: "Lumen Assist", owner: "tom.becker@lumenlabs.example", source: "C.3.4", objective: "C.2.9", genai: "3",
		title:    "The assistant produces abusive or violent text when provoked",
		inherent: rating(3, map[string]int{"individuals": 3, "organization": 3}), residual: rating(2, map[string]int{"individuals": 2, "organization": 3}),
		review: 60, treatment: risk.TreatModify, plan: "Output moderation before sending; monthly red-teaming with the harmful-content plugins.",
		treats: []string{"A.6.2.4", "A.6.2.6"}, acceptedBy: "daniel.reyes@lumenlabs.example"},
	{system: "Lumen Assist", owner: "tom.becker@lumenlabs.example", source: "C.3.4", objective: "C.2.7", genai: "4",
		title:    "Customer conversations are used to train the next model without consent",
		inherent: rating(2, map[string]int{"individuals": 4, "organization": 4}), residual: rating(1, map[string]int{"individuals": 4, "organization": 3}),
		review: 90, treatment: risk.TreatModify, plan: "Training sets exclude conversations unless the customer opted in; a data card records the filter.",
		treats: []string{"A.7.3", "A.7.5"}, acceptedBy: "maya.okafor@lumenlabs.example"},
	{system: "Lumen Assist", owner: "sam.osei@lumenlabs.example", source: "C.3.6", objective: "C.2.6", genai: "12",
		title:    "The hosted model provider deprecates the model version Lumen Assist uses",
		inherent: rating(4, map[string]int{"organization": 3}), residual: rating(3, map[string]int{"organization": 2}),
		review: 60, treatment: risk.TreatShare, plan: "Pin the version; the provider's contract gives 6 months' notice; the evaluation suite runs on any candidate replacement.",
		treats: []string{"A.10.3"}, acceptedBy: "daniel.reyes@lumenlabs.example"},
	{system: "Lumen Assist", owner: "tom.becker@lumenlabs.example", source: "C.3.5", objective: "C.2.8",
		title:    "An outage of the inference service leaves customers without answers",
		inherent: rating(3, map[string]int{"organization": 2}), review: 120,
		treatment: risk.TreatRetain, plan: "Customers fall back to the human support queue; the service level allows 4 hours a month.",
		acceptedBy: "daniel.reyes@lumenlabs.example"},
	{system: "Lumen Assist", owner: "tom.becker@lumenlabs.example", source: "C.3.2", objective: "C.2.11", genai: "7",
		title:       "Customers do not know they are talking to an AI system",
		description: "Art. 50(1) of the EU AI Act requires telling them, unless it is obvious.",
		inherent:    rating(3, map[string]int{"individuals": 2, "organization": 3}), residual: rating(1, map[string]int{"organization": 3}),
		review: 180, treatment: risk.TreatModify, plan: "The first message says it is an AI assistant; the widget is labelled.",
		treats: []string{"A.8.2", "A.8.3"}, acceptedBy: "tom.becker@lumenlabs.example"},
	{system: "Lumen Assist", owner: "tom.becker@lumenlabs.example", source: "C.3.4", objective: "C.2.10", genai: "9",
		title:    "The system prompt and tool credentials leak through the chat",
		inherent: rating(3, map[string]int{"organization": 4}), review: 30,
		treatment: risk.TreatModify, plan: "Keep credentials out of the prompt; scoped tokens per tool; detect prompt disclosure in red-teaming.",
		action: &demoAction{"Move the CRM token to the tool gateway", "tom.becker@lumenlabs.example", 12}},
	{system: "Lumen Code", owner: "tom.becker@lumenlabs.example", source: "C.3.4", objective: "C.2.10", genai: "9",
		title:       "Suggested code contains known vulnerabilities",
		description: "The code model reproduces insecure patterns from its training data (SQL built from strings, weak hashing).",
		inherent:    rating(4, map[string]int{"organization": 3, "individuals": 2}), residual: rating(2, map[string]int{"organization": 3}),
		review: 60, treatment: risk.TreatModify, plan: "Static analysis on every suggestion over 5 lines; the security benchmark gates each model release.",
		treats: []string{"A.6.2.4", "A.6.2.5"}, acceptedBy: "maya.okafor@lumenlabs.example"},
	{system: "Lumen Code", owner: "sam.osei@lumenlabs.example", source: "C.3.6", objective: "C.2.1", genai: "10",
		title:    "Suggestions reproduce code under a licence incompatible with the customer's",
		inherent: rating(3, map[string]int{"organization": 4}), residual: rating(2, map[string]int{"organization": 3}),
		review: 90, treatment: risk.TreatModify, plan: "A similarity filter against public code withholds near-verbatim suggestions and names the source.",
		treats: []string{"A.6.2.4", "A.10.4"}, acceptedBy: "daniel.reyes@lumenlabs.example"},
	{system: "Lumen Code", owner: "priya.nair@lumenlabs.example", source: "C.3.7", objective: "C.2.8",
		title:    "The model's quality on rarely used languages is unknown",
		inherent: rating(3, map[string]int{"organization": 2}), residual: rating(2, map[string]int{"organization": 2}),
		review: 120, treatment: risk.TreatModify, plan: "Extend the evaluation to the ten languages customers use most.",
		treats: []string{"A.6.2.4"}},
	{system: "Lumen Code", owner: "tom.becker@lumenlabs.example", source: "C.3.4", objective: "C.2.4", genai: "5",
		title:    "Inference energy use grows faster than usage",
		inherent: rating(3, map[string]int{"society": 2, "organization": 2}), review: 180,
		treatment: risk.TreatRetain, plan: "Report energy per thousand suggestions each quarter.", acceptedBy: "daniel.reyes@lumenlabs.example"},
	{owner: "maya.okafor@lumenlabs.example", source: "C.3.6", objective: "C.2.1",
		title:       "An AI system goes live without an impact assessment",
		description: "Teams can deploy a model behind a feature flag; the assessment may be skipped.",
		inherent:    rating(3, map[string]int{"individuals": 4, "organization": 4}), residual: rating(1, map[string]int{"individuals": 4, "organization": 4}),
		review: 60, treatment: risk.TreatModify, plan: "The release gate checks for an approved, current impact assessment.",
		treats: []string{"A.5.2", "A.5.3", "A.6.2.5"}, acceptedBy: "maya.okafor@lumenlabs.example"},
	{owner: "maya.okafor@lumenlabs.example", source: "C.3.1", objective: "C.2.1",
		title:    "Obligations of the EU AI Act are missed as its dates move",
		inherent: rating(3, map[string]int{"organization": 4}), residual: rating(2, map[string]int{"organization": 3}),
		review: 45, treatment: risk.TreatModify, plan: "The obligations register follows the amended dates; legal reviews it each quarter.",
		treats: []string{"A.2.2", "A.3.2"}, acceptedBy: "daniel.reyes@lumenlabs.example"},
	{owner: "sam.osei@lumenlabs.example", source: "C.3.6", objective: "C.2.3",
		title:    "A dataset vendor's licence does not allow model training",
		inherent: rating(2, map[string]int{"organization": 4}), residual: rating(1, map[string]int{"organization": 4}),
		review: 120, treatment: risk.TreatModify, plan: "Every dataset gets a data card with its licence before use.",
		treats: []string{"A.7.3", "A.7.5", "A.10.3"}, acceptedBy: "maya.okafor@lumenlabs.example"},
	{owner: "maya.okafor@lumenlabs.example", source: "C.3.3", objective: "C.2.9",
		title:    "Serious incidents with an AI system are not reported in time",
		inherent: rating(2, map[string]int{"individuals": 4, "organization": 4}), residual: rating(1, map[string]int{"individuals": 4, "organization": 3}),
		review: 90, treatment: risk.TreatModify, plan: "The incident process names who decides within 24 hours whether a report is due.",
		treats: []string{"A.3.3", "A.8.4"}, acceptedBy: "maya.okafor@lumenlabs.example"},
	{owner: "daniel.reyes@lumenlabs.example", source: "C.3.7", objective: "C.2.2",
		title:    "Staff use unapproved AI tools with customer data",
		inherent: rating(4, map[string]int{"individuals": 3, "organization": 3}), review: 21},
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
			GenAIRisk: d.genai, Inherent: d.inherent, Residual: d.residual, ReviewDue: today.AddDate(0, 0, d.review).Format(time.DateOnly),
			TreatmentOption: d.treatment, TreatmentPlan: d.plan}
		if d.treatment != "" {
			f.Status = risk.StatusTreating
		}
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
		if err := treatDemoRisk(ctx, actx, org.ID, risks, records, st, r, d, today); err != nil {
			return fmt.Errorf("cannot treat the demo risk %s: %w", r.Ref, err)
		}
	}
	return nil
}

// treatDemoRisk links the controls d's treatment selects to r, has it accepted by d.acceptedBy, and gives
// its action to its owner.
func treatDemoRisk(ctx, actx context.Context, orgID string, risks *risk.Service, records *record.Service, st SoAStore, r *risk.Risk,
	d demoRisk, today time.Time) error {
	for _, ref := range d.treats {
		if _, err := records.Link(actx, orgID, record.NewLink{Relationship: "treats", From: "control:iso42001-2023/" + ref, To: "risk:" + r.ID}); err != nil {
			return err
		}
	}
	if d.action != nil {
		owner, err := st.UserByEmail(ctx, d.action.owner)
		if err != nil {
			return err
		}
		if _, err := records.CreateTask(actx, orgID, record.NewTask{Record: "risk:" + r.ID, OwnerID: owner.ID, Title: d.action.title,
			Due: today.AddDate(0, 0, d.action.dueDays).Format(time.DateOnly)}); err != nil {
			return err
		}
	}
	if d.acceptedBy == "" {
		return nil
	}
	u, err := st.UserByEmail(ctx, d.acceptedBy)
	if err != nil {
		return err
	}
	m, err := st.MembershipOf(ctx, orgID, u.ID)
	if err != nil {
		return err
	}
	who := aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: orgID, Role: m.Role})
	_, err = risks.Accept(who, orgID, r.ID, "Accepted at the risk review: what is left after the treatment is within what Lumen tolerates.", 0)
	return err
}
