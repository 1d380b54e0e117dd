package store_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/evidence"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// TestEvidenceCountsFollowEveryChange makes, changes and removes evidence, its links and evaluation runs
// at random (seeded) through the services, and after every step compares the counts readiness reads
// (evidence_counts, kept in the writing transactions) with the same figures computed by joining every
// link, on days before, on and after the valid-until dates, with the roll-ups moved on by the daily job
// now and then; then drops the counts and migrates again, so that migration 0040's backfill is checked
// against the same figures.
func TestEvidenceCountsFollowEveryChange(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	sv, err := app.NewServices(db, app.ServiceOptions{Catalog: storetest.Catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	org, err := sv.Accounts.CreateOrganization(ctx, "counts", "Counts")
	if err != nil {
		t.Fatal(err)
	}
	u, err := sv.Accounts.CreateUser(ctx, "owner@counts.example", "Owner", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sv.Accounts.AddMember(ctx, org.ID, u.Email, aims.RoleOwner); err != nil {
		t.Fatal(err)
	}
	actx := aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: org.ID, Role: aims.RoleOwner})
	sys, err := sv.Systems.Create(actx, org.ID, system.Fields{Name: "Chat", Purpose: "Answers questions."})
	if err != nil {
		t.Fatal(err)
	}
	sample, err := os.ReadFile("../../testdata/evals/inspect_ai-log_read_sample.json")
	if err != nil {
		t.Fatal(err)
	}
	undated := bytes.ReplaceAll(bytes.ReplaceAll(sample, []byte(`"started_at": "2025-07-05T09:59:40-04:00"`), []byte(`"started_at": ""`)),
		[]byte(`"created": "2025-07-05T09:59:40-04:00"`), []byte(`"created": ""`))

	controls := []string{"A.6.2.4", "A.7.4", "A.7.5", "4.1", "A.2.2"}
	dates := []string{"", "2026-11-30", "2026-12-07", "2026-12-20", "2027-03-01"}
	days := []string{"2026-11-15", "2026-12-07", "2026-12-21", "2027-06-01"}
	check := func(step string) {
		t.Helper()
		for _, today := range days {
			at, _ := time.Parse(time.DateOnly, today)
			soon, since := at.AddDate(0, 0, 30).Format(time.DateOnly), at.AddDate(0, 0, -90).Format(time.DateOnly)
			got, err := db.EvidenceByControl(ctx, org.ID, today, soon)
			if err != nil {
				t.Fatal(err)
			}
			want, err := db.EvidenceByControlJoined(ctx, org.ID, today, soon, since)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, want) {
				t.Fatalf("%s, on %s: counts kept %+v, joined %+v", step, today, got, want)
			}
		}
	}
	rng := rand.New(rand.NewPCG(42, 7))
	var pieces []string
	var links []string
	for i := range 120 {
		step := ""
		switch op := rng.IntN(8); {
		case op <= 1 || len(pieces) == 0:
			var ev []string
			for _, c := range controls[:1+rng.IntN(len(controls))] {
				if rng.IntN(2) == 0 {
					ev = append(ev, "control:"+framework.ISO42001+"/"+c)
				}
			}
			ev = append(ev, "system:"+sys.ID)
			e, err := sv.Evidence.Create(actx, org.ID, evidence.New{Kind: evidence.KindLink, Review: rng.IntN(3) == 0,
				Fields: evidence.Fields{Title: fmt.Sprintf("Piece %d", i), URL: "https://wiki.example/p", CollectedOn: "2026-10-01",
					ValidUntil: dates[rng.IntN(len(dates))]}, Evidences: ev})
			if err != nil {
				t.Fatal(err)
			}
			pieces = append(pieces, e.ID)
			step = "create " + e.ID
		case op == 2:
			id := pieces[rng.IntN(len(pieces))]
			if _, err := sv.Evidence.Approve(actx, org.ID, id, 0); err != nil && aims.ErrorCode(err) != aims.ECONFLICT && aims.ErrorCode(err) != aims.EINVALID {
				t.Fatal(err)
			}
			step = "approve " + id
		case op == 3:
			id := pieces[rng.IntN(len(pieces))]
			e, err := sv.Evidence.Get(ctx, org.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			f := e.Fields
			f.ValidUntil = dates[rng.IntN(len(dates))]
			f.Title += "'"
			if _, err := sv.Evidence.Update(actx, org.ID, id, evidence.Update{Fields: f}, 0); err != nil {
				t.Fatal(err)
			}
			step = "update " + id + " until " + f.ValidUntil
		case op == 4:
			id := pieces[rng.IntN(len(pieces))]
			l, err := sv.Records.Link(actx, org.ID, record.NewLink{Relationship: string(record.RelEvidences), From: "evidence:" + id,
				To: "control:" + framework.ISO42001 + "/" + controls[rng.IntN(len(controls))]})
			if aims.ErrorCode(err) == aims.ECONFLICT {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			links = append(links, l.ID)
			step = "link " + id
		case op == 5 && len(links) > 0:
			k := rng.IntN(len(links))
			if err := sv.Records.Unlink(actx, org.ID, links[k]); err != nil && aims.ErrorCode(err) != aims.ENOTFOUND {
				t.Fatal(err)
			}
			links = slices.Delete(links, k, k+1)
			step = "unlink"
		case op == 6:
			k := rng.IntN(len(pieces))
			if err := sv.Evidence.Delete(actx, org.ID, pieces[k], 0); err != nil {
				t.Fatal(err)
			}
			step = "delete " + pieces[k]
			pieces = slices.Delete(pieces, k, k+1)
		default:
			body := sample
			if rng.IntN(2) == 0 {
				body = undated
			}
			if _, err := sv.Evaluations.Import(actx, org.ID, sys.ID, evaluation.Import{Body: bytes.NewReader(body), Filename: "run.json"}); err != nil {
				t.Fatal(err)
			}
			// Criteria that the sample passes or fails judge every run again.
			rule := []string{"inspect accuracy >= 0.5\n", "inspect accuracy >= 2\n"}[rng.IntN(2)]
			rules, err := evaluation.ParseRules(rule)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := sv.Evaluations.SetCriteria(actx, org.ID, sys.ID, rules, 0); err != nil {
				t.Fatal(err)
			}
			step = "evaluate, then " + rule
		}
		check(fmt.Sprintf("step %d (%s)", i, step))
		// The daily job moves the roll-ups on, here to any of the days, ahead of those readiness asks about
		// or behind them.
		if i%15 == 14 {
			day := days[rng.IntN(len(days))]
			if _, err := db.AdvanceEvidenceRollups(ctx, day); err != nil {
				t.Fatal(err)
			}
			check(fmt.Sprintf("step %d, moved on to %s", i, day))
		}
	}
	before, err := db.EvidenceByControl(ctx, org.ID, "2026-12-07", "2027-01-06")
	if err != nil {
		t.Fatal(err)
	}
	if len(before) < 3 {
		t.Fatalf("the steps left too little to check: %+v", before)
	}

	// Migration 0040 computes the same counts from the links.
	for _, q := range []string{`DROP TABLE evidence_counts`, `DROP TABLE evidence_rollup`, `DROP INDEX risks_unaccepted_system`, `DROP INDEX risks_no_control_system`,
		`DELETE FROM schema_migrations WHERE version >= 40`} {
		if err := db.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	check("after migration 0040")
}
