package readiness

import (
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/control"
)

// TestAMappedRequirementGoesAsFarAsItsFurthestISOItem: the requirement takes the step of the mapped item
// that is furthest along, ignoring excluded ones; with only excluded items it says so, and with none it
// asks for a mapping; the roll-up counts it the same way.
func TestAMappedRequirementGoesAsFarAsItsFurthestISOItem(t *testing.T) {
	iso := map[string]*Item{
		"4.1":     {Ref: "4.1", Step: StepImplement, Applicable: true, Applicability: control.Applicable, Owned: true, OwnerName: "Maya", Next: "Implement 4.1", Href: "/controls/x/4.1"},
		"A.6.2.4": {Ref: "A.6.2.4", Step: StepEvidence, Applicable: true, Applicability: control.Applicable, Owned: true, Implemented: true, OwnerName: "Priya", Next: "Attach evidence to A.6.2.4", Href: "/controls/x/A.6.2.4"},
		"A.10.4":  {Ref: "A.10.4", Step: StepReady, Excluded: true, Applicability: control.Excluded, Href: "/controls/x/A.10.4"},
		"A.2.2":   {Ref: "A.2.2", Step: StepDecide, Applicability: control.Undecided, Next: "Decide A.2.2", Href: "/controls/x/A.2.2"},
	}
	via := func(refs ...string) []control.CoverageSource {
		var out []control.CoverageSource
		for _, r := range refs {
			out = append(out, control.CoverageSource{Ref: r, Title: "t " + r, Relationship: "related"})
		}
		return out
	}
	var ru Rollup
	cases := []struct {
		name      string
		via       []control.CoverageSource
		step, by  string
		next      string
		viaSteps  string
		applicant bool
	}{
		{"furthest wins", via("A.2.2", "4.1", "A.6.2.4", "A.10.4"), StepEvidence, "A.6.2.4", "Attach evidence to A.6.2.4", "decide implement evidence excluded", true},
		{"an excluded item does not meet it", via("A.10.4", "A.2.2"), StepDecide, "A.2.2", "Decide A.2.2", "excluded decide", false},
		{"only excluded items", via("A.10.4"), StepExcluded, "", "is excluded from your Statement of Applicability", "excluded", false},
		{"no mapping", nil, StepMap, "", "No ISO/IEC 42001 item maps to GOVERN 9.9", "", false},
		{"an item the organization does not have is skipped", via("A.99"), StepMap, "", "No ISO/IEC 42001 item maps", "", false},
	}
	for _, c := range cases {
		mi, best := mappedItem("nist", control.CoverageItem{Ref: "GOVERN 9.9", Title: "Something", State: "open", Via: c.via}, iso)
		ru.add(&best)
		var steps []string
		for _, v := range mi.Via {
			steps = append(steps, v.Step)
		}
		if mi.Step != c.step || mi.By != c.by || !strings.Contains(mi.Next, c.next) || strings.Join(steps, " ") != c.viaSteps ||
			best.Ref != "GOVERN 9.9" || best.Framework != "nist" || best.Applicable != c.applicant || best.Ready() {
			t.Errorf("%s: %+v, counted as %+v", c.name, mi, best)
		}
	}
	if ru.Items != 5 || ru.Decided != 2 || ru.Applicable != 1 || ru.Implemented != 1 || ru.Ready != 0 {
		t.Errorf("roll-up: %+v", ru)
	}
	if mi, best := mappedItem("nist", control.CoverageItem{Ref: "MAP 1.1", Via: via("A.10.4", "A.2.2")}, map[string]*Item{
		"A.2.2": {Ref: "A.2.2", Step: StepReady, Applicable: true, Owned: true, OwnerName: "Maya", Href: "/h"}, "A.10.4": iso["A.10.4"]}); !mi.Ready() || !best.Ready() || mi.OwnerName != "Maya" || mi.Href != "/h" {
		t.Errorf("a ready item makes it ready: %+v", mi)
	}
}
