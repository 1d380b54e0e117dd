package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/risk/riskreport"
	"github.com/xuri/excelize/v2"
)

func risksCSVCall(token, body string) call {
	return call{method: "POST", path: "/api/v1/risks/import", token: token, body: body, header: http.Header{"Content-Type": {"text/csv"}}}
}

// TestRisksAreImportedAllOrNothing: a CSV or JSON file of risks is registered whole (201 with the count
// and the refs), or refused with every fault listed by line and column (CSV) or index and field (JSON),
// writing nothing; another organization's systems and members are unknown.
func TestRisksAreImportedAllOrNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, other := e.org(t, "acme"), e.org(t, "other")
	priya := e.member(t, acme, aims.RoleContributor)
	viewer := e.member(t, acme, aims.RoleViewer)
	stranger := e.member(t, other, aims.RoleOwner)
	s := e.seedSystem(t, acme.ID)
	foreign := e.seedSystem(t, other.ID)

	file := "title,system,source,owner,likelihood,consequence,status,consequence_individuals\n" +
		"Bias," + s.Name + ",C.3.4," + priya.User.Email + ",Likely,2,,Severe\n" +
		"Drift,,Risk sources related to machine learning,,1,minor,,\n"
	var res risk.ImportResult
	e.send(t, risksCSVCall(priya.Token, file)).want(t, 201).decode(t, &res)
	if res.Imported != 2 || res.FirstRef != "R-1" || res.LastRef != "R-2" || res.CriteriaVersion != 1 {
		t.Fatalf("imported %+v", res)
	}
	var json risk.ImportResult
	e.do(t, "POST", "/api/v1/risks/import", priya.Token, []map[string]any{{"title": "Leak", "source": "C.3.2", "likelihood": 3,
		"consequence_society": "Major", "owner": priya.User.Email}}).want(t, 201).decode(t, &json)
	if json.Imported != 1 || json.FirstRef != "R-3" || json.LastRef != "R-3" {
		t.Fatalf("imported %+v", json)
	}
	var list struct{ Items []risk.Risk }
	e.do(t, "GET", "/api/v1/risks?sort=ref", priya.Token, nil).want(t, 200).decode(t, &list)
	if len(list.Items) != 3 || list.Items[0].SystemID != s.ID || list.Items[0].Inherent.Level != "critical" ||
		list.Items[0].OwnerID != priya.User.ID || list.Items[1].Source != "C.3.4" || list.Items[2].Inherent.Consequences["society"] != 4 {
		t.Fatalf("the register: %+v", list.Items)
	}

	type issue struct {
		Line    int
		Column  string
		Index   *int
		Field   string
		Message string
	}
	for _, tc := range []struct {
		name   string
		c      call
		status int
		code   string
		field  string
		detail string
		issues []string // "line column" or "index field"
	}{
		{"faults are listed by line and column", risksCSVCall(priya.Token, "title,system,source,owner,likelihood,consequence,status\n"+
			"Fine,,C.3.1,,1,1,\nA,"+foreign.Name+",C.3.1,,1,1,\nB,,C.3.1,"+stranger.User.Email+",1,1,\nC,,C.3.1,,often,1,\n"),
			400, "invalid", "system", "Line 3, column system: No AI system named", []string{"3 system", "4 owner", "5 likelihood"}},
		{"a missing column is line 1", risksCSVCall(priya.Token, "title,source\nA,C.3.1\n"), 400, "invalid", "system",
			"Line 1, column system: The first row must name", []string{"1 system", "1 owner", "1 likelihood", "1 consequence", "1 status"}},
		{"broken CSV names its line", offContract(risksCSVCall(priya.Token, "title,system,source,owner,likelihood,consequence,status\n\"A,,,,,,\n")),
			400, "invalid", "", "Line 2: A quoted cell is not closed", []string{"2 "}},
		{"JSON faults are listed by index and field", call{method: "POST", path: "/api/v1/risks/import", token: priya.Token,
			body: []map[string]any{{"title": "A", "source": "C.3.1"}, {"title": "B", "source": "C.9"}}}, 400, "invalid", "source",
			"Item 1, field source: Unknown risk source", []string{"1 source"}},
		{"a JSON value of the wrong type", offContract(call{method: "POST", path: "/api/v1/risks/import", token: priya.Token,
			body: []map[string]any{{"title": "A", "source": "C.3.1", "likelihood": []int{1}}}}), 400, "invalid", "likelihood",
			"Item 0, field likelihood: Give a string or a number.", []string{"0 likelihood"}},
		{"another media type is 415", offContract(call{method: "POST", path: "/api/v1/risks/import", token: priya.Token,
			body: "title\nA\n", header: http.Header{"Content-Type": {"text/plain"}}}), 415, "media_type", "", "text/csv", nil},
		{"a file over 32 MiB is 413", offContract(risksCSVCall(priya.Token, "title,system,source,owner,likelihood,consequence,status\n"+
			strings.Repeat("x", risk.MaxImportBytes))), 413, "too_large", "", "larger than 32 MiB", nil},
		{"more than 100,000 risks is 413", risksCSVCall(priya.Token, "title\n"+strings.Repeat("x\n", risk.MaxImportRows+1)),
			413, "too_large", "", "more than 100,000 risks", nil},
		{"a viewer may not import", risksCSVCall(viewer.Token, file), 403, "forbidden", "", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.counts(t, acme, other)
			res := e.send(t, tc.c)
			p := res.wantProblem(t, tc.status, tc.code, tc.field)
			if !strings.Contains(p.Detail, tc.detail) || (tc.status == 400 || tc.status == 413) && !strings.Contains(p.Detail, "Nothing was imported.") {
				t.Errorf("detail %q does not say %q", p.Detail, tc.detail)
			}
			if tc.issues != nil {
				var body struct{ Errors []issue }
				res.decode(t, &body)
				var got []string
				for _, is := range body.Errors {
					if is.Index != nil {
						got = append(got, fmt.Sprintf("%d %s", *is.Index, is.Field))
					} else {
						got = append(got, fmt.Sprintf("%d %s", is.Line, is.Column))
					}
				}
				if strings.Join(got, "|") != strings.Join(tc.issues, "|") {
					t.Errorf("errors %q, want %q", got, tc.issues)
				}
			}
			e.unchanged(t, before)
		})
	}
	e.do(t, "GET", "/api/v1/risks", priya.Token, nil).want(t, 200).decode(t, &list)
	if len(list.Items) != 3 {
		t.Errorf("%d risks after refused imports", len(list.Items))
	}
}

