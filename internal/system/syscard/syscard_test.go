package syscard_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/syscard"
)

func input() syscard.Input {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	s := &system.System{ID: "01JSYSTEM0000000000000000A", Version: 3, UpdatedAt: at, Fields: system.Fields{
		Name: `Helper <script>alert(1)</script>`, Purpose: "Answers customer questions | fast.", IntendedUse: "Support staff draft replies.",
		ForeseeableMisuse: "Legal advice.", Users: "Support agents", AffectedPeople: "Customers", Automation: "Suggests; a person sends.",
		HumanOversight: "Every reply is read before it is sent.", Stage: "operation_and_monitoring", Status: "active",
		Team: "Support tooling", Markets: []string{"EU"}, PersonalData: true, DataNotes: "Ticket text.", AIRole: "ai_provider",
		EURole: "deployer", InteractsWithPeople: true,
	}, OwnerName: "Ada"}
	model := &system.SystemComponent{Component: system.Component{ID: "m1", Kind: "model", Name: "Base LM", ComponentVersion: "2",
		Supplier: "Model Maker", Licence: "apache-2.0", Details: json.RawMessage(`{"base_model":"tiny-lm","training_data":"c4","model_card_url":"https://example.com/card"}`)},
		Role: "model"}
	data := &system.SystemComponent{Component: system.Component{ID: "d1", Kind: "dataset", Name: "Tickets", Details: json.RawMessage(`{"source":"Help desk"}`)}}
	tool := &system.SystemComponent{Component: system.Component{ID: "t1", Kind: "tool", Name: "Vector store", Details: json.RawMessage(`{}`)}}
	cards := map[string]*system.ModelCard{"m1": {ComponentID: "m1", Number: 2, ImportedAt: at, Card: system.ModelCardData{
		Limitations: "Struggles with <b>sarcasm</b>.",
		Results: []system.EvalResult{{Task: "text-classification", Dataset: "emotion", Config: "default", Split: "test",
			MetricType: "accuracy", MetricName: "Accuracy", Value: "0.9285"}},
	}}}
	return syscard.Input{Organization: "Acme", System: s, Components: []*system.SystemComponent{tool, data, model},
		ModelCards: cards, Generated: at}
}

func render(t *testing.T, c *syscard.Card) (md, html string) {
	t.Helper()
	var m, h bytes.Buffer
	if err := c.WriteMarkdown(&m); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteHTML(&h); err != nil {
		t.Fatal(err)
	}
	return m.String(), h.String()
}

func TestTheCardHasEverySectionUsersNeed(t *testing.T) {
	md, html := render(t, syscard.Build(input()))
	for _, want := range []string{
		"# System card: Helper &lt;script&gt;alert(1)&lt;/script&gt;\n",
		"Acme · version 3 · Active · Operation and monitoring · made 4 March 2026",
		"## What it is for", "**Purpose.** Answers customer questions | fast.", "**Intended use.** Support staff draft replies.",
		"## What it must not be used for\n\nLegal advice.",
		"- **Users:** Support agents", "- **People affected:** Customers", "- **Interacts with people directly:** Yes",
		"**Level of automation.** Suggests; a person sends.", "**Human oversight.** Every reply is read before it is sent.",
		"| Base LM | 2 | Model Maker | apache-2.0 | tiny-lm | c4 | version 2, 4 Mar 2026 https://example.com/card |",
		"| Tickets | — | — | — | Help desk | — |", "| Vector store | Tool | — | — | — |",
		"| Base LM | text-classification | emotion (default/test) | Accuracy | 0.9285 |",
		"### Base LM\n\nStruggles with &lt;b&gt;sarcasm&lt;/b&gt;.",
		"- Personal data\n", "Ticket text.", "## Reporting a problem\n\nTell Ada (Support tooling) about",
		"- **Role of the organization:** AI provider; EU AI Act: Deployer",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "EU AI Act classification") {
		t.Error("the Markdown has a classification section without a classification")
	}
	// Sections come in the order a reader needs them.
	last := -1
	for _, h := range []string{"## What it is for", "## What it must not be used for", "## Who uses it", "## Human oversight",
		"## Models and data", "## Evaluation results", "## Known limitations", "## Data it handles", "## Reporting a problem", "## About this card"} {
		i := strings.Index(md, h)
		if i <= last {
			t.Errorf("section %q is out of order", h)
		}
		last = i
	}

	for _, want := range []string{
		"<title>System card: Helper &lt;script&gt;alert(1)&lt;/script&gt;</title>",
		"<h1>System card: Helper &lt;script&gt;alert(1)&lt;/script&gt;</h1>",
		`<a href="https://example.com/card">`, "<td>0.9285</td>", "Struggles with &lt;b&gt;sarcasm&lt;/b&gt;.",
		"Tell Ada (Support tooling) about",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "<b>", "<link", "src="} {
		if strings.Contains(html, bad) {
			t.Errorf("the HTML holds %q", bad)
		}
	}
}

func TestTheClassificationShowsWhenGiven(t *testing.T) {
	in := input()
	in.Classification = &syscard.ClassificationSummary{Class: "Limited risk", Reasoning: []string{"Talks with people <directly>."},
		TransparencyDuties: []string{"Tell people they are talking with an AI system (Art. 50(1))."}}
	md, html := render(t, syscard.Build(in))
	for _, want := range []string{"## EU AI Act classification\n\n**Class:** Limited risk", "- Talks with people &lt;directly&gt;.",
		"**Transparency duties:**\n\n- Tell people they are talking with an AI system (Art. 50(1))."} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown lacks %q:\n%s", want, md)
		}
	}
	if !strings.Contains(html, `<section id="classification">`) || !strings.Contains(html, "<li>Talks with people &lt;directly&gt;.</li>") {
		t.Errorf("the HTML lacks the classification:\n%s", html)
	}
}

func TestAnEmptySystemSaysWhatIsMissing(t *testing.T) {
	s := &system.System{ID: "x", Version: 1, Fields: system.Fields{Name: "Bare", Purpose: "Sorts mail.", Stage: "inception", Status: "planned"}}
	md, html := render(t, syscard.Build(syscard.Input{System: s, Generated: time.Unix(0, 0)}))
	for _, want := range []string{"**Intended use.** _Not stated._", "_No component is recorded._",
		"_No model card with evaluation results is recorded._", "No personal data is recorded", "No owner or team is recorded"} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown lacks %q:\n%s", want, md)
		}
	}
	if !strings.Contains(html, "No model card with evaluation results is recorded.") {
		t.Error("the HTML does not say there are no results")
	}
}

func TestThePolicyAllowsExactlyTheInlineStyle(t *testing.T) {
	p := syscard.ContentSecurityPolicy()
	_, html := render(t, syscard.Build(input()))
	_, rest, _ := strings.Cut(html, "<style>")
	css, _, _ := strings.Cut(rest, "</style>")
	sum := sha256.Sum256([]byte(css))
	if want := "style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(p, want) {
		t.Errorf("policy %q does not allow the page's style (%s)", p, want)
	}
	if !strings.Contains(p, "default-src 'none'") || !strings.Contains(p, "style-src 'sha256-") || strings.Contains(p, "unsafe") {
		t.Errorf("policy %q", p)
	}
}
