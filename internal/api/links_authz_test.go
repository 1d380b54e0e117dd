package api_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// seedLink links a fresh system of orgID to ISO/IEC 42001's A.6.2.4 and returns the link.
func (e *env) seedLink(t *testing.T, orgID string) *record.Link {
	t.Helper()
	s := e.seedSystem(t, orgID)
	l, err := e.Records.Link(e.Ctx, orgID, record.NewLink{Relationship: "implements", From: "system:" + s.ID, To: "control:iso42001-2023/A.6.2.4"})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// linksMatrixCall returns the matrix's call of a link route, and true, or false for other routes.
func (e *env) linksMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	callerOrg := caller.Org.ID
	switch method + " " + path {
	case "GET /api/v1/relationships":
		return c, func(t *testing.T, res *response, _ bool) {}, true
	case "GET /api/v1/links":
		// The caller asks for the links of a record of their own organization, which must hold none of
		// another organization's links.
		e.seedLink(t, tg.org.ID)
		l := e.seedLink(t, callerOrg)
		c.path = "/api/v1/links?to=control:iso42001-2023/A.6.2.4"
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			var got struct{ Items []record.Link }
			res.decode(t, &got)
			seen := false
			for _, x := range got.Items {
				if _, err := e.Records.Get(e.Ctx, callerOrg, x.ID); err != nil {
					t.Errorf("listed link %s of another organization", x.ID)
				}
				seen = seen || x.ID == l.ID
			}
			if !seen {
				t.Errorf("the caller's own link is not listed")
			}
		}, true
	case "POST /api/v1/links":
		s := e.seedSystem(t, callerOrg)
		c.body = map[string]any{"relationship": "implements", "from": "system:" + s.ID, "to": "control:iso42001-2023/A.5.2"}
		return c, func(t *testing.T, _ *response, changed bool) {
			ls, _, err := e.Records.List(e.Ctx, callerOrg, record.Filter{From: &record.Ref{Type: record.TypeSystem, ID: s.ID}}, pageAll)
			if err != nil || changed != (len(ls) == 1) {
				t.Errorf("links from the caller's system: %d, %v (changed %v)", len(ls), err, changed)
			}
		}, true
	case "GET /api/v1/links/{id}", "DELETE /api/v1/links/{id}":
		l := e.seedLink(t, tg.org.ID)
		c.path = "/api/v1/links/" + l.ID
		return c, func(t *testing.T, _ *response, changed bool) {
			_, err := e.Records.Get(e.Ctx, tg.org.ID, l.ID)
			switch {
			case method == "GET":
			case !changed && err != nil:
				t.Errorf("a refused call deleted the link: %v", err)
			case changed && aims.ErrorCode(err) != aims.ENOTFOUND:
				t.Errorf("the link after an allowed deletion: %v", err)
			}
		}, true
	}
	return c, nil, false
}
