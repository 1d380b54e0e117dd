package api_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/readiness"
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
