package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// TestPagesWalkEveryRowOnce pages through components by name (several of one name: ties broken by id)
// and systems by name and by last change (several changed at the same instant) in pages of 3: every row
// comes once, in order.
func TestPagesWalkEveryRowOnce(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	org := newOrg(t, db, "pages")
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test", OrgID: org.ID})
	svc := system.NewService(db)
	components := component.NewService(db)
	var fs []system.Fields
	for i := range 10 {
		fs = append(fs, system.Fields{Name: fmt.Sprintf("System %02d", 9-i), Purpose: "x"})
	}
	if _, err := svc.Import(ctx, org.ID, fs); err != nil { // one transaction: many share their updated_at
		t.Fatal(err)
	}
	for i := range 10 {
		kind := []string{"model", "dataset", "tool"}[i%3]
		if _, err := components.CreateComponent(ctx, org.ID, component.ComponentFields{Kind: kind, Name: fmt.Sprintf("Part %d", i/4),
			ComponentVersion: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	walk := func(list func(aims.Page) ([]string, string, error)) []string {
		t.Helper()
		var all []string
		p := aims.Page{Limit: 3}
		for range 20 {
			page, next, err := list(p)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			if next == "" {
				return all
			}
			p.Cursor = next
		}
		t.Fatal("the pages do not end")
		return nil
	}
	systems := func(sort string) []string {
		return walk(func(p aims.Page) ([]string, string, error) {
			ss, next, err := svc.List(ctx, org.ID, system.Filter{Sort: sort}, p)
			var names []string
			for _, s := range ss {
				names = append(names, s.Name)
			}
			return names, next, err
		})
	}
	byName := systems("")
	if !slices.IsSorted(byName) || len(byName) != 10 || len(slices.Compact(slices.Clone(byName))) != 10 {
		t.Errorf("systems by name, in pages of 3: %q", byName)
	}
	if byUpdated := systems("updated"); len(byUpdated) != 10 || len(slices.Compact(slices.Sorted(slices.Values(byUpdated)))) != 10 {
		t.Errorf("systems by change, in pages of 3: %q", byUpdated)
	}
	comps := walk(func(p aims.Page) ([]string, string, error) {
		cs, next, err := components.Components(ctx, org.ID, component.ComponentFilter{}, p)
		var keys []string
		for _, c := range cs {
			keys = append(keys, c.Name+"/"+c.ComponentVersion)
		}
		return keys, next, err
	})
	if len(comps) != 10 || len(slices.Compact(slices.Sorted(slices.Values(comps)))) != 10 {
		t.Errorf("components by name, in pages of 3: %q", comps)
	}
	for i := 1; i < len(comps); i++ {
		if comps[i-1][:6] > comps[i][:6] {
			t.Errorf("components out of name order: %q", comps)
		}
	}
}
