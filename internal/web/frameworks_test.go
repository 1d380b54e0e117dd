package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/framework"
)

// upload posts a multipart form with fields and files (field name -> file name and content), as a
// browser sends a form with file inputs.
func (b *browser) upload(path string, fields map[string]string, files map[string][2]string) page {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			b.t.Fatal(err)
		}
	}
	for field, f := range files {
		w, err := mw.CreateFormFile(field, f[0])
		if err != nil {
			b.t.Fatal(err)
		}
		if _, err := io.WriteString(w, f[1]); err != nil {
			b.t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		b.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, b.f.Srv.URL+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return page{Status: res.StatusCode, Location: res.Header.Get("Location"), Header: res.Header, Body: string(raw)}
}

func sharedOSCAL(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "oscal", name))
	if err != nil {
		t.Fatalf("cannot read test data in testdata/ at the repository root: %v", err)
	}
	return string(b)
}

func TestAManagerImportsBrowsesAndDeletesAFramework(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	b := browserAs(t, f, newUser(t, f, "manager@example.com", org, aims.RoleManager), org)

	p := b.get("/frameworks")
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "ISO/IEC 42001:2023", "NIST AI RMF 1.0", "EU AI Act", "No frameworks imported yet.", "Import a framework", "Import your licensed text")
	checkHTML(t, "/frameworks", p)

	// A bad file: the form shows each problem and where.
	p = b.upload("/frameworks", map[string]string{"key": "broken"}, map[string][2]string{"file": {"broken.json", `{"catalog":{"uuid":"x","metadata":{}}}`}})
	expect(t, p, http.StatusBadRequest, "")
	mustContain(t, p, "not a valid OSCAL catalog", "/catalog/uuid", "/catalog/metadata", "missing properties")
	checkHTML(t, "POST /frameworks", p)
	p = b.upload("/frameworks", map[string]string{"key": "bad"}, map[string][2]string{"file": {"bad.csv", "ref,title,kind\nA,x,widget\n"}})
	expect(t, p, http.StatusBadRequest, "")
	mustContain(t, p, "line 2", `kind "widget"`)
	p = b.upload("/frameworks", map[string]string{"key": "none"}, nil)
	expect(t, p, http.StatusBadRequest, "")
	mustContain(t, p, "Choose a file to import.")

	// A catalog, then a profile resolved against it by its file's name.
	p = b.upload("/frameworks", map[string]string{"key": "low"}, map[string][2]string{
		"file": {"NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json", sharedOSCAL(t, "NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json")}})
	expect(t, p, http.StatusSeeOther, "/frameworks/low")
	p = b.upload("/frameworks", map[string]string{"key": "low-baseline", "name": "Our LOW baseline"}, map[string][2]string{
		"file":    {"NIST_SP-800-53_rev5_LOW-baseline_profile.json", sharedOSCAL(t, "NIST_SP-800-53_rev5_LOW-baseline_profile.json")},
		"catalog": {"catalog.json", sharedOSCAL(t, "NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json")}})
	expect(t, p, http.StatusSeeOther, "/frameworks/low-baseline")
	p = b.get("/frameworks/low-baseline")
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "Imported Our LOW baseline as low-baseline, revision 1: 167 requirements, 149 to meet.", "AC-2 Account Management", "IA-2(1)")
	checkHTML(t, "/frameworks/low-baseline", p)
	if !strings.Contains(p.Body, `href="/frameworks/low-baseline/requirements/IA-2%281%29"`) && !strings.Contains(p.Body, `href="/frameworks/low-baseline/requirements/IA-2(1)"`) {
		t.Errorf("no link to IA-2(1)")
	}

	// Search the tree.
	p = b.get("/frameworks/low-baseline?q=account+management")
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "Requirements matching “account management”", "AC-2 Account Management")
	if strings.Contains(text(p.Body), "PE-2 ") {
		t.Error("the search shows requirements that do not match")
	}
	p = b.get("/frameworks/low-baseline?q=")
	expect(t, p, http.StatusBadRequest, "")
	mustContain(t, p, "Type something to search for.")

	// Export, then delete.
	p = b.get("/frameworks/low-baseline/export?format=csv")
	expect(t, p, http.StatusOK, "")
	if !strings.HasPrefix(p.Body, "ref,title,parent_ref,kind,text,assessable\nac,Access Control,,group,") ||
		p.Header.Get("Content-Disposition") != `attachment; filename="low-baseline.csv"` {
		t.Errorf("CSV export %q, %v", p.Body[:min(80, len(p.Body))], p.Header)
	}
	// A cell a spreadsheet would run as a formula is exported with an apostrophe before it.
	p = b.upload("/frameworks", map[string]string{"key": "sheet"}, map[string][2]string{
		"file": {"sheet.csv", "ref,title\nA,\"=HYPERLINK(\"\"http://evil.example\"\")\"\nB,+cmd|calc\n"}})
	expect(t, p, http.StatusSeeOther, "/frameworks/sheet")
	p = b.get("/frameworks/sheet/export?format=csv")
	expect(t, p, http.StatusOK, "")
	if want := "ref,title,parent_ref,kind,text,assessable\nA,\"'=HYPERLINK(\"\"http://evil.example\"\")\",,control,,yes\nB,'+cmd|calc,,control,,yes\n"; p.Body != want {
		t.Errorf("CSV export %q, want %q", p.Body, want)
	}
	p = b.get("/frameworks/low-baseline/export?format=pdf")
	expect(t, p, http.StatusBadRequest, "")
	p = b.post("/frameworks/low-baseline/delete", url.Values{"revision": {"7"}})
	expect(t, p, http.StatusPreconditionFailed, "")
	mustContain(t, p, "newer revision")
	p = b.post("/frameworks/low-baseline/delete", url.Values{"revision": {"1"}})
	expect(t, p, http.StatusSeeOther, "/frameworks")
	expect(t, b.get("/frameworks/low-baseline"), http.StatusNotFound, "")
	p = b.post("/frameworks/"+framework.ISO42001+"/delete", url.Values{"revision": {"1"}})
	expect(t, p, http.StatusConflict, "")
}

