package demo_test

import (
	"context"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// TestTheDemoPasswordIsHashedOnce: every demo user has the one demo password, and its argon2id hash (64 MiB
// and most of a second of CPU each) is made once for all of them.
func TestTheDemoPasswordIsHashedOnce(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := context.Background()
	accts := account.NewService(db, db.Now)
	logins, err := demo.Load(ctx, accts, db)
	if err != nil {
		t.Fatal(err)
	}
	hashes := map[string]bool{}
	for _, l := range logins {
		u, err := db.UserByEmail(ctx, l.Email)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := accts.Passwords.Check(ctx, u.PasswordHash, demo.Password, "password"); err != nil || !ok {
			t.Errorf("%s cannot log in with the demo password", l.Email)
		}
		hashes[u.PasswordHash] = true
	}
	if len(logins) < 2 || len(hashes) != 1 {
		t.Errorf("%d demo users have %d password hashes, want 1", len(logins), len(hashes))
	}
}

// BenchmarkDemoLoad loads everything `aims serve --demo` loads into a fresh store and reports how long
// that took (load-ms) and the Go heap in use after it and a collection (heap-MB): what a server that has
// just loaded the demo holds. Catalog parsing and schema compilation happen before it, as in serve.
func BenchmarkDemoLoad(b *testing.B) {
	cat := storetest.Catalog(b)
	var loadMS, heapMB float64
	for b.Loop() {
		b.StopTimer()
		db := storetest.Open(b)
		ctx := context.Background()
		accts := account.NewService(db, db.Now)
		ctl := control.NewService(db, cat, db.Now)
		systems, components := system.NewService(db), component.NewService(db)
		b.StartTimer()
		start := time.Now()
		if _, err := demo.Load(ctx, accts, db); err != nil {
			b.Fatal(err)
		}
		if err := demo.LoadSoA(ctx, ctl, db); err != nil {
			b.Fatal(err)
		}
		if err := demo.LoadSystems(ctx, systems, components, db); err != nil {
			b.Fatal(err)
		}
		if err := demo.LoadBOMs(ctx, systems, components, db); err != nil {
			b.Fatal(err)
		}
		loadMS += float64(time.Since(start).Microseconds()) / 1000
		b.StopTimer()
		org, err := db.OrganizationBySlug(ctx, demo.OrgSlug)
		if err != nil {
			b.Fatal(err)
		}
		if ss, _, err := systems.List(ctx, org.ID, system.Filter{}, aims.Page{Limit: 100}); err != nil || len(ss) == 0 {
			b.Fatalf("the demo loaded no AI system: %d, %v", len(ss), err)
		}
		debug.FreeOSMemory()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heapMB += float64(ms.HeapInuse) / (1 << 20)
		runtime.KeepAlive(db)
		b.StartTimer()
	}
	b.ReportMetric(loadMS/float64(b.N), "load-ms")
	b.ReportMetric(heapMB/float64(b.N), "heap-MB")
}
