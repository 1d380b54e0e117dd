package syscard_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom/aibomtest"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/syscard"
)

func TestTheCardOfALargeSystemListsAPageAndSaysHowManyThereAre(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorUser, ID: "tester", Name: "Tess Ter"})
	org := &account.Organization{Slug: "acme", Name: "Acme"}
	if err := db.CreateOrganization(ctx, org); err != nil {
		t.Fatal(err)
	}
	svc := system.NewService(db)
	comps := component.NewService(db)
	s, err := svc.Create(ctx, org.ID, system.Fields{Name: "Big", Purpose: "Many parts."})
	if err != nil {
		t.Fatal(err)
	}
	// 120 libraries (other components) and 2 models, entered by hand.
	if _, err := comps.ImportBOM(ctx, org.ID, s.ID, bytes.NewReader(aibomtest.Trivial(120)), "libs.json"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"model-b", "model-a"} {
		c, err := comps.CreateComponent(ctx, org.ID, component.ComponentFields{Kind: "model", Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := comps.Link(ctx, org.ID, s.ID, c.ID, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	card, err := syscard.Load(ctx, syscard.Source{Systems: svc, Components: comps}, org.ID, "Acme", s.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(card.Others) != syscard.Shown || card.OthersTotal != 120 || len(card.Models) != 2 || card.ModelsTotal != 2 {
		t.Fatalf("others %d of %d, models %d of %d; want 50 of 120 and 2 of 2", len(card.Others), card.OthersTotal,
			len(card.Models), card.ModelsTotal)
	}
	if card.Models[0].Name != "model-a" || card.Others[0].Name != "lib-000000" || card.Others[49].Name != "lib-000049" {
		t.Errorf("models %v, others from %s to %s", card.Models, card.Others[0].Name, card.Others[49].Name)
	}
	md, html := render(t, card)
	want := "The system uses 122 components; this card lists the first 50 of its 120 other components."
	for name, doc := range map[string]string{"markdown": md, "html": html} {
		if !strings.Contains(doc, want) || !strings.Contains(doc, "/systems/"+s.ID+"/components") {
			t.Errorf("the %s card does not say how many components there are and where they are listed:\n%s", name, doc)
		}
		if n := strings.Count(doc, "lib-0"); n != 50 {
			t.Errorf("the %s card lists %d libraries, want 50", name, n)
		}
	}

	// A system of few components lists them all and says nothing more.
	small := syscard.Build(input())
	if small.Omitted() || small.OmittedNote() != "" {
		t.Errorf("a card of 3 components omits some: %q", small.OmittedNote())
	}
}
