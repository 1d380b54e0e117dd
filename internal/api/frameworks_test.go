package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/framework/oscal"
)

func oscalTestFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "oscal", name))
	if err != nil {
		t.Fatalf("cannot read test data in testdata/ at the repository root: %v", err)
	}
	return b
}

// importProblem is the problem an import answers with when the file is bad.
type importProblem struct {
	Code   string            `json:"code"`
	Field  string            `json:"field"`
	Errors []framework.Issue `json:"errors"`
}

func csvCall(method, path, token, body string) call {
	return call{method: method, path: path, token: token, body: body, header: http.Header{"Content-Type": {"text/csv"}}}
}

func TestFrameworksAreBrowsedAsTreesAndSearched(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	viewer := e.member(t, acme, aims.RoleViewer)

	var list struct{ Items []*framework.Framework }
	e.do(t, "GET", "/api/v1/frameworks", viewer.Token, nil).want(t, 200).decode(t, &list)
	keys := map[string]int{}
	for _, f := range list.Items {
		keys[f.Key] = f.Assessable
	}
	if len(list.Items) != 5 || keys[framework.ISO42001] != 70 || keys[framework.NISTAIRMF] != 72 {
		t.Fatalf("frameworks %v", keys)
	}

	res := e.do(t, "GET", "/api/v1/frameworks/"+framework.ISO42001, viewer.Token, nil).want(t, 200)
	if res.header.Get("ETag") != `"1"` {
		t.Errorf("ETag %q", res.header.Get("ETag"))
	}
	e.do(t, "GET", "/api/v1/frameworks/no-such-thing", viewer.Token, nil).wantProblem(t, 404, "not_found", "")

	// The whole tree, a page at a time, in tree order.
	var refs []string
	depth := map[string]int{}
	path := "/api/v1/frameworks/" + framework.ISO42001 + "/requirements?limit=60"
	for pages := 0; path != ""; pages++ {
		var page struct {
			Items      []framework.Node
			NextCursor string `json:"next_cursor"`
		}
		e.do(t, "GET", path, viewer.Token, nil).want(t, 200).decode(t, &page)
		for _, n := range page.Items {
			refs = append(refs, n.Ref)
			depth[n.Ref] = n.Depth
		}
		path = ""
		if page.NextCursor != "" {
			path = "/api/v1/frameworks/" + framework.ISO42001 + "/requirements?limit=60&cursor=" + page.NextCursor
		}
		if pages > 10 {
			t.Fatal("the pages do not end")
		}
	}
	var iso framework.Framework
	e.do(t, "GET", "/api/v1/frameworks/"+framework.ISO42001, viewer.Token, nil).want(t, 200).decode(t, &iso)
	if len(refs) != iso.Requirements || refs[0] != "4" || refs[1] != "4.1" || depth["A.6.2.4"] != 3 || depth["A"] != 0 {
		t.Fatalf("%d requirements starting %v; A.6.2.4 at depth %d", len(refs), refs[:3], depth["A.6.2.4"])
	}
	var found struct{ Items []framework.Node }
	e.do(t, "GET", "/api/v1/frameworks/"+framework.ISO42001+"/requirements?q=verification+validation", viewer.Token, nil).want(t, 200).decode(t, &found)
	if len(found.Items) == 0 || found.Items[0].Ref == "" {
		t.Fatalf("search in the tree found %v", found.Items)
	}
	e.do(t, "GET", "/api/v1/frameworks/"+framework.ISO42001+"/requirements?q=", viewer.Token, nil).wantProblem(t, 400, "invalid", "q")
	e.do(t, "GET", "/api/v1/frameworks/"+framework.ISO42001+"/requirements?cursor=bm9wZQ", viewer.Token, nil).wantProblem(t, 400, "invalid", "cursor")
	e.do(t, "GET", "/api/v1/frameworks/nope/requirements", viewer.Token, nil).wantProblem(t, 404, "not_found", "")

	var all struct{ Items []*framework.Requirement }
	e.do(t, "GET", "/api/v1/search?q=red-team&limit=5", viewer.Token, nil).want(t, 200).decode(t, &all)
	if len(all.Items) == 0 || len(all.Items) > 5 || all.Items[0].FrameworkKey == "" {
		t.Fatalf("search found %+v", all.Items)
	}
	e.do(t, "GET", "/api/v1/search?q=policy&framework="+framework.EUAIAct, viewer.Token, nil).want(t, 200).decode(t, &all)
	for _, r := range all.Items {
		if r.FrameworkKey != framework.EUAIAct {
			t.Errorf("found %s %s outside the EU AI Act", r.FrameworkKey, r.Ref)
		}
	}
	e.do(t, "GET", "/api/v1/search?q=%20", viewer.Token, nil).wantProblem(t, 400, "invalid", "q")
	e.do(t, "GET", "/api/v1/search?q=x&framework=nope", viewer.Token, nil).wantProblem(t, 400, "invalid", "framework")
}

