package readiness_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// BenchmarkReadinessAndGate reads the readiness and checks one system's release gate in an organization
// of 10,000 AI systems and 20,000 risks with every Annex A control decided, and reports the 50th and 99th
// percentile of each. Run it with
//
//	go test ./internal/readiness -run '^$' -bench ReadinessAndGate -benchtime 200x
//
// (with AIMS_TEST_POSTGRES_DSN set, on PostgreSQL).
func BenchmarkReadinessAndGate(b *testing.B) {
	db := storetest.Open(b)
	sv, err := app.NewServices(db, app.ServiceOptions{Catalog: storetest.Catalog(b)})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	org, err := sv.Accounts.CreateOrganization(ctx, "bench", "Bench")
	if err != nil {
		b.Fatal(err)
	}
	u, err := sv.Accounts.CreateUser(ctx, "owner@bench.example", "Owner", "")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sv.Accounts.AddMember(ctx, org.ID, u.Email, aims.RoleOwner); err != nil {
		b.Fatal(err)
	}
	actx := aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: org.ID, Role: aims.RoleOwner})
	start := time.Now()
	var fs []system.Fields
	for i := range 10_000 {
		fs = append(fs, system.Fields{Name: fmt.Sprintf("System %05d", i), Purpose: "Answers questions.", Stage: system.Stages[i%len(system.Stages)]})
	}
	ss, err := sv.Systems.Import(actx, org.ID, fs)
	if err != nil {
		b.Fatal(err)
	}
	var csv bytes.Buffer
	csv.WriteString("title,system,source,owner,likelihood,consequence,status\n")
	for i := range 20_000 {
		fmt.Fprintf(&csv, "Risk %d,System %05d,C.3.%d,,%d,%d,assessed\n", i, i%500, 1+i%7, 1+i%5, 1+(i/5)%5)
	}
	if _, err := sv.Risks.Import(actx, org.ID, &csv); err != nil {
		b.Fatal(err)
	}
	if _, err := sv.Controls.UpdateProfile(actx, org.ID, control.ProfileUpdate{AIRoles: []string{"ai_provider"}, EURoles: []string{"provider"},
		EUDates: control.DatesPublished}, 0); err != nil {
		b.Fatal(err)
	}
	if _, err := sv.Controls.ApplyProposals(actx, org.ID); err != nil {
		b.Fatal(err)
	}
	if _, err := sv.Controls.AddLink(actx, org.ID, framework.ISO42001, "A.6.2.4", control.LinkURL, "Evaluation", "https://ci.example/1"); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded 10,000 systems and 20,000 risks in %v", time.Since(start).Round(time.Millisecond))
	sys := ss[3] // a system with 40 risks
	for _, tc := range []struct {
		name string
		run  func() error
	}{
		{"readiness", func() error { _, err := sv.Readiness.Compute(ctx, org.ID); return err }},
		{"gate", func() error { _, err := sv.Gate.Check(ctx, org.ID, sys.ID, "deployment"); return err }},
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
