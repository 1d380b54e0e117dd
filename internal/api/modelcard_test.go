package api_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/syscard"
)

const modelCardDir = "../../testdata/modelcards"

// importCard posts a model card for system id as text/markdown.
func (e *env) importCard(t *testing.T, token, systemID, query, card string) *response {
	t.Helper()
	return e.send(t, call{method: "POST", path: "/api/v1/systems/" + systemID + "/model-cards" + query, token: token, body: card,
		header: http.Header{"Content-Type": {"text/markdown; charset=utf-8"}}})
}

func TestEveryRealModelCardImportsWithItsFacts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	alice := e.member(t, acme, aims.RoleContributor)
	s := e.seedSystem(t, acme.ID)

	type metric struct{ typ, value string }
	want := map[string]struct {
		name, licence, baseModel, training, summary string
		metrics                                     []metric
	}{
		"2en_distilbert-base-uncased-finetuned-emotion.README.md": {name: "distilbert-base-uncased-finetuned-emotion", licence: "apache-2.0",
			training: "emotion", summary: "text-classification on emotion (default/train): accuracy 0.9285, f1 0.9289358360077076",
			metrics: []metric{{"accuracy", "0.9285"}, {"f1", "0.9289358360077076"}}},
		"hf_hub_sample_simple_model_index.README.md": {name: "my-cool-model", licence: "mit", training: "beans",
			summary: "image-classification on Beans: accuracy 0.9\nimage-classification on Beans (default/test): f1 0.66",
			metrics: []metric{{"accuracy", "0.9"}, {"f1", "0.66"}}},
	}
	files, err := filepath.Glob(filepath.Join(modelCardDir, "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no model cards in %s: %v", modelCardDir, err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			w, ok := want[name]
			if !ok {
				t.Fatalf("%s has no expectations here: add them", name)
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res := e.importCard(t, alice.Token, s.ID, "", string(raw)).want(t, 201)
			var got component.ModelCardResult
			res.decode(t, &got)
			c, mc := got.Component, got.Card
			if res.header.Get("Location") != "/api/v1/model-cards/"+mc.ID || !got.Created || mc.Markdown != "" {
				t.Errorf("Location %q, created %v, markdown in the answer %d bytes", res.header.Get("Location"), got.Created, len(mc.Markdown))
			}
			var d map[string]string
			if err := json.Unmarshal(c.Details, &d); err != nil {
				t.Fatal(err)
			}
			if c.Kind != "model" || c.Name != w.name || c.Licence != w.licence || d["base_model"] != w.baseModel ||
				d["training_data"] != w.training || d["evaluation_summary"] != w.summary {
				t.Errorf("component %+v, details %v", c, d)
			}
			var ms []metric
			for _, r := range mc.Card.Results {
				ms = append(ms, metric{r.MetricType, r.Value})
			}
			if !slices.Equal(ms, w.metrics) || mc.Card.License != w.licence {
				t.Errorf("card metrics %v, licence %q", ms, mc.Card.License)
			}
			var stored component.ModelCard
			e.do(t, "GET", "/api/v1/model-cards/"+mc.ID, alice.Token, nil).want(t, 200).decode(t, &stored)
			if stored.Markdown != string(raw) || stored.Number != 1 || stored.ComponentID != c.ID {
				t.Errorf("stored card: number %d, component %s, markdown equal %v", stored.Number, stored.ComponentID, stored.Markdown == string(raw))
			}
		})
	}

	// Both models show in the system card, with their results.
	md := string(e.do(t, "GET", "/api/v1/systems/"+s.ID+"/card", alice.Token, nil).want(t, 200).body)
	for _, w := range []string{"| distilbert-base-uncased-finetuned-emotion | text-classification | emotion (default/train) | F1 | 0.9289358360077076 |",
		"| my-cool-model | image-classification | Beans (default/test) | f1 | 0.66 |", "| my-cool-model | — | — | mit | — | beans |"} {
		if !strings.Contains(md, w) {
			t.Errorf("the system card lacks %q:\n%s", w, md)
		}
	}
}

