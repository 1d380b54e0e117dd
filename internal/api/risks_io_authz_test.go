package api_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/risk/riskreport"
	"github.com/xuri/excelize/v2"
)

// risksIOMatrixCall returns the matrix's call of a route of the register's import and reports, and
// true, or false for other routes.
func (e *env) risksIOMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	callerOrg := caller.Org.ID
	switch method + " " + path {
	case "POST /api/v1/risks/import":
		e.seedRisk(t, callerOrg) // the criteria exist: the import writes its one entry alone
		title := "Imported by " + string(caller.Role) + " " + aims.NewID()
		c.body = "title,system,source,owner,likelihood,consequence,status\n" + title + ",,C.3.1,,Likely,Minor,\n"
		c.header = http.Header{"Content-Type": {"text/csv"}}
		return c, func(t *testing.T, _ *response, changed bool) {
			rs, _, err := e.Risks.List(e.Ctx, callerOrg, risk.Filter{Query: title}, pageAll)
			if err != nil || changed != (len(rs) == 1) {
				t.Errorf("the caller's risks titled %q: %d, %v (changed %v)", title, len(rs), err, changed)
			}
		}, true
	case "GET /api/v1/risks/treatment-plan":
		other := e.seedRisk(t, tg.org.ID)
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			x, err := excelize.OpenReader(bytes.NewReader(res.body))
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			rows, _ := x.GetRows(riskreport.SheetPlan)
			for _, row := range rows {
				if len(row) > 1 && row[1] == other.Title && callerOrg != tg.org.ID {
					t.Errorf("the treatment plan lists risk %s of another organization", other.Ref)
				}
			}
		}, true
	}
	return c, nil, false
}
