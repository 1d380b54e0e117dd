package api_test

import (
	"bytes"
	"github.com/xuri/excelize/v2"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/impact"
)

// TestImpactAssessmentsThroughTheAPI: a contributor starts a system's assessment, prefilled from the
// system; bad input is 400 naming the field; a manager approves it; a PATCH of the approved version makes
// version 2 (201) and leaves version 1 as it was; If-Match guards; the versions are listed; exports are
// Markdown and PDF; the organization-wide list filters.
func TestImpactAssessmentsThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	maya := e.member(t, acme, aims.RoleManager)
	priya := e.member(t, acme, aims.RoleContributor)
	s := e.seedSystem(t, acme.ID)
	base := "/api/v1/systems/" + s.ID + "/impact-assessments"

	body := map[string]any{"scope": "Customer support answers.", "affected": []map[string]any{{"name": "Customers", "vulnerable": true}},
		"impacts": []map[string]any{{"area": "weather", "description": "x", "likelihood": 1, "severity": 1}}}
	e.do(t, "POST", base, priya.Token, body).wantProblem(t, 400, "invalid", "impacts[0].area")
	body["impacts"] = []map[string]any{{"area": "wellbeing", "description": "Wrong advice.", "likelihood": 5, "severity": 1}}
	e.do(t, "POST", base, priya.Token, body).wantProblem(t, 400, "invalid", "impacts[0].likelihood")
	body["impacts"] = []map[string]any{{"area": "wellbeing", "description": "Wrong advice.", "likelihood": 3, "severity": 2,
		"mitigations": []string{"control:iso42001-2023/A.5.4"}}}
	var a impact.Assessment
	res := e.do(t, "POST", base, priya.Token, body).want(t, 201)
	res.decode(t, &a)
	if a.Version != 1 || a.Status != "draft" || a.IntendedUse != s.Purpose || res.header.Get("Location") != base+"/1" || res.header.Get("ETag") != `"1"` {
		t.Fatalf("created %+v (headers %v)", a, res.header)
	}
	e.do(t, "POST", base, priya.Token, body).wantProblem(t, 409, "conflict", "")

	e.do(t, "POST", base+"/1/approve", priya.Token, nil).wantProblem(t, 403, "forbidden", "")
	e.send(t, call{method: "POST", path: base + "/1/approve", token: maya.Token, header: map[string][]string{"If-Match": {`"7"`}}}).
		wantProblem(t, 412, "precondition", "")
	e.do(t, "POST", base+"/1/approve", maya.Token, nil).want(t, 201).decode(t, &a)
	if a.Status != "approved" || a.ApprovedBy != maya.User.ID {
		t.Fatalf("approved: %+v", a)
	}
	e.do(t, "POST", base+"/1/approve", maya.Token, nil).wantProblem(t, 409, "conflict", "")

	var b impact.Assessment
	res = e.send(t, call{method: "PATCH", path: base + "/1", token: priya.Token, body: map[string]any{"scope": "Every answer."},
		header: map[string][]string{"If-Match": {`"2"`}}}).want(t, 201)
	res.decode(t, &b)
	if b.Version != 2 || b.Status != "draft" || b.Scope != "Every answer." || len(b.Impacts) != 1 || res.header.Get("Location") != base+"/2" {
		t.Fatalf("editing the approved version: %+v (headers %v)", b, res.header)
	}
	e.do(t, "PATCH", base+"/1", priya.Token, map[string]any{"scope": "Again."}).wantProblem(t, 409, "conflict", "")
	e.send(t, call{method: "PATCH", path: base + "/2", token: priya.Token, body: map[string]any{"scope": "Again."},
		header: map[string][]string{"If-Match": {`"9"`}}}).wantProblem(t, 412, "precondition", "")
	e.do(t, "PATCH", base+"/2", priya.Token, map[string]any{"impacts": []map[string]any{{"area": "labour", "description": "x",
		"likelihood": 1, "severity": 9}}}).wantProblem(t, 400, "invalid", "impacts[0].severity")
	e.do(t, "PATCH", base+"/latest", priya.Token, map[string]any{"reassess_by": "2099-01-01"}).want(t, 200).decode(t, &b)
	if b.Version != 2 || b.ReassessBy != "2099-01-01" || b.Scope != "Every answer." {
		t.Fatalf("editing the draft: %+v", b)
	}
	e.do(t, "PATCH", base+"/2", priya.Token, map[string]any{"scope": ""}).want(t, 200)
	e.do(t, "POST", base+"/2/approve", maya.Token, nil).wantProblem(t, 400, "invalid", "scope")

	var v1 impact.Assessment
	e.do(t, "GET", base+"/1", priya.Token, nil).want(t, 200).decode(t, &v1)
	if v1.Scope != "Customer support answers." || v1.Status != "approved" {
		t.Errorf("version 1 after: %+v", v1)
	}
	var vs struct{ Items []impact.Assessment }
	e.do(t, "GET", base, priya.Token, nil).want(t, 200).decode(t, &vs)
	if len(vs.Items) != 2 || vs.Items[0].Version != 2 {
		t.Errorf("versions: %+v", vs.Items)
	}
	e.do(t, "GET", base+"/3", priya.Token, nil).wantProblem(t, 404, "not_found", "")

	res = e.do(t, "GET", base+"/1/export?format=md", priya.Token, nil).want(t, 200)
	if !bytes.Contains(res.body, []byte("# AI system impact assessment")) || !bytes.Contains(res.body, []byte("A.5.4")) {
		t.Errorf("markdown export:\n%s", res.body)
	}
	xl := e.do(t, "GET", base+"/1/export?format=xlsx", priya.Token, nil).want(t, 200)
	if xl.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("the XLSX export's type: %s", xl.header.Get("Content-Type"))
	}
	if book, err := excelize.OpenReader(bytes.NewReader(xl.body)); err != nil {
		t.Errorf("the XLSX export does not open: %v", err)
	} else {
		rows, err := book.GetRows("Impact assessment")
		if err != nil || len(rows) < 5 || !strings.HasPrefix(rows[0][0], "Impact assessment of ") || !strings.Contains(strings.Join(func() []string {
			var all []string
			for _, r := range rows {
				all = append(all, r...)
			}
			return all
		}(), " "), "A.5.4") {
			t.Errorf("the XLSX export's rows: %q, %v", rows, err)
		}
	}
	res = e.do(t, "GET", base+"/1/export?format=pdf", priya.Token, nil).want(t, 200)
	if !bytes.HasPrefix(res.body, []byte("%PDF-")) {
		t.Errorf("pdf export starts %q", res.body[:min(len(res.body), 10)])
	}
	e.send(t, call{method: "GET", path: base + "/1/export?format=docx", token: priya.Token, offContract: true}).wantProblem(t, 400, "invalid", "format")

	var list struct{ Items []impact.Summary }
	e.do(t, "GET", "/api/v1/impact-assessments?due_before=2099-12-31", maya.Token, nil).want(t, 200).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].Latest != 2 || list.Items[0].Approved != 1 || list.Items[0].SystemName != s.Name {
		t.Errorf("list: %+v", list.Items)
	}
	e.do(t, "GET", "/api/v1/impact-assessments?stale=true", maya.Token, nil).want(t, 200).decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("stale list: %+v", list.Items)
	}
	e.send(t, call{method: "GET", path: "/api/v1/impact-assessments?stale=maybe", token: maya.Token, offContract: true}).
		wantProblem(t, 400, "invalid", "stale")
	if strings.Contains(string(res.body), "Traceback") {
		t.Fatal("unreachable")
	}
}
