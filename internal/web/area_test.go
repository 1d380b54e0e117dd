package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
)

// TestTheContextPageListsWhatExists checks that the Context area says the AI roles and the inventory of AI
// systems are available, with links, rather than listing them among what the area will hold, and that
// "Partly available" is marked neutrally (not in the green of what is done) on every area page.
func TestTheContextPageListsWhatExists(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	b := browserAs(t, f, newUser(t, f, "owner@example.com", org, aims.RoleOwner), org)

	p := b.get("/context")
	expect(t, p, http.StatusOK, "")
	body := p.Body
	available := body[strings.Index(body, "Available now"):strings.Index(body, "What this area will hold")]
	for _, href := range []string{`href="/context/ai-roles"`, `href="/systems"`} {
		if !strings.Contains(available, href) {
			t.Errorf("the Context page's available parts do not link %s:\n%s", href, text(available))
		}
	}
	future := body[strings.Index(body, "What this area will hold"):]
	for _, built := range []string{"inventory", "roles towards each AI system"} {
		if strings.Contains(future, built) {
			t.Errorf("the Context page lists %q as a future item", built)
		}
	}

	partly := regexp.MustCompile(`<span class="([^"]*)">Partly available</span>`)
	for _, path := range []string{"/", "/context", "/planning", "/operation"} {
		ms := partly.FindAllStringSubmatch(b.get(path).Body, -1)
		if len(ms) == 0 {
			t.Errorf("%s says nothing is partly available", path)
		}
		for _, m := range ms {
			if strings.Contains(m[1], "badge-ready") {
				t.Errorf("%s marks “Partly available” as %q, the green of what is done", path, m[1])
			}
		}
	}
}
