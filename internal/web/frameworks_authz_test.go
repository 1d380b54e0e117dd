package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/framework"
)

// catalogSeq and mappingSeq make each of the matrix's catalog requests act on records of its own.
var catalogSeq, mappingSeq, mappingDeleteSeq atomic.Int64

// prepareCatalog fills in the matrix's request for a route of the catalog (frameworks, requirements,
// mappings, licensed texts) against target; other routes are left alone.
func prepareCatalog(t *testing.T, f *apptest.Fixture, r *matrixRequest, route string, target *account.Organization) {
	t.Helper()
	n, k := catalogSeq.Add(1), mappingSeq.Load()
	svc := f.App.Frameworks
	switch route {
	case "GET /frameworks/{key}":
		r.path = "/frameworks/" + framework.ISO42001
	case "GET /frameworks/{key}/export":
		r.path = "/frameworks/" + framework.NISTAIRMF + "/export?format=csv"
	case "GET /frameworks/{key}/requirements/{ref}":
		r.path = "/frameworks/" + framework.NISTAIRMF + "/requirements/GOVERN%201.1"
	case "POST /frameworks", "POST /licensed-texts":
		// The matrix sends urlencoded forms; an import form without a file is answered by the handler
		// with the form and its error, which shows the route was reached.
		r.okStatus = http.StatusBadRequest
	case "POST /frameworks/{key}/delete":
		key := fmt.Sprintf("matrix-%d", n)
		if _, err := svc.Import(f.Ctx, framework.ImportRequest{OrgID: target.ID, Key: key, Format: framework.FormatCSV,
			Data: []byte("ref,title\nA,Alpha\n")}); err != nil {
			t.Fatal(err)
		}
		r.path = "/frameworks/" + key + "/delete"
		r.form.Set("revision", "1")
		r.okLocation = "/frameworks"
	case "POST /frameworks/{key}/requirements/{ref}/mappings":
		self := "/frameworks/" + framework.NISTAIRMF + "/requirements/GOVERN%201.1"
		r.path = self + "/mappings"
		k = mappingSeq.Add(1)
		r.form = url.Values{"to_framework": {framework.NIST600}, "to_ref": {fmt.Sprint(1 + k%12)}, "relationship": {"intersects"}}
		r.okLocation = self
	case "POST /mappings/{id}/delete":
		// A counter of this route's own: the global one's values could repeat a pair modulo 37.
		d := mappingDeleteSeq.Add(1)
		m, err := svc.CreateMapping(f.Ctx, target.ID, framework.MappingRequest{FromFramework: framework.NIST600, FromRef: fmt.Sprint(1 + (d/37)%12),
			ToFramework: framework.ISO27001, ToRef: fmt.Sprintf("A.5.%d", 1+d%37), Relationship: framework.RelIntersects})
		if err != nil {
			t.Fatal(err)
		}
		r.path = "/mappings/" + m.ID + "/delete"
		r.form.Set("back", "/frameworks")
		r.okLocation = "/frameworks"
	}
}
