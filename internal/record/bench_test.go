package record_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// benchLinks is how many links the benchmark's organization holds besides those of its measured record.
const benchLinks = 1_000_000

// BenchmarkLinksOfOneRecord reads one page (50) of one system's links, in each direction and in both,
// in an organization of a million links, and reports the 50th and 99th percentile of a page's time. The
// system has 60 links of its own: 30 to components and controls, 30 from other systems. Run it with
//
//	go test ./internal/record -run '^$' -bench LinksOfOneRecord -benchtime 500x
//
// (with AIMS_TEST_POSTGRES_DSN set, on PostgreSQL).
func BenchmarkLinksOfOneRecord(b *testing.B) {
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
	target, err := sv.Systems.Create(ctx, org.ID, system.Fields{Name: "Measured", Purpose: "p"})
	if err != nil {
		b.Fatal(err)
	}
	self := "system:" + target.ID
	controls := []string{"A.2.2", "A.2.3", "A.2.4", "A.3.2", "A.3.3", "A.4.2", "A.4.3", "A.4.4", "A.4.5", "A.4.6",
		"A.5.2", "A.5.3", "A.5.4", "A.5.5", "A.6.1.2"}
	for _, ref := range controls {
		if _, err := sv.Records.Link(ctx, org.ID, record.NewLink{Relationship: "implements", From: self, To: "control:iso42001-2023/" + ref}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 15 {
		c, err := sv.Components.CreateComponent(ctx, org.ID, component.ComponentFields{Kind: "model", Name: fmt.Sprintf("model %d", i)})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sv.Records.Link(ctx, org.ID, record.NewLink{Relationship: "depends-on", From: self, To: "component:" + c.ID}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 30 {
		s, err := sv.Systems.Create(ctx, org.ID, system.Fields{Name: fmt.Sprintf("Neighbour %d", i), Purpose: "p"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sv.Records.Link(ctx, org.ID, record.NewLink{Relationship: "relates-to", From: "system:" + s.ID, To: self}); err != nil {
			b.Fatal(err)
		}
	}
	start := time.Now()
	if err := seedLinks(ctx, db, org.ID, benchLinks); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d links in %v", benchLinks, time.Since(start).Round(time.Millisecond))

	ref := record.Ref{Type: record.TypeSystem, ID: target.ID}
	for _, tc := range []struct {
		name string
		f    record.Filter
		want int
	}{
		{"from", record.Filter{From: &ref}, 30},
		{"to", record.Filter{To: &ref}, 30},
		{"both", record.Filter{Record: &ref}, 50},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var took []time.Duration
			n := 0
			for b.Loop() {
				start := time.Now()
				ls, _, err := sv.Records.List(ctx, org.ID, tc.f, aims.Page{Limit: 50})
				took = append(took, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				n = len(ls)
				for _, l := range ls {
					if l.From.Missing || l.To.Missing {
						b.Fatalf("link %s has an end that did not resolve: %+v", l.ID, l)
					}
				}
			}
			if n != tc.want {
				b.Fatalf("a page of %s links holds %d, want %d", tc.name, n, tc.want)
			}
			slices.Sort(took)
			pct := func(p float64) float64 {
				return float64(took[min(len(took)-1, int(float64(len(took))*p))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
		})
	}
}

// seedLinks writes n links of orgID between records that do not exist (the links table has no foreign
// keys to its ends), from 100,000 systems (ten each) to a million components, in one statement.
func seedLinks(ctx context.Context, db *store.DB, orgID string, n int) error {
	w, _ := db.Pools()
	var q string
	if db.Dialect() == store.Postgres {
		q = `INSERT INTO links (id, org_id, relationship, from_type, from_id, to_type, to_id, note, created_by, created_by_id, created_at)
			SELECT '0' || lpad(i::text, 25, '0'), $1, 'relates-to', 'system', 'sys' || (i % 100000), 'component', 'cmp' || i,
			'', 'seed', '', now() FROM generate_series(1, $2) AS i`
	} else {
		q = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
			INSERT INTO links (id, org_id, relationship, from_type, from_id, to_type, to_id, note, created_by, created_by_id, created_at)
			SELECT '0' || printf('%025d', i), ?1, 'relates-to', 'system', 'sys' || (i % 100000), 'component', 'cmp' || i,
			'', 'seed', '', '2026-01-01 00:00:00' FROM n`
	}
	_, err := w.ExecContext(ctx, q, orgID, n)
	return err
}

// BenchmarkMyWork reads the first page (50) of one member's active tasks, overdue first, when they own
// 10,000 of an organization's 1,000,000 tasks, and reports the 50th and 99th percentile. Run it with
//
//	go test ./internal/record -run '^$' -bench MyWork -benchtime 500x
func BenchmarkMyWork(b *testing.B) {
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
	u, err := sv.Accounts.CreateUser(ctx, "priya@bench.example", "Priya", "")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sv.Accounts.AddMember(ctx, org.ID, u.Email, aims.RoleContributor); err != nil {
		b.Fatal(err)
	}
	s, err := sv.Systems.Create(ctx, org.ID, system.Fields{Name: "Measured", Purpose: "p"})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	w, _ := db.Pools()
	var q string
	if db.Dialect() == store.Postgres {
		q = `INSERT INTO tasks (id, org_id, record_type, record_id, title, owner_id, due, due_key, status, active, created_by, version,
			created_at, updated_at) SELECT '0' || lpad(i::text, 25, '0'), $1, 'system', $2, 'Task ' || i,
			CASE WHEN i % 100 = 0 THEN $3 ELSE 'u' || (i % 100) END,
			to_char(date '2026-06-01' + (i % 365), 'YYYY-MM-DD'), to_char(date '2026-06-01' + (i % 365), 'YYYY-MM-DD'),
			CASE WHEN i % 10 < 7 THEN 'open' ELSE 'done' END, CASE WHEN i % 10 < 7 THEN 1 ELSE 0 END, 'seed', 1, now(), now()
			FROM generate_series(1, 1000000) AS i`
	} else {
		q = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
			INSERT INTO tasks (id, org_id, record_type, record_id, title, owner_id, due, due_key, status, active, created_by, version,
			created_at, updated_at) SELECT '0' || printf('%025d', i), ?1, 'system', ?2, 'Task ' || i,
			CASE WHEN i % 100 = 0 THEN ?3 ELSE 'u' || (i % 100) END,
			date('2026-06-01', '+' || (i % 365) || ' days'), date('2026-06-01', '+' || (i % 365) || ' days'),
			CASE WHEN i % 10 < 7 THEN 'open' ELSE 'done' END, CASE WHEN i % 10 < 7 THEN 1 ELSE 0 END, 'seed', 1,
			'2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM n`
	}
	if _, err := w.ExecContext(ctx, q, org.ID, s.ID, u.ID); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded 1,000,000 tasks in %v", time.Since(start).Round(time.Millisecond))
	var took []time.Duration
	n, overdue := 0, 0
	for b.Loop() {
		start := time.Now()
		ts, _, err := sv.Records.MyWork(ctx, org.ID, u.ID, aims.Page{Limit: 50})
		took = append(took, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		n, overdue = len(ts), 0
		for _, t := range ts {
			if t.Overdue {
				overdue++
			}
			if t.Record.Missing || t.OwnerID != u.ID {
				b.Fatalf("task %+v", t)
			}
		}
	}
	if n != 50 || overdue != 50 {
		b.Fatalf("a page of My work holds %d tasks, %d overdue; want 50 overdue (the seed's earliest dates are past)", n, overdue)
	}
	slices.Sort(took)
	pct := func(p float64) float64 {
		return float64(took[min(len(took)-1, int(float64(len(took))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
