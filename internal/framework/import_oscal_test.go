package framework_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
)

func TestAnOSCALCatalogBecomesATreeOfGroupsAndControls(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	fw := f.importFile(t, framework.ImportRequest{Filename: "basic-catalog.json", Data: oscalFile(t, "basic-catalog.json")})
	if fw.Key != "basic-catalog" || fw.Revision != 1 || fw.Kind != framework.KindOSCAL || fw.Version != "1.1" ||
		!strings.HasPrefix(fw.Name, "Sample Security Catalog") {
		t.Fatalf("framework %+v", fw)
	}
	if fw.Requirements != 8 || fw.Assessable != 4 {
		t.Fatalf("%d requirements, %d assessable; want 4 groups and 4 controls", fw.Requirements, fw.Assessable)
	}
	nodes, by := f.tree(t, "basic-catalog")
	var order []string
	for _, n := range nodes {
		order = append(order, strings.Repeat(" ", n.Depth)+n.Ref)
	}
	want := []string{"1", " s1.1", "  1.1.1", "  1.1.2", "2", " 2.1", "  2.1.1", "  2.1.2"}
	if strings.Join(order, "|") != strings.Join(want, "|") {
		t.Errorf("tree %q, want %q", order, want)
	}
	c := by["1.1.1"]
	if c.Kind != framework.ReqControl || !c.Assessable || c.ParentRef != "s1.1" || c.Title != "Information security roles and responsibilities" {
		t.Errorf("1.1.1 = %+v", c.Requirement)
	}
	// The statement's prose, with the parameter shown as a selection and its nested parameter filled in.
	if !strings.HasPrefix(c.Text, "All information security responsibilities should be defined and allocated.") ||
		!strings.Contains(c.Text, "[Selection (one or more): initiating a device lock after [Assignment: a duration] of inactivity; requiring the user") ||
		strings.Contains(c.Text, "{{") {
		t.Errorf("1.1.1 text %q", c.Text)
	}
	if g := by["s1.1"]; g.Kind != framework.ReqGroup || g.Assessable || g.ParentRef != "1" {
		t.Errorf("group s1.1 (no label, so its id) = %+v", g.Requirement)
	}
}

