package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom/aibomtest"
	"github.com/aimsproject/aims/internal/system"
)

// seedComponents imports a BOM of n trivial components into a new system of org and returns the system's id.
func (e *env) seedComponents(t *testing.T, orgID string, n int) string {
	t.Helper()
	s := e.seedSystem(t, orgID)
	if _, err := e.Components.ImportBOM(e.Ctx, orgID, s.ID, bytes.NewReader(aibomtest.Trivial(n)), "trivial.json"); err != nil {
		t.Fatalf("cannot import %d components: %v", n, err)
	}
	return s.ID
}

func TestSystemComponentsComeAPageAtATime(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	m := e.member(t, acme, aims.RoleViewer)
	id := e.seedComponents(t, acme.ID, 120)
	path := "/api/v1/systems/" + id + "/components"

	type page struct {
		Items []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
		Total      int    `json:"total"`
	}
	var p page
	e.do(t, "GET", path+"?limit=10", m.Token, nil).want(t, 200).decode(t, &p)
	if len(p.Items) != 10 || p.NextCursor == "" || p.Total != 120 || p.Items[0].Name != "lib-000000" {
		t.Fatalf("limit=10 gave %d items, next %q, total %d", len(p.Items), p.NextCursor, p.Total)
	}
	// Following the cursors visits every component once, in order.
	seen, prev := map[string]bool{}, ""
	for cursor, pages := "", 0; ; pages++ {
		p = page{}
		q := path
		if cursor != "" {
			q += "?cursor=" + cursor
		}
		e.do(t, "GET", q, m.Token, nil).want(t, 200).decode(t, &p)
		if len(p.Items) > 50 {
			t.Fatalf("the default page holds %d items, want at most 50", len(p.Items))
		}
		for _, it := range p.Items {
			if seen[it.ID] || it.Name <= prev {
				t.Fatalf("%s (%s) came twice or out of order", it.Name, it.ID)
			}
			seen[it.ID], prev = true, it.Name
		}
		if cursor = p.NextCursor; cursor == "" || pages > 10 {
			break
		}
	}
	if len(seen) != 120 {
		t.Errorf("the pages held %d components, want 120", len(seen))
	}
	p = page{}
	e.do(t, "GET", path+"?limit=500", m.Token, nil).want(t, 200).decode(t, &p)
	if len(p.Items) != 120 || p.NextCursor != "" {
		t.Errorf("limit=500 gave %d items and next %q", len(p.Items), p.NextCursor)
	}
	// A limit over 500 is refused rather than quietly clamped, so that a client learns the bound.
	e.send(t, call{method: "GET", path: path + "?limit=1000", token: m.Token, offContract: true}).wantProblem(t, 400, "invalid", "limit")
	e.send(t, call{method: "GET", path: path + "?cursor=bm90LWFuLWlk", token: m.Token}).wantProblem(t, 400, "invalid", "cursor")
}

// TestImportBOMOverTheComponentLimitIs413AndStoresNothing refuses a BOM with one component more than
// the limit, naming the limit, and stores nothing of it.
func TestImportBOMOverTheComponentLimitIs413AndStoresNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	m := e.member(t, acme, aims.RoleContributor)
	s := e.seedSystem(t, acme.ID)
	e.Components.BOMMaxComponents = 25
	path := "/api/v1/systems/" + s.ID + "/boms"
	before := e.counts(t, acme)
	p := e.send(t, call{method: "POST", path: path, token: m.Token, body: aibomtest.Trivial(26),
		header: http.Header{"Content-Type": {"application/vnd.cyclonedx+json"}}}).wantProblem(t, 413, "too_large", "")
	if !strings.Contains(p.Detail, "more than 25 components") || !strings.Contains(p.Detail, "bom_max_components") {
		t.Errorf("the problem does not name the limit: %q", p.Detail)
	}
	e.unchanged(t, before)
	var list struct{ Items []json.RawMessage }
	e.do(t, "GET", path, m.Token, nil).want(t, 200).decode(t, &list)
	var comps struct{ Total int }
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/components", m.Token, nil).want(t, 200).decode(t, &comps)
	if len(list.Items) != 0 || comps.Total != 0 {
		t.Errorf("after a refused import: %d BOM versions, %d components", len(list.Items), comps.Total)
	}
	e.send(t, call{method: "POST", path: path, token: m.Token, body: aibomtest.Trivial(25),
		header: http.Header{"Content-Type": {"application/vnd.cyclonedx+json"}}}).want(t, 201)
}

// TestTheListsOfASystemComeAPageAtATime pages a system's BOM versions and history, and the systems
// that use a component, by limit and cursor.
func TestTheListsOfASystemComeAPageAtATime(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	m := e.member(t, acme, aims.RoleViewer)
	id := e.seedComponents(t, acme.ID, 3)
	for range 2 {
		if _, err := e.Components.ImportBOM(e.Ctx, acme.ID, id, bytes.NewReader(aibomtest.Trivial(3)), "again.json"); err != nil {
			t.Fatal(err)
		}
	}
	s, err := e.Systems.System(e.Ctx, acme.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		f := system.FieldsOf(s)
		f.Purpose = fmt.Sprintf("Answers questions, take %d.", i)
		if s, err = e.Systems.Update(e.Ctx, acme.ID, id, f, 0, "Clearer."); err != nil {
			t.Fatal(err)
		}
	}
	var comps struct{ Items []component.SystemComponent }
	e.do(t, "GET", "/api/v1/systems/"+id+"/components", m.Token, nil).want(t, 200).decode(t, &comps)
	shared := comps.Items[0].ID
	for range 2 {
		if _, err := e.Components.Link(e.Ctx, acme.ID, e.seedSystem(t, acme.ID).ID, shared, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		path string
		want int
		key  string // the member that orders the list
	}{
		{"/api/v1/systems/" + id + "/boms", 3, "seq"},
		{"/api/v1/systems/" + id + "/history", 4, "version"},
		{"/api/v1/components/" + shared + "/systems", 3, "name"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			var keys []string
			cursor := ""
			for pages := 1; ; pages++ {
				var p struct {
					Items      []map[string]any `json:"items"`
					NextCursor string           `json:"next_cursor"`
				}
				path := tc.path + "?limit=2"
				if cursor != "" {
					path += "&cursor=" + cursor
				}
				e.do(t, "GET", path, m.Token, nil).want(t, 200).decode(t, &p)
				if len(p.Items) > 2 {
					t.Fatalf("page %d holds %d items, want at most 2", pages, len(p.Items))
				}
				for _, it := range p.Items {
					keys = append(keys, fmt.Sprint(it[tc.key]))
				}
				if cursor = p.NextCursor; cursor == "" || pages > 5 {
					break
				}
			}
			if len(keys) != tc.want {
				t.Errorf("the pages held %v, want %d items", keys, tc.want)
			}
			e.send(t, call{method: "GET", path: tc.path + "?limit=501", token: m.Token, offContract: true}).wantProblem(t, 400, "invalid", "limit")
			e.do(t, "GET", tc.path+"?cursor=eA", m.Token, nil).wantProblem(t, 400, "invalid", "cursor")
		})
	}
	for _, path := range []string{"/api/v1/systems/" + id + "/classification/history", "/api/v1/components/" + shared + "/model-cards"} {
		e.do(t, "GET", path+"?limit=2", m.Token, nil).want(t, 200)
		e.do(t, "GET", path+"?cursor=eA", m.Token, nil).wantProblem(t, 400, "invalid", "cursor")
	}
}
