package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestAControlsTwoPagesLeadToEachOtherAndTheTreeShowsStates checks the demo's A.6.2.4: its implementation
// page and its catalog page carry the same two tabs, each marking itself, the guidance's lists are shown
// on the catalog page only, and the ISO/IEC 42001 tree shows the organization's state of each control it
// implements, linking to the implementation.
func TestAControlsTwoPagesLeadToEachOtherAndTheTreeShowsStates(t *testing.T) {
	t.Parallel()
	f, org, owner := demoFixture(t)
	b := browserAs(t, f, owner, org)
	impl, catalog := "/controls/iso42001-2023/A.6.2.4", "/frameworks/iso42001-2023/requirements/A.6.2.4"

	ip, cp := b.get(impl), b.get(catalog)
	expect(t, ip, http.StatusOK, "")
	expect(t, cp, http.StatusOK, "")
	for _, c := range []struct {
		name, body, current string
	}{{"the implementation page", ip.Body, impl}, {"the catalog page", cp.Body, catalog}} {
		i := strings.Index(c.body, `<nav class="tabs requirement-tabs"`)
		if i < 0 {
			t.Errorf("%s has no tabs", c.name)
			continue
		}
		tabs := c.body[i : i+strings.Index(c.body[i:], "</nav>")]
		if !strings.Contains(tabs, `href="`+impl+`"`) || !strings.Contains(tabs, `href="`+catalog+`"`) ||
			!strings.Contains(tabs, `href="`+c.current+`" class="active" aria-current="page"`) {
			t.Errorf("%s's tabs do not lead to both pages, marking itself:\n%s", c.name, tabs)
		}
	}
	if strings.Contains(ip.Body, "<h3>What auditors ask</h3>") || !strings.Contains(cp.Body, "Questions an auditor asks") {
		t.Error("the guidance's lists are repeated on the implementation page, or missing from the catalog page")
	}

	tree := b.get("/frameworks/iso42001-2023")
	expect(t, tree, http.StatusOK, "")
	if !strings.Contains(tree.Body, `tree-state" href="`+impl+`"`) {
		t.Errorf("the tree does not show A.6.2.4's state with a link to its implementation")
	}
	if n := strings.Count(tree.Body, `tree-state"`); n < 38 {
		t.Errorf("the tree shows the state of %d requirements, want at least the 38 Annex A controls", n)
	}
	if !strings.Contains(tree.Body, `<a class="pill pill-excluded tree-state"`) {
		t.Error("the tree does not show the excluded controls")
	}
}