// TestRiskReportsThroughTheAPI: the register as XLSX and PDF with the register's filters, and the
// treatment plan, for any member; an unknown format is 400.
func TestRiskReportsThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	viewer := e.member(t, acme, aims.RoleViewer)
	kept, left := e.seedRisk(t, acme.ID), e.seedRisk(t, acme.ID)
	if _, err := e.Risks.Update(e.Ctx, acme.ID, left.ID, risk.Fields{Title: left.Title, Source: "C.3.2"}, 0); err != nil {
		t.Fatal(err)
	}
	res := e.send(t, call{method: "GET", path: "/api/v1/risks/export?format=xlsx&source=C.3.6", token: viewer.Token}).want(t, 200)
	if ct, cd := res.header.Get("Content-Type"), res.header.Get("Content-Disposition"); ct != riskreport.ContentType("xlsx") ||
		cd != `attachment; filename="aims-risks-acme.xlsx"` {
		t.Errorf("headers %s, %s", ct, cd)
	}
	x, err := excelize.OpenReader(bytes.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(riskreport.SheetRegister)
	if err != nil || len(rows) != 2 || rows[1][0] != kept.Ref {
		t.Errorf("the filtered register: %q, %v", rows, err)
	}
	pdf := e.send(t, call{method: "GET", path: "/api/v1/risks/export?format=pdf", token: viewer.Token}).want(t, 200)
	if !bytes.HasPrefix(pdf.body, []byte("%PDF-")) || pdf.header.Get("Content-Type") != "application/pdf" {
		t.Errorf("the register as PDF: %q", pdf.body[:min(len(pdf.body), 20)])
	}
	plan := e.send(t, call{method: "GET", path: "/api/v1/risks/treatment-plan", token: viewer.Token}).want(t, 200)
	if plan.header.Get("Content-Disposition") != `attachment; filename="aims-treatment-plan-acme.xlsx"` {
		t.Errorf("the treatment plan: %v", plan.header)
	}
	plan = e.send(t, call{method: "GET", path: "/api/v1/risks/treatment-plan?format=pdf&org_wide=true", token: viewer.Token}).want(t, 200)
	if !bytes.HasPrefix(plan.body, []byte("%PDF-")) {
		t.Error("the treatment plan as PDF is not a PDF")
	}
	e.send(t, call{method: "GET", path: "/api/v1/risks/treatment-plan?format=csv", token: viewer.Token, offContract: true}).
		wantProblem(t, 400, "invalid", "format")
	e.send(t, call{method: "GET", path: "/api/v1/risks/treatment-plan?level=" + strings.Repeat("x", 41), token: viewer.Token, offContract: true}).
		wantProblem(t, 400, "invalid", "level")
	e.send(t, call{method: "GET", path: "/api/v1/risks/export?format=docx", token: viewer.Token, offContract: true}).
		wantProblem(t, 400, "invalid", "format")
}
