package store_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// TestBOMInventoryReadsBothWays reads a BOM version's inventory as stored now (compressed, 0016) and as
// versions imported before hold it (text): the same.
func TestBOMInventoryReadsBothWays(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	org := newOrg(t, db, "inventories")
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test", OrgID: org.ID})
	svc := system.NewService(db)
	comps := component.NewService(db)
	s, err := svc.Create(ctx, org.ID, system.Fields{Name: "Assistant", Purpose: "x"})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../../testdata/cyclonedx/mlbom-model-foundationmodels-gpt-4o.bom.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := comps.ImportBOM(ctx, org.ID, s.ID, bytes.NewReader(data), "gpt-4o.json"); err != nil {
		t.Fatal(err)
	}
	compressed, err := comps.BOM(ctx, org.ID, s.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(compressed.Inventory.Components) == 0 {
		t.Fatal("no components in the inventory")
	}
	if err := db.StoreInventoriesAsText(ctx); err != nil {
		t.Fatal(err)
	}
	text, err := comps.BOM(ctx, org.ID, s.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(compressed, text); d != "" {
		t.Errorf("inventory as text differs (-compressed +text):\n%s", d)
	}
}