func TestARequirementShowsGuidanceLicensedTextAndMappings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, other := e.org(t, "acme"), e.org(t, "other")
	manager, viewer := e.member(t, acme, aims.RoleManager), e.member(t, acme, aims.RoleViewer)
	stranger := e.member(t, other, aims.RoleOwner)

	// A ref with a space, percent-encoded.
	var rmf framework.RequirementDetail
	e.do(t, "GET", "/api/v1/frameworks/"+framework.NISTAIRMF+"/requirements/GOVERN%201.1", viewer.Token, nil).want(t, 200).decode(t, &rmf)
	if rmf.Ref != "GOVERN 1.1" || rmf.Text == "" || len(rmf.Ancestors) != 2 || rmf.LicensedText != nil || len(rmf.Related) == 0 {
		t.Fatalf("GOVERN 1.1 = %+v", rmf)
	}
	e.do(t, "GET", "/api/v1/frameworks/"+framework.NISTAIRMF+"/requirements/GOVERN%2099", viewer.Token, nil).wantProblem(t, 404, "not_found", "")

	// Licensed text, as CSV and as an OSCAL catalog.
	csv := "framework,ref,text,source\n" + framework.ISO42001 + ",A.6.2.4,\"Our licensed words, A.6.2.4.\",ISO licence 42\n"
	var n struct{ Imported int }
	e.send(t, csvCall("POST", "/api/v1/licensed-texts", manager.Token, csv)).want(t, 201).decode(t, &n)
	if n.Imported != 1 {
		t.Fatalf("imported %d", n.Imported)
	}
	var bad importProblem
	e.send(t, csvCall("POST", "/api/v1/licensed-texts", manager.Token, "framework,ref,text\n"+framework.ISO42001+",A.99,x\n")).
		want(t, 400).decode(t, &bad)
	if len(bad.Errors) != 1 || bad.Errors[0].Line != 2 {
		t.Fatalf("problem %+v", bad)
	}
	bad = importProblem{}
	e.do(t, "POST", "/api/v1/licensed-texts?framework="+framework.ISO42001, manager.Token, oscalTestFile(t, "basic-catalog.json")).want(t, 400).decode(t, &bad)
	if len(bad.Errors) != 4 || !strings.HasPrefix(bad.Errors[0].Pointer, "/catalog/groups/0") {
		t.Fatalf("problem %+v", bad)
	}
	e.send(t, call{method: "POST", path: "/api/v1/licensed-texts", token: manager.Token, body: csv,
		header: http.Header{"Content-Type": {"text/plain"}}, offContract: true}).wantProblem(t, 415, "media_type", "")

	var iso framework.RequirementDetail
	e.do(t, "GET", "/api/v1/frameworks/"+framework.ISO42001+"/requirements/A.6.2.4", viewer.Token, nil).want(t, 200).decode(t, &iso)
	if iso.LicensedText == nil || iso.LicensedText.Text != "Our licensed words, A.6.2.4." || iso.Guidance == nil || len(iso.Guidance.AuditorQuestions) == 0 {
		t.Fatalf("A.6.2.4 = %+v, licensed %+v", iso.Requirement, iso.LicensedText)
	}
	e.do(t, "GET", "/api/v1/frameworks/"+framework.ISO42001+"/requirements/A.6.2.4", stranger.Token, nil).want(t, 200).decode(t, &iso)
	if iso.LicensedText != nil {
		t.Fatal("another organization reads the licensed text")
	}

	// An own mapping.
	body := map[string]any{"from_framework": framework.ISO42001, "from_ref": "A.6.2.4", "to_framework": framework.NISTAIRMF,
		"to_ref": "GOVERN 1.1", "relationship": "subset", "source": "Our gap analysis", "rationale": "Verification needs the legal basis."}
	var m framework.Mapping
	e.do(t, "POST", "/api/v1/mappings", manager.Token, body).want(t, 201).decode(t, &m)
	if !m.Own || m.Relationship != "subset" {
		t.Fatalf("mapping %+v", m)
	}
	e.do(t, "POST", "/api/v1/mappings", manager.Token, body).wantProblem(t, 409, "conflict", "")
	body["to_ref"] = "GOVERN 99"
	e.do(t, "POST", "/api/v1/mappings", manager.Token, body).wantProblem(t, 400, "invalid", "to_ref")
	body["relationship"] = "kinda"
	e.send(t, call{method: "POST", path: "/api/v1/mappings", token: manager.Token, body: body, offContract: true}).wantProblem(t, 400, "invalid", "relationship")

	e.do(t, "GET", "/api/v1/frameworks/"+framework.NISTAIRMF+"/requirements/GOVERN%201.1", viewer.Token, nil).want(t, 200).decode(t, &rmf)
	own := 0
	for _, r := range rmf.Related {
		if r.Mapping.Own {
			own++
			if r.Mapping.ID != m.ID || r.Relationship != "superset" || r.Requirement.Ref != "A.6.2.4" || r.Mapping.Source != "Our gap analysis" {
				t.Errorf("seen from GOVERN 1.1: %+v %+v", r.Mapping, r.Requirement.Ref)
			}
		}
	}
	if own != 1 {
		t.Fatalf("%d own mappings seen from GOVERN 1.1", own)
	}
	e.do(t, "DELETE", "/api/v1/mappings/"+m.ID, stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "DELETE", "/api/v1/mappings/"+m.ID, manager.Token, nil).want(t, 204)
	e.do(t, "DELETE", "/api/v1/mappings/"+m.ID, manager.Token, nil).wantProblem(t, 404, "not_found", "")
}

