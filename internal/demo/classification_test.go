package demo_test

import (
	"testing"

	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/system"
	"github.com/google/go-cmp/cmp"
)

// TestTheDemoSystemsAreClassifiedOnce loads the demo twice and checks the EU AI Act classes the scenarios
// give Lumen Labs' systems, each saved once.
func TestTheDemoSystemsAreClassifiedOnce(t *testing.T) {
	t.Parallel()
	ctx, systems, org := loadTwice(t, false)
	ss, _, err := systems.List(ctx, org.ID, system.Filter{}, account.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		Class, Point string
		Transparency []string
		Version      int64
		By           string
	}
	all := map[string]got{}
	for _, s := range ss {
		c, err := systems.Classification(ctx, org.ID, s.ID)
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		all[s.Name] = got{c.Class, c.Result.AnnexIIIPoint, c.Result.Transparency, c.Version, c.ClassifiedByName}
	}
	want := map[string]got{
		"TalentMatch":  {"high_risk", "4(a)", []string{}, 1, "Maya Okafor"},
		"Lumen Assist": {"minimal", "", []string{"50(1)", "50(2)"}, 1, "Maya Okafor"},
		"Lumen Code":   {"minimal", "", []string{}, 1, "Maya Okafor"},
	}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("classifications (-want +got):\n%s", diff)
	}
}
