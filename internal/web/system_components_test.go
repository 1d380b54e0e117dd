package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
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

	m, err := f.Systems.CreateComponent(f.Ctx, org.ID, system.ComponentFields{Kind: "model", Name: "Llama <3>", ComponentVersion: "3.1",
		Supplier: "Meta", Licence: "Llama 3.1 Community"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Systems.Link(f.Ctx, org.ID, s.ID, m.ID, "primary model", ""); err != nil {
		t.Fatal(err)
	}
	d, err := f.Systems.CreateComponent(f.Ctx, org.ID, system.ComponentFields{Kind: "dataset", Name: "Support tickets"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Systems.Link(f.Ctx, org.ID, s.ID, d.ID, "", ""); err != nil {
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
		c, err := f.Systems.CreateComponent(f.Ctx, org.ID, system.ComponentFields{Kind: "tool", Name: fmt.Sprintf("Tool %03d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			used = c.ID
		}
	}
	if _, err := f.Systems.CreateComponent(f.Ctx, org.ID, system.ComponentFields{Kind: "model", Name: "Zephyr", Supplier: "Hugging Face"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Systems.Link(f.Ctx, org.ID, s.ID, used, "", ""); err != nil {
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
	if got := options(p); len(got) != 199 || !strings.HasPrefix(got[0], "Tool 000") || !strings.HasPrefix(got[1], "Tool 002") {
		t.Errorf("without a search, %d choices from %q; want the first 200 by name less the one in use", len(got), got[:min(2, len(got))])
	}
	mustContain(t, p, "Find a component", "The first 199 matching components by name are offered")
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
