package risk_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// benchRisks is how many risks the benchmark's organization holds.
const benchRisks = 200_000

// BenchmarkRegister reads the heat maps and pages of the register of an organization of 200,000 risks
// over 20 systems, and reports the 50th and 99th percentile of each. Run it with
//
//	go test ./internal/risk -run '^$' -bench Register -benchtime 200x
//
// (with AIMS_TEST_POSTGRES_DSN set, on PostgreSQL).
func BenchmarkRegister(b *testing.B) {
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorUser, ID: "bench", Name: "Bench"})
	db := storetest.Open(b)
	sv, err := app.NewServices(db, app.ServiceOptions{Catalog: storetest.Catalog(b)})
	if err != nil {
		b.Fatal(err)
	}
	org, err := sv.Accounts.CreateOrganization(ctx, "bench", "Bench")
	if err != nil {
		b.Fatal(err)
	}
	var systems []string
	for i := range 20 {
		s, err := sv.Systems.Create(ctx, org.ID, system.Fields{Name: fmt.Sprintf("System %d", i), Purpose: "p"})
		if err != nil {
			b.Fatal(err)
		}
		systems = append(systems, s.ID)
	}
	// One risk through the service saves the default criteria (version 1) the seeded ones name.
	if _, err := sv.Risks.Create(ctx, org.ID, risk.Fields{Title: "First", Source: "C.3.1"}); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := seedRisks(ctx, db, org.ID, systems, benchRisks); err != nil {
		b.Fatal(err)
	}
	if err := seedTreatments(ctx, db, org.ID); err != nil {
		b.Fatal(err)
	}
	if err := db.RebuildRiskCells(ctx, org.ID); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d risks in %v", benchRisks, time.Since(start).Round(time.Millisecond))
	for _, tc := range []struct {
		name string
		run  func() error
	}{
		{"heatmap", func() error { _, err := sv.Risks.HeatMap(ctx, org.ID, risk.Filter{}, false); return err }},
		{"heatmap-of-a-system", func() error {
			_, err := sv.Risks.HeatMap(ctx, org.ID, risk.Filter{SystemID: systems[3]}, false)
			return err
		}},
		{"heatmap-of-a-source", func() error { _, err := sv.Risks.HeatMap(ctx, org.ID, risk.Filter{Source: "C.3.2"}, false); return err }},
		{"page-by-level", func() error { _, _, err := sv.Risks.List(ctx, org.ID, risk.Filter{}, aims.Page{Limit: 50}); return err }},
		{"page-of-a-system-and-level", func() error {
			_, _, err := sv.Risks.List(ctx, org.ID, risk.Filter{SystemID: systems[7], Level: "high"}, aims.Page{Limit: 50})
			return err
		}},
		{"page-review-overdue", func() error {
			_, _, err := sv.Risks.List(ctx, org.ID, risk.Filter{Overdue: true, Sort: "review"}, aims.Page{Limit: 50})
			return err
		}},
		{"soa-with-risk-links", func() error { _, err := sv.Controls.SoA(ctx, org.ID); return err }},
		{"page-of-a-control", func() error {
			_, _, err := sv.Risks.List(ctx, org.ID, risk.Filter{Control: "iso42001-2023/A.6.2.4"}, aims.Page{Limit: 50})
			return err
		}},
		{"page-of-a-source", func() error {
			_, _, err := sv.Risks.List(ctx, org.ID, risk.Filter{Source: "C.3.5"}, aims.Page{Limit: 50})
			return err
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				t0 := time.Now()
				if err := tc.run(); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(t0))
			}
			slices.Sort(took)
			pct := func(p float64) float64 { return float64(took[int(p*float64(len(took)-1))].Microseconds()) / 1000 }
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
		})
	}
}

