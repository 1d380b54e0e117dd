package euact_test

import (
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/system/euact"
)

// TestArt4FollowsTheVersionOfTheDateSet: Art. 4 as amended by the Digital Omnibus on AI asks providers
// and deployers to take measures supporting AI literacy, not to ensure a sufficient level of it as the
// Regulation first did; a system's obligations word it as the organization's date set does.
func TestArt4FollowsTheVersionOfTheDateSet(t *testing.T) {
	cat, err := framework.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	art4 := func(dateSet, role string) string {
		t.Helper()
		for _, o := range euact.Obligations(cat, dateSet, role, euact.Result{Class: euact.Minimal}) {
			if o.Article == "4" {
				return o.Obligation
			}
		}
		t.Fatalf("no Art. 4 for a %s under the %s dates", role, dateSet)
		return ""
	}
	for _, role := range []string{"provider", "deployer"} {
		if got := art4("amended", role); !strings.Contains(got, "measures to support") || strings.Contains(got, "sufficient level") {
			t.Errorf("Art. 4 as amended for a %s: %q", role, got)
		}
		if got := art4("published", role); !strings.Contains(got, "sufficient level of AI literacy") {
			t.Errorf("Art. 4 as first published for a %s: %q", role, got)
		}
	}
}
