package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// The inventory benchmark's organization: 50,000 AI systems and 500,000 components, each system linked
// to 10 of them (one of 200 widely shared models, nine of its own).
const (
	benchSystems    = 50_000
	benchComponents = 500_000
	benchLinks      = 10
	benchUsers      = 50
	benchSuppliers  = 100
	benchPopular    = 200 // shared models, the first components
	benchSeedFormat = 2   // bump when the seeded data changes, to rebuild the cached SQLite file
)

var benchWords = []string{"forecasts", "demand", "ranks", "support", "tickets", "screens", "applications", "detects",
	"fraud", "summarises", "contracts", "translates", "documents", "routes", "claims", "scores", "leads", "answers",
	"questions", "recommends", "products", "flags", "anomalies", "drafts", "emails"}

// BenchmarkListSystems lists one page (50) of the inventory with each filter, and reports the 50th and
// 99th percentile of a page's time. Run it with
//
//	go test ./internal/store -run '^$' -bench ListSystems -benchtime 200x
//
// The seeded SQLite file is kept under os.TempDir(), keyed by the migrations and the seed format, so that
// only the first run pays for seeding. With AIMS_TEST_POSTGRES_DSN set it runs on PostgreSQL, seeding a
// fresh schema each time.
func BenchmarkListSystems(b *testing.B) {
	ctx := context.Background()
	db, orgID, ownerID := benchInventory(b)
	svc := system.NewService(db)
	for _, tc := range []struct {
		name string
		f    system.Filter
		full bool // the filter matches a page or more: a page with fewer rows means the seed is wrong
		deep bool // the page after the first four fifths of the systems by name
	}{
		{"none", system.Filter{}, true, false},
		{"stage", system.Filter{Stage: "deployment"}, true, false},
		{"owner", system.Filter{OwnerID: ownerID}, true, false},
		{"q", system.Filter{Query: "fraud"}, true, false},
		{"supplier", system.Filter{Supplier: "supplier 042"}, true, false},
		{"model", system.Filter{Model: "shared model 042"}, true, false},
		{"sort_updated", system.Filter{Sort: "updated"}, true, false},
		{"deep", system.Filter{}, true, true},
		{"deep_stage", system.Filter{Stage: "deployment"}, true, true},
		{"supplier_rare", system.Filter{Supplier: "Nobody Inc"}, false, false},
		{"q_rare", system.Filter{Query: "no such words"}, false, false},
		// Text search with terms that match few systems or none: each must be one short read, not a
		// walk of every system. "stem 0424" is in about five names, "m 07919" in one.
		{"q_few", system.Filter{Query: "stem 0424"}, false, false},
		{"q_one", system.Filter{Query: "m 07919"}, false, false},
		{"q_absent", system.Filter{Query: "xylophone"}, false, false},
		{"q_absent_updated", system.Filter{Query: "xylophone", Sort: "updated"}, false, false},
		{"q_few_stage", system.Filter{Query: "stem 0424", Stage: "deployment"}, false, false},
		{"q_updated", system.Filter{Query: "fraud", Sort: "updated"}, true, false},
		{"q_common_stage", system.Filter{Query: "fraud", Stage: "deployment"}, true, false},
		// Terms of one or two characters cannot use the trigram index: a common one stops early, an
		// absent one walks every system.
		{"q_short", system.Filter{Query: "fr"}, true, false},
		{"q_short_absent", system.Filter{Query: "zq"}, false, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var took []time.Duration
			n := 0
			page := aims.Page{Limit: 50}
			if tc.deep {
				var err error
				if page.Cursor, err = db.CursorAt(ctx, orgID, benchSystems*4/5); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				start := time.Now()
				ss, _, err := svc.List(ctx, orgID, tc.f, page)
				took = append(took, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				n = len(ss)
			}
			slices.Sort(took)
			pct := func(p float64) float64 {
				i := min(len(took)-1, int(float64(len(took))*p))
				return float64(took[i].Microseconds()) / 1000
			}
			if tc.full && n != 50 {
				b.Fatalf("%+v lists %d systems, want a page of 50", tc.f, n)
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(n), "rows")
		})
	}
}

