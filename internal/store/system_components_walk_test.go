package store_test

import (
	"testing"

	"github.com/aimsproject/aims/internal/component"
)

// TestSystemComponentsAfterReadsAPageFromWhereTheLastEnded walks a system's components a few at a time:
// each read honours its limit and starts after the component it is given, so that the pages hold every
// component once, in SystemComponents' order; the kinds chosen are read and counted alone.
func TestSystemComponentsAfterReadsAPageFromWhereTheLastEnded(t *testing.T) {
	t.Parallel()
	f := newBatchFixture(t) // a small BOM and one component by hand
	all, err := f.comps.SystemComponents(f.ctx, f.org.ID, f.sys.ID)
	if err != nil || len(all) < 20 {
		t.Fatalf("%d components, %v", len(all), err)
	}
	for _, kinds := range []component.KindFilter{{}, {In: []string{"model"}}, {NotIn: []string{"model"}}, {In: []string{"tool", "model"}, NotIn: []string{"model"}}} {
		var want []string
		for _, c := range all {
			if (len(kinds.In) == 0 || c.Kind == kinds.In[0] || (len(kinds.In) > 1 && c.Kind == kinds.In[1])) &&
				(len(kinds.NotIn) == 0 || c.Kind != kinds.NotIn[0]) {
				want = append(want, c.ID)
			}
		}
		var got []string
		var after *component.SystemComponent
		for pages := 0; ; pages++ {
			page, err := f.db.SystemComponentsAfter(f.ctx, f.org.ID, f.sys.ID, kinds, after, 7)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) > 7 || pages > len(all) {
				t.Fatalf("%+v: a page of %d, after %d pages", kinds, len(page), pages)
			}
			for _, c := range page {
				got = append(got, c.ID)
			}
			if len(page) < 7 {
				break
			}
			after = page[len(page)-1]
		}
		if len(got) != len(want) {
			t.Fatalf("%+v: walked %d components, want %d", kinds, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%+v: component %d is %s, want %s", kinds, i, got[i], want[i])
			}
		}
		if n, err := f.db.CountSystemComponentsOfKinds(f.ctx, f.org.ID, f.sys.ID, kinds); err != nil || n != len(want) {
			t.Errorf("%+v: counted %d, %v; want %d", kinds, n, err, len(want))
		}
	}
	// Another organization's system has none.
	if page, err := f.db.SystemComponentsAfter(f.ctx, f.other.ID, f.sys.ID, component.KindFilter{}, nil, 7); err != nil || len(page) != 0 {
		t.Errorf("another organization's read: %d components, %v", len(page), err)
	}
}
