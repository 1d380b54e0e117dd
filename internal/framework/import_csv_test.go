package framework_test

import (
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

func TestACSVFrameworkImportsWithDefaults(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	csv := "\xef\xbb\xbfref,title,parent_ref,kind,text,assessable\n" +
		"P,Policies,,group,,\n" +
		"P-1,Have a policy,P,,\"Write it down.\nPublish it.\",\n" +
		"P-2,Review it,P,control,,no\n" +
		"R,Risk,,,,\n"
	fw := f.importFile(t, framework.ImportRequest{Filename: "Our Controls.csv", Data: []byte(csv)})
	if fw.Key != "our-controls" || fw.Name != "our-controls" || fw.Kind != framework.KindCSV || fw.Requirements != 4 || fw.Assessable != 2 {
		t.Fatalf("framework %+v", fw)
	}
	_, by := f.tree(t, "our-controls")
	if p1 := by["P-1"]; p1.Kind != framework.ReqControl || !p1.Assessable || p1.Text != "Write it down.\nPublish it." || p1.Depth != 1 {
		t.Errorf("P-1 = %+v", p1)
	}
	if p := by["P"]; p.Assessable || p.Children != 2 {
		t.Errorf("P = %+v", p)
	}
	if by["P-2"].Assessable || !by["R"].Assessable {
		t.Errorf("assessable: P-2 %v, R %v", by["P-2"].Assessable, by["R"].Assessable)
	}
}

func TestACSVFileWithABadLineNamesItAndImportsNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tc := range []struct {
		name, csv string
		lines     []int
		says      string
	}{
		{"no header", "A.1,Do this\n", []int{1}, `the first line names "A.1,Do this"`},
		{"a missing title column", "ref,text\nA,x\n", []int{1}, "ref and title at least"},
		{"an unknown column", "ref,title,colour\nA,x,red\n", []int{1}, `unknown column "colour"`},
		{"an empty ref", "ref,title\nA,x\n,y\n", []int{3}, "ref is empty"},
		{"a repeated ref", "ref,title\nA,x\nB,y\nA,z\n", []int{4}, "on line 2 already"},
		{"an unknown parent", "ref,title,parent_ref\nA,x,\nB,y,Q\n", []int{3}, `parent_ref "Q"`},
		{"an unknown kind", "ref,title,kind\nA,x,widget\n", []int{2}, `kind "widget"`},
		{"a bad assessable", "ref,title,assessable\nA,x,maybe\n", []int{2}, "use yes or no"},
		{"too few fields", "ref,title,text\nA,x,t\nB,y\n", []int{3}, "has 2 fields"},
		{"a broken quote", "ref,title\nA,x\nB,\"y\nC,z\n", []int{3}, "extraneous or missing"},
		{"a parent cycle", "ref,title,parent_ref\nA,x,B\nB,y,A\n", []int{2}, "its own ancestor"},
		{"several bad lines", "ref,title,kind\nA,,\nB,y,bogus\nC,z,\n", []int{2, 3}, "title is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.Import(f.ctx, framework.ImportRequest{OrgID: f.org.ID, Key: "mine", Format: framework.FormatCSV, Data: []byte(tc.csv)})
			issues := importIssues(t, err)
			var lines []int
			said := false
			for _, i := range issues {
				lines = append(lines, i.Line)
				said = said || strings.Contains(i.Message, tc.says)
			}
			if len(lines) != len(tc.lines) {
				t.Fatalf("issues %+v, want lines %v", issues, tc.lines)
			}
			for k := range lines {
				if lines[k] != tc.lines[k] {
					t.Fatalf("issues %+v, want lines %v", issues, tc.lines)
				}
			}
			if !said {
				t.Errorf("no issue says %q: %+v", tc.says, issues)
			}
		})
	}
	if f.ownFrameworks(t) != 0 {
		t.Fatal("a bad file left a framework behind")
	}
	if _, err := f.svc.Import(f.ctx, framework.ImportRequest{OrgID: f.org.ID, Data: []byte("ref,title\nA,x\n")}); aims.ErrorField(err) != "key" {
		t.Fatalf("a CSV without a key or file name: %v", err)
	}
}

