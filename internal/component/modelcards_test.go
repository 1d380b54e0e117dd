package component_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

const cards = "../../testdata/modelcards"

type fixture struct {
	db      *store.DB
	svc     *component.Service
	systems *system.Service
	ctx     context.Context
	org     *account.Organization
	sys     *system.System
	trail   func(t *testing.T) int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.Open(t)
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorUser, ID: "tester", Name: "Tess Ter"})
	f := &fixture{db: db, svc: component.NewService(db), systems: system.NewService(db), ctx: ctx}
	f.svc.Links, f.systems.Links = record.NewService(db), record.NewService(db)
	f.org = f.newOrg(t, "acme")
	var err error
	if f.sys, err = f.systems.Create(ctx, f.org.ID, system.Fields{Name: "Support bot", Purpose: "Answers questions."}); err != nil {
		t.Fatal(err)
	}
	f.trail = func(t *testing.T) int {
		t.Helper()
		n := 0
		if err := db.EachActivity(ctx, f.org.ID, func(*activity.Entry) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	return f
}

func (f *fixture) newOrg(t *testing.T, slug string) *account.Organization {
	t.Helper()
	o := &account.Organization{Slug: slug, Name: "Org " + slug}
	if err := f.db.CreateOrganization(f.ctx, o); err != nil {
		t.Fatal(err)
	}
	return o
}

func (f *fixture) importFile(t *testing.T, name string, opts component.ModelCardOptions) *component.ModelCardResult {
	t.Helper()
	file, err := os.Open(filepath.Join(cards, name))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	res, err := f.svc.ImportModelCard(f.ctx, f.org.ID, f.sys.ID, file, opts)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return res
}

func details(t *testing.T, c *component.Component) map[string]string {
	t.Helper()
	var d map[string]string
	if err := json.Unmarshal(c.Details, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestAModelCardCreatesItsModelComponentAndLinksIt(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	before := f.trail(t)
	res := f.importFile(t, "2en_distilbert-base-uncased-finetuned-emotion.README.md", component.ModelCardOptions{URL: "https://huggingface.co/2en/distilbert-base-uncased-finetuned-emotion"})
	c := res.Component
	if !res.Created || c.Kind != "model" || c.Name != "distilbert-base-uncased-finetuned-emotion" || c.Licence != "apache-2.0" || c.Version != 1 {
		t.Fatalf("component %+v (created %v)", c, res.Created)
	}
	if !strings.HasPrefix(c.Description, "This model is a fine-tuned version of [distilbert-base-uncased]") || strings.Contains(c.Description, "<!--") {
		t.Errorf("description %q", c.Description)
	}
	d := details(t, c)
	if d["training_data"] != "emotion" || d["evaluation_summary"] != "text-classification on emotion (default/train): accuracy 0.9285, f1 0.9289358360077076" ||
		d["model_card_url"] != "https://huggingface.co/2en/distilbert-base-uncased-finetuned-emotion" || d["base_model"] != "" {
		t.Errorf("details %v", d)
	}
	mc := res.Card
	if mc.Number != 1 || mc.ComponentID != c.ID || mc.Card.License != "apache-2.0" || len(mc.Card.Results) != 2 || mc.ImportedByName != "Tess Ter" || len(mc.SHA256) != 64 {
		t.Errorf("card %+v", mc)
	}
	if r := mc.Card.Results[1]; r.MetricType != "f1" || r.Value != "0.9289358360077076" || r.Task != "text-classification" || r.Split != "train" {
		t.Errorf("second result %+v", r)
	}
	// component, link and card: one entry each.
	if got := f.trail(t) - before; got != 3 {
		t.Errorf("%d activity entries, want 3", got)
	}
	cs, err := f.svc.SystemComponents(f.ctx, f.org.ID, f.sys.ID)
	if err != nil || len(cs) != 1 || cs[0].ID != c.ID || cs[0].Role != "model" {
		t.Fatalf("system components %v, %v", cs, err)
	}
	stored, err := f.svc.ModelCard(f.ctx, f.org.ID, mc.ID)
	if err != nil || !strings.HasPrefix(stored.Markdown, "---\nlicense: apache-2.0") || stored.Card.Results[0].Value != "0.9285" {
		t.Fatalf("stored card %+v, %v", stored, err)
	}

	// The same card again is a second version; the component, which did not change, is left alone.
	before = f.trail(t)
	again := f.importFile(t, "2en_distilbert-base-uncased-finetuned-emotion.README.md", component.ModelCardOptions{URL: "https://huggingface.co/2en/distilbert-base-uncased-finetuned-emotion"})
	if again.Created || again.Component.ID != c.ID || again.Component.Version != 1 || again.Card.Number != 2 {
		t.Errorf("second import: component %+v, card %d", again.Component, again.Card.Number)
	}
	if got := f.trail(t) - before; got != 1 {
		t.Errorf("%d activity entries for the second import, want 1", got)
	}
	versions, err := f.svc.ComponentModelCards(f.ctx, f.org.ID, c.ID)
	if err != nil || len(versions) != 2 || versions[0].Number != 2 || versions[0].Markdown != "" {
		t.Errorf("versions %v, %v", versions, err)
	}
	latest, err := f.svc.LatestModelCards(f.ctx, f.org.ID, f.sys.ID)
	if err != nil || len(latest) != 1 || latest[c.ID].Number != 2 {
		t.Errorf("latest %v, %v", latest, err)
	}
}

func TestAModelCardUpdatesAGivenComponentAndKeepsItsLink(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c, err := f.svc.CreateComponent(f.ctx, f.org.ID, component.ComponentFields{Kind: "model", Name: "Vision", Supplier: "Acme Labs",
		Details: json.RawMessage(`{"fine_tuning_data":"Our photos","base_model":"old"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Link(f.ctx, f.org.ID, f.sys.ID, c.ID, "image classifier", "Checks photos."); err != nil {
		t.Fatal(err)
	}
	before := f.trail(t)
	res := f.importFile(t, "hf_hub_sample_simple_model_index.README.md", component.ModelCardOptions{ComponentID: c.ID})
	got := res.Component
	if res.Created || got.ID != c.ID || got.Name != "Vision" || got.Supplier != "Acme Labs" || got.Licence != "mit" || got.Version != 2 {
		t.Fatalf("component %+v", got)
	}
	d := details(t, got)
	if d["fine_tuning_data"] != "Our photos" || d["base_model"] != "old" || d["training_data"] != "beans" ||
		d["evaluation_summary"] != "image-classification on Beans: accuracy 0.9\nimage-classification on Beans (default/test): f1 0.66" {
		t.Errorf("details %v", d)
	}
	if got.Description != "This is a test model card with multiple evaluations across different (dataset, metric) configurations." {
		t.Errorf("description %q", got.Description)
	}
	cs, _ := f.svc.SystemComponents(f.ctx, f.org.ID, f.sys.ID)
	if len(cs) != 1 || cs[0].Role != "image classifier" || cs[0].Notes != "Checks photos." {
		t.Errorf("the link changed: %+v", cs)
	}
	if n := f.trail(t) - before; n != 2 {
		t.Errorf("%d activity entries, want 2 (component update, card)", n)
	}
}

func TestAModelCardNamesItsModelBaseModelAndName(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	card := "---\nlicense: llama3.1\nbase_model:\n- meta-llama/Llama-3.1-8B\ndatasets: [a, b]\n---\n# Tuned\n\n## Bias, Risks, and Limitations\n\nMay invent facts.\n"
	res, err := f.svc.ImportModelCard(f.ctx, f.org.ID, f.sys.ID, strings.NewReader(card), component.ModelCardOptions{Name: "Our tuned Llama"})
	if err != nil {
		t.Fatal(err)
	}
	d := details(t, res.Component)
	if res.Component.Name != "Our tuned Llama" || d["base_model"] != "meta-llama/Llama-3.1-8B" || d["training_data"] != "a, b" || d["evaluation_summary"] != "" {
		t.Errorf("component %+v, details %v", res.Component, d)
	}
	if res.Card.Card.Limitations != "May invent facts." || res.Card.Card.Name != "Tuned" {
		t.Errorf("card %+v", res.Card.Card)
	}
}

func TestARefusedModelCardStoresNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	other := f.newOrg(t, "other")
	otherSys, err := f.systems.Create(f.ctx, other.ID, system.Fields{Name: "Theirs", Purpose: "X."})
	if err != nil {
		t.Fatal(err)
	}
	theirModel, err := f.svc.CreateComponent(f.ctx, other.ID, component.ComponentFields{Kind: "model", Name: "Theirs"})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := f.svc.CreateComponent(f.ctx, f.org.ID, component.ComponentFields{Kind: "dataset", Name: "Data"})
	if err != nil {
		t.Fatal(err)
	}
	good := "---\nlicense: mit\n---\n# Model\n"
	for _, tc := range []struct {
		name, card, systemID string
		opts                 component.ModelCardOptions
		code, field, msg     string
	}{
		{"a number where a list belongs names its line", "---\nlicense: mit\nmodel-index: 3\n---\n# M\n", f.sys.ID, component.ModelCardOptions{}, aims.EINVALID, "", "line 3"},
		{"a list where a text belongs names its line", "---\nlicense: mit\npipeline_tag:\n  - a\n---\n", f.sys.ID, component.ModelCardOptions{}, aims.EINVALID, "", "line 4"},
		{"unclosed front matter", "---\nlicense: mit\n", f.sys.ID, component.ModelCardOptions{}, aims.EINVALID, "", "line 1"},
		{"no name anywhere", "just text\n", f.sys.ID, component.ModelCardOptions{}, aims.EINVALID, "name", "name"},
		{"not UTF-8", "# M\n\xff", f.sys.ID, component.ModelCardOptions{}, aims.EINVALID, "", "UTF-8"},
		{"too large", "# M\n" + strings.Repeat("x", component.MaxModelCardBytes), f.sys.ID, component.ModelCardOptions{}, aims.ETOOLARGE, "", "1 MiB"},
		{"another organization's system", good, otherSys.ID, component.ModelCardOptions{}, aims.ENOTFOUND, "", ""},
		{"another organization's component", good, f.sys.ID, component.ModelCardOptions{ComponentID: theirModel.ID}, aims.ENOTFOUND, "", ""},
		{"a component that is not a model", good, f.sys.ID, component.ModelCardOptions{ComponentID: ds.ID}, aims.EINVALID, "component_id", "not a model"},
		{"a URL that is not one", good, f.sys.ID, component.ModelCardOptions{URL: "javascript:alert(1)"}, aims.EINVALID, "model_card_url", "https://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.trail(t)
			_, err := f.svc.ImportModelCard(f.ctx, f.org.ID, tc.systemID, strings.NewReader(tc.card), tc.opts)
			if aims.ErrorCode(err) != tc.code || aims.ErrorField(err) != tc.field || !strings.Contains(aims.ErrorMessage(err), tc.msg) {
				t.Fatalf("error %v (field %q), want %s on %q mentioning %q", err, aims.ErrorField(err), tc.code, tc.field, tc.msg)
			}
			if n := f.trail(t); n != before {
				t.Errorf("activity went from %d to %d entries", before, n)
			}
		})
	}
	if cs, _, _ := f.svc.Components(f.ctx, f.org.ID, component.ComponentFilter{Kind: "model"}, aims.Page{Limit: 100}); len(cs) != 0 {
		t.Errorf("refused imports left components %v", cs)
	}
}