func TestTheSP80053LowBaselineImportsAsACatalogAndAsAProfile(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	catalog := oscalFile(t, "NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json")
	profile := oscalFile(t, "NIST_SP-800-53_rev5_LOW-baseline_profile.json")

	t.Run("the resolved catalog", func(t *testing.T) {
		fw := f.importFile(t, framework.ImportRequest{Key: "sp800-53-low", Filename: "low.json", Data: catalog})
		if fw.Requirements != 167 || fw.Assessable != 149 || fw.Publisher != "Joint Task Force, Transformation Initiative" {
			t.Fatalf("framework %+v; want 18 families and 149 controls", fw)
		}
		_, by := f.tree(t, "sp800-53-low")
		ac2 := by["AC-2"]
		if ac2.ParentRef != "ac" || ac2.Title != "Account Management" ||
			!strings.Contains(ac2.Text, "a. Define and document the types of accounts allowed") ||
			!strings.Contains(ac2.Text, "\n  1. Authorized users of the system;") {
			t.Errorf("AC-2 = %q under %q:\n%s", ac2.Title, ac2.ParentRef, ac2.Text)
		}
		if e := by["IA-2(1)"]; e.ParentRef != "IA-2" || e.Depth != 2 || e.Kind != framework.ReqControl {
			t.Errorf("the enhancement IA-2(1) = %+v at depth %d", e.Requirement, e.Depth)
		}
	})

	t.Run("the profile, with the catalog given", func(t *testing.T) {
		fw := f.importFile(t, framework.ImportRequest{Key: "low-profile", Filename: "NIST_SP-800-53_rev5_LOW-baseline_profile.json",
			Data: profile, CatalogData: catalog, CatalogFilename: "low.json"})
		if fw.Assessable != 149 || fw.Requirements != 167 || !strings.Contains(fw.Source, "OSCAL profile") {
			t.Fatalf("framework %+v; want the 149 selected controls in their 18 families", fw)
		}
	})

	t.Run("the profile, against a catalog imported before", func(t *testing.T) {
		// The profile names the full catalog, NIST_SP-800-53_rev5_catalog.json; the LOW catalog stands in
		// for it under that file's name.
		f.importFile(t, framework.ImportRequest{Filename: "NIST_SP-800-53_rev5_catalog.json", Data: catalog})
		fw := f.importFile(t, framework.ImportRequest{Key: "low-profile-2", Filename: "profile.json", Data: profile})
		if fw.Assessable != 149 {
			t.Fatalf("framework %+v", fw)
		}
		_, by := f.tree(t, "low-profile-2")
		if by["AT-2(2)"].ParentRef != "AT-2" || by["AT-2"].ParentRef != "at" {
			t.Errorf("AT-2(2) under %q, AT-2 under %q", by["AT-2(2)"].ParentRef, by["AT-2"].ParentRef)
		}
	})

	t.Run("the profile, with a catalog key", func(t *testing.T) {
		fw := f.importFile(t, framework.ImportRequest{Key: "low-profile-3", Filename: "profile.json", Data: profile, CatalogKey: "sp800-53-low"})
		if fw.Assessable != 149 {
			t.Fatalf("framework %+v", fw)
		}
	})

	t.Run("a profile selecting fewer controls", func(t *testing.T) {
		small := strings.Replace(string(profile), `"ac-1",`, `"ac-1"],"with-child-controls":"no"},{"with-ids":["ia-2"],"with-child-controls":"yes"},{"with-ids":[`, 1)
		fw := f.importFile(t, framework.ImportRequest{Key: "low-small", Data: []byte(small), CatalogData: catalog})
		if fw.Assessable != 149 {
			t.Fatalf("framework %+v", fw)
		}
		var p map[string]any
		if err := json.Unmarshal(profile, &p); err != nil {
			t.Fatal(err)
		}
		imp := p["profile"].(map[string]any)["imports"].([]any)[0].(map[string]any)
		imp["include-controls"] = []any{map[string]any{"with-ids": []any{"ac-2", "ia-2"}, "with-child-controls": "yes"}}
		imp["exclude-controls"] = []any{map[string]any{"with-ids": []any{"ia-2.2"}}}
		p["profile"].(map[string]any)["merge"] = map[string]any{"flat": map[string]any{}}
		b, _ := json.Marshal(p)
		fw = f.importFile(t, framework.ImportRequest{Key: "low-two", Data: b, CatalogData: catalog})
		nodes, by := f.tree(t, "low-two")
		var refs []string
		for _, n := range nodes {
			refs = append(refs, n.Ref)
		}
		if got := strings.Join(refs, " "); got != "AC-2 IA-2 IA-2(1) IA-2(8) IA-2(12)" {
			t.Errorf("selected %s", got)
		}
		if by["IA-2(1)"].ParentRef != "IA-2" || by["AC-2"].ParentRef != "" {
			t.Errorf("flat merge keeps enhancements under their control and drops families: %+v", by["IA-2(1)"].Requirement)
		}
	})

	t.Run("a profile whose catalog is nowhere", func(t *testing.T) {
		g := newFixture(t)
		_, err := g.svc.Import(g.ctx, framework.ImportRequest{OrgID: g.org.ID, Key: "p", Data: profile})
		issues := importIssues(t, err)
		if len(issues) != 1 || issues[0].Pointer != "/profile/imports/0/href" || !strings.Contains(issues[0].Message, "NIST_SP-800-53_rev5_catalog") {
			t.Fatalf("issues %+v", issues)
		}
		if g.ownFrameworks(t) != 0 {
			t.Fatal("something was imported")
		}
	})

	t.Run("a profile selecting a control the catalog lacks", func(t *testing.T) {
		bad := strings.Replace(string(profile), `"ac-1",`, `"ac-1","zz-99",`, 1)
		_, err := f.svc.Import(f.ctx, framework.ImportRequest{OrgID: f.org.ID, Key: "bad", Data: []byte(bad), CatalogData: catalog})
		issues := importIssues(t, err)
		if len(issues) != 1 || issues[0].Pointer != "/profile/imports/0/include-controls/0/with-ids/1" {
			t.Fatalf("issues %+v", issues)
		}
	})
}