func TestTheRequirementPageShowsGuidanceLicensedTextAndMappings(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	b := browserAs(t, f, newUser(t, f, "manager@example.com", org, aims.RoleManager), org)
	viewer := browserAs(t, f, newUser(t, f, "viewer@example.com", org, aims.RoleViewer), org)

	p := b.get("/frameworks/" + framework.ISO42001 + "/requirements/A.6.2.4")
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "A.6.2.4 AI system verification and validation", "Guidance by aims", "Evidence an auditor expects",
		"Questions an auditor asks", "Maps to", "MEASURE", "published crosswalk", "Add a mapping of your own")
	checkHTML(t, "requirement", p)

	// The organization's licensed text, clearly labelled.
	p = b.upload("/licensed-texts", nil, map[string][2]string{"file": {"iso.csv",
		"framework,ref,text,source\n" + framework.ISO42001 + ",A.6.2.4,Our licensed words.,ISO licence 42\n"}})
	expect(t, p, http.StatusSeeOther, "/frameworks")
	p = viewer.get("/frameworks/" + framework.ISO42001 + "/requirements/A.6.2.4")
	mustContain(t, p, "Licensed text licensed to your organization", "Our licensed words.", "ISO licence 42", "never included in exports")
	if strings.Contains(p.Body, "Add a mapping of your own") {
		t.Error("a viewer is offered the mapping form")
	}
	p = b.upload("/licensed-texts", map[string]string{"framework": framework.ISO42001}, map[string][2]string{"file": {"basic.json", sharedOSCAL(t, "basic-catalog.json")}})
	expect(t, p, http.StatusBadRequest, "")
	mustContain(t, p, "/catalog/groups/0/groups/0/controls/0", "is a ref of")

	// A ref with a space in its address, and an own mapping added and removed.
	p = b.get("/frameworks/" + framework.NISTAIRMF + "/requirements/GOVERN%201.1")
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "GOVERN 1.1", "Legal and regulatory requirements involving AI")
	self := "/frameworks/" + framework.NISTAIRMF + "/requirements/GOVERN%201.1"
	if !strings.Contains(p.Body, `action="`+self+`/mappings#map-title"`) {
		t.Fatalf("the mapping form does not post to %s/mappings", self)
	}
	p = b.post(self+"/mappings", url.Values{"to_framework": {framework.EUAIAct}, "to_ref": {"999"}, "relationship": {"subset"}})
	expect(t, p, http.StatusBadRequest, "")
	mustContain(t, p, `has no requirement "999"`)
	if !strings.Contains(p.Body, `id="map-ref-error"`) {
		t.Error("the error is not beside the field")
	}
	p = b.post(self+"/mappings", url.Values{"to_framework": {framework.EUAIAct}, "to_ref": {"9"}, "relationship": {"subset"},
		"source": {"Our legal review"}, "rationale": {"Article 9 needs the legal basis."}})
	expect(t, p, http.StatusSeeOther, self)
	p = b.get(self)
	mustContain(t, p, "Mapped GOVERN 1.1 to 9 (subset).", "Our legal review", "Article 9 needs the legal basis.", "own")
	p = b.get("/frameworks/" + framework.EUAIAct + "/requirements/9")
	mustContain(t, p, "GOVERN 1.1", "superset", "Our legal review")
	i := strings.Index(p.Body, `action="/mappings/`)
	if i < 0 {
		t.Fatal("no form removes the own mapping")
	}
	action := p.Body[i+len(`action="`):]
	action = action[:strings.Index(action, `"`)]
	p = b.post(action, url.Values{"back": {"/frameworks/" + framework.EUAIAct + "/requirements/9"}})
	expect(t, p, http.StatusSeeOther, "/frameworks/"+framework.EUAIAct+"/requirements/9")
	if strings.Contains(text(b.get("/frameworks/"+framework.EUAIAct+"/requirements/9").Body), "Our legal review") {
		t.Error("the mapping is still shown")
	}
	expect(t, b.get("/frameworks/"+framework.ISO42001+"/requirements/A.99"), http.StatusNotFound, "")
}

func TestTheSidebarHasTheCatalog(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	p := browserAs(t, f, newUser(t, f, "viewer@example.com", org, aims.RoleViewer), org).get("/frameworks")
	nav := p.Body[strings.Index(p.Body, `<nav class="sidebar"`):]
	nav = nav[:strings.Index(nav, "</nav>")]
	catalog, admin := strings.Index(nav, ">Catalog<"), strings.Index(nav, ">Administration<")
	if catalog < 0 || admin < 0 || catalog > admin || !strings.Contains(nav, `href="/frameworks" aria-current="page"`) {
		t.Fatalf("the sidebar does not list the catalog, active, above Administration:\n%s", text(nav))
	}
	if strings.Contains(p.Body, "Import a framework") {
		t.Error("a viewer is offered the import form")
	}
}
