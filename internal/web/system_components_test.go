package web_test

import (
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