func TestModelCardImportsAreCheckedAndScopedToTheOrganization(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, other := e.org(t, "acme"), e.org(t, "other")
	alice := e.member(t, acme, aims.RoleContributor)
	stranger := e.member(t, other, aims.RoleOwner)
	s := e.seedSystem(t, acme.ID)
	theirs := e.seedSystem(t, other.ID)
	theirModel := e.seedComponent(t, other.ID)
	ds, err := e.Components.CreateComponent(e.Ctx, acme.ID, component.ComponentFields{Kind: "dataset", Name: "Tickets"})
	if err != nil {
		t.Fatal(err)
	}
	good := matrixCard("sorter")

	for _, tc := range []struct {
		name, systemID, query, card string
		status                      int
		code, field, msg            string
	}{
		{"malformed front matter is 400 naming the line", s.ID, "", "---\nlicense: mit\ndatasets:\n  a: b\n---\n# M\n", 400, "invalid", "", "line 4"},
		{"unclosed front matter is 400 naming the line", s.ID, "", "---\nlicense: mit\n# M\n", 400, "invalid", "", "line 1"},
		{"a card that names no model is 400 on name", s.ID, "", "Just words.\n", 400, "invalid", "name", ""},
		{"a component that is not a model is 400", s.ID, "?component_id=" + ds.ID, good, 400, "invalid", "component_id", "not a model"},
		{"another organization's system is 404", theirs.ID, "", good, 404, "not_found", "", ""},
		{"another organization's component is 404", s.ID, "?component_id=" + theirModel.ID, good, 404, "not_found", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.counts(t, acme, other)
			p := e.importCard(t, alice.Token, tc.systemID, tc.query, tc.card).wantProblem(t, tc.status, tc.code, tc.field)
			if !strings.Contains(p.Detail, tc.msg) {
				t.Errorf("detail %q does not mention %q", p.Detail, tc.msg)
			}
			e.unchanged(t, before)
		})
	}
	e.send(t, call{method: "POST", path: "/api/v1/systems/" + s.ID + "/model-cards", token: alice.Token, body: map[string]any{"card": good},
		offContract: true}).wantProblem(t, 415, "media_type", "")
	before := e.counts(t, acme)
	p := e.send(t, call{method: "POST", path: "/api/v1/systems/" + s.ID + "/model-cards", token: alice.Token, offContract: true,
		body: "# M\n" + strings.Repeat("x", component.MaxModelCardBytes), header: http.Header{"Content-Type": {"text/markdown"}}}).wantProblem(t, 413, "too_large", "")
	if !strings.Contains(p.Detail, "1 MiB") {
		t.Errorf("detail %q", p.Detail)
	}
	e.unchanged(t, before)

	// The card of a named component: base model and name from the query.
	card := "---\nlicense: llama3.1\nbase_model: meta-llama/Llama-3.1-8B\n---\n# Tuned\n\n## Model description\n\nOur <b>tuned</b> model.\n"
	var got component.ModelCardResult
	e.importCard(t, alice.Token, s.ID, "?name=Support+LLM&url=https%3A%2F%2Fexample.com%2Fcard", card).want(t, 201).decode(t, &got)
	if got.Component.Name != "Support LLM" || !strings.Contains(string(got.Component.Details), `"base_model":"meta-llama/Llama-3.1-8B"`) ||
		!strings.Contains(string(got.Component.Details), `"model_card_url":"https://example.com/card"`) || got.Component.Description != "Our <b>tuned</b> model." {
		t.Errorf("component %+v details %s", got.Component, got.Component.Details)
	}
	var again component.ModelCardResult
	e.importCard(t, alice.Token, s.ID, "?component_id="+got.Component.ID, card).want(t, 201).decode(t, &again)
	if again.Created || again.Component.ID != got.Component.ID || again.Card.Number != 2 {
		t.Errorf("second import %+v", again)
	}
	var versions struct{ Items []component.ModelCard }
	e.do(t, "GET", "/api/v1/components/"+got.Component.ID+"/model-cards", alice.Token, nil).want(t, 200).decode(t, &versions)
	if len(versions.Items) != 2 || versions.Items[0].Number != 2 || versions.Items[1].Number != 1 {
		t.Errorf("versions %+v", versions.Items)
	}

	// Nothing of acme's is visible from the other organization, and nothing without a token.
	for _, path := range []string{"/api/v1/model-cards/" + got.Card.ID, "/api/v1/components/" + got.Component.ID + "/model-cards",
		"/api/v1/systems/" + s.ID + "/card"} {
		e.do(t, "GET", path, stranger.Token, nil).wantProblem(t, 404, "not_found", "")
		e.do(t, "GET", path, "", nil).wantProblem(t, 401, "unauthorized", "")
	}
	e.importCard(t, "", s.ID, "", good).wantProblem(t, 401, "unauthorized", "")
	e.do(t, "GET", "/api/v1/model-cards/"+aims.NewID(), alice.Token, nil).wantProblem(t, 404, "not_found", "")
}