func TestBrokenOSCALFilesAreRefusedWithPointersAndImportNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	basic := oscalFile(t, "basic-catalog.json")
	edit := func(fn func(c map[string]any)) []byte {
		var doc map[string]any
		if err := json.Unmarshal(basic, &doc); err != nil {
			t.Fatal(err)
		}
		fn(doc["catalog"].(map[string]any))
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	before, err := f.db.VerifyActivity(f.ctx, f.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		data     []byte
		pointers []string // each must be among the issues' pointers
		message  string   // in some issue's message
	}{
		{"not JSON", []byte("{\"catalog\": {\n  \"uuid\": oops}}"), []string{""}, "not JSON"},
		{"not JSON at all", []byte("{ this is not json"), []string{""}, "not JSON"},
		{"a missing uuid", edit(func(c map[string]any) { delete(c, "uuid") }), []string{"/catalog"}, "uuid"},
		{"missing metadata", edit(func(c map[string]any) { delete(c, "metadata") }), []string{"/catalog"}, "metadata"},
		{"a wrong type", edit(func(c map[string]any) { c["groups"] = "all of them" }), []string{"/catalog/groups"}, "want array"},
		{"several faults", edit(func(c map[string]any) {
			c["uuid"] = "not-a-uuid"
			c["metadata"].(map[string]any)["title"] = 42
			c["groups"].([]any)[0].(map[string]any)["id"] = "1 bad id"
		}), []string{"/catalog/uuid", "/catalog/metadata/title", "/catalog/groups/0/id"}, "does not match pattern"},
		{"a JSON array", []byte(`[1, 2]`), []string{""}, "want object"},
		{"neither catalog nor profile", []byte(`{"component-definition": {}}`), []string{""}, "catalog"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.Import(f.ctx, framework.ImportRequest{OrgID: f.org.ID, Key: "broken", Filename: "x.json", Data: tc.data})
			issues := importIssues(t, err)
			got := map[string]bool{}
			said := false
			for _, i := range issues {
				got[i.Pointer] = true
				said = said || strings.Contains(i.Message, tc.message)
			}
			for _, p := range tc.pointers {
				if !got[p] {
					t.Errorf("no issue at %q; issues %+v", p, issues)
				}
			}
			if !said {
				t.Errorf("no issue says %q: %+v", tc.message, issues)
			}
			if !strings.Contains(aims.ErrorMessage(err), "nothing was imported") {
				t.Errorf("message %q", aims.ErrorMessage(err))
			}
		})
	}
	if f.ownFrameworks(t) != 0 {
		t.Fatal("a broken file left a framework behind")
	}
	if after, _ := f.db.VerifyActivity(f.ctx, f.org.ID); after != before {
		t.Fatalf("the activity trail went from %d to %d entries", before, after)
	}
}

