package readiness_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/evidence"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/readiness"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// newOrg returns the services over a fresh database with the organization lumen, its owner Maya Okafor
// and a context acting as her.
func newOrg(t *testing.T) (*app.Services, *account.Organization, *account.User, context.Context) {
	t.Helper()
	sv, err := app.NewServices(storetest.Open(t), app.ServiceOptions{Catalog: storetest.Catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	org, err := sv.Accounts.CreateOrganization(ctx, "lumen", "Lumen Labs")
	if err != nil {
		t.Fatal(err)
	}
	u, err := sv.Accounts.CreateUser(ctx, "maya@lumen.example", "Maya Okafor", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sv.Accounts.AddMember(ctx, org.ID, u.Email, aims.RoleOwner); err != nil {
		t.Fatal(err)
	}
	return sv, org, u, aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: org.ID,
		OrgSlug: org.Slug, Role: aims.RoleOwner})
}

// TestReadinessFollowsTheRecords: a new organization's clause items are all gaps that need an owner and
// Annex A's controls a decision; naming an owner, implementing a clause item and attaching evidence walk
// it to ready, each step shown as the next action until done; an excluded control with its reason is
// ready; the roll-ups by clause, Annex A group and framework add up; the mapped frameworks come from the
// crosswalks; the documented information says what exists; the trend keeps one row a day, updated.
func TestReadinessFollowsTheRecords(t *testing.T) {
	t.Parallel()
	sv, org, u, maya := newOrg(t)
	ctx := context.Background()
	day := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	sv.Readiness.Now = func() time.Time { return day }

	r, err := sv.Readiness.Compute(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	clauses, err := sv.Controls.Clauses(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Overall.Items != len(clauses)+38 || r.Overall.Ready != 0 || r.GapCount != r.Overall.Items || len(r.Clauses) != 7 || len(r.Groups) != 9 {
		t.Fatalf("a new organization: %+v, %d clause roll-ups, groups %+v", r.Overall, len(r.Clauses), r.Groups)
	}
	if g := r.Gaps[0]; !g.Clause || g.Step != readiness.StepOwn || !strings.Contains(g.Next, "Name a member") || g.Href == "" {
		t.Errorf("the first gap: %+v", g)
	}
	if g := r.Gaps[len(clauses)]; g.Ref != "A.2.2" || g.Step != readiness.StepDecide {
		t.Errorf("the first Annex A gap: %+v", g)
	}
	if len(r.Mapped) != 2 || r.Mapped[0].Framework != framework.NISTAIRMF || r.Mapped[0].Targets == 0 {
		t.Errorf("mapped frameworks: %+v", r.Mapped)
	}
	if len(r.Documents) != 17 || r.Documents[0].Clause != "4.3" || r.Documents[0].Exists {
		t.Errorf("documented information: %+v", r.Documents)
	}
	if len(r.Trend) != 1 || r.Trend[0].Day != "2026-12-07" || r.Trend[0].Items != r.Overall.Items {
		t.Errorf("trend: %+v", r.Trend)
	}

	// Walk 4.1 to ready, step by step.
	ref := clauses[0].Ref
	step := func() readiness.Item {
		t.Helper()
		items, err := sv.Readiness.Items(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.Ref == ref {
				return it
			}
		}
		t.Fatalf("no item %s", ref)
		return readiness.Item{}
	}
	c, err := sv.Controls.UpdateControl(maya, org.ID, framework.ISO42001, ref, control.Update{Applicability: control.Applicable,
		Status: control.Partial, OwnerID: u.ID, TargetDate: "2027-01-31"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if it := step(); it.Step != readiness.StepImplement || !strings.Contains(it.Next, "it is partial, due 2027-01-31") || it.OwnerName != "Maya Okafor" {
		t.Errorf("owned: %+v", it)
	}
	if _, err = sv.Controls.UpdateControl(maya, org.ID, framework.ISO42001, ref, control.Update{Applicability: control.Applicable,
		Status: control.Implemented, OwnerID: u.ID}, c.Version); err != nil {
		t.Fatal(err)
	}
	if it := step(); it.Step != readiness.StepEvidence || it.Evidenced {
		t.Errorf("implemented: %+v", it)
	}
	if _, err := sv.Controls.AddLink(maya, org.ID, framework.ISO42001, ref, control.LinkURL, "Context analysis", "https://wiki.example/context"); err != nil {
		t.Fatal(err)
	}
	if it := step(); !it.Ready() || it.Evidence != 1 || !it.Fresh {
		t.Errorf("evidenced: %+v", it)
	}
	// Lapsed evidence from the evidence source makes it stale.
	saved := sv.Readiness.Evidence
	sv.Readiness.Evidence = func(ctx context.Context, orgID string) (map[string]readiness.EvidenceState, error) {
		return map[string]readiness.EvidenceState{framework.ISO42001 + "/A.6.2.4": {Lapsed: 1, LapsedOn: "2026-11-30"}}, nil
	}
	if _, err := sv.Controls.UpdateControl(maya, org.ID, framework.ISO42001, "A.6.2.4", control.Update{Applicability: control.Applicable,
		Justification: "We evaluate every release.", Status: control.Implemented, OwnerID: u.ID}, 0); err != nil {
		t.Fatal(err)
	}
	items, err := sv.Readiness.Items(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Ref == "A.6.2.4" && (it.Step != readiness.StepRefresh || !strings.Contains(it.Next, "lapsed on 2026-11-30") || !it.Evidenced || it.Fresh) {
			t.Errorf("lapsed evidence: %+v", it)
		}
	}
	if _, err := sv.Controls.UpdateControl(maya, org.ID, framework.ISO42001, "A.10.4", control.Update{Applicability: control.Excluded,
		Justification: "We have no customers of AI systems.", Status: control.NotStarted}, 0); err != nil {
		t.Fatal(err)
	}

	day = day.Add(2 * time.Hour)
	r, err = sv.Readiness.Compute(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Overall.Ready != 2 || r.GapCount != r.Overall.Items-2 || r.Clauses[0].Ready != 1 || r.Clauses[0].Implemented != 1 {
		t.Errorf("after the changes: %+v, clause 4 %+v", r.Overall, r.Clauses[0])
	}
	if len(r.Trend) != 1 || r.Trend[0].Ready != 2 {
		t.Errorf("the day's row is replaced, not added: %+v", r.Trend)
	}
	day = day.AddDate(0, 0, 1)
	if r, err = sv.Readiness.Compute(ctx, org.ID); err != nil || len(r.Trend) != 2 || r.Trend[1].Day != "2026-12-08" {
		t.Errorf("the next day: %+v, %v", r.Trend, err)
	}

	// Evidence records count: a link on A.7.4 valid for another 10 days makes it ready and lists it as
	// lapsing; a draft counts for nothing; one past its date makes the item stale.
	sv.Readiness.Evidence = saved
	if _, err := sv.Controls.UpdateControl(maya, org.ID, framework.ISO42001, "A.7.4", control.Update{Applicability: control.Applicable,
		Justification: "Our data must be good enough.", Status: control.Implemented, OwnerID: u.ID}, 0); err != nil {
		t.Fatal(err)
	}
	item := func(ref string) readiness.Item {
		t.Helper()
		items, err := sv.Readiness.Items(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.Ref == ref {
				return it
			}
		}
		return readiness.Item{}
	}
	evidenceOn := func(ref, validUntil string, review bool) {
		t.Helper()
		if _, err := sv.Evidence.Create(maya, org.ID, evidence.New{Kind: evidence.KindLink, Review: review,
			Fields: evidence.Fields{Title: "Data quality report " + ref, URL: "https://wiki.example/dq", CollectedOn: "2026-11-01",
				ValidUntil: validUntil},
			Evidences: []string{"control:" + framework.ISO42001 + "/" + ref}}); err != nil {
			t.Fatal(err)
		}
	}
	evidenceOn("A.7.4", "2026-12-18", true)
	if it := item("A.7.4"); it.Step != readiness.StepEvidence {
		t.Errorf("a draft evidences nothing: %+v", it)
	}
	evidenceOn("A.7.4", "2026-12-18", false)
	if it := item("A.7.4"); !it.Ready() || it.LapsesOn != "2026-12-18" {
		t.Errorf("current evidence lapsing in 10 days: %+v", it)
	}
	if r, err := sv.Readiness.Compute(ctx, org.ID); err != nil || len(r.Lapsing) != 1 || r.Lapsing[0].Ref != "A.7.4" {
		t.Errorf("lapsing: %+v, %v", r.Lapsing, err)
	}
	evidenceOn("A.7.5", "2026-12-01", false)
	if _, err := sv.Controls.UpdateControl(maya, org.ID, framework.ISO42001, "A.7.5", control.Update{Applicability: control.Applicable,
		Justification: "We know where our data comes from.", Status: control.Implemented, OwnerID: u.ID}, 0); err != nil {
		t.Fatal(err)
	}
	if it := item("A.7.5"); it.Step != readiness.StepRefresh || !strings.Contains(it.Next, "lapsed on 2026-12-01") {
		t.Errorf("expired evidence: %+v", it)
	}

	// Systems show with their gate.
	chat, err := sv.Systems.Create(maya, org.ID, system.Fields{Name: "Chat", Purpose: "Answers questions.", Stage: "design_and_development"})
	if err != nil {
		t.Fatal(err)
	}
	if r, err = sv.Readiness.Compute(ctx, org.ID); err != nil || len(r.Systems.Shown) != 1 ||
		r.Systems.Shown[0].Gate != "verification_and_validation" || r.Systems.Shown[0].Open || r.Systems.Shown[0].Missing == "" {
		t.Errorf("systems: %+v, %v", r.Systems, err)
	}

	// An evaluation run that fails its criteria evidences A.6.2.4 but keeps it from being fresh.
	rules, err := evaluation.ParseRules("inspect accuracy >= 2\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sv.Evaluations.SetCriteria(maya, org.ID, chat.ID, rules, 0); err != nil {
		t.Fatal(err)
	}
	log, err := os.Open("../../testdata/evals/inspect_ai-log_read_sample.json")
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	if _, err := sv.Evaluations.Import(maya, org.ID, chat.ID, evaluation.Import{Body: log, Filename: "inspect.json"}); err != nil {
		t.Fatal(err)
	}
	sv.Readiness.Evidence = saved
	if it := item("A.6.2.4"); it.Step != readiness.StepRefresh || !strings.Contains(it.Next, "fail their acceptance criteria") {
		t.Errorf("a failing evaluation run: %+v", it)
	}
	// A recent run that passes (the sample is dated 2025-07-05: the import date counts only when the file
	// gives none, so the run is old) is lapsed; one without a date, imported today, is current.
	bot, err := sv.Systems.Create(maya, org.ID, system.Fields{Name: "Bot", Purpose: "Answers questions."})
	if err != nil {
		t.Fatal(err)
	}
	if rules, err = evaluation.ParseRules("inspect accuracy >= 0.5\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := sv.Evaluations.SetCriteria(maya, org.ID, bot.ID, rules, 0); err != nil {
		t.Fatal(err)
	}
	sample, err := os.ReadFile("../../testdata/evals/inspect_ai-log_read_sample.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sv.Evaluations.Import(maya, org.ID, bot.ID, evaluation.Import{Body: bytes.NewReader(sample), Filename: "old.json"}); err != nil {
		t.Fatal(err)
	}
	if it := item("A.6.2.4"); it.Ready() {
		t.Errorf("a run of July 2025 makes A.6.2.4 fresh: %+v", it)
	}
	undated := bytes.ReplaceAll(bytes.ReplaceAll(sample, []byte(`"started_at": "2025-07-05T09:59:40-04:00"`), []byte(`"started_at": ""`)),
		[]byte(`"created": "2025-07-05T09:59:40-04:00"`), []byte(`"created": ""`))
	if bytes.Equal(undated, sample) {
		t.Fatal("the sample's started_at is not where the test expects it")
	}
	if _, err := sv.Evaluations.Import(maya, org.ID, bot.ID, evaluation.Import{Body: bytes.NewReader(undated), Filename: "new.json"}); err != nil {
		t.Fatal(err)
	}
	if it := item("A.6.2.4"); !it.Ready() {
		t.Errorf("a passing run imported today: %+v", it)
	}
}