// benchInventory returns the seeded store, the organization's id and the id of an owner of ~1/50 of the
// systems.
func benchInventory(b *testing.B) (*store.DB, string, string) {
	b.Helper()
	ctx := context.Background()
	if storetest.Postgres() {
		db := storetest.OpenWith(b, storetest.Options(b))
		start := time.Now()
		orgID, owners := seedInventory(b, db)
		pool, _ := db.Pools()
		if _, err := pool.ExecContext(ctx, `ANALYZE`); err != nil {
			b.Fatal(err)
		}
		b.Logf("seeded PostgreSQL in %s", time.Since(start).Round(time.Millisecond))
		return db, orgID, owners[7]
	}
	dir := filepath.Join(os.TempDir(), "aims-bench-inventory-"+benchKey(b))
	if _, err := os.Stat(filepath.Join(dir, "aims.db")); err != nil {
		tmp, err := os.MkdirTemp(os.TempDir(), "aims-bench-seed-")
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		db := storetest.OpenWith(b, store.Options{DataDir: tmp})
		seedInventory(b, db)
		w, _ := db.Pools()
		if _, err := w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			b.Fatal(err)
		}
		db.Close()
		b.Logf("seeded SQLite in %s", time.Since(start).Round(time.Millisecond))
		if err := os.Rename(tmp, dir); err != nil && !os.IsExist(err) {
			os.RemoveAll(tmp)
			if _, serr := os.Stat(dir); serr != nil {
				b.Fatal(err)
			}
		}
	}
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if st, err := db.Status(ctx); err != nil || !st.UpToDate() {
		b.Fatalf("the cached benchmark database %s is not up to date (%+v, %v); delete it", dir, st, err)
	}
	o, err := db.OrganizationBySlug(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	var ownerID string
	if err := benchReader(db).QueryRowContext(ctx, `SELECT id FROM users WHERE email = 'owner7@bench.example'`).Scan(&ownerID); err != nil {
		b.Fatal(err)
	}
	return db, o.ID, ownerID
}

