package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/system"
)

// TestLinksSurviveTheirMigrations makes links as aims left them before migrations 0015 to 0017 (which
// drop their key trigger, an index and, on SQLite, rebuild their table), migrates, and uses them: they
// are all there with their keys, the filters find them, and deleting a system or a component still
// takes its links along.
func TestLinksSurviveTheirMigrations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openMigratedTo(t, 14)
	org := newOrg(t, db, "links")
	actx := aims.WithActor(ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test", OrgID: org.ID})
	svc := system.NewService(db)
	svc.Links = record.NewService(db)
	comps := component.NewService(db)
	comps.Links = svc.Links
	ss, err := svc.Import(actx, org.ID, []system.Fields{{Name: "A", Purpose: "x"}, {Name: "B", Purpose: "x"}, {Name: "C", Purpose: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	// The components and links are written as rows, as aims 14 wrote them: this build's reads of them need
	// later migrations (0023).
	model, data := &component.Component{ID: aims.NewID()}, &component.Component{ID: aims.NewID()}
	now := time.Now().UTC()
	for _, c := range []struct {
		c                    *component.Component
		kind, name, supplier string
	}{{model, "model", "Llama", "Meta"}, {data, "dataset", "Tickets", "Acme"}} {
		if err := db.Exec(ctx, `INSERT INTO components (id, org_id, kind, name, supplier, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, c.c.ID, org.ID, c.kind, c.name, c.supplier, now, now); err != nil {
			t.Fatal(err)
		}
	}
	link := func(systemID, componentID, role, notes string) {
		t.Helper()
		if err := db.Exec(ctx, `INSERT INTO system_components (org_id, system_id, component_id, role, notes, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, org.ID, systemID, componentID, role, notes, now); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range ss {
		link(s.ID, model.ID, "base model", "note "+s.Name)
	}
	link(ss[0].ID, data.ID, "", "")
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	if n, err := db.LinkKeyFaults(ctx); err != nil || n != 0 {
		t.Fatalf("links with wrong keys after migrating: %d, %v", n, err)
	}
	links, err := comps.SystemComponents(actx, org.ID, ss[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 2 {
		t.Fatalf("system A has %d components after migrating, want 2", len(links))
	}
	for _, l := range links {
		if l.Component.ID == model.ID && (l.Role != "base model" || l.Notes != "note A") {
			t.Errorf("link of the model after migrating: role %q, notes %q", l.Role, l.Notes)
		}
	}
	count := func(f system.Filter) int {
		t.Helper()
		page, _, err := svc.List(actx, org.ID, f, aims.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return len(page)
	}
	if n := count(system.Filter{Model: "llama"}); n != 3 {
		t.Errorf("systems with the model: %d, want 3", n)
	}
	if err := svc.Delete(actx, org.ID, ss[2].ID); err != nil {
		t.Fatal(err)
	}
	if n := count(system.Filter{Supplier: "meta"}); n != 2 {
		t.Errorf("systems of Meta after deleting one: %d, want 2", n)
	}
	if err := comps.DeleteComponent(actx, org.ID, data.ID); err != nil {
		t.Fatal(err)
	}
	if links, err := comps.SystemComponents(actx, org.ID, ss[0].ID); err != nil || len(links) != 1 {
		t.Errorf("system A after deleting a component: %d components, %v; want 1", len(links), err)
	}
	if n := count(system.Filter{Supplier: "acme"}); n != 0 {
		t.Errorf("systems of Acme after deleting its component: %d", n)
	}
}
