package demo_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
)

// TestTheDemoSystemsAreRegisteredOnce loads Lumen Labs' AI systems twice and checks the three the
// scenarios describe and Lumen Credit, with their owners and Art. 50 facts.
func TestTheDemoSystemsAreRegisteredOnce(t *testing.T) {
	t.Parallel()
	ctx, systems, org := loadTwice(t, false)
	ss, _, err := systems.List(ctx, org.ID, system.Filter{}, aims.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]*system.System{}
	for _, s := range ss {
		by[s.Name] = s
	}
	if len(ss) != 4 {
		t.Fatalf("%d systems, want Lumen Assist, TalentMatch, Lumen Code and Lumen Credit", len(ss))
	}
	if a := by["Lumen Assist"]; a == nil || !a.InteractsWithPeople || a.EURole != "provider" || a.OwnerName != "Priya Nair" {
		t.Errorf("Lumen Assist = %+v", a)
	}
	if tm := by["TalentMatch"]; tm == nil || tm.EURole != "deployer" || tm.Stage != "deployment" || !tm.PersonalData {
		t.Errorf("TalentMatch = %+v", tm)
	}
	if lc := by["Lumen Code"]; lc == nil || lc.AIRole != "ai_customer" {
		t.Errorf("Lumen Code = %+v", lc)
	}
	if lc := by["Lumen Credit"]; lc == nil || lc.EURole != "deployer" || lc.OwnerName != "Sam Osei" {
		t.Errorf("Lumen Credit = %+v", lc)
	}
	h, err := systems.History(ctx, org.ID, by["TalentMatch"].ID)
	if err != nil || len(h) != 1 || h[0].ActorName != "Maya Okafor" {
		t.Errorf("history %+v, %v", h, err)
	}
}
