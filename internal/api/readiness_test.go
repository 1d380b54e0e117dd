package api_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/readiness"
	"github.com/aimsproject/aims/internal/system"
)

// TestReadinessThroughTheAPI: an auditor reads the organization's readiness: every clause item and
// Annex A control counted, the gaps with their next action, the documented information and today's
// trend row.
func TestReadinessThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	auditor := e.member(t, acme, aims.RoleAuditor)
	var r readiness.Readiness
	e.do(t, "GET", "/api/v1/readiness", auditor.Token, nil).want(t, 200).decode(t, &r)
	if r.Overall.Items < 38 || r.GapCount != r.Overall.Items || len(r.Gaps) == 0 || r.Gaps[0].Next == "" || len(r.Documents) != 17 ||
		len(r.Trend) != 1 || len(r.Groups) != 9 {
		t.Errorf("readiness: %+v", r)
	}
}

// TestReadinessBySystemThroughTheAPI: the roll-up by AI system pages the organization's systems by name,
// each against the gate of its next stage with the conditions it meets; a bad cursor is a 400.
func TestReadinessBySystemThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	viewer := e.member(t, acme, aims.RoleViewer)
	for _, n := range []string{"Beta", "Alpha", "Gamma"} {
		if _, err := e.Systems.Create(e.Ctx, acme.ID, system.Fields{Name: n, Purpose: "Answers questions.", Stage: "design_and_development"}); err != nil {
			t.Fatal(err)
		}
	}
	var page struct {
		Items      []readiness.SystemState `json:"items"`
		NextCursor string                  `json:"next_cursor"`
	}
	e.do(t, "GET", "/api/v1/readiness/systems?limit=2", viewer.Token, nil).want(t, 200).decode(t, &page)
	if len(page.Items) != 2 || page.Items[0].Name != "Alpha" || page.Items[1].Name != "Beta" || page.NextCursor == "" {
		t.Fatalf("first page: %+v", page)
	}
	a := page.Items[0]
	if a.Gate != "verification_and_validation" || a.Open || a.Conditions == 0 || a.Met+a.Unmet != a.Conditions || a.Missing == "" {
		t.Errorf("Alpha against its gate: %+v", a)
	}
	cursor := page.NextCursor
	page.Items, page.NextCursor = nil, ""
	e.do(t, "GET", "/api/v1/readiness/systems?limit=2&cursor="+cursor, viewer.Token, nil).want(t, 200).decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].Name != "Gamma" || page.NextCursor != "" {
		t.Errorf("second page: %+v", page)
	}
	e.do(t, "GET", "/api/v1/readiness/systems?cursor=not-a-cursor", viewer.Token, nil).want(t, 400)
}