func TestTheSameFileTwiceIsRefusedAndAChangedOneIsANewRevision(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	basic := oscalFile(t, "basic-catalog.json")
	f.importFile(t, framework.ImportRequest{Key: "basic", Data: basic})
	if _, err := f.svc.Import(f.ctx, framework.ImportRequest{OrgID: f.org.ID, Key: "basic", Data: basic}); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("the same file again: %v", err)
	}
	changed := bytes.Replace(basic, []byte(`"Segregation of duties"`), []byte(`"Separation of duties"`), 1)
	fw := f.importFile(t, framework.ImportRequest{Key: "basic", Data: changed})
	if fw.Revision != 2 {
		t.Fatalf("revision %d, want 2", fw.Revision)
	}
	latest, err := f.svc.Framework(f.ctx, f.org.ID, "basic")
	if err != nil || latest.Revision != 2 || latest.Requirements != 8 {
		t.Fatalf("latest %+v, %v", latest, err)
	}
	fws, _ := f.svc.Frameworks(f.ctx, f.org.ID)
	n := 0
	for _, x := range fws {
		if x.Key == "basic" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("the list shows %d revisions of basic, want the latest only", n)
	}
	if _, err := f.svc.Import(f.ctx, framework.ImportRequest{OrgID: f.org.ID, Key: framework.ISO42001, Data: changed}); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("a built-in key: %v", err)
	}
	for _, key := range []string{"Bad Key", "-x", strings.Repeat("k", 65)} {
		if _, err := f.svc.Import(f.ctx, framework.ImportRequest{OrgID: f.org.ID, Key: key, Data: changed}); aims.ErrorField(err) != "key" {
			t.Errorf("key %q: %v", key, err)
		}
	}
	if err := f.svc.Delete(f.ctx, f.org.ID, "basic", 1); aims.ErrorCode(err) != aims.EPRECONDITION {
		t.Fatalf("deleting an old revision: %v", err)
	}
	if err := f.svc.Delete(f.ctx, f.org.ID, framework.ISO42001, 0); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("deleting a built-in framework: %v", err)
	}
	other := f.otherOrg(t, "other")
	if err := f.svc.Delete(f.ctx, other.ID, "basic", 0); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("deleting another organization's framework: %v", err)
	}
	if err := f.svc.Delete(f.ctx, f.org.ID, "basic", 2); err != nil {
		t.Fatal(err)
	}
	if f.ownFrameworks(t) != 0 {
		t.Fatal("a revision is left")
	}
}

// TestAProfileSelectsFromAStoredCatalogByItsOSCALIds imports the sample catalog, whose control labels
// ("1.1.1") differ from their ids ("s1.1.1"), and then a profile that names it only by title and selects
// by id: aims keeps each requirement's OSCAL id, so the selection is exact.
func TestAProfileSelectsFromAStoredCatalogByItsOSCALIds(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.importFile(t, framework.ImportRequest{Filename: "basic-catalog.json", Data: oscalFile(t, "basic-catalog.json")})
	profile := func(ids ...string) []byte {
		b, _ := json.Marshal(map[string]any{"profile": map[string]any{
			"uuid":     "2f3c7a4e-7a53-4a55-9d3c-5c2e5ab7a001",
			"metadata": map[string]any{"title": "Sample profile", "last-modified": "2026-01-01T00:00:00Z", "version": "1", "oscal-version": "1.1.2"},
			"imports":  []any{map[string]any{"href": "#2f3c7a4e-7a53-4a55-9d3c-5c2e5ab7a002", "include-controls": []any{map[string]any{"with-ids": ids}}}},
			"back-matter": map[string]any{"resources": []any{map[string]any{
				"uuid": "2f3c7a4e-7a53-4a55-9d3c-5c2e5ab7a002", "title": "Sample Security Catalog *for Demonstration* and Testing"}}},
		}})
		return b
	}
	fw := f.importFile(t, framework.ImportRequest{Key: "sample-profile", Filename: "profile.json", Data: profile("s1.1.1", "s2.1.2")})
	if fw.Assessable != 2 {
		t.Fatalf("the profile selected %d controls, want 2", fw.Assessable)
	}
	_, by := f.tree(t, "sample-profile")
	if by["1.1.1"].Requirement == nil || by["2.1.2"].Requirement == nil || by["1.1.2"].Requirement != nil {
		t.Fatalf("selected %v", by)
	}
	_, err := f.svc.Import(f.ctx, framework.ImportRequest{OrgID: f.org.ID, Key: "bad-profile", Filename: "bad.json", Data: profile("1.1.1")})
	if aims.ErrorCode(err) != aims.EINVALID {
		t.Fatalf("selecting by label instead of id: %v, want the id refused", err)
	}
}