// benchKey names the cached database after the migrations and the seed format.
func benchKey(b *testing.B) string {
	h := sha256.New()
	fmt.Fprintf(h, "seed %d\n", benchSeedFormat)
	dir := filepath.Join("migrations", "sqlite")
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(h, "%s %x\n", e.Name(), sha256.Sum256(data))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// seedInventory fills db with the benchmark's organization in one transaction of multi-row INSERTs, and
// returns its id and its members' ids.
func seedInventory(b *testing.B, db *store.DB) (string, []string) {
	b.Helper()
	ctx := context.Background()
	o := &account.Organization{Slug: "bench", Name: "Benchmark"}
	if err := db.CreateOrganization(ctx, o); err != nil {
		b.Fatal(err)
	}
	w, _ := db.Pools()
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	ins := &bulk{b: b, tx: tx, postgres: db.Dialect() == store.Postgres}
	rng := rand.New(rand.NewPCG(42, 1))
	now := time.Now().UTC().Truncate(time.Second)

	owners := make([]string, benchUsers)
	for i := range owners {
		owners[i] = aims.NewID()
		ins.row("users", "id, email, name, created_at, updated_at", owners[i], fmt.Sprintf("owner%d@bench.example", i),
			fmt.Sprintf("Owner %d", i), now, now)
		ins.row("memberships", "id, org_id, user_id, role, created_at, updated_at", aims.NewID(), o.ID, owners[i], "contributor", now, now)
	}
	ins.flush()

	kinds := []string{"model", "dataset", "dataset", "dataset", "tool", "tool", "service", "compute", "human", "other"}
	compIDs := make([]string, benchComponents)
	// The links' supplier and model keys (0012), which the store writes with each link (0015).
	supplierKeys, modelKeys := make([]string, benchComponents), make([]string, benchComponents)
	for i := range compIDs {
		compIDs[i] = aims.NewID()
		kind, name := kinds[i%len(kinds)], ""
		if i < benchPopular {
			kind, name = "model", fmt.Sprintf("Shared model %03d", i)
		} else {
			name = fmt.Sprintf("%s %06d", kind, i)
		}
		supplier := fmt.Sprintf("Supplier %03d", rng.IntN(benchSuppliers))
		supplierKeys[i] = strings.ToLower(supplier)
		if kind == "model" {
			modelKeys[i] = strings.ToLower(name)
		}
		ins.row("components", "id, org_id, kind, name, component_version, supplier, licence, description, bom_ref, details, version, created_at, updated_at",
			compIDs[i], o.ID, kind, name, "1", supplier, "Apache-2.0", "", "", "{}", 1, now, now)
	}
	ins.flush()

	const cols = "id, org_id, name, purpose, intended_use, foreseeable_misuse, ai_role, eu_role, stage, status, owner_id, team, " +
		"environments, markets, users_text, affected_people, automation, human_oversight, personal_data, special_category_data, " +
		"data_notes, interacts_with_people, generates_content, version, created_at, updated_at"
	sysIDs := make([]string, benchSystems)
	for i := range sysIDs {
		sysIDs[i] = aims.NewID()
		words := make([]string, 6)
		for j := range words {
			words[j] = benchWords[rng.IntN(len(benchWords))]
		}
		updated := now.Add(-time.Duration(rng.IntN(2*365*24)) * time.Hour)
		ins.row("systems", cols, sysIDs[i], o.ID, fmt.Sprintf("System %05d %s", (i*7919)%100_000, words[0]),
			"The system "+strings.Join(words, " ")+".", "", "", system.AIRoles[rng.IntN(len(system.AIRoles))], "",
			system.Stages[rng.IntN(len(system.Stages))], system.Statuses[rng.IntN(len(system.Statuses))],
			owners[rng.IntN(len(owners))], "Team "+strconv.Itoa(rng.IntN(40)), `["prod"]`, `["EU"]`, "", "", "", "",
			false, false, "", false, false, 1, updated, updated)
	}
	ins.flush()

	// Each system uses one of the shared models and nine components of its own.
	own := benchComponents - benchPopular
	const linkCols = "org_id, system_id, component_id, role, notes, created_at, supplier_key, model_key"
	for i, sid := range sysIDs {
		m := rng.IntN(benchPopular)
		ins.row("system_components", linkCols, o.ID, sid, compIDs[m], "model", "", now, supplierKeys[m], modelKeys[m])
		for k := 1; k < benchLinks; k++ {
			c := benchPopular + ((i*(benchLinks-1)+k-1)*7919)%own
			ins.row("system_components", linkCols, o.ID, sid, compIDs[c], "", "", now, supplierKeys[c], modelKeys[c])
		}
	}
	ins.flush()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return o.ID, owners
}

// bulk gathers rows of one table into multi-row INSERTs of up to about 8,000 parameters.
type bulk struct {
	b        *testing.B
	tx       *sql.Tx
	postgres bool
	table    string
	cols     string
	n        int
	args     []any
}

func (u *bulk) row(table, cols string, vals ...any) {
	if table != u.table || cols != u.cols || len(u.args)+len(vals) > 8000 {
		u.flush()
		u.table, u.cols = table, cols
	}
	u.args = append(u.args, vals...)
	u.n++
}

func (u *bulk) flush() {
	if u.n == 0 {
		return
	}
	per := len(u.args) / u.n
	var q strings.Builder
	q.WriteString("INSERT INTO " + u.table + " (" + u.cols + ") VALUES ")
	p := 0
	for r := range u.n {
		if r > 0 {
			q.WriteByte(',')
		}
		q.WriteByte('(')
		for c := range per {
			if c > 0 {
				q.WriteByte(',')
			}
			p++
			if u.postgres {
				q.WriteString("$" + strconv.Itoa(p))
			} else {
				q.WriteByte('?')
			}
		}
		q.WriteByte(')')
	}
	if _, err := u.tx.Exec(q.String(), u.args...); err != nil {
		u.b.Fatalf("cannot seed %s: %v", u.table, err)
	}
	u.n, u.args = 0, u.args[:0]
}

func benchReader(db *store.DB) *sql.DB {
	_, r := db.Pools()
	return r
}
