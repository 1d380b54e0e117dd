package store_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom/aibomtest"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// BenchmarkSystemComponentsPage reads a page of 50 (the first, and one deep in the list) and the count
// of a system with 50,000 components: what the system page and the components API ask for each time.
func BenchmarkSystemComponentsPage(b *testing.B) {
	db := storetest.Open(b)
	org := &account.Organization{Slug: "bench", Name: "Bench"}
	if err := db.CreateOrganization(context.Background(), org); err != nil {
		b.Fatal(err)
	}
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorSystem, ID: "bench", Name: "bench", OrgID: org.ID})
	svc := system.NewService(db)
	comps := component.NewService(db)
	s, err := svc.Create(ctx, org.ID, system.Fields{Name: "Big", Purpose: "x"})
	if err != nil {
		b.Fatal(err)
	}
	const n = 50_000
	if _, err := comps.ImportBOM(ctx, org.ID, s.ID, bytes.NewReader(aibomtest.Trivial(n)), "big.json"); err != nil {
		b.Fatal(err)
	}
	first, err := comps.SystemComponentsPage(ctx, org.ID, s.ID, aims.Page{}, false)
	if err != nil || len(first.Items) != 50 || first.Total != n || first.Next == "" {
		b.Fatalf("first page: %v, %+v", err, first)
	}
	deep := first
	for range 400 {
		if deep, err = comps.SystemComponentsPage(ctx, org.ID, s.ID, aims.Page{Cursor: deep.Next}, false); err != nil {
			b.Fatal(err)
		}
	}
	cursor := deep.Next
	b.ResetTimer()
	for i := range b.N {
		c := ""
		if i%2 == 1 {
			c = cursor
		}
		p, err := comps.SystemComponentsPage(ctx, org.ID, s.ID, aims.Page{Cursor: c}, false)
		if err != nil || len(p.Items) != 50 {
			b.Fatalf("page: %v, %d items", err, len(p.Items))
		}
	}
}
