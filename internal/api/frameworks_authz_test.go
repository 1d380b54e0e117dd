package api_test

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

// mappedRefs hands out a fresh ISO/IEC 42001 requirement for each mapping the matrix creates, so that no
// two calls map the same pair.
var mappedRefs atomic.Int64

var matrixISORefs = []string{"4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.2",
	"6.3", "7.1", "7.2", "7.3", "7.4", "7.5.1", "7.5.2", "7.5.3", "8.1", "8.2", "8.3", "8.4", "9.1", "9.2.1", "9.2.2"}

// frameworkMatrixCall is matrixCall for the routes of frameworks, requirements, mappings and licensed
// texts. Reads address a built-in framework, which every organization sees; changes act on fresh
// records. ok is false for any other route.
func (e *env) frameworkMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	callerOrg, org := caller.Org.ID, tg.org
	svc := e.App.Frameworks
	noCheck := func(*testing.T, *response, bool) {}
	switch method + " " + path {
	case "GET /api/v1/frameworks":
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			var l struct{ Items []*framework.Framework }
			res.decode(t, &l)
			for _, f := range l.Items {
				if f.Kind != framework.KindBuiltin {
					if _, err := svc.Framework(e.Ctx, callerOrg, f.Key); err != nil {
						t.Errorf("listed framework %s, which is not the caller's organization's", f.Key)
					}
				}
			}
		}, true
	case "GET /api/v1/frameworks/{key}", "GET /api/v1/frameworks/{key}/requirements":
		c.path = samplePath.Replace(path)
		return c, noCheck, true
	case "GET /api/v1/frameworks/{key}/export":
		c.path = samplePath.Replace(path) + "?format=csv"
		return c, noCheck, true
	case "GET /api/v1/frameworks/{key}/requirements/{ref}":
		c.path = "/api/v1/frameworks/nist-ai-rmf-1.0/requirements/GOVERN%201.1"
		return c, noCheck, true
	case "GET /api/v1/search":
		c.path += "?q=verification"
		return c, noCheck, true
	case "POST /api/v1/frameworks":
		key := "matrix-" + aims.NewID()
		c.path += "?key=" + key
		c.body, c.header = "ref,title\nA,Alpha\nB,Bravo\n", http.Header{"Content-Type": {"text/csv"}}
		return c, func(t *testing.T, res *response, changed bool) {
			_, err := svc.Framework(e.Ctx, callerOrg, key)
			if changed != (err == nil) {
				t.Errorf("after the import the caller's organization has the framework: %v (changed %v)", err == nil, changed)
			}
		}, true
	case "DELETE /api/v1/frameworks/{key}":
		// The same key in the target organization and the caller's: the caller deletes its own.
		key := "matrix-" + aims.NewID()
		for _, id := range []string{org.ID, callerOrg} {
			if _, err := svc.Framework(e.Ctx, id, key); err == nil {
				continue
			}
			if _, err := svc.Import(e.Ctx, framework.ImportRequest{OrgID: id, Key: key, Format: framework.FormatCSV, Data: []byte("ref,title\nA,Alpha\n")}); err != nil {
				t.Fatal(err)
			}
		}
		c.path = "/api/v1/frameworks/" + key
		return c, func(t *testing.T, res *response, changed bool) {
			_, err := svc.Framework(e.Ctx, callerOrg, key)
			if changed != (aims.ErrorCode(err) == aims.ENOTFOUND) {
				t.Errorf("after the call the caller's framework exists: %v (changed %v)", err == nil, changed)
			}
			if callerOrg != org.ID {
				if _, err := svc.Framework(e.Ctx, org.ID, key); err != nil {
					t.Errorf("the other organization's framework is gone: %v", err)
				}
			}
		}, true
	case "POST /api/v1/licensed-texts":
		ref := matrixISORefs[int(mappedRefs.Add(1))%len(matrixISORefs)]
		text := "Licensed words " + aims.NewID()
		c.body, c.header = "framework,ref,text\n"+framework.ISO42001+","+ref+","+text+"\n", http.Header{"Content-Type": {"text/csv"}}
		return c, func(t *testing.T, res *response, changed bool) {
			d, err := svc.Requirement(e.Ctx, callerOrg, framework.ISO42001, ref)
			if err != nil {
				t.Fatal(err)
			}
			got := d.LicensedText != nil && d.LicensedText.Text == text
			if changed != got {
				t.Errorf("after the call the caller's organization has the text: %v (changed %v)", got, changed)
			}
		}, true
	case "POST /api/v1/mappings":
		ref := matrixISORefs[int(mappedRefs.Add(1))%len(matrixISORefs)]
		to := fmt.Sprintf("MAP %d.%d", 1+int(mappedRefs.Load())%5, 1+int(mappedRefs.Load())%2)
		c.body = map[string]any{"from_framework": framework.ISO42001, "from_ref": ref, "to_framework": framework.NISTAIRMF,
			"to_ref": to, "relationship": "intersects", "source": "matrix"}
		return c, func(t *testing.T, res *response, changed bool) {
			if !changed {
				return
			}
			var m framework.Mapping
			res.decode(t, &m)
			if m.ID == "" || m.Source != "matrix" {
				t.Errorf("created mapping %+v", m)
			}
		}, true
	case "DELETE /api/v1/mappings/{id}":
		ref := matrixISORefs[int(mappedRefs.Add(1))%len(matrixISORefs)]
		risk := fmt.Sprint(1 + int(mappedRefs.Load())%12)
		m, err := svc.CreateMapping(e.Ctx, org.ID, framework.MappingRequest{FromFramework: framework.ISO42001, FromRef: ref,
			ToFramework: framework.NIST600, ToRef: risk, Relationship: framework.RelIntersects})
		if err != nil {
			t.Fatal(err)
		}
		c.path = "/api/v1/mappings/" + m.ID
		return c, func(t *testing.T, res *response, changed bool) {
			d, err := svc.Requirement(e.Ctx, org.ID, framework.ISO42001, ref)
			if err != nil {
				t.Fatal(err)
			}
			still := false
			for _, r := range d.Related {
				still = still || r.Mapping.ID == m.ID
			}
			if changed == still {
				t.Errorf("after the call the mapping is still there: %v (changed %v)", still, changed)
			}
		}, true
	}
	return c, nil, false
}
