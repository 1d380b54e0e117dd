package store_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
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
	ss, err := svc.Import(actx, org.ID, []system.Fields{{Name: "A", Purpose: "x"}, {Name: "B", Purpose: "x"}, {Name: "C", Purpose: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	model, err := svc.CreateComponent(actx, org.ID, system.ComponentFields{Kind: "model", Name: "Llama", Supplier: "Meta"})
	if err != nil {
		t.Fatal(err)
	}
	data, err := svc.CreateComponent(actx, org.ID, system.ComponentFields{Kind: "dataset", Name: "Tickets", Supplier: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		if _, err := svc.Link(actx, org.ID, s.ID, model.ID, "base model", "note "+s.Name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Link(actx, org.ID, ss[0].ID, data.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	if n, err := db.LinkKeyFaults(ctx); err != nil || n != 0 {
		t.Fatalf("links with wrong keys after migrating: %d, %v", n, err)
	}
	links, err := svc.SystemComponents(actx, org.ID, ss[0].ID)
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
		page, _, err := svc.List(actx, org.ID, f, account.Page{Limit: 10})
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
	if err := svc.DeleteComponent(actx, org.ID, data.ID); err != nil {
		t.Fatal(err)
	}
	if links, err := svc.SystemComponents(actx, org.ID, ss[0].ID); err != nil || len(links) != 1 {
		t.Errorf("system A after deleting a component: %d components, %v; want 1", len(links), err)
	}
	if n := count(system.Filter{Supplier: "acme"}); n != 0 {
		t.Errorf("systems of Acme after deleting its component: %d", n)
	}
}
