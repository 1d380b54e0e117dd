package syscard_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/component"
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
	model := &component.SystemComponent{Component: component.Component{ID: "m1", Kind: "model", Name: "Base LM", ComponentVersion: "2",
		Supplier: "Model Maker", Licence: "apache-2.0", Details: json.RawMessage(`{"base_model":"tiny-lm","training_data":"c4","model_card_url":"https://example.com/card"}`)},
		Role: "model"}
	data := &component.SystemComponent{Component: component.Component{ID: "d1", Kind: "dataset", Name: "Tickets", Details: json.RawMessage(`{"source":"Help desk"}`)}}
	tool := &component.SystemComponent{Component: component.Component{ID: "t1", Kind: "tool", Name: "Vector store", Details: json.RawMessage(`{}`)}}
	cards := map[string]*component.ModelCard{"m1": {ComponentID: "m1", Number: 2, ImportedAt: at, Card: component.ModelCardData{
		Limitations: "Struggles with <b>sarcasm</b>.",
		Results: []component.EvalResult{{Task: "text-classification", Dataset: "emotion", Config: "default", Split: "test",
			MetricType: "accuracy", MetricName: "Accuracy", Value: "0.9285"}},
	}}}
	return syscard.Input{Organization: "Acme", System: s, Components: []*component.SystemComponent{tool, data, model},
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
		"## What it is for", `**Purpose.** Answers customer questions \| fast.`, "**Intended use.** Support staff draft replies.",
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

// hostile is a text that would be links, an image, HTML, code, emphasis and table cells if a Markdown
// renderer read it as syntax, and headings, list items, code and rules when it has several lines.
const hostile = "[x](javascript:alert(1)) ![](http://evil.example/i.png) <img src=x> [ref]: http://evil.example `code` *em* _em_ ~~s~~ a|b \\"

const hostileLines = hostile + "\n# evilheading\n- evilitem\n+ evilitem\n12. evilitem\n3) evilitem\n    evilcode\n---\n===\n```\n> evilquote\r# evilcr\n\n\tevilcode"

func hostileInput() syscard.Input {
	h, hl := hostile, hostileLines
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	details, _ := json.Marshal(map[string]string{"base_model": h, "training_data": h, "model_card_url": "javascript:alert(1)"})
	dsDetails, _ := json.Marshal(map[string]string{"source": h, "provider": h, "licence": h})
	s := &system.System{ID: "x", Version: 1, UpdatedAt: at, Fields: system.Fields{Name: h, Purpose: hl, IntendedUse: hl,
		ForeseeableMisuse: hl, Users: h, AffectedPeople: h, Automation: hl, HumanOversight: hl, Stage: h, Status: h, Team: h,
		Markets: []string{h}, Environments: []string{h}, DataNotes: hl, AIRole: h, EURole: h}, OwnerName: h}
	model := &component.SystemComponent{Component: component.Component{ID: "m1", Kind: "model", Name: h, ComponentVersion: h,
		Supplier: h, Licence: h, Details: details}, Role: h}
	data := &component.SystemComponent{Component: component.Component{ID: "d1", Kind: "dataset", Name: h, Details: dsDetails}, Role: h}
	tool := &component.SystemComponent{Component: component.Component{ID: "t1", Kind: h, Name: h, Supplier: h, Licence: h, Details: json.RawMessage(`{}`)}, Role: h}
	cards := map[string]*component.ModelCard{"m1": {ComponentID: "m1", Number: 1, ImportedAt: at, Card: component.ModelCardData{
		Limitations: hl, Results: []component.EvalResult{{Task: h, Dataset: h, Config: h, Split: h, MetricName: h, Value: h}}}}}
	return syscard.Input{Organization: h, System: s, Components: []*component.SystemComponent{tool, data, model}, ModelCards: cards,
		Classification: &syscard.ClassificationSummary{Class: h, Reasoning: []string{hl}, TransparencyDuties: []string{h}}, Generated: at}
}

// unescaped returns the index of the first c in s that no backslash escapes, or -1.
func unescaped(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case c:
			return i
		}
	}
	return -1
}

func TestTheMarkdownCardKeepsEveryUserTextAsText(t *testing.T) {
	md, _ := render(t, syscard.Build(hostileInput()))
	// The card's own Markdown uses none of these, so any that is not escaped comes from a user's text.
	for _, c := range []byte("[]<`~") {
		if i := unescaped(md, c); i >= 0 {
			t.Errorf("an unescaped %q in the Markdown: %q", c, md[max(0, i-40):min(len(md), i+40)])
		}
	}
	for _, bad := range []string{"![](http", "<img", "*em*", "_em_"} {
		if strings.Contains(md, bad) {
			t.Errorf("the Markdown holds %q", bad)
		}
	}
	if n := strings.Count(md, `\[x\](javascript:alert(1)) !\[\](http://evil.example/i.png) &lt;img src=x&gt; \[ref\]: http://evil.example \`+"`code\\`"+` \*em\* \_em\_ \~\~s\~\~ a\|b \\`); n < 40 {
		t.Errorf("the escaped text appears %d times, want every user text (40 or more):\n%s", n, md)
	}
	for _, line := range strings.FieldsFunc(md, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if strings.HasPrefix(line, "|") {
			if n := strings.Count(line, "|") - strings.Count(line, `\|`); n != 6 && n != 7 && n != 8 {
				t.Errorf("a table row has %d cell bars: %q", n, line)
			}
			continue
		}
		for _, bad := range []string{"# evil", "- evil", "+ evil", "12. evil", "3) evil", "---", "===", "```", " ", "\t", "> evil"} {
			if strings.HasPrefix(line, bad) {
				t.Errorf("a line of the Markdown starts with %q: %q", bad, line)
			}
		}
	}
	for _, want := range []string{"\n\\# evilheading\n", "\n\\- evilitem\n", "\n\\+ evilitem\n", "\n12\\. evilitem\n", "\n3\\) evilitem\n",
		"\nevilcode\n", "\n\\---\n", "\n\\===\n", "\n\\`\\`\\`\n", "\n&gt; evilquote\n\\# evilcr\n"} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown lacks %q", want)
		}
	}
}

func TestTheHTMLCardKeepsEveryUserTextAsText(t *testing.T) {
	_, html := render(t, syscard.Build(hostileInput()))
	for _, bad := range []string{"<img", `href="javascript`, `href="http://evil`} {
		if strings.Contains(html, bad) {
			t.Errorf("the HTML holds %q", bad)
		}
	}
	if !strings.Contains(html, "[x](javascript:alert(1)) ![](http://evil.example/i.png) &lt;img src=x&gt;") {
		t.Errorf("the HTML does not show the text as it was")
	}
}