func TestTheSystemCardComesAsMarkdownOrHTML(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	viewer := e.member(t, acme, aims.RoleViewer)
	s, err := e.Systems.Create(e.Ctx, acme.ID, system.Fields{Name: `Bot <script>alert("x")</script>`, Purpose: "Answers questions.",
		IntendedUse: "Staff look things up.", ForeseeableMisuse: "Medical advice.", HumanOversight: "A person checks every answer.",
		Team: "Help desk"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Components.ImportModelCard(e.Ctx, acme.ID, s.ID, strings.NewReader(matrixCard("sorter")), component.ModelCardOptions{}); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/systems/" + s.ID + "/card"

	res := e.do(t, "GET", path+"?format=markdown", viewer.Token, nil).want(t, 200)
	md := string(res.body)
	if res.header.Get("Content-Type") != "text/markdown; charset=utf-8" || res.header.Get("Content-Disposition") != `inline; filename="system-card-bot-script-alert-x-script.md"` {
		t.Errorf("headers %v", res.header)
	}
	for _, w := range []string{"# System card: Bot &lt;script&gt;alert(\"x\")&lt;/script&gt;", "Organization acme", "**Intended use.** Staff look things up.",
		"Medical advice.", "**Human oversight.** A person checks every answer.", "| sorter | text-classification | Tickets | accuracy | 0.91 |",
		"Tell Help desk about"} {
		if !strings.Contains(md, w) {
			t.Errorf("the Markdown lacks %q:\n%s", w, md)
		}
	}

	res = e.do(t, "GET", path+"?format=html", viewer.Token, nil).want(t, 200)
	html := string(res.body)
	if res.header.Get("Content-Type") != "text/html; charset=utf-8" || res.header.Get("Content-Security-Policy") != syscard.ContentSecurityPolicy() {
		t.Errorf("headers %v", res.header)
	}
	if strings.Contains(html, "<script") || !strings.Contains(html, "<h1>System card: Bot &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</h1>") ||
		!strings.Contains(html, "<td>0.91</td>") {
		t.Errorf("the HTML card:\n%s", html)
	}
	e.do(t, "GET", path+"?format=pdf", viewer.Token, nil).wantProblem(t, 400, "invalid", "format")
	if strings.Contains(md, "EU AI Act") {
		t.Errorf("an unclassified system's card has a classification:\n%s", md)
	}

	// Once classified, the card tells its users the class, why, and their Art. 50 rights; an override shows
	// its justification.
	answers := screening()
	answers["transparency_interacts"] = "yes"
	if _, err := e.Systems.Classify(e.Ctx, acme.ID, s.ID, system.ClassificationInput{Answers: answers}, 0); err != nil {
		t.Fatal(err)
	}
	md = string(e.do(t, "GET", path+"?format=markdown", viewer.Token, nil).want(t, 200).body)
	for _, w := range []string{"High-risk (Annex III, point 4(a))", "Art. 6(3), third subparagraph: the system profiles", "Art. 50(1): the system interacts directly"} {
		if !strings.Contains(md, w) {
			t.Errorf("the classified card lacks %q:\n%s", w, md)
		}
	}
	if _, err := e.Systems.Classify(e.Ctx, acme.ID, s.ID, system.ClassificationInput{Answers: answers, Class: "prohibited",
		Justification: "Legal counsel reads 5(1)(f) as covering our <interview> module."}, 0); err != nil {
		t.Fatal(err)
	}
	html = string(e.do(t, "GET", path+"?format=html", viewer.Token, nil).want(t, 200).body)
	for _, w := range []string{"Prohibited", "in place of High-risk: Legal counsel reads 5(1)(f) as covering our &lt;interview&gt; module."} {
		if !strings.Contains(html, w) {
			t.Errorf("the overridden card lacks %q:\n%s", w, html)
		}
	}
}
