package framework_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/framework/oscal"
)

// TestEveryFrameworkExportsAsAValidOSCALCatalog exports every built-in framework and an imported one, and
// validates each export against the official OSCAL catalog schema with an independent validator.
func TestEveryFrameworkExportsAsAValidOSCALCatalog(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.importFile(t, framework.ImportRequest{Key: "basic", Data: oscalFile(t, "basic-catalog.json")})
	f.importFile(t, framework.ImportRequest{Key: "mine", Format: framework.FormatCSV, Data: []byte(
		"ref,title,parent_ref,kind,text,assessable\n1,Heading,,clause,,no\n1.1,First,1,clause,\"Do this.\nAnd that.\",yes\n")})
	var v oscal.Validator
	fws, err := f.svc.Frameworks(f.ctx, f.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(fws) != 7 {
		t.Fatalf("%d frameworks, want the 5 built-in and 2 imported", len(fws))
	}
	for _, fw := range fws {
		t.Run(fw.Key, func(t *testing.T) {
			var a, b bytes.Buffer
			if err := f.svc.Export(f.ctx, &a, f.org.ID, fw.Key, framework.FormatOSCAL); err != nil {
				t.Fatal(err)
			}
			if err := v.ValidateCatalog(a.Bytes()); err != nil {
				t.Fatalf("the export does not validate: %v", err)
			}
			if err := f.svc.Export(f.ctx, &b, f.org.ID, fw.Key, framework.FormatOSCAL); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Fatal("two exports of the same framework differ")
			}
			var doc oscal.Document
			if err := json.Unmarshal(a.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			if n := countControls(doc.Catalog); n.controls+n.groups != fw.Requirements {
				t.Errorf("%d controls and %d groups for %d requirements", n.controls, n.groups, fw.Requirements)
			}
		})
	}
}

type counts struct{ controls, groups int }

func countControls(c *oscal.Catalog) counts {
	var n counts
	var control func(*oscal.Control)
	control = func(x *oscal.Control) {
		n.controls++
		for _, y := range x.Controls {
			control(y)
		}
	}
	var group func(*oscal.Group)
	group = func(g *oscal.Group) {
		n.groups++
		for _, y := range g.Groups {
			group(y)
		}
		for _, y := range g.Controls {
			control(y)
		}
	}
	for _, g := range c.Groups {
		group(g)
	}
	for _, x := range c.Controls {
		control(x)
	}
	return n
}

func TestExportsImportBackAsTheSameTree(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	shape := func(key string) string {
		nodes, _ := f.tree(t, key)
		var b strings.Builder
		for _, n := range nodes {
			fmt.Fprintf(&b, "%d|%s|%s|%s|%s|%v|%s\n", n.Depth, n.Ref, n.Title, n.ParentRef, n.Kind, n.Assessable, n.Text)
		}
		return b.String()
	}
	for _, key := range []string{framework.ISO42001, framework.NISTAIRMF, framework.EUAIAct, framework.ISO27001, framework.NIST600} {
		for _, format := range []string{framework.FormatOSCAL, framework.FormatCSV} {
			t.Run(key+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := f.svc.Export(f.ctx, &buf, f.org.ID, key, format); err != nil {
					t.Fatal(err)
				}
				copyKey := "copy-" + format + "-" + key
				f.importFile(t, framework.ImportRequest{Key: copyKey, Data: buf.Bytes()})
				if got, want := shape(copyKey), shape(key); got != want {
					t.Fatalf("the re-imported %s export differs:\n%s", format, firstDiff(got, want))
				}
			})
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(al), len(bl))
}

func TestTheISO42001ExportCarriesOurGuidanceAndStableIDs(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var buf bytes.Buffer
	if err := f.svc.Export(f.ctx, &buf, f.org.ID, framework.ISO42001, framework.FormatOSCAL); err != nil {
		t.Fatal(err)
	}
	var doc oscal.Document
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	c := doc.Catalog
	if c.UUID != oscal.UUID5("catalog:"+framework.ISO42001+"@1@2023") || c.Metadata.OSCALVersion != oscal.Version {
		t.Errorf("catalog uuid %s, oscal-version %s", c.UUID, c.Metadata.OSCALVersion)
	}
	var ids []string
	for _, g := range c.Groups {
		ids = append(ids, g.ID)
	}
	if strings.Join(ids, " ") != "clause-4 clause-5 clause-6 clause-7 clause-8 clause-9 clause-10 a" {
		t.Errorf("top-level groups %v, want the clauses and then Annex A", ids)
	}
	var found *oscal.Control
	var walk func(g *oscal.Group)
	walk = func(g *oscal.Group) {
		for _, x := range g.Groups {
			walk(x)
		}
		for _, x := range g.Controls {
			if x.ID == "a.6.2.4" {
				found = x
			}
		}
	}
	for _, g := range c.Groups {
		walk(g)
	}
	if found == nil || oscal.Label(found.Props) != "A.6.2.4" || len(found.Parts) != 1 || found.Parts[0].Name != "guidance" ||
		len(found.Parts[0].Parts) != 2 || !strings.HasPrefix(found.Parts[0].Parts[0].Prose, "- ") {
		t.Fatalf("A.6.2.4 = %+v", found)
	}
}
