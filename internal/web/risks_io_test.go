package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/system"
)

// TestRisksAreImportedFromTheRegister: a contributor uploads a file of risks from the register's page
// and is led to the register by number; a file with faults lists each with its line and column and
// imports nothing; an auditor is offered no import form.
func TestRisksAreImportedFromTheRegister(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme := f.Org(t, "acme")
	priya := newUser(t, f, "priya@acme.example", acme, aims.RoleContributor)
	audrey := newUser(t, f, "audrey@audit.example", acme, aims.RoleAuditor)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test"})
	if _, err := f.Systems.Create(ctx, acme.ID, system.Fields{Name: "TalentMatch", Purpose: "CV screening."}); err != nil {
		t.Fatal(err)
	}
	p := browserAs(t, f, priya, acme)
	reg := p.get("/risks")
	mustContain(t, reg, "CSV or JSON file", "consequence_AXIS", "(organization, individuals, groups, society)")
	if !strings.Contains(reg.Body, `action="/risks/import"`) {
		t.Error("a contributor is not offered the import form")
	}

	before := activityCount(t, f, acme.ID)
	bad := p.upload("/risks/import", nil, map[string][2]string{"file": {"register.csv",
		"title,system,source,owner,likelihood,consequence,status\nA,Nowhere,C.3.1,,1,1,\nB,,C.3.1,,often,1,\n"}})
	expect(t, bad, http.StatusBadRequest, "")
	mustContain(t, bad, "Import refused", "register.csv: Nothing was imported.", "Line 2, column system: No AI system named",
		"Line 3, column likelihood: \"often\" is not a step")
	if n := activityCount(t, f, acme.ID); n != before {
		t.Errorf("a refused import wrote %d activity entries", n-before)
	}
	expect(t, p.upload("/risks/import", nil, nil), http.StatusBadRequest, "")

	good := p.upload("/risks/import", nil, map[string][2]string{"file": {"register.csv",
		"title,system,source,owner,likelihood,consequence,status\nThe ranker favours one group,TalentMatch,C.3.4,priya@acme.example,Likely,Severe,\n" +
			"Hardware shortage,,C.3.5,,,,\n"}})
	expect(t, good, http.StatusSeeOther, "/risks?sort=ref")
	reg = p.get(good.Location)
	mustContain(t, reg, "Imported 2 risks from register.csv: R-1 to R-2.", "R-1 The ranker favours one group", "R-2 Hardware shortage")
	if n := activityCount(t, f, acme.ID); n != before+2 { // the criteria saved as version 1, and the import
		t.Errorf("the import wrote %d activity entries, want 2", n-before)
	}

	a := browserAs(t, f, audrey, acme)
	if page := a.get("/risks"); strings.Contains(page.Body, `action="/risks/import"`) {
		t.Error("an auditor is offered the import form")
	}
}

// TestRiskReportsFromTheRegister: the register page offers the reports with its filter, and each
// downloads as a workbook or a PDF for any member.
func TestRiskReportsFromTheRegister(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme := f.Org(t, "acme")
	viewer := newUser(t, f, "victor@acme.example", acme, aims.RoleViewer)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test"})
	if _, err := f.Risks.Import(ctx, acme.ID, strings.NewReader("title,system,source,owner,likelihood,consequence,status\nDrift,,C.3.6,,Likely,Major,\n")); err != nil {
		t.Fatal(err)
	}
	b := browserAs(t, f, viewer, acme)
	reg := b.get("/risks?source=C.3.6")
	mustContain(t, reg, "Reports", "Register as XLSX", "Register as PDF", "Treatment plan as XLSX", "Treatment plan as PDF")
	if !strings.Contains(reg.Body, `href="/risks/export?format=pdf&amp;source=C.3.6"`) {
		t.Errorf("the PDF link does not keep the filter:\n%s", reg.Body)
	}
	for path, want := range map[string]string{"/risks/export?format=pdf&source=C.3.6": "%PDF-", "/risks/treatment-plan/export?format=pdf": "%PDF-",
		"/risks/export?format=xlsx": "PK", "/risks/treatment-plan/export": "PK", "/risks/export": "ref,title"} {
		res := b.get(path)
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Body, want) || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("%s: %d %q", path, res.Status, res.Body[:min(len(res.Body), 10)])
		}
	}
	expect(t, b.get("/risks/export?format=docx"), http.StatusBadRequest, "")
}
