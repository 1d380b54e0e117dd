package demo_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/syscard"
)

// TestLumenAssistsSystemCardShowsItsBaseModelsResults loads the demo twice and checks that Lumen Assist's
// third-party base model has one model card, whose results and limitations its system card shows.
func TestLumenAssistsSystemCardShowsItsBaseModelsResults(t *testing.T) {
	t.Parallel()
	ctx, systems, org := loadTwice(t, false)
	ss, _, err := systems.List(ctx, org.ID, system.Filter{Query: "Lumen Assist"}, aims.Page{Limit: 10})
	if err != nil || len(ss) != 1 {
		t.Fatalf("systems %v, %v", ss, err)
	}
	cs, err := systems.comps.SystemComponents(ctx, org.ID, ss[0].ID)
	if err != nil || len(cs) != 1 || cs[0].Name != "nw-chat-8b-instruct" || cs[0].Role != "base model (third party)" ||
		!strings.Contains(string(cs[0].Details), `"base_model":"northwind-ai/nw-base-8b"`) {
		t.Fatalf("components %+v, %v", cs, err)
	}
	cards, err := systems.comps.ComponentModelCards(ctx, org.ID, cs[0].ID)
	if err != nil || len(cards) != 1 || len(cards[0].Card.Results) != 4 {
		t.Fatalf("model cards %+v, %v", cards, err)
	}
	card, err := syscard.Load(ctx, syscard.Source{Systems: systems.Service, Components: systems.comps}, org.ID, org.Name, ss[0].ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	if err := card.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| nw-chat-8b-instruct | — | Northwind AI (fictitious) | apache-2.0 | northwind-ai/nw-base-8b |",
		"| nw-chat-8b-instruct | question-answering | MMLU (all/test) | Accuracy (5-shot) | 0.662 |",
		"| nw-chat-8b-instruct | text-generation | Northwind red-team prompts (test) | Refusal rate | 0.97 |",
		"States wrong facts with confidence", "Tell Priya Nair"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Lumen Assist's system card lacks %q:\n%s", want, md.String())
		}
	}
}