func TestFrameworksAreImportedExportedAndDeleted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	manager, viewer := e.member(t, acme, aims.RoleManager), e.member(t, acme, aims.RoleViewer)
	basic := oscalTestFile(t, "basic-catalog.json")

	var f framework.Framework
	res := e.do(t, "POST", "/api/v1/frameworks?key=basic&name=Basic", manager.Token, basic).want(t, 201)
	res.decode(t, &f)
	if f.Key != "basic" || f.Name != "Basic" || f.Requirements != 8 || res.header.Get("Location") != "/api/v1/frameworks/basic" || res.header.Get("ETag") != `"1"` {
		t.Fatalf("framework %+v, headers %v", f, res.header)
	}
	e.do(t, "POST", "/api/v1/frameworks?key=basic", manager.Token, basic).wantProblem(t, 409, "conflict", "")
	// An imported requirement keeps its OSCAL id, in the tree and on its own.
	var ctl struct {
		Ref      string `json:"ref"`
		SourceID string `json:"source_id"`
	}
	e.do(t, "GET", "/api/v1/frameworks/basic/requirements/1.1.1", manager.Token, nil).want(t, 200).decode(t, &ctl)
	if ctl.Ref != "1.1.1" || ctl.SourceID != "s1.1.1" {
		t.Errorf("imported control %+v, want ref 1.1.1 with OSCAL id s1.1.1", ctl)
	}
	e.do(t, "GET", "/api/v1/frameworks/basic/requirements", manager.Token, nil).want(t, 200)

	// A profile, resolved against the catalog given by key.
	e.do(t, "POST", "/api/v1/frameworks?key=low", manager.Token, oscalTestFile(t, "NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json")).want(t, 201)
	e.do(t, "POST", "/api/v1/frameworks?key=low-profile&catalog=low", manager.Token, oscalTestFile(t, "NIST_SP-800-53_rev5_LOW-baseline_profile.json")).want(t, 201).decode(t, &f)
	if f.Assessable != 149 {
		t.Fatalf("the profile selected %d controls", f.Assessable)
	}

	// Broken files: schema errors with pointers, a bad CSV line.
	var p importProblem
	e.do(t, "POST", "/api/v1/frameworks?key=broken", manager.Token, `{"catalog":{"uuid":"nope","metadata":{"title":1}}}`).want(t, 400).decode(t, &p)
	pointers := map[string]bool{}
	for _, i := range p.Errors {
		pointers[i.Pointer] = true
	}
	if p.Code != "invalid" || !pointers["/catalog/uuid"] || !pointers["/catalog/metadata/title"] || !pointers["/catalog/metadata"] {
		t.Fatalf("problem %+v", p)
	}
	p = importProblem{}
	e.send(t, call{method: "POST", path: "/api/v1/frameworks?key=broken", token: manager.Token, body: `{"catalog": nope`, offContract: true}).want(t, 400).decode(t, &p)
	if len(p.Errors) != 1 || p.Errors[0].Pointer != "" || !strings.Contains(p.Errors[0].Message, "not JSON") {
		t.Fatalf("problem %+v", p)
	}
	p = importProblem{}
	e.send(t, csvCall("POST", "/api/v1/frameworks?key=mine", manager.Token, "ref,title,kind\nA,Alpha,control\nB,Bravo,widget\n")).want(t, 400).decode(t, &p)
	if len(p.Errors) != 1 || p.Errors[0].Line != 3 {
		t.Fatalf("problem %+v", p)
	}
	p = importProblem{}
	e.send(t, csvCall("POST", "/api/v1/frameworks?key=Not%20A%20Key", manager.Token, "ref,title\nA,Alpha\n")).want(t, 400).decode(t, &p)
	if p.Field != "key" {
		t.Fatalf("problem %+v", p)
	}
	e.send(t, call{method: "POST", path: "/api/v1/frameworks?key=mine", token: manager.Token, body: "ref,title\nA,Alpha\n",
		header: http.Header{"Content-Type": {"text/plain"}}, offContract: true}).wantProblem(t, 415, "media_type", "")
	big := "ref,title\n" + strings.Repeat("A,x\n", (framework.MaxImportBytes/4)+1)
	e.send(t, call{method: "POST", path: "/api/v1/frameworks?key=big", token: manager.Token, body: big,
		header: http.Header{"Content-Type": {"text/csv"}}, offContract: true}).wantProblem(t, 413, "too_large", "")
	e.send(t, call{method: "POST", path: "/api/v1/licensed-texts", token: manager.Token, body: big,
		header: http.Header{"Content-Type": {"text/csv"}}, offContract: true}).wantProblem(t, 413, "too_large", "")
	// A file within the bytes but of more rows than one import takes is 413 naming the limit.
	many := "ref,title\n"
	for i := range framework.MaxImportRequirements + 1 {
		many += fmt.Sprintf("R-%d,x\n", i)
	}
	if p := e.send(t, csvCall("POST", "/api/v1/frameworks?key=many", manager.Token, many)).wantProblem(t, 413, "too_large", ""); !strings.Contains(p.Detail, fmt.Sprintf("more than %d rows", framework.MaxImportRequirements)) {
		t.Fatalf("detail %q", p.Detail)
	}

	e.send(t, csvCall("POST", "/api/v1/frameworks?key=mine&name=Our%20controls", manager.Token, "ref,title,text\nA,Alpha,Do alpha.\nB,Bravo,\n")).want(t, 201)

	// Exports: OSCAL valid against the schema, CSV that imports back.
	res = e.do(t, "GET", "/api/v1/frameworks/"+framework.NISTAIRMF+"/export", viewer.Token, nil).want(t, 200)
	var v oscal.Validator
	if err := v.ValidateCatalog(res.body); err != nil {
		t.Fatalf("the OSCAL export does not validate: %v", err)
	}
	if cd := res.header.Get("Content-Disposition"); cd != `attachment; filename="nist-ai-rmf-1.0.oscal.json"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	res = e.do(t, "GET", "/api/v1/frameworks/mine/export?format=csv", viewer.Token, nil).want(t, 200)
	if string(res.body) != "ref,title,parent_ref,kind,text,assessable\nA,Alpha,,control,Do alpha.,yes\nB,Bravo,,control,,yes\n" {
		t.Errorf("CSV export %q", res.body)
	}
	e.do(t, "GET", "/api/v1/frameworks/mine/export?format=xlsx", viewer.Token, nil).wantProblem(t, 400, "invalid", "format")
	e.do(t, "GET", "/api/v1/frameworks/nope/export", viewer.Token, nil).wantProblem(t, 404, "not_found", "")

	// Deletion: own frameworks only, guarded by If-Match.
	e.do(t, "DELETE", "/api/v1/frameworks/"+framework.ISO42001, manager.Token, nil).wantProblem(t, 409, "conflict", "")
	e.do(t, "DELETE", "/api/v1/frameworks/basic", manager.Token, nil, "If-Match", `"2"`).wantProblem(t, 412, "precondition", "")
	e.do(t, "DELETE", "/api/v1/frameworks/basic", manager.Token, nil, "If-Match", `"1"`).want(t, 204)
	e.do(t, "DELETE", "/api/v1/frameworks/basic", manager.Token, nil).wantProblem(t, 404, "not_found", "")
	var list struct{ Items []*framework.Framework }
	e.do(t, "GET", "/api/v1/frameworks", viewer.Token, nil).want(t, 200).decode(t, &list)
	if len(list.Items) != 8 {
		t.Fatalf("%d frameworks after the deletion, want 5 built-in and 3 own", len(list.Items))
	}
	if !bytes.Contains(mustJSON(t, list), []byte(`"low-profile"`)) {
		t.Fatal("the profile's framework is not listed")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAFrameworkCSVExportDoesNotCarryFormulas(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	manager := e.member(t, acme, aims.RoleManager)
	in := "ref,title,text\nA,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",+cmd|' /C calc'!A0\nB,@SUM(1),-1\n"
	e.send(t, csvCall("POST", "/api/v1/frameworks?key=sheet", manager.Token, in)).want(t, 201)
	res := e.do(t, "GET", "/api/v1/frameworks/sheet/export?format=csv", manager.Token, nil).want(t, 200)
	want := "ref,title,parent_ref,kind,text,assessable\n" +
		"A,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",,control,'+cmd|' /C calc'!A0,yes\n" +
		"B,'@SUM(1),,control,'-1,yes\n"
	if string(res.body) != want {
		t.Fatalf("CSV export\n%s\nwant\n%s", res.body, want)
	}
	// The export imports back as it was, without the apostrophes.
	e.send(t, csvCall("POST", "/api/v1/frameworks?key=again", manager.Token, string(res.body))).want(t, 201)
	again := e.do(t, "GET", "/api/v1/frameworks/again/export?format=csv", manager.Token, nil).want(t, 200)
	if string(again.body) != want {
		t.Fatalf("CSV export after a round trip\n%s\nwant\n%s", again.body, want)
	}
}
