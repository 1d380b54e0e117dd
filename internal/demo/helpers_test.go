package demo_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// loadTwice loads Lumen Labs and its AI systems (with boms, their BOM versions too) into a fresh store
// twice, as every start of `aims serve --demo` does, and returns a systems service over it and the
// organization.
func loadTwice(t *testing.T, boms bool) (context.Context, inventory, *account.Organization) {
	t.Helper()
	db := storetest.Open(t)
	ctx := context.Background()
	accts := account.NewService(db, db.Now)
	systems, components := system.NewService(db), component.NewService(db)
	for range 2 {
		if _, err := demo.Load(ctx, accts, db); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadSystems(ctx, systems, components, db); err != nil {
			t.Fatal(err)
		}
		if boms {
			if err := demo.LoadBOMs(ctx, systems, components, db); err != nil {
				t.Fatal(err)
			}
		}
	}
	org, err := db.OrganizationBySlug(ctx, demo.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	return ctx, inventory{systems, components}, org
}

// inventory is the services of the AI system inventory.
type inventory struct {
	*system.Service
	comps *component.Service
}
