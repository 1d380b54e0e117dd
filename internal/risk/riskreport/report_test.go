package riskreport_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/risk/riskreport"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

type fixture struct {
	sv  *app.Services
	org *account.Organization
	ctx context.Context
}

// newFixture is Lumen Labs with TalentMatch, a contributor (priya), and four risks: R-1 critical of
// TalentMatch, treated by A.6.2.4 with a task for priya, R-2 low, R-3 not rated, R-4 closed.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.Open(t)
	sv, err := app.NewServices(db, app.ServiceOptions{Catalog: storetest.Catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test"})
	org, err := sv.Accounts.CreateOrganization(ctx, "lumen", "Lumen Labs")
	if err != nil {
		t.Fatal(err)
	}
	u, err := sv.Accounts.CreateUser(ctx, "priya@lumen.example", "Priya Raman", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sv.Accounts.AddMember(ctx, org.ID, u.Email, aims.RoleContributor); err != nil {
		t.Fatal(err)
	}
	s, err := sv.Systems.Create(ctx, org.ID, system.Fields{Name: "TalentMatch", Purpose: "CV screening"})
	if err != nil {
		t.Fatal(err)
	}
	file := "title,system,source,owner,likelihood,consequence,status,treatment_option,treatment_plan,residual_likelihood,residual_consequence\n" +
		"The ranker favours one group,TalentMatch,C.3.4,priya@lumen.example,5,5,treating,modify,Re-weight the training data,3,3\n" +
		"Minor drift,,C.3.6,,1,1,,,,,\n" +
		"Hardware shortage,,C.3.5,,,,,,,,\n" +
		"Old worry,,C.3.1,,2,2,closed,,,,\n"
	if _, err := sv.Risks.Import(ctx, org.ID, strings.NewReader(file)); err != nil {
		t.Fatal(err)
	}
	rs, _, err := sv.Risks.List(ctx, org.ID, risk.Filter{Sort: "ref"}, aims.Page{Limit: 10})
	if err != nil || len(rs) != 4 || rs[0].SystemID != s.ID {
		t.Fatalf("risks: %v %v", rs, err)
	}
	if _, err := sv.Records.Link(ctx, org.ID, record.NewLink{Relationship: "treats", From: "control:iso42001-2023/A.6.2.4",
		To: "risk:" + rs[0].ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := sv.Records.CreateTask(ctx, org.ID, record.NewTask{Record: "risk:" + rs[0].ID, Title: "Re-weight the data",
		OwnerID: u.ID, Due: "2020-02-01"}); err != nil {
		t.Fatal(err)
	}
	return &fixture{sv: sv, org: org, ctx: ctx}
}

var at = time.Date(2027, 3, 10, 9, 0, 0, 0, time.UTC)

func (f *fixture) report(t *testing.T, plan bool, format string, filter risk.Filter, o riskreport.Options) []byte {
	t.Helper()
	o.Now = at
	var b bytes.Buffer
	write := riskreport.Register
	if plan {
		write = riskreport.TreatmentPlan
	}
	if err := write(f.ctx, f.sv.Risks, f.org.ID, f.org.Name, filter, format, &b, o); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func openXLSX(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func cell(t *testing.T, x *excelize.File, sheet, at string) string {
	t.Helper()
	v, err := x.GetCellValue(sheet, at)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestTheRegisterAsXLSX: a row per risk in the register's order with ratings by label, a column per
// axis, the heat maps with their counts, and what the report is.
func TestTheRegisterAsXLSX(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	x := openXLSX(t, f.report(t, false, riskreport.FormatXLSX, risk.Filter{Sort: "ref"}, riskreport.Options{}))
	if got := x.GetSheetList(); strings.Join(got, "|") != "Risk register|Heat maps|About" {
		t.Fatalf("sheets %q", got)
	}
	rows, err := x.GetRows(riskreport.SheetRegister)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 {
		t.Fatalf("%d rows", len(rows))
	}
	head := strings.Join(rows[0], "|")
	if !strings.HasPrefix(head, "Ref|Title|System|Source|Objective|Owner|Level|Status|Review due|Inherent likelihood|Inherent: The organization|Inherent: Individuals") {
		t.Errorf("header %s", head)
	}
	for at, want := range map[string]string{"A2": "R-1", "B2": "The ranker favours one group", "C2": "TalentMatch", "F2": "Priya Raman",
		"G2": "Medium", "H2": "treating", "J2": "Almost certain", "K2": "Severe", "A3": "R-2", "C3": "(organization)", "G3": "Low", "A5": "R-4"} {
		if got := cell(t, x, riskreport.SheetRegister, at); got != want {
			t.Errorf("%s = %q, want %q", at, got, want)
		}
	}
	// The inherent map: the highest likelihood first; R-1 in its top right cell, R-2 in the bottom left.
	if got := cell(t, x, riskreport.SheetHeatMaps, "A1"); got != "Inherent risk (2 open risks)" {
		t.Errorf("heat map title %q", got)
	}
	if got, low := cell(t, x, riskreport.SheetHeatMaps, "F3"), cell(t, x, riskreport.SheetHeatMaps, "B7"); got != "1" || low != "1" {
		t.Errorf("heat map cells %q, %q", got, low)
	}
	if got := cell(t, x, riskreport.SheetAbout, "B2"); got != "Lumen Labs" {
		t.Errorf("about: %q", got)
	}
}

// TestTheTreatmentPlanAsXLSX: the open risks with their level against the acceptable one, option, plan,
// controls that treat them, actions with owner, due date and status, and residual level.
func TestTheTreatmentPlanAsXLSX(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	x := openXLSX(t, f.report(t, true, riskreport.FormatXLSX, risk.Filter{}, riskreport.Options{}))
	rows, err := x.GetRows(riskreport.SheetPlan)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 { // the header and three open risks: the closed one is left out
		t.Fatalf("%d rows: %q", len(rows), rows)
	}
	r1 := rows[1]
	if r1[0] != "R-1" || r1[4] != "Medium" || r1[5] != "above" || r1[6] != "modify" || r1[7] != "Re-weight the training data" ||
		!strings.HasPrefix(r1[8], "A.6.2.4") || r1[9] != "Re-weight the data (Priya Raman, due 2020-02-01 (overdue), open)" || r1[10] != "Medium" {
		t.Errorf("R-1's row: %q", r1)
	}
	if r2 := rows[2]; r2[0] != "R-2" || r2[5] != "within" || r2[6] != "not decided" || r2[8] != "" {
		t.Errorf("R-2's row: %q", r2)
	}
	if r3 := rows[3]; r3[0] != "R-3" || r3[5] != "not rated" {
		t.Errorf("R-3's row: %q", r3)
	}
}

// TestTheReportsAsPDF: a PDF whose page streams hold the refs and the heat maps' titles, and a report
// over its cap says it was cut short.
func TestTheReportsAsPDF(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	pdf := f.report(t, false, riskreport.FormatPDF, risk.Filter{Sort: "ref"}, riskreport.Options{Uncompressed: true})
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:20])
	}
	for _, want := range []string{"Risk register", "Lumen Labs", `Inherent risk \(2\)`, `Residual risk \(1\)`, "R-1", "R-4", "The ranker favours one group"} {
		if !bytes.Contains(pdf, []byte(want)) {
			t.Errorf("the PDF does not hold %q", want)
		}
	}
	plan := f.report(t, true, riskreport.FormatPDF, risk.Filter{}, riskreport.Options{Uncompressed: true})
	for _, want := range []string{"Risk treatment plan", "R-1", "A.6.2.4", "Re-weight the data", "above"} {
		if !bytes.Contains(plan, []byte(want)) {
			t.Errorf("the treatment plan does not hold %q", want)
		}
	}
	if bytes.Contains(plan, []byte("Old worry")) {
		t.Error("the treatment plan lists a closed risk")
	}
	cut := f.report(t, false, riskreport.FormatPDF, risk.Filter{Sort: "ref"}, riskreport.Options{Uncompressed: true, Limit: 2})
	if !bytes.Contains(cut, []byte("Cut short: only the first 2 risks are listed")) || bytes.Contains(cut, []byte("R-3")) {
		t.Error("a report over its cap does not say it was cut short")
	}
	compressed := f.report(t, false, riskreport.FormatPDF, risk.Filter{}, riskreport.Options{})
	if !bytes.HasPrefix(compressed, []byte("%PDF-")) || bytes.Contains(compressed, []byte("The ranker")) {
		t.Error("the default PDF is not compressed")
	}
	x := openXLSX(t, f.report(t, false, riskreport.FormatXLSX, risk.Filter{}, riskreport.Options{Limit: 1}))
	if got := cell(t, x, riskreport.SheetAbout, "A7"); got != "Cut short" {
		t.Errorf("a workbook over its cap: %q", got)
	}
}
