package framework_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

const licensedWords = "LICENSED WORDS OF THE STANDARD"

func TestLicensedTextIsShownToItsOrganizationAndNeverExported(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	csv := "framework,ref,text,source\n" +
		framework.ISO42001 + ",A.6.2.4," + licensedWords + " A.6.2.4,ISO store licence 1234\n" +
		framework.ISO42001 + ",4.1,\"" + licensedWords + " 4.1\",\n"
	n, err := f.svc.ImportLicensedTexts(f.ctx, framework.LicensedImport{OrgID: f.org.ID, Filename: "iso.csv", Data: []byte(csv)})
	if err != nil || n != 2 {
		t.Fatalf("imported %d, %v", n, err)
	}
	d, err := f.svc.Requirement(f.ctx, f.org.ID, framework.ISO42001, "A.6.2.4")
	if err != nil || d.LicensedText == nil || d.LicensedText.Text != licensedWords+" A.6.2.4" || d.LicensedText.Source != "ISO store licence 1234" {
		t.Fatalf("A.6.2.4's licensed text: %+v, %v", d.LicensedText, err)
	}
	if d.Guidance == nil {
		t.Fatal("the guidance is gone beside the licensed text")
	}
	d, _ = f.svc.Requirement(f.ctx, f.org.ID, framework.ISO42001, "4.1")
	if d.LicensedText == nil || d.LicensedText.Source != `File "iso.csv"` {
		t.Fatalf("4.1's licensed text: %+v", d.LicensedText)
	}
	other := f.otherOrg(t, "other")
	if d, _ := f.svc.Requirement(f.ctx, other.ID, framework.ISO42001, "A.6.2.4"); d.LicensedText != nil {
		t.Fatal("another organization sees the licensed text")
	}
	for _, format := range []string{framework.FormatOSCAL, framework.FormatCSV} {
		var buf bytes.Buffer
		if err := f.svc.Export(f.ctx, &buf, f.org.ID, framework.ISO42001, format); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(buf.Bytes(), []byte("LICENSED WORDS")) {
			t.Fatalf("the %s export includes the organization's licensed text", format)
		}
	}
}

func TestLicensedTextComesFromAnOSCALCatalog(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.importFile(t, framework.ImportRequest{Key: "iso27002-excerpt", Format: framework.FormatCSV, Data: []byte(
		"ref,title,parent_ref\n1,Organization,\ns1.1,Internal,1\n1.1.1,Roles,s1.1\n1.1.2,Segregation,s1.1\n2,Access,\n2.1,Business,2\n2.1.1,Policy,2.1\n2.1.2,Networks,2.1\n")})
	n, err := f.svc.ImportLicensedTexts(f.ctx, framework.LicensedImport{OrgID: f.org.ID, Framework: "iso27002-excerpt",
		Data: oscalFile(t, "basic-catalog.json")})
	if err != nil || n != 4 {
		t.Fatalf("imported %d, %v", n, err)
	}
	d, _ := f.svc.Requirement(f.ctx, f.org.ID, "iso27002-excerpt", "2.1.1")
	if d.LicensedText == nil || !strings.HasPrefix(d.LicensedText.Source, "Sample Security Catalog") || d.Text != "" {
		t.Fatalf("2.1.1 = %+v with %+v", d.Requirement, d.LicensedText)
	}

	if _, err := f.svc.ImportLicensedTexts(f.ctx, framework.LicensedImport{OrgID: f.org.ID, Data: oscalFile(t, "basic-catalog.json")}); aims.ErrorField(err) != "framework" {
		t.Fatalf("an OSCAL file without a framework: %v", err)
	}
	_, err = f.svc.ImportLicensedTexts(f.ctx, framework.LicensedImport{OrgID: f.org.ID, Framework: framework.ISO42001, Data: oscalFile(t, "basic-catalog.json")})
	if issues := importIssues(t, err); len(issues) != 4 || issues[0].Pointer != "/catalog/groups/0/groups/0/controls/0" {
		t.Fatalf("a catalog of another framework: %+v", issues)
	}
}

func TestBadLicensedTextLinesAreNamedAndNothingIsImported(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	csv := "framework,ref,text\n" +
		framework.ISO42001 + ",A.6.2.4,fine\n" +
		"nope,A.6.2.4,x\n" +
		framework.ISO42001 + ",A.99,x\n" +
		framework.ISO42001 + ",4.1,\n" +
		framework.ISO42001 + ",A.6.2.4,again\n"
	_, err := f.svc.ImportLicensedTexts(f.ctx, framework.LicensedImport{OrgID: f.org.ID, Data: []byte(csv)})
	issues := importIssues(t, err)
	var lines []int
	for _, i := range issues {
		lines = append(lines, i.Line)
	}
	if len(lines) != 4 || lines[0] != 3 || lines[3] != 6 {
		t.Fatalf("issues %+v", issues)
	}
	d, _ := f.svc.Requirement(f.ctx, f.org.ID, framework.ISO42001, "A.6.2.4")
	if d.LicensedText != nil {
		t.Fatal("the good line was imported")
	}
}
