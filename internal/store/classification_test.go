package store_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/system"
)

// minimalAnswers answers every question of a minimal-risk system that interacts with people.
func minimalAnswers() map[string]string {
	a := map[string]string{"scope_military": "no", "scope_research": "no", "scope_open_source": "no", "scope_personal": "no",
		"prohibited_intimate": "no", "annex_i_section": "none", "annex_iii_area": "none", "transparency_interacts": "yes", "transparency_synthetic": "no", "transparency_emotion": "no",
		"transparency_deepfake": "no", "gpai": "no"}
	for _, l := range "abcdefgh" {
		a["prohibited_"+string(l)] = "no"
	}
	return a
}

func TestClassificationsAreVersionedKeptAndFiltered(t *testing.T) {
	f := apptest.New(t)
	org, other := f.Org(t, "acme"), f.Org(t, "globex")
	u := f.User(t, "ada@example.com", org, aims.RoleAdmin)
	f.User(t, "bob@example.com", other, aims.RoleAdmin)
	ctx := f.Member(t, u, org)
	chat, err := f.Systems.Create(ctx, org.ID, system.Fields{Name: "Chat", Purpose: "Answers customers.", EURole: "deployer"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Systems.Create(ctx, org.ID, system.Fields{Name: "Other", Purpose: "Not classified."}); err != nil {
		t.Fatal(err)
	}

	if _, err := f.Systems.Classification(ctx, org.ID, chat.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("classification before any: %v, want ENOTFOUND", err)
	}
	if _, err := f.Systems.Classify(ctx, org.ID, chat.ID, system.ClassificationInput{Answers: minimalAnswers()}, 1); aims.ErrorCode(err) != aims.EPRECONDITION {
		t.Fatalf("first save with If-Match 1: %v, want EPRECONDITION", err)
	}
	c1, err := f.Systems.Classify(ctx, org.ID, chat.ID, system.ClassificationInput{Answers: minimalAnswers()}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c1.Version != 1 || c1.Class != "minimal" || c1.ClassifiedBy != u.ID || c1.Override {
		t.Fatalf("first classification %+v", c1)
	}
	c2, err := f.Systems.Classify(ctx, org.ID, chat.ID, system.ClassificationInput{Answers: minimalAnswers(), Class: "high_risk",
		Justification: "The legal team treats it as high-risk."}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c2.Version != 2 || c2.Class != "high_risk" || !c2.Override || c2.Result.Class != "minimal" {
		t.Fatalf("second classification %+v", c2)
	}
	if _, err := f.Systems.Classify(ctx, org.ID, chat.ID, system.ClassificationInput{Answers: minimalAnswers()}, 1); aims.ErrorCode(err) != aims.EPRECONDITION {
		t.Fatalf("stale save: %v, want EPRECONDITION", err)
	}
	got, err := f.Systems.Classification(ctx, org.ID, chat.ID)
	if err != nil || got.Version != 2 || got.Justification != "The legal team treats it as high-risk." || got.Answers["transparency_interacts"] != "yes" {
		t.Fatalf("current classification %+v, %v", got, err)
	}
	hist, err := f.Systems.ClassificationHistory(ctx, org.ID, chat.ID)
	if err != nil || len(hist) != 2 || hist[0].Version != 2 || hist[1].Version != 1 || hist[1].Class != "minimal" {
		t.Fatalf("history %+v, %v", hist, err)
	}

	for _, c := range []struct {
		class string
		want  []string
	}{{"high_risk", []string{"Chat"}}, {"minimal", nil}, {"unclassified", []string{"Other"}}, {"", []string{"Chat", "Other"}}} {
		ss, _, err := f.Systems.List(ctx, org.ID, system.Filter{RiskClass: c.class}, aims.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range ss {
			names = append(names, s.Name)
		}
		if len(names) != len(c.want) || (len(names) > 0 && names[0] != c.want[0]) {
			t.Errorf("risk class %q: %v, want %v", c.class, names, c.want)
		}
	}
	if _, _, err := f.Systems.List(ctx, org.ID, system.Filter{RiskClass: "limited"}, aims.Page{}); aims.ErrorField(err) != "risk_class" {
		t.Errorf("unknown risk class: %v, want EINVALID on risk_class", err)
	}

	// Another organization sees nothing.
	if _, err := f.Systems.Classification(ctx, other.ID, chat.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("other org read: %v", err)
	}
	if _, err := f.Systems.ClassificationHistory(ctx, other.ID, chat.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("other org history: %v", err)
	}
	if _, err := f.Systems.Classify(ctx, other.ID, chat.ID, system.ClassificationInput{Answers: minimalAnswers()}, 0); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("other org save: %v", err)
	}

	// Each save is in the activity trail.
	es, _, err := f.DB.ListActivity(ctx, org.ID, aims.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.RecordType == "system_classification" && e.RecordID == chat.ID {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d activity entries for classifications, want 2", n)
	}

	// Deleting the system takes its classification with it.
	if err := f.Systems.Delete(ctx, org.ID, chat.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Systems.ClassificationHistory(ctx, org.ID, chat.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("history after delete: %v", err)
	}
}