func TestMappingsAreCheckedAndStayInTheOrganization(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := framework.MappingRequest{FromFramework: framework.ISO42001, FromRef: "A.6.2.4", ToFramework: framework.NISTAIRMF,
		ToRef: "MEASURE 2.13", Relationship: framework.RelIntersects, Rationale: "Both ask for verification."}
	for _, tc := range []struct {
		name  string
		edit  func(r *framework.MappingRequest)
		field string
	}{
		{"an unknown relationship", func(r *framework.MappingRequest) { r.Relationship = "similar" }, "relationship"},
		{"an unknown framework", func(r *framework.MappingRequest) { r.ToFramework = "nope" }, "to_framework"},
		{"an unknown requirement", func(r *framework.MappingRequest) { r.FromRef = "A.99" }, "from_ref"},
		{"no requirement", func(r *framework.MappingRequest) { r.ToRef = " " }, "to_ref"},
		{"the same framework", func(r *framework.MappingRequest) { r.ToFramework, r.ToRef = framework.ISO42001, "A.6.2.5" }, "to_framework"},
		{"a long source", func(r *framework.MappingRequest) { r.Source = strings.Repeat("s", 201) }, "source"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := req
			tc.edit(&r)
			if _, err := f.svc.CreateMapping(f.ctx, f.org.ID, r); aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != tc.field {
				t.Fatalf("error %v, want invalid on %s", err, tc.field)
			}
		})
	}
	m, err := f.svc.CreateMapping(f.ctx, f.org.ID, req)
	if err != nil || !m.Own || m.Source != framework.SourceOwn {
		t.Fatalf("mapping %+v, %v", m, err)
	}
	if _, err := f.svc.CreateMapping(f.ctx, f.org.ID, req); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("the same pair again: %v", err)
	}
	d, err := f.svc.Requirement(f.ctx, f.org.ID, framework.NISTAIRMF, "MEASURE 2.13")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range d.Related {
		if r.Mapping.ID == m.ID {
			found = r.Requirement.Ref == "A.6.2.4" && r.Relationship == framework.RelIntersects
		}
	}
	if !found {
		t.Fatalf("MEASURE 2.13 does not show the own mapping: %+v", d.Related)
	}
	other := f.otherOrg(t, "other")
	if d, _ := f.svc.Requirement(f.ctx, other.ID, framework.NISTAIRMF, "MEASURE 2.13"); d != nil {
		for _, r := range d.Related {
			if r.Mapping.ID == m.ID {
				t.Fatal("another organization sees the own mapping")
			}
		}
	}
	if err := f.svc.DeleteMapping(f.ctx, other.ID, m.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("deleted by another organization: %v", err)
	}
	if err := f.svc.DeleteMapping(f.ctx, f.org.ID, m.ID); err != nil {
		t.Fatal(err)
	}
}

func TestARequirementShowsWhereItSitsAndWhatItMapsTo(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d, err := f.svc.Requirement(f.ctx, f.org.ID, framework.ISO42001, "A.6.2")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Ancestors) != 2 || d.Ancestors[0].Ref != "A" || d.Ancestors[1].Ref != "A.6" || len(d.Children) < 5 || d.Children[0].Ref != "A.6.2.2" {
		t.Fatalf("A.6.2: ancestors %v, %d children", d.Ancestors, len(d.Children))
	}
	d, err = f.svc.Requirement(f.ctx, f.org.ID, framework.NISTAIRMF, "GOVERN 1.1")
	if err != nil || d.Text == "" || len(d.Related) == 0 || d.Related[0].Mapping.Source == "" {
		t.Fatalf("GOVERN 1.1 = %+v, %v", d, err)
	}
	if _, err := f.svc.Requirement(f.ctx, f.org.ID, framework.NISTAIRMF, "GOVERN 99"); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("an unknown ref: %v", err)
	}
	res, err := f.svc.Search(f.ctx, f.org.ID, nil, "red-team", 0)
	if err != nil || len(res) == 0 {
		t.Fatalf("search: %d, %v", len(res), err)
	}
	if _, err := f.svc.Search(f.ctx, f.org.ID, nil, "  ", 0); aims.ErrorField(err) != "q" {
		t.Fatalf("an empty search: %v", err)
	}
}
