package web_test

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom/aibomtest"
	"github.com/aimsproject/aims/internal/system"
)

// TestTheSystemPageListsItsComponents shows a system's components, read-only, to any member.
func TestTheSystemPageListsItsComponents(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "lumen")
	viewer := newUser(t, f, "vic@lumen.example", org, aims.RoleViewer)
	s, err := f.Systems.Create(f.Ctx, org.ID, system.Fields{Name: "Support assistant", Purpose: "Drafts answers."})
	if err != nil {
		t.Fatal(err)
	}
	b := browserAs(t, f, viewer, org)
	p := b.get("/systems/" + s.ID)
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "Components", "No component is recorded.")

	m, err := f.Components.CreateComponent(f.Ctx, org.ID, component.ComponentFields{Kind: "model", Name: "Llama <3>", ComponentVersion: "3.1",
		Supplier: "Meta", Licence: "Llama 3.1 Community"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Components.Link(f.Ctx, org.ID, s.ID, m.ID, "primary model", ""); err != nil {
		t.Fatal(err)
	}
	d, err := f.Components.CreateComponent(f.Ctx, org.ID, component.ComponentFields{Kind: "dataset", Name: "Support tickets"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Components.Link(f.Ctx, org.ID, s.ID, d.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	p = b.get("/systems/" + s.ID)
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "Components 2", "Dataset Support tickets — — — — Model Llama <3> 3.1 Meta Llama 3.1 Community primary model")
	if strings.Contains(p.Body, "No component is recorded.") || !strings.Contains(p.Body, "<td>Llama &lt;3&gt;</td>") {
		t.Errorf("the components are missing or out of order:\n%s", excerpt(p))
	}
}

// TestTheSystemPageFindsComponentsToLink narrows the "link existing" choices by name or supplier, says
// when more match than are offered, and when none does; the components the system uses are not offered.
func TestTheSystemPageFindsComponentsToLink(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "lumen")
	boss := newUser(t, f, "boss@lumen.example", org, aims.RoleManager)
	s, err := f.Systems.Create(f.Ctx, org.ID, system.Fields{Name: "Support assistant", Purpose: "Drafts answers."})
	if err != nil {
		t.Fatal(err)
	}
	var used string
	for i := range 205 {
		c, err := f.Components.CreateComponent(f.Ctx, org.ID, component.ComponentFields{Kind: "tool", Name: fmt.Sprintf("Tool %03d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			used = c.ID
		}
	}
	if _, err := f.Components.CreateComponent(f.Ctx, org.ID, component.ComponentFields{Kind: "model", Name: "Zephyr", Supplier: "Hugging Face"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Components.Link(f.Ctx, org.ID, s.ID, used, "", ""); err != nil {
		t.Fatal(err)
	}
	b := browserAs(t, f, boss, org)
	sysPath := "/systems/" + s.ID
	options := func(p page) []string {
		t.Helper()
		i := strings.Index(p.Body, `id="link-component"`)
		if i < 0 {
			return nil
		}
		sel := p.Body[i:]
		sel = sel[strings.Index(sel, ">")+1 : strings.Index(sel, "</select>")]
		return strings.Split(text(sel), ") ")
	}

	p := b.get(sysPath)
	expect(t, p, http.StatusOK, "")
	if got := options(p); len(got) != 200 || !strings.HasPrefix(got[0], "Tool 000") || !strings.HasPrefix(got[1], "Tool 002") {
		t.Errorf("without a search, %d choices from %q; want the first 200 by name of those not in use", len(got), got[:min(2, len(got))])
	}
	mustContain(t, p, "Find a component", "The first 200 matching components by name are offered")
	if strings.Contains(p.Body, "Zephyr") {
		t.Error("a component past the first 200 by name is offered without a search")
	}

	p = b.get(sysPath + "?link_q=hugging+face")
	expect(t, p, http.StatusOK, "")
	if got := options(p); len(got) != 1 || !strings.HasPrefix(got[0], "Zephyr") {
		t.Errorf("searching by supplier offers %q; want Zephyr", got)
	}
	if strings.Contains(p.Body, "matching components by name are offered") {
		t.Error("says more match when one does")
	}
	if !strings.Contains(p.Body, `value="hugging face"`) {
		t.Error("the search field does not keep the search")
	}

	p = b.get(sysPath + "?link_q=Tool+001")
	expect(t, p, http.StatusOK, "")
	if got := options(p); got != nil {
		t.Errorf("the component in use is offered: %q", got)
	}
	mustContain(t, p, "No component this system does not use matches “Tool 001”.")
}

// TestTheSystemPageShowsOnePageOfComponents keeps the system page small whatever the system uses: the
// first page of its components, how many there are, and a link to a components page that goes forward
// and back through the rest.
func TestTheSystemPageShowsOnePageOfComponents(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "lumen")
	viewer := newUser(t, f, "vic@lumen.example", org, aims.RoleViewer)
	s, err := f.Systems.Create(f.Ctx, org.ID, system.Fields{Name: "Support assistant", Purpose: "Drafts answers."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Components.ImportBOM(f.Ctx, org.ID, s.ID, bytes.NewReader(aibomtest.Trivial(1234)), "big.json"); err != nil {
		t.Fatal(err)
	}
	b := browserAs(t, f, viewer, org)
	p := b.get("/systems/" + s.ID)
	expect(t, p, http.StatusOK, "")
	if n := strings.Count(p.Body, "<td>lib-"); n != 50 {
		t.Errorf("the system page lists %d components, want the first page of 50", n)
	}
	mustContain(t, p, "Components 1,234", "Showing the first 50 of 1,234 components.")
	if !strings.Contains(p.Body, `href="/systems/`+s.ID+`/components"`) {
		t.Fatalf("the system page does not link to all its components:\n%s", excerpt(p))
	}

	// The components page goes forward to the last page and back to the first.
	p = b.get("/systems/" + s.ID + "/components")
	expect(t, p, http.StatusOK, "")
	var names []string
	seen := 0
	for pages := 0; ; pages++ {
		names = append(names, firstComponent(p.Body))
		seen += strings.Count(p.Body, "<td>lib-")
		next := hrefOf(p.Body, `rel="next"`)
		if next == "" || pages > 30 {
			break
		}
		p = b.get(next)
		expect(t, p, http.StatusOK, "")
	}
	if seen != 1234 || len(names) != 25 || names[24] != "lib-001200" {
		t.Fatalf("forward: %d components on %d pages, last page starting at %s", seen, len(names), names[len(names)-1])
	}
	for i := len(names) - 2; i >= 0; i-- {
		prev := hrefOf(p.Body, `rel="prev"`)
		if prev == "" {
			t.Fatalf("no previous page before %s", names[i+1])
		}
		p = b.get(prev)
		expect(t, p, http.StatusOK, "")
		if got := firstComponent(p.Body); got != names[i] || strings.Count(p.Body, "<td>lib-") != 50 {
			t.Fatalf("back to page %d: starts at %s, want %s", i+1, got, names[i])
		}
	}
	if hrefOf(p.Body, `rel="prev"`) != "" {
		t.Errorf("the first page, reached going back, still offers a previous page")
	}
	p = b.get("/systems/" + s.ID + "/components?after=bm9wZQ")
	expect(t, p, http.StatusBadRequest, "")
	mustContain(t, p, "The cursor is not valid.")
}

// firstComponent returns the name of the first component in a components table.
func firstComponent(body string) string {
	_, rest, ok := strings.Cut(body, "<td>lib-")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "<")
	return "lib-" + name
}

// hrefOf returns the (unescaped) href of the first link that carries attr (or text), or "".
func hrefOf(body, attr string) string {
	i := strings.Index(body, attr)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(body[:i], `href="`)
	if start < 0 {
		return ""
	}
	href, _, _ := strings.Cut(body[start+len(`href="`):], `"`)
	return html.UnescapeString(href)
}

// TestABOMOverTheComponentLimitIsRefusedOnTheForm says at the file field that the BOM holds more
// components than an import takes, naming the limit, and stores nothing.
func TestABOMOverTheComponentLimitIsRefusedOnTheForm(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "lumen")
	u := newUser(t, f, "ada@lumen.example", org, aims.RoleContributor)
	s, err := f.Systems.Create(f.Ctx, org.ID, system.Fields{Name: "Support assistant", Purpose: "Drafts answers."})
	if err != nil {
		t.Fatal(err)
	}
	f.Components.BOMMaxComponents = 30
	b := browserAs(t, f, u, org)
	before := activityCount(t, f, org.ID)
	p := b.upload("/systems/"+s.ID+"/bom", nil, map[string][2]string{"file": {"big.json", string(aibomtest.Trivial(31))}})
	expect(t, p, http.StatusBadRequest, "") // the form is shown again with the error at its field
	mustContain(t, p, "The BOM holds more than 30 components, the most one import takes", "bom_max_components", "Nothing was imported.")
	if !strings.Contains(p.Body, `id="bom-file-error"`) {
		t.Error("the error is not shown at the file field")
	}
	if n := activityCount(t, f, org.ID); n != before {
		t.Errorf("the refused upload changed the trail from %d to %d entries", before, n)
	}
}

// TestTheBOMPageAndHistoryComeAPageAtATime shows one window of a BOM's components with links through
// the rest, and the newest changes of a system with a link to older ones.
func TestTheBOMPageAndHistoryComeAPageAtATime(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "lumen")
	viewer := newUser(t, f, "vic@lumen.example", org, aims.RoleViewer)
	s, err := f.Systems.Create(f.Ctx, org.ID, system.Fields{Name: "Support assistant", Purpose: "Drafts answers."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Components.ImportBOM(f.Ctx, org.ID, s.ID, bytes.NewReader(aibomtest.Trivial(120)), "big.json"); err != nil {
		t.Fatal(err)
	}
	for i := range 55 {
		fs := system.FieldsOf(s)
		fs.Purpose = fmt.Sprintf("Drafts answers, take %d.", i)
		if s, err = f.Systems.Update(f.Ctx, org.ID, s.ID, fs, 0, fmt.Sprintf("Take %d.", i)); err != nil {
			t.Fatal(err)
		}
	}
	b := browserAs(t, f, viewer, org)
	p := b.get("/systems/" + s.ID + "/bom")
	expect(t, p, http.StatusOK, "")
	if n := strings.Count(p.Body, "<code>c"); n != 50 {
		t.Errorf("the BOM page lists %d components, want 50", n)
	}
	mustContain(t, p, "Components of version 1 120", "Showing 1 to 50 of 120.")
	p = b.get(hrefOf(p.Body, `rel="next"`))
	p = b.get(hrefOf(p.Body, `rel="next"`))
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "Showing 101 to 120 of 120.")
	if n := strings.Count(p.Body, "<code>c"); n != 20 || hrefOf(p.Body, `rel="next"`) != "" {
		t.Errorf("the last window lists %d components (want 20) or offers a next one", n)
	}

	p = b.get("/systems/" + s.ID)
	expect(t, p, http.StatusOK, "")
	if strings.Contains(p.Body, "Take 4.") || !strings.Contains(p.Body, "Take 54.") {
		t.Errorf("the system page does not start its history at the newest change:\n%s", excerpt(p))
	}
	older := hrefOf(p.Body, `Older changes`)
	if older == "" {
		t.Fatalf("no link to older changes")
	}
	p = b.get(older)
	expect(t, p, http.StatusOK, "")
	if !strings.Contains(p.Body, "Take 4.") || strings.Contains(p.Body, "Take 54.") {
		t.Errorf("the older changes are not the rest of the history:\n%s", excerpt(p))
	}
}
