package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// TestLinkKeysOnEveryPath checks the lower-case supplier and model keys of component links (0012) after
// every way a link is made or its component changes, now that the writers store them (0015): a link made
// by hand, by a model card import and by a BOM import, then a change of supplier and name. Suppliers and
// names hold non-ASCII letters, whose folding differs between the databases' lower().
func TestLinkKeysOnEveryPath(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	org := newOrg(t, db, "keys")
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test", OrgID: org.ID})
	svc := system.NewService(db)
	comps := component.NewService(db)
	check := func(step string) {
		t.Helper()
		n, err := db.LinkKeyFaults(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("after %s: %d links with keys that are not their component's", step, n)
		}
	}
	count := func(f system.Filter) int {
		t.Helper()
		page, _, err := svc.List(ctx, org.ID, f, aims.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return len(page)
	}
	a, err := svc.Create(ctx, org.ID, system.Fields{Name: "Assistant", Purpose: "x"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := svc.Create(ctx, org.ID, system.Fields{Name: "Büro Bot", Purpose: "x"})
	if err != nil {
		t.Fatal(err)
	}
	model, err := comps.CreateComponent(ctx, org.ID, component.ComponentFields{Kind: "model", Name: "Ölmodell-7B", Supplier: "Ünïcorn AI"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := comps.Link(ctx, org.ID, a.ID, model.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	check("a link")

	card := "---\nlicense: mit\n---\n# Ölmodell-7B\n\nA model.\n"
	if _, err := comps.ImportModelCard(ctx, org.ID, b.ID, strings.NewReader(card), component.ModelCardOptions{ComponentID: model.ID}); err != nil {
		t.Fatal(err)
	}
	check("a model card import")

	bom := `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[
		{"type":"machine-learning-model","bom-ref":"m","name":"Ölmodell-7B","supplier":{"name":"Ünïcorn AI"}},
		{"type":"data","bom-ref":"d","name":"Straßen-Daten","supplier":{"name":"ÄÖÜ Data GmbH"},"data":[{"type":"dataset"}]},
		{"type":"library","bom-ref":"l","name":"numpy","version":"2.0","supplier":{"name":"NumPy"}}]}`
	if _, err := comps.ImportBOM(ctx, org.ID, b.ID, strings.NewReader(bom), "b.json"); err != nil {
		t.Fatal(err)
	}
	if _, err := comps.ImportBOM(ctx, org.ID, a.ID, strings.NewReader(bom), "a.json"); err != nil {
		t.Fatal(err)
	}
	check("BOM imports")
	if n := count(system.Filter{Supplier: "numpy"}); n != 2 {
		t.Errorf("systems with a NumPy component: %d, want 2", n)
	}
	if n := count(system.Filter{Supplier: "ÄÖÜ Data GmbH"}); n != 2 {
		t.Errorf("systems with an ÄÖÜ Data GmbH component: %d, want 2", n)
	}
	if n := count(system.Filter{Model: "Ölmodell-7B"}); n != 2 {
		t.Errorf("systems with the model Ölmodell-7B: %d, want 2", n)
	}

	stored, err := comps.Component(ctx, org.ID, model.ID)
	if err != nil {
		t.Fatal(err)
	}
	f := component.ComponentFieldsOf(stored)
	f.Supplier, f.Name = "ZWEI KI", "Ölmodell-8B"
	if _, err := comps.UpdateComponent(ctx, org.ID, model.ID, f, 0); err != nil {
		t.Fatal(err)
	}
	check("a change of the component")
	if n := count(system.Filter{Model: "Ölmodell-8B", Supplier: "zwei ki"}); n != 2 {
		t.Errorf("systems with the renamed model of ZWEI KI: %d, want 2", n)
	}
}

// TestLinkKeyFiltersUseTheirIndexes checks SQLite's plan of the supplier and model filters: each reads
// its partial index (0018), not every link.
func TestLinkKeyFiltersUseTheirIndexes(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	if db.Dialect() != store.SQLite {
		t.Skip("PostgreSQL plans by its statistics; BenchmarkListSystems measures its filters")
	}
	for col, index := range map[string]string{"supplier_key": "system_components_supplier", "model_key": "system_components_model"} {
		plan, err := db.LinkKeyPlan(context.Background(), col)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(plan, "USING COVERING INDEX "+index) {
			t.Errorf("plan of the %s filter:\n%s\nwant it to use %s", col, plan, index)
		}
	}
}
