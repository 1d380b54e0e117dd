package framework

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework/oscal"
)

// FuzzParseCSV: any input either parses into requirements with unique, non-empty refs whose parents
// exist, or is refused with an *ImportError; it never panics.
func FuzzParseCSV(f *testing.F) {
	for _, s := range []string{
		"ref,title,parent_ref,kind,text,assessable\nA,x,,group,,no\nA.1,y,A,control,\"t\nu\",yes\n",
		"ref,title\nA,x\nA,y\n",
		"ref,title,parent_ref\nA,x,B\nB,y,A\n",
		"\xef\xbb\xbfref,title\n\"A\nB\",x\n",
		"ref,title\nA,\"x",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		reqs, err := ParseCSV(data)
		if err != nil {
			var ie *ImportError
			if !errors.As(err, &ie) || aims.ErrorCode(err) != aims.EINVALID {
				t.Fatalf("error %v (%T), want an *ImportError", err, err)
			}
			return
		}
		refs := map[string]bool{}
		for _, r := range reqs {
			if r.Ref == "" || refs[r.Ref] || r.Title == "" {
				t.Fatalf("requirement %+v", r)
			}
			refs[r.Ref] = true
		}
		for _, r := range reqs {
			if r.ParentRef != "" && !refs[r.ParentRef] {
				t.Fatalf("%q's parent %q is not in the file", r.Ref, r.ParentRef)
			}
		}
		if n := len(Tree(reqs)); n != len(reqs) {
			t.Fatalf("the tree has %d of %d requirements", n, len(reqs))
		}
	})
}

// FuzzOSCALCatalog: any input is refused with an *oscal.InvalidError or converts into requirements with
// unique refs, or an *ImportError; it never panics, and export of the result validates.
func FuzzOSCALCatalog(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "oscal", "basic-catalog.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"catalog":{"uuid":"74c8ba1e-5cd4-4ad1-bbfd-d888e2f6c724","metadata":{"title":"t","last-modified":"2024-02-01T13:57:28Z","version":"1","oscal-version":"1.1.2"},"controls":[{"id":"a","title":"A","controls":[{"id":"b","title":"B","parts":[{"name":"statement","prose":"{{ insert: param, p }}"}]}]}]}}`))
	f.Add([]byte(`{"profile":{}}`))
	f.Add([]byte(`not json`))
	var v oscal.Validator
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := v.Parse(data)
		if err != nil {
			var inv *oscal.InvalidError
			if !errors.As(err, &inv) || len(inv.Problems) == 0 {
				t.Fatalf("error %v (%T), want an *oscal.InvalidError with problems", err, err)
			}
			return
		}
		if doc.Catalog == nil {
			return
		}
		cv, err := convertCatalog(doc.Catalog)
		if err != nil {
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T), want an *ImportError", err, err)
			}
			return
		}
		for i, r := range cv.reqs {
			r.Position = i + 1
		}
		refs := map[string]bool{}
		for _, r := range cv.reqs {
			if refs[r.Ref] {
				t.Fatalf("ref %q twice", r.Ref)
			}
			refs[r.Ref] = true
		}
	})
}
