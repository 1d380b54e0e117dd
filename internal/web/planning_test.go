package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
)

// TestThePlanningPageCountsAnnexAOnly checks that the Statement of Applicability's summary on /planning
// counts what it says it counts: the demo has 38 Annex A controls, 36 applicable and 2 excluded, and two
// controls added from other frameworks, which the Annex A figures leave out.
func TestThePlanningPageCountsAnnexAOnly(t *testing.T) {
	t.Parallel()
	f, org, owner := demoFixture(t)
	p := browserAs(t, f, owner, org).get("/planning")
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "38 of 38 Annex A controls decided", "36 applicable", "2 excluded")
}

// TestPagesShowLabelsNotRawValues checks that the pages a new user meets show the labels of the values
// aims stores, not the values: a status change reads "Partial" and "Implemented", the built-in catalog is
// "Built in", and a component an imported BOM linked is "Listed in the BOM".
func TestPagesShowLabelsNotRawValues(t *testing.T) {
	t.Parallel()
	f, org, owner := demoFixture(t)
	b := browserAs(t, f, owner, org)
	for _, c := range []struct {
		path      string
		want, not []string
	}{
		{"/soa/diff", []string{"Status Partial Implemented", "Changed"}, []string{">partial<", ">implemented<", ">changed<"}},
		{"/frameworks", []string{"Built in"}, []string{">builtin<"}},
	} {
		p := b.get(c.path)
		expect(t, p, http.StatusOK, "")
		mustContain(t, p, c.want...)
		for _, raw := range c.not {
			if strings.Contains(p.Body, raw) {
				t.Errorf("%s shows the raw value %s", c.path, raw)
			}
		}
	}
	systems, _, err := f.Systems.List(f.Ctx, org.ID, system.Filter{}, aims.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range systems {
		p := b.get("/systems/" + s.ID)
		expect(t, p, http.StatusOK, "")
		if strings.Contains(p.Body, "<td>bom</td>") {
			t.Errorf("the page of %s shows the raw role bom", s.Name)
		}
		found = found || strings.Contains(p.Body, "<td>Listed in the BOM</td>")
	}
	if !found {
		t.Error("no system page says a component is listed in its BOM")
	}
}
