package oscal_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/aimsproject/aims/internal/framework/oscal"
)

func TestUUID5IsAStableVersion5UUID(t *testing.T) {
	v5 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, b, c := oscal.UUID5("catalog:x@1"), oscal.UUID5("catalog:x@1"), oscal.UUID5("catalog:x@2")
	if !v5.MatchString(a) || a != b || a == c {
		t.Fatalf("UUID5: %s, %s, %s", a, b, c)
	}
}

func TestLabelPrefersTheLabelWithoutAClass(t *testing.T) {
	props := []oscal.Prop{{Name: "label", Value: "AC-02", Class: "zero-padded"}, {Name: "sort-id", Value: "ac-02"}, {Name: "label", Value: "AC-2"}}
	if got := oscal.Label(props); got != "AC-2" {
		t.Fatalf("label %q", got)
	}
	if got := oscal.Label(props[:1]); got != "AC-02" {
		t.Fatalf("label %q", got)
	}
	if got := oscal.Label([]oscal.Prop{{Name: "label", NS: "https://example.com/ns", Value: "X"}}); got != "" {
		t.Fatalf("a label of another namespace: %q", got)
	}
}

func TestParseTellsCatalogsFromProfilesAndListsProblems(t *testing.T) {
	var v oscal.Validator
	dir := filepath.Join("..", "..", "..", "testdata", "oscal")
	for name, profile := range map[string]bool{"basic-catalog.json": false, "NIST_SP-800-53_rev5_LOW-baseline_profile.json": true} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := v.Parse(b)
		if err != nil || (doc.Profile != nil) != profile || (doc.Catalog != nil) == profile {
			t.Fatalf("%s: %+v, %v", name, doc, err)
		}
	}
	_, err := v.Parse([]byte(`{"catalog":{"uuid":"x","metadata":{"title":"a/b~c"},"groups":[{"id":"9","title":"x"}]}}`))
	var inv *oscal.InvalidError
	if !errors.As(err, &inv) || inv.Kind != "catalog" || len(inv.Problems) < 3 {
		t.Fatalf("error %v", err)
	}
	seen := map[string]bool{}
	for _, p := range inv.Problems {
		seen[p.Pointer] = true
	}
	for _, want := range []string{"/catalog/uuid", "/catalog/metadata", "/catalog/groups/0/id"} {
		if !seen[want] {
			t.Errorf("no problem at %s: %+v", want, inv.Problems)
		}
	}
	if _, err := v.Parse([]byte("\xff\xfe")); !errors.As(err, &inv) || inv.Problems[0].Pointer != "" {
		t.Fatalf("bytes that are not UTF-8: %v", err)
	}
}
