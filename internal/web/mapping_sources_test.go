package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/framework"
)

// A clause alignment derived from the shared structure of ISO management-system standards is labelled as
// such, never as a published crosswalk; published, aims-authored and own mappings each have their label.
func TestTheRequirementPageLabelsEachKindOfMappingSourceTruthfully(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	b := browserAs(t, f, newUser(t, f, "manager@example.com", org, aims.RoleManager), org)

	// ISO/IEC 27001 6.3 is mapped only by the derived clause alignment.
	p := b.get("/frameworks/" + framework.ISO27001 + "/requirements/6.3")
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "6.3 Planning of changes", "derived alignment, not published", "derived-structural")
	// (The source itself says "NOT a published crosswalk"; the badge is what must not.)
	if strings.Contains(p.Body, "source-published") || strings.Contains(p.Body, ">published crosswalk<") {
		t.Errorf("a derived alignment is badged as a published crosswalk:\n%s", excerpt(p))
	}
	checkHTML(t, "requirement", p)

	// A.8.4 has published NIST pairs and aims's EU AI Act pairs.
	p = b.get("/frameworks/" + framework.ISO42001 + "/requirements/A.8.4")
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "published crosswalk", "NIST AIRC crosswalk", "authored by aims", "Art. 73 time limits",
		"at the latest 15 days", "at the latest 10 days", "at the latest 2 days")
	if !strings.Contains(p.Body, `class="badge source-published">published crosswalk<`) || strings.Contains(p.Body, "source-derived") {
		t.Error("A.8.4's NIST pairs are not badged published, or it shows a derived alignment it does not have")
	}

	// An own mapping is the organization's.
	p = b.post("/frameworks/"+framework.ISO27001+"/requirements/6.3/mappings", map[string][]string{
		"to_framework": {framework.NISTAIRMF}, "to_ref": {"GOVERN 1.1"}, "relationship": {"intersects"}, "source": {"our gap analysis"}})
	expect(t, p, http.StatusSeeOther, "")
	p = b.get("/frameworks/" + framework.ISO27001 + "/requirements/6.3")
	mustContain(t, p, "your own", "our gap analysis", "derived alignment, not published")

	// A NIST AI RMF category is titled with NIST's statement.
	p = b.get("/frameworks/" + framework.NISTAIRMF + "/requirements/MEASURE%203")
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "MEASURE 3 Mechanisms for tracking identified AI risks over time are in place.")
}
