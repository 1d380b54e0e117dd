package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evidence"
	"github.com/aimsproject/aims/internal/system"
)

// demoEvidence is one piece of Lumen's evidence: who added it, its fields (dates in days from the day the
// demo is loaded), its file's name and content (none for a link), what it evidences, and whether the
// AIMS manager reviewed it.
type demoEvidence struct {
	by, owner           string
	title, description  string
	source, url         string
	collected, validFor int // days: collected that many days ago, valid that many days after (0: no end)
	file, content       string
	system              string
	controls            []string
	approve             bool
}

var lumenEvidence = []demoEvidence{
	{by: "priya.nair@lumenlabs.example", title: "Lumen Assist 3.2 evaluation report",
		description: "Accuracy, refusal and grounding results of the release candidate on the held-out support set, against the release criteria.",
		source:      "CI: GitHub Actions lumen/assist run 4121", collected: 12, validFor: 180, system: "Lumen Assist",
		controls: []string{"A.6.2.4"}, file: "assist-3.2-eval.json",
		content: `{"model":"lumen-assist-3.2","suite":"support-heldout-v7","n":2400,` +
			`"metrics":{"answer_accuracy":0.931,"grounded_rate":0.962,"refusal_when_unsure":0.88},"release_criteria_met":true}` + "\n"},
	{by: "tom.becker@lumenlabs.example", title: "Lumen Assist red-team summary, Q3",
		description: "Two weeks of manual and automated red-teaming of the assistant: prompt injection, data leakage, harmful advice.",
		source:      "Red team exercise RT-2026-03", collected: 40, validFor: 60, system: "Lumen Assist",
		controls: []string{"A.6.2.6"}, approve: true, file: "assist-redteam-q3.md",
		content: "# Lumen Assist red-team summary\n\n- 14 findings, 3 high: two prompt-injection paths through pasted e-mails, one leak of another customer's ticket title.\n" +
			"- All three high findings fixed in 3.1.4 and retested.\n- Remaining medium findings tracked as tasks.\n"},
	{by: "tom.becker@lumenlabs.example", title: "TalentMatch bias audit 2025",
		description: "External audit of the ranker's selection rates by gender and age band on last year's applications.",
		source:      "External auditor report", collected: 400, validFor: 365, system: "TalentMatch",
		controls: []string{"A.6.2.4", "A.5.4"}, file: "talentmatch-bias-audit-2025.md",
		content: "# TalentMatch bias audit 2025\n\nSelection-rate ratio (women/men): 0.91. Age band 50+: 0.84, below the 0.8 rule only for two roles.\n" +
			"Recommendation: re-audit after the retraining planned for the spring.\n"},
	{by: "maya.okafor@lumenlabs.example", title: "AI policy (version 2)",
		description: "The AI policy approved by the CTO, on the intranet.", source: "Intranet policy library",
		url: "https://intranet.lumenlabs.example/policies/ai-policy", collected: 30, validFor: 365, controls: []string{"A.2.2"}},
}

// LoadEvidence gives Lumen its evidence: an evaluation report and a reviewed red-team summary of Lumen
// Assist, a bias audit of TalentMatch that has expired, and a link to the AI policy. It does nothing when
// Lumen has evidence already, so that a restart adds nothing; systems that are gone are left out.
func LoadEvidence(ctx context.Context, ev *evidence.Service, systems *system.Service, st SoAStore) error {
	org, err := st.OrganizationBySlug(ctx, OrgSlug)
	if err != nil {
		return fmt.Errorf("cannot find the demo organization: %w", err)
	}
	if es, _, err := ev.List(ctx, org.ID, evidence.Filter{}, aims.Page{Limit: 1}); err != nil || len(es) > 0 {
		return err
	}
	ss, _, err := systems.List(ctx, org.ID, system.Filter{}, aims.Page{Limit: 100})
	if err != nil {
		return err
	}
	byName := map[string]string{}
	for _, s := range ss {
		byName[s.Name] = s.ID
	}
	as := func(email string) (context.Context, string, error) {
		u, err := st.UserByEmail(ctx, email)
		if err != nil {
			return nil, "", err
		}
		m, err := st.MembershipOf(ctx, org.ID, u.ID)
		if err != nil {
			return nil, "", err
		}
		return aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: org.ID,
			OrgSlug: org.Slug, Role: m.Role}), u.ID, nil
	}
	today := ev.Now().UTC()
	day := func(d int) string { return today.AddDate(0, 0, d).Format(time.DateOnly) }
	for _, d := range lumenEvidence {
		actx, _, err := as(d.by)
		if err != nil {
			return err
		}
		n := evidence.New{Fields: evidence.Fields{Title: d.title, Description: d.description, Source: d.source, URL: d.url,
			CollectedOn: day(-d.collected)}, Review: d.approve}
		if d.validFor > 0 {
			n.ValidUntil = day(d.validFor - d.collected)
		}
		if d.system != "" {
			id, ok := byName[d.system]
			if !ok {
				continue
			}
			n.Evidences = append(n.Evidences, "system:"+id)
		}
		for _, c := range d.controls {
			n.Evidences = append(n.Evidences, "control:iso42001-2023/"+c)
		}
		if d.file != "" {
			n.File, n.FileName = strings.NewReader(d.content), d.file
		}
		e, err := ev.Create(actx, org.ID, n)
		if err != nil {
			return fmt.Errorf("cannot add the demo evidence %q: %w", d.title, err)
		}
		if d.approve {
			mctx, _, err := as("maya.okafor@lumenlabs.example")
			if err != nil {
				return err
			}
			if _, err := ev.Approve(mctx, org.ID, e.ID, e.Rev); err != nil {
				return fmt.Errorf("cannot approve the demo evidence %q: %w", d.title, err)
			}
		}
	}
	return nil
}
