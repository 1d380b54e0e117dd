package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// TestSupplierAndModelFiltersFollowTheComponents lists systems by the supplier and model of their
// components, for a few systems (named in the query) and for many (more than the store names), and after
// the components change.
func TestSupplierAndModelFiltersFollowTheComponents(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	org := newOrg(t, db, "acme")
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test", OrgID: org.ID})
	svc := system.NewService(db)
	comps := component.NewService(db)
	fs := make([]system.Fields, 1003)
	for i := range fs {
		fs[i] = system.Fields{Name: fmt.Sprintf("System %04d", i), Purpose: "x"}
	}
	ss, err := svc.Import(ctx, org.ID, fs)
	if err != nil {
		t.Fatal(err)
	}
	comp := func(f component.ComponentFields) *component.Component {
		c, err := comps.CreateComponent(ctx, org.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	common := comp(component.ComponentFields{Kind: "model", Name: "Llama", Supplier: "Meta"})
	rare := comp(component.ComponentFields{Kind: "dataset", Name: "Tickets", Supplier: "Acme Data"})
	for i, s := range ss {
		if i%3 != 2 { // 669 of 1003 use the model
			if _, err := comps.Link(ctx, org.ID, s.ID, common.ID, "", ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, i := range []int{5, 700, 1002} {
		if _, err := comps.Link(ctx, org.ID, ss[i].ID, rare.ID, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	count := func(f system.Filter) (int, string) {
		t.Helper()
		n, first := 0, ""
		p := aims.Page{Limit: 200}
		for {
			page, next, err := svc.List(ctx, org.ID, f, p)
			if err != nil {
				t.Fatal(err)
			}
			if first == "" && len(page) > 0 {
				first = page[0].Name
			}
			n += len(page)
			if next == "" {
				return n, first
			}
			p.Cursor = next
		}
	}
	for _, tc := range []struct {
		f     system.Filter
		n     int
		first string
	}{
		{system.Filter{Supplier: "META"}, 669, "System 0000"},
		{system.Filter{Model: "llama", Sort: "updated"}, 669, "System 1002"},
		{system.Filter{Supplier: "acme data"}, 3, "System 0005"},
		{system.Filter{Supplier: "acme data", Model: "Llama"}, 2, "System 0700"},
		{system.Filter{Model: "Tickets"}, 0, ""},
		{system.Filter{Supplier: "Nobody"}, 0, ""},
	} {
		if n, first := count(tc.f); n != tc.n || first != tc.first {
			t.Errorf("%+v: %d systems from %q, want %d from %q", tc.f, n, first, tc.n, tc.first)
		}
	}

	// Changing the component changes what the filters find; so does a link made after.
	f := component.ComponentFieldsOf(common)
	f.Supplier, f.Name = "Meta Platforms", "Llama 3"
	if _, err := comps.UpdateComponent(ctx, org.ID, common.ID, f, 0); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		f system.Filter
		n int
	}{
		{system.Filter{Supplier: "meta"}, 0},
		{system.Filter{Supplier: "meta platforms"}, 669},
		{system.Filter{Model: "Llama 3"}, 669},
		{system.Filter{Model: "Llama"}, 0},
	} {
		if n, _ := count(tc.f); n != tc.n {
			t.Errorf("after the change, %+v: %d systems, want %d", tc.f, n, tc.n)
		}
	}
	f.Kind, f.Details = "tool", nil
	if _, err := comps.UpdateComponent(ctx, org.ID, common.ID, f, 0); err != nil {
		t.Fatal(err)
	}
	if n, _ := count(system.Filter{Model: "Llama 3"}); n != 0 {
		t.Errorf("a tool is found as a model in %d systems", n)
	}
	if _, err := comps.Link(ctx, org.ID, ss[2].ID, rare.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	if n, first := count(system.Filter{Supplier: "ACME DATA"}); n != 4 || first != "System 0002" {
		t.Errorf("after a new link: %d systems from %q", n, first)
	}
}
