package system_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/system"
)

// BenchmarkImportSystemsAtTheCap imports a CSV file of as many AI systems as one import takes by default
// (system.DefaultImportMaxRows), and of a tenth of that, each into a fresh organization. It reports
// tx-ms/op, how long the store's write transaction took (the import reads and checks the file before it
// opens it): on SQLite every other change waits that long for the one writer. Run it with
//
//	go test ./internal/system -run '^$' -bench ImportSystemsAtTheCap -benchtime 3x
//
// and with AIMS_TEST_POSTGRES_DSN set for PostgreSQL.
func BenchmarkImportSystemsAtTheCap(b *testing.B) {
	f := newFixture(b)
	ts := &timedStore{DB: f.db}
	svc := system.NewService(ts)
	for _, rows := range []int{system.DefaultImportMaxRows / 10, system.DefaultImportMaxRows} {
		file := systemsCSV(rows)
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			b.SetBytes(int64(len(file)))
			ts.tx = 0
			for b.Loop() {
				b.StopTimer()
				org := &account.Organization{Slug: "o" + strings.ToLower(aims.NewID()), Name: "Bench"}
				if err := f.db.CreateOrganization(f.ctx, org); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				ss, err := svc.ImportCSV(f.ctx, org.ID, strings.NewReader(file))
				if err != nil {
					b.Fatal(err)
				}
				if len(ss) != rows {
					b.Fatalf("imported %d systems, want %d", len(ss), rows)
				}
			}
			b.ReportMetric(float64(rows), "rows/op")
			b.ReportMetric(float64(ts.tx.Milliseconds())/float64(b.N), "tx-ms/op")
		})
	}
}

// timedStore adds up the time its CreateSystems takes: the write transaction of an import.
type timedStore struct {
	*store.DB
	tx time.Duration
}

func (t *timedStore) CreateSystems(ctx context.Context, ss []*system.System, reason string, progress func(int)) error {
	start := time.Now()
	defer func() { t.tx += time.Since(start) }()
	return t.DB.CreateSystems(ctx, ss, reason, progress)
}

// systemsCSV is a CSV file of n AI systems with every column filled, as an export writes it.
func systemsCSV(n int) string {
	fs := make([]system.Fields, n)
	for i := range fs {
		fs[i] = system.Fields{Name: fmt.Sprintf("System %06d", i), Purpose: "Answers customers' questions about their orders.",
			IntendedUse: "Drafts replies that an agent reviews.", Stage: "deployment", Status: "active", Team: "Support",
			Environments: []string{"prod", "staging"}, Markets: []string{"EU", "UK"}, Users: "Support agents",
			AffectedPeople: "Customers", Automation: "Drafts only", HumanOversight: "Every reply is reviewed.", PersonalData: true,
			DataNotes: "Tickets", InteractsWithPeople: true, GeneratesContent: true}
	}
	var sb strings.Builder
	if err := system.EncodeCSV(&sb, fs); err != nil {
		panic(err)
	}
	return sb.String()
}
