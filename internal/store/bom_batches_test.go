package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom/aibomtest"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// batchFixture is an organization with a system that holds one imported BOM, a component linked by hand,
// and another organization; its clock can be moved on.
type batchFixture struct {
	db         *store.DB
	svc        *system.Service
	comps      *component.Service
	ctx        context.Context
	org, other *account.Organization
	sys        *system.System
	skew       atomic.Int64 // added to the clock, in nanoseconds
	big        []byte       // a BOM of some 6,000 components: several batches
}

// seen is what people can see of the fixture's organization.
type seen struct {
	components, links, versions, trail int
	// walked and models are the links read a page at a time (as exports read them) and the model links
	// counted by kind (as the system card counts them).
	walked, models int
}

func newBatchFixture(t *testing.T) *batchFixture {
	t.Helper()
	f := &batchFixture{big: aibomtest.BigBOM(2 << 20)}
	o := storetest.Options(t)
	o.Clock = func() time.Time { return aims.Now().Add(time.Duration(f.skew.Load())) }
	f.db = storetest.OpenWith(t, o)
	f.svc, f.comps = system.NewService(f.db), component.NewService(f.db)
	f.ctx = aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorUser, ID: "tester", Name: "Tess Ter"})
	f.org, f.other = newOrg(t, f.db, "acme"), newOrg(t, f.db, "other")
	var err error
	if f.sys, err = f.svc.Create(f.ctx, f.org.ID, system.Fields{Name: "Assistant", Purpose: "Answers."}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.comps.ImportBOM(f.ctx, f.org.ID, f.sys.ID, bytes.NewReader(aibomtest.BigBOM(64<<10)), "small.json"); err != nil {
		t.Fatal(err)
	}
	c, err := f.comps.CreateComponent(f.ctx, f.org.ID, component.ComponentFields{Kind: "tool", Name: "by hand"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.comps.Link(f.ctx, f.org.ID, f.sys.ID, c.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *batchFixture) seen(t *testing.T) seen {
	t.Helper()
	var s seen
	for cursor := ""; ; {
		page, next, err := f.comps.Components(f.ctx, f.org.ID, component.ComponentFilter{}, aims.Page{Limit: 500, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		s.components += len(page)
		if cursor = next; next == "" {
			break
		}
	}
	links, err := f.comps.SystemComponents(f.ctx, f.org.ID, f.sys.ID)
	if err != nil {
		t.Fatal(err)
	}
	versions, err := f.comps.BOMs(f.ctx, f.org.ID, f.sys.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.EachActivity(f.ctx, f.org.ID, func(*activity.Entry) error { s.trail++; return nil }); err != nil {
		t.Fatal(err)
	}
	s.links, s.versions = len(links), len(versions)
	if err := f.comps.EachSystemComponent(f.ctx, f.org.ID, f.sys.ID, component.KindFilter{}, func(*component.SystemComponent) error {
		s.walked++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, s.models, err = f.comps.FirstSystemComponents(f.ctx, f.org.ID, f.sys.ID, component.KindFilter{In: []string{"model"}}, 1); err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *batchFixture) rows(t *testing.T) [3]int {
	t.Helper()
	c, l, p, err := f.db.ImportRows(f.ctx, f.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	return [3]int{c, l, p}
}

func (f *batchFixture) importBig() (*component.BOMImport, error) {
	return f.comps.ImportBOM(f.ctx, f.org.ID, f.sys.ID, bytes.NewReader(f.big), "big.json")
}

// batchSteps returns the number of a batch of the fixture's big import: i = 0 is the first, 1 and 2 later
// ones (on PostgreSQL, whose imports write the components in one batch and the links in another, the
// components' and the links').
func batchSteps(i int) int {
	if storetest.Postgres() {
		return []int{1, 1, 2}[i]
	}
	return []int{1, 3, 6}[i]
}

// TestBOMImportIsInvisibleUntilComplete imports a BOM of several batches and looks between the batches:
// nothing of it is visible until it is complete, and another organization writes meanwhile (the writer
// is free between batches). Then all of it is visible at once, with one activity entry.
func TestBOMImportIsInvisibleUntilComplete(t *testing.T) {
	t.Parallel()
	f := newBatchFixture(t)
	before := f.seen(t)
	steps := 0
	f.db.SetImportFault(func(step int) error {
		steps = step
		if got := f.seen(t); got != before {
			t.Errorf("after batch %d people see %+v, want %+v as before the import", step, got, before)
		}
		_, err := f.comps.CreateComponent(f.ctx, f.other.ID, component.ComponentFields{Kind: "tool", Name: fmt.Sprintf("t%d", step)})
		return err
	})
	imp, err := f.importBig()
	if err != nil {
		t.Fatal(err)
	}
	if want := batchSteps(1); steps < want {
		t.Fatalf("the import of %d components was written in %d batches, want %d or more", imp.Components, steps, want)
	}
	after := f.seen(t)
	want := seen{components: before.components + imp.Stats.Created, links: before.links + imp.Stats.Linked,
		versions: before.versions + 1, trail: before.trail + 1, walked: before.walked + imp.Stats.Linked,
		models: (imp.Components + 9) / 10} // the small BOM is the big one's beginning
	if after != want {
		t.Fatalf("after the import people see %+v, want %+v (stats %+v)", after, want, imp.Stats)
	}
	if r := f.rows(t); r[2] != 0 {
		t.Fatalf("%d imports still pending", r[2])
	}
}

// TestBOMImportFailingMidWayLeavesNothing makes the import fail after one of its batches (of components,
// of links): nothing of it is visible, its rows are gone, and the same BOM then imports.
func TestBOMImportFailingMidWayLeavesNothing(t *testing.T) {
	t.Parallel()
	for _, failAt := range []int{batchSteps(0), batchSteps(1), batchSteps(2)} {
		t.Run(fmt.Sprintf("after batch %d", failAt), func(t *testing.T) {
			t.Parallel()
			f := newBatchFixture(t)
			before, rows := f.seen(t), f.rows(t)
			boom := errors.New("boom")
			f.db.SetImportFault(func(step int) error {
				if step == failAt {
					return boom
				}
				return nil
			})
			if _, err := f.importBig(); !errors.Is(err, boom) {
				t.Fatalf("import failing after batch %d: %v", failAt, err)
			}
			if got := f.seen(t); got != before {
				t.Errorf("after the failed import people see %+v, want %+v", got, before)
			}
			if got := f.rows(t); got != rows {
				t.Errorf("after the failed import the imports' rows are %v, want %v as before", got, rows)
			}
			f.db.SetImportFault(nil)
			imp, err := f.importBig()
			if err != nil {
				t.Fatalf("import after the failed one: %v", err)
			}
			if got := f.seen(t); got.components != before.components+imp.Stats.Created || got.versions != before.versions+1 {
				t.Errorf("after importing again people see %+v (stats %+v)", got, imp.Stats)
			}
		})
	}
}

// TestBOMImportCrashedMidWayIsCleanedUp stops an import after a batch as a crash would (nothing runs
// after it): its rows stay invisible, another import into the organization is refused while its lease
// runs, and once the lease has run out the rows are deleted by DropStaleImports (as at start-up) or by
// the next import.
func TestBOMImportCrashedMidWayIsCleanedUp(t *testing.T) {
	t.Parallel()
	f := newBatchFixture(t)
	before, rows := f.seen(t), f.rows(t)
	crash := func(at int) {
		t.Helper()
		f.db.SetImportFault(func(step int) error {
			if step == at {
				panic("crash")
			}
			return nil
		})
		defer func() {
			if recover() == nil {
				t.Fatal("the import did not crash")
			}
			f.db.SetImportFault(nil)
		}()
		_, _ = f.importBig()
	}

	crash(batchSteps(1))
	if got := f.seen(t); got != before {
		t.Errorf("after the crash people see %+v, want %+v", got, before)
	}
	if got := f.rows(t); got[0] <= rows[0] || got[2] != 1 {
		t.Fatalf("after the crash the imports' rows are %v; want more components than %v, invisible, and one import pending", got, rows)
	}
	if _, err := f.importBig(); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("import while another is pending: %v, want a conflict", err)
	}
	if n, err := f.db.DropStaleImports(f.ctx); err != nil || n != 0 {
		t.Fatalf("DropStaleImports within the lease dropped %d, %v; want none", n, err)
	}
	f.skew.Add(int64(2 * time.Minute))
	if n, err := f.db.DropStaleImports(f.ctx); err != nil || n != 1 {
		t.Fatalf("DropStaleImports after the lease dropped %d, %v; want 1", n, err)
	}
	if got := f.rows(t); got != rows {
		t.Fatalf("after DropStaleImports the imports' rows are %v, want %v", got, rows)
	}

	crash(batchSteps(2))
	f.skew.Add(int64(2 * time.Minute))
	imp, err := f.importBig()
	if err != nil {
		t.Fatalf("import after a crashed one whose lease ran out: %v", err)
	}
	got := f.seen(t)
	if got.components != before.components+imp.Stats.Created || got.links != before.links+imp.Stats.Linked || got.trail != before.trail+1 {
		t.Errorf("after the import people see %+v, before %+v (stats %+v)", got, before, imp.Stats)
	}
	if r := f.rows(t); r[0] != rows[0]+imp.Stats.Created || r[1] != rows[1]+imp.Stats.Linked || r[2] != 0 {
		t.Errorf("after the import the imports' rows are %v, before %v (stats %+v)", r, rows, imp.Stats)
	}
}

// TestBOMImportRowsAreFoundByTheirIndex checks SQLite's plans of the statements that count and delete an
// import's rows: each reads a partial index on import_id, not the whole table.
func TestBOMImportRowsAreFoundByTheirIndex(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	if db.Dialect() != store.SQLite {
		t.Skip("PostgreSQL plans by its statistics")
	}
	plans, err := db.ImportPlans(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		if !strings.Contains(p, "components_import (import_id=?)") {
			t.Errorf("plan:\n%s\nwant a partial index on import_id", p)
		}
	}
}
