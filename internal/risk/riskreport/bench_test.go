package riskreport_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/risk/riskreport"
	"github.com/aimsproject/aims/internal/storetest"
)

// BenchmarkReports makes the reports of a register of 50,000 imported risks: the XLSX register and
// treatment plan list all of them, the PDF register its cap of 10,000. It reports the file's size and
// the peak of the heap while it is made. Run it with
//
//	go test ./internal/risk/riskreport -run '^$' -bench Reports -benchtime 1x
func BenchmarkReports(b *testing.B) {
	const n = 50_000
	db := storetest.Open(b)
	sv, err := app.NewServices(db, app.ServiceOptions{Catalog: storetest.Catalog(b)})
	if err != nil {
		b.Fatal(err)
	}
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorSystem, ID: "bench", Name: "Bench"})
	org, err := sv.Accounts.CreateOrganization(ctx, "bench", "Bench")
	if err != nil {
		b.Fatal(err)
	}
	var file bytes.Buffer
	file.WriteString("title,system,source,owner,likelihood,consequence,status,treatment_option,treatment_plan\n")
	for i := range n {
		fmt.Fprintf(&file, "Risk %d of the benchmark,,C.3.%d,,%d,%d,treating,modify,Plan %d: re-train monthly and watch the drift metrics.\n",
			i, 1+i%7, 1+i%5, 1+(i/5)%5, i)
	}
	if res, err := sv.Risks.Import(ctx, org.ID, &file); err != nil || res.Imported != n {
		b.Fatalf("seeded %+v, %v", res, err)
	}
	for _, tc := range []struct {
		name, format string
		plan         bool
	}{{"register-xlsx", "xlsx", false}, {"plan-xlsx", "xlsx", true}, {"register-pdf", "pdf", false}} {
		b.Run(tc.name, func(b *testing.B) {
			write := riskreport.Register
			if tc.plan {
				write = riskreport.TreatmentPlan
			}
			for b.Loop() {
				runtime.GC()
				var base runtime.MemStats
				runtime.ReadMemStats(&base)
				var peak atomic.Uint64
				done := make(chan struct{})
				go func() {
					var m runtime.MemStats
					for {
						select {
						case <-done:
							return
						case <-time.After(20 * time.Millisecond):
							runtime.ReadMemStats(&m)
							if m.HeapInuse > peak.Load() {
								peak.Store(m.HeapInuse)
							}
						}
					}
				}()
				var size countWriter
				err := write(ctx, sv.Risks, org.ID, org.Name, risk.Filter{}, tc.format, &size, riskreport.Options{})
				close(done)
				if err != nil {
					b.Fatal(err)
				}
				if size == 0 {
					b.Fatal("an empty report")
				}
				b.ReportMetric(float64(size)/(1<<20), "MiB")
				b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapInuse))/(1<<20), "peak-heap-MiB")
			}
		})
	}
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
