package demo_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/system"
	"github.com/google/go-cmp/cmp"
)

// TestTheDemoSystemsAreClassifiedOnce loads the demo twice and checks the EU AI Act classes the scenarios
// give Lumen Labs' systems, each saved once.
func TestTheDemoSystemsAreClassifiedOnce(t *testing.T) {
	t.Parallel()
	ctx, systems, org := loadTwice(t, false)
	ss, _, err := systems.List(ctx, org.ID, system.Filter{}, aims.Page{Limit: 10})
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
		"Lumen Credit": {"high_risk", "5(b)", []string{}, 1, "Maya Okafor"},
	}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("classifications (-want +got):\n%s", diff)
	}
}

// TestTheDemoSystemsShowTheirObligations checks what the Act asks of Lumen Labs for each demo system,
// article by article and dated under the amended dates, as the Regulation reads: TalentMatch, a high-risk
// CV screener Lumen deploys as a private company, brings the deployer's duties of Art. 26 with the
// Annex III date but not the fundamental rights impact assessment of Art. 27 (public bodies and public
// services only) nor the public registration of Art. 49(3); Lumen Assist's provider discloses the chatbot
// and marks its output (Art. 50(1) and (2)); Lumen Code, deployed for Lumen's own engineers, needs only
// AI literacy and the prohibitions; Lumen Credit, a credit score of people (Annex III 5(b)), brings Art. 27
// although Lumen is a private deployer.
func TestTheDemoSystemsShowTheirObligations(t *testing.T) {
	t.Parallel()
	ctx, systems, org := loadTwice(t, false)
	cat, err := framework.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ss, _, err := systems.List(ctx, org.ID, system.Filter{}, aims.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	all := map[string][]string{}
	for _, s := range ss {
		ob, err := systems.Obligations(ctx, cat, "amended", org.ID, s.ID)
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		for _, o := range ob.Items {
			all[s.Name] = append(all[s.Name], o.Article+" from "+o.AppliesFrom)
		}
	}
	want := map[string][]string{
		"TalentMatch": {"4 from 2025-02-02", "5 from 2025-02-02", "14 from 2027-12-02", "25 from 2027-12-02", "26 from 2027-12-02",
			"73 from 2027-12-02", "86 from 2027-12-02"},
		"Lumen Assist": {"4 from 2025-02-02", "5 from 2025-02-02", "50(1) from 2026-08-02", "50(2) from 2026-08-02"},
		"Lumen Code":   {"4 from 2025-02-02", "5 from 2025-02-02"},
		"Lumen Credit": {"4 from 2025-02-02", "5 from 2025-02-02", "14 from 2027-12-02", "25 from 2027-12-02", "26 from 2027-12-02",
			"27 from 2027-12-02", "73 from 2027-12-02", "86 from 2027-12-02"},
	}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("obligations (-want +got):\n%s", diff)
	}
}
