package aibom

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/component/aibom/aibomtest"
)

// TestDocumentLimitsRefuseTooManyItems refuses a document with more components or dependencies than its
// Limits, from Validate and Inventory alike, and takes one at the limit.
func TestDocumentLimitsRefuseTooManyItems(t *testing.T) {
	t.Parallel()
	nested := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[
		{"type":"library","name":"a","components":[{"type":"library","name":"a1"},{"type":"library","name":"a2"}]},
		{"type":"library","name":"b"}],
		"services":[{"name":"s","services":[{"name":"s1"}]}]}`)
	deps := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"bom-ref":"a","type":"library","name":"a"}],
		"dependencies":[{"ref":"a"},{"ref":"b"},{"ref":"c"}]}`)
	for _, tc := range []struct {
		name   string
		data   []byte
		limits Limits
		what   string // "" when the document is taken
	}{
		{"components at the limit are taken", aibomtest.Trivial(10), Limits{Components: 10}, ""},
		{"one component over the limit is refused", aibomtest.Trivial(11), Limits{Components: 10}, "components"},
		{"nested components and services count", nested, Limits{Components: 5}, "components"},
		{"nested components and services at the limit are taken", nested, Limits{Components: 6}, ""},
		{"dependencies over their limit are refused", deps, Limits{Dependencies: 2}, "dependencies"},
		{"dependencies at their limit are taken", deps, Limits{Dependencies: 3, Components: 1}, ""},
		{"no limits take anything", aibomtest.Trivial(50), Limits{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := Read(bytes.NewReader(tc.data), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			d.Limits = tc.limits
			_, ierr := d.Inventory()
			verr := d.Validate()
			for name, err := range map[string]error{"Inventory": ierr, "Validate": verr} {
				var tm *TooManyError
				switch {
				case tc.what == "" && err != nil:
					t.Errorf("%s: %v, want the document taken", name, err)
				case tc.what != "" && (!errors.As(err, &tm) || tm.What != tc.what):
					t.Errorf("%s: %v, want a *TooManyError on %s", name, err, tc.what)
				case tc.what == "components" && tm.Limit != tc.limits.Components:
					t.Errorf("%s: the error names the limit %d, want %d", name, tm.Limit, tc.limits.Components)
				}
			}
		})
	}
}

// TestDocumentLimitsStopReading shows that the items past the limit are not read: a document whose
// components after the limit are not even JSON is refused for the count, not for its syntax.
func TestDocumentLimitsStopReading(t *testing.T) {
	t.Parallel()
	data := aibomtest.Trivial(20)
	data = append(data[:len(data)-2], []byte(`,{"type": nonsense ...`)...)
	d, err := Read(bytes.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	d.Limits = Limits{Components: 5}
	_, err = d.Inventory()
	var tm *TooManyError
	if !errors.As(err, &tm) || !strings.Contains(err.Error(), "limit of 5 components") {
		t.Fatalf("Inventory: %v, want the limit of 5 components", err)
	}
	if err := d.Validate(); !errors.As(err, &tm) {
		t.Fatalf("Validate: %v, want the limit of 5 components", err)
	}
	d.Limits = Limits{}
	var ie *InvalidError
	if _, err := d.Inventory(); !errors.As(err, &ie) {
		t.Fatalf("without limits: %v, want the document refused as not JSON", err)
	}
}
