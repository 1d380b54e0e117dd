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

// TestMappedReadinessThroughTheAPI: a viewer pages the NIST AI RMF's subcategories, each as far as the
// ISO/IEC 42001 items the crosswalk maps to it, with the roll-up of them all; a framework that is not
// mapped and a bad cursor are 400s.
func TestMappedReadinessThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	viewer := e.member(t, acme, aims.RoleViewer)
	var page struct {
		readiness.MappedReadiness
		NextCursor string `json:"next_cursor"`
	}
	e.do(t, "GET", "/api/v1/readiness/mapped?framework=nist-ai-rmf-1.0&limit=10", viewer.Token, nil).want(t, 200).decode(t, &page)
	if page.Title == "" || page.Targets < 70 || page.Rollup.Items != page.Targets || len(page.Items) != 10 || page.NextCursor == "" {
		t.Fatalf("first page: %+v", page)
	}
	if it := page.Items[0]; it.Ref != "GOVERN 1.1" || it.Step != readiness.StepOwn || it.Next == "" || len(it.Via) == 0 || it.By == "" {
		t.Errorf("GOVERN 1.1: %+v", it)
	}
	first := page.Items[0].Ref
	cursor := page.NextCursor
	page.Items = nil
	e.do(t, "GET", "/api/v1/readiness/mapped?framework=nist-ai-rmf-1.0&limit=10&cursor="+cursor, viewer.Token, nil).want(t, 200).decode(t, &page)
	if len(page.Items) != 10 || page.Items[0].Ref == first {
		t.Errorf("second page: %+v", page.Items)
	}
	for _, q := range []string{"framework=iso42001-2023", "framework=nist-ai-rmf-1.0&cursor=zz"} {
		e.do(t, "GET", "/api/v1/readiness/mapped?"+q, viewer.Token, nil).want(t, 400)
	}
}