// seedRisks writes n rated risks of orgID over systems: likelihood and worst consequence cycle through
// the default 5x5 scales, the level is the default matrix's, every tenth is organization-wide, a
// twentieth are closed, and review dates spread over two years around 2027-01-01.
func seedRisks(ctx context.Context, db *store.DB, orgID string, systems []string, n int) error {
	w, _ := db.Pools()
	level := `CASE WHEN l * c <= 4 THEN 'low' WHEN l * c <= 9 THEN 'medium' WHEN l * c <= 16 THEN 'high' ELSE 'critical' END`
	rank := `CASE WHEN l * c <= 4 THEN 0 WHEN l * c <= 9 THEN 1 WHEN l * c <= 16 THEN 2 ELSE 3 END`
	sys := `CASE WHEN i % 10 = 0 THEN '' ELSE ` + systemCase(systems) + ` END`
	cols := `INSERT INTO risks (id, org_id, seq, title, description, system_id, source, objective, genai_risk, owner_id,
		inherent_likelihood, inherent_consequences, inherent_worst, inherent_level, existing_controls, residual_likelihood,
		residual_consequences, residual_worst, residual_level, level, level_rank, status, review_due, review_key, criteria_version,
		version, created_by, created_at, updated_at) `
	var q string
	if db.Dialect() == store.Postgres {
		q = cols + `SELECT '1' || lpad(i::text, 25, '0'), $1, i + 1, 'Seeded risk ' || i, '', ` + sys + `, 'C.3.' || (1 + i % 7), '', '', '',
			l, '{"organization":' || c || '}', c, ` + level + `, '', 0, '{}', 0, '', ` + level + `, ` + rank + `,
			CASE WHEN i % 20 = 0 THEN 'closed' ELSE 'assessed' END, d, d, 1, 1, 'seed', now(), now()
			FROM (SELECT i, 1 + i % 5 AS l, 1 + (i / 5) % 5 AS c, to_char(date '2026-01-01' + (i % 730), 'YYYY-MM-DD') AS d
				FROM generate_series(1, $2) AS i) s`
	} else {
		q = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2) ` + cols +
			`SELECT '1' || printf('%025d', i), ?1, i + 1, 'Seeded risk ' || i, '', ` + sys + `, 'C.3.' || (1 + i % 7), '', '', '',
			l, '{"organization":' || c || '}', c, ` + level + `, '', 0, '{}', 0, '', ` + level + `, ` + rank + `,
			CASE WHEN i % 20 = 0 THEN 'closed' ELSE 'assessed' END, d, d, 1, 1, 'seed', '2026-01-01 00:00:00', '2026-01-01 00:00:00'
			FROM (SELECT i, 1 + i % 5 AS l, 1 + (i / 5) % 5 AS c, date('2026-01-01', '+' || (i % 730) || ' days') AS d FROM n)`
	}
	_, err := w.ExecContext(ctx, q, orgID, n)
	return err
}

// systemCase picks one of systems by i.
func systemCase(systems []string) string {
	s := "CASE i % " + fmt.Sprint(len(systems))
	for k, id := range systems {
		s += fmt.Sprintf(" WHEN %d THEN '%s'", k, id)
	}
	return s + " END"
}

// benchControls are the Annex A controls the seeded treatments select.
var benchControls = []string{"A.5.2", "A.5.4", "A.6.2.4", "A.6.2.6", "A.7.4", "A.8.2", "A.9.3", "A.10.3"}

// seedTreatments treats every third seeded risk by modifying it, and links a control as treating every
// sixth (cycling through benchControls), with the counts the store keeps.
func seedTreatments(ctx context.Context, db *store.DB, orgID string) error {
	w, _ := db.Pools()
	ctrl := "CASE (seq / 6) % 8"
	for k, ref := range benchControls {
		ctrl += fmt.Sprintf(" WHEN %d THEN 'iso42001-2023/%s'", k, ref)
	}
	ctrl += " END"
	ph := func(n int) string {
		if db.Dialect() == store.Postgres {
			return fmt.Sprintf("$%d", n)
		}
		return "?"
	}
	for _, q := range []string{
		`UPDATE risks SET treatment_option = 'modify' WHERE org_id = ` + ph(1) + ` AND seq % 3 = 0`,
		`UPDATE risks SET treat_controls = 1 WHERE org_id = ` + ph(1) + ` AND seq % 6 = 0`,
		`INSERT INTO links (id, org_id, relationship, from_type, from_id, to_type, to_id, note, created_by, created_by_id, created_at)
			SELECT '2' || substr(id, 2), org_id, 'treats', 'control', ` + ctrl + `, 'risk', id, '', 'seed', '', created_at
			FROM risks WHERE org_id = ` + ph(1) + ` AND seq % 6 = 0`,
		`INSERT INTO link_counts (org_id, relationship, from_type, from_id, n)
			SELECT org_id, relationship, from_type, from_id, COUNT(*) FROM links WHERE org_id = ` + ph(1) + ` AND relationship = 'treats'
			GROUP BY org_id, relationship, from_type, from_id`,
	} {
		if _, err := w.ExecContext(ctx, q, orgID); err != nil {
			return err
		}
	}
	// The updates leave dead rows and stale statistics that autovacuum would see to in a running server.
	if db.Dialect() == store.Postgres {
		for _, t := range []string{"risks", "links", "link_counts", "risk_cells"} {
			if _, err := w.ExecContext(ctx, "VACUUM ANALYZE "+t); err != nil {
				return err
			}
		}
	}
	return nil
}
