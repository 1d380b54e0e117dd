package modelcard

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/component/aibom"
	"github.com/google/go-cmp/cmp"
)

const testdata = "../../../testdata/modelcards"

func parseFile(t testing.TB, name string) *Card {
	t.Helper()
	f, err := os.Open(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := Parse(f)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return c
}

func TestParseEmotion(t *testing.T) {
	c := parseFile(t, "2en_distilbert-base-uncased-finetuned-emotion.README.md")
	if c.License != "apache-2.0" || c.Title != "distilbert-base-uncased-finetuned-emotion" || !c.HasMetadata {
		t.Errorf("license/title = %q %q", c.License, c.Title)
	}
	if d := cmp.Diff([]string{"emotion"}, c.Datasets); d != "" {
		t.Errorf("datasets: %s", d)
	}
	if d := cmp.Diff([]string{"generated_from_trainer"}, c.Tags); d != "" {
		t.Errorf("tags: %s", d)
	}
	if d := cmp.Diff([]string{"accuracy", "f1"}, c.Metrics); d != "" {
		t.Errorf("metrics: %s", d)
	}
	want := []ModelIndex{{
		Name: "distilbert-base-uncased-finetuned-emotion",
		Results: []Result{{
			Task:    Task{Type: "text-classification", Name: "Text Classification"},
			Dataset: Dataset{Type: "emotion", Name: "emotion", Config: "default", Split: "train"},
			Metrics: []Metric{
				{Type: "accuracy", Value: "0.9285", Name: "Accuracy"},
				{Type: "f1", Value: "0.9289358360077076", Name: "F1"},
			},
		}},
	}}
	if d := cmp.Diff(want, c.ModelIndex); d != "" {
		t.Errorf("model-index (-want +got):\n%s", d)
	}
	if f, err := c.ModelIndex[0].Results[0].Metrics[1].Float(); err != nil || f != 0.9289358360077076 {
		t.Errorf("F1 = %v, %v", f, err)
	}
	if got := c.Section("intended uses & limitations"); got != "More information needed" {
		t.Errorf("intended uses = %q", got)
	}
	if got := c.Section("Training and evaluation data"); got != "More information needed" {
		t.Errorf("training data = %q", got)
	}
	if got := c.Section("Training hyperparameters"); !strings.Contains(got, "learning_rate: 2e-05") {
		t.Errorf("hyperparameters = %q", got)
	}
	if !strings.HasPrefix(c.Body, "<!-- This model card") || !strings.Contains(c.Body, "| 0.2351        | 2.0") {
		t.Errorf("body = %.80q", c.Body)
	}
	var headings []string
	for _, s := range c.Sections {
		headings = append(headings, s.Heading)
	}
	wantH := []string{"distilbert-base-uncased-finetuned-emotion", "Model description", "Intended uses & limitations",
		"Training and evaluation data", "Training procedure", "Training hyperparameters", "Training results", "Framework versions"}
	if d := cmp.Diff(wantH, headings); d != "" {
		t.Errorf("headings: %s", d)
	}

	m := c.ModelInfo()
	wantM := &aibom.ModelInfo{
		Task:     "text-classification",
		Datasets: []aibom.ModelDataset{{Name: "emotion", URL: "https://huggingface.co/datasets/emotion"}},
		Metrics: []aibom.Metric{
			{Type: "accuracy", Value: "0.9285", Slice: "emotion/default/train"},
			{Type: "f1", Value: "0.9289358360077076", Slice: "emotion/default/train"},
		},
		// "More information needed" placeholders are not considerations.
	}
	if d := cmp.Diff(wantM, m); d != "" {
		t.Errorf("ModelInfo (-want +got):\n%s", d)
	}
}

func TestParseSimpleModelIndex(t *testing.T) {
	c := parseFile(t, "hf_hub_sample_simple_model_index.README.md")
	if c.License != "mit" || c.LibraryName != "timm" || c.Title != "my-cool-model" {
		t.Errorf("card = %+v", c)
	}
	if d := cmp.Diff([]string{"en"}, c.Language); d != "" {
		t.Errorf("language: %s", d)
	}
	if d := cmp.Diff([]string{"beans"}, c.Datasets); d != "" {
		t.Errorf("datasets: %s", d)
	}
	if len(c.ModelIndex) != 1 || c.ModelIndex[0].Name != "my-cool-model" || len(c.ModelIndex[0].Results) != 2 {
		t.Fatalf("model-index = %+v", c.ModelIndex)
	}
	r0, r1 := c.ModelIndex[0].Results[0], c.ModelIndex[0].Results[1]
	if r0.Dataset.Name != "Beans" || r0.Metrics[0] != (Metric{Type: "accuracy", Value: "0.9"}) {
		t.Errorf("result 0 = %+v", r0)
	}
	if r1.Dataset != (Dataset{Type: "beans", Name: "Beans", Config: "default", Split: "test", Revision: "5503434ddd753f426f4b38109466949a1217c2bb"}) ||
		r1.Metrics[0] != (Metric{Type: "f1", Value: "0.66"}) || r1.Task.Type != "image-classification" {
		t.Errorf("result 1 = %+v", r1)
	}
	if got := c.Section("Model description"); !strings.HasPrefix(got, "This is a test model card") {
		t.Errorf("description = %q", got)
	}
	m := c.ModelInfo()
	if m.Task != "image-classification" || len(m.Metrics) != 2 || m.Metrics[0].Slice != "Beans" || m.Metrics[1].Slice != "Beans/default/test" {
		t.Errorf("ModelInfo = %+v", m)
	}
}

func TestParseVariants(t *testing.T) {
	card := "---\r\nlicense: [mit, apache-2.0]\r\nlanguage:\r\n- en\r\n- fr\r\nbase_model: org/base\r\npipeline_tag: text-generation\r\n---\r\n" +
		"Intro\r\n\r\n```\r\n# not a heading\r\n```\r\n## Limitations\r\n\r\nHallucinates.\r\n## Uses ##\r\nChat.\r\n"
	c, err := Parse(strings.NewReader(card))
	if err != nil {
		t.Fatal(err)
	}
	if c.License != "mit OR apache-2.0" || c.PipelineTag != "text-generation" || c.Title != "Limitations" {
		t.Errorf("card = %+v", c)
	}
	if d := cmp.Diff([]string{"org/base"}, c.BaseModel); d != "" {
		t.Errorf("base model: %s", d)
	}
	if d := cmp.Diff([]string{"en", "fr"}, c.Language); d != "" {
		t.Errorf("language: %s", d)
	}
	m := c.ModelInfo()
	if m.Task != "text-generation" || !cmp.Equal(m.Considerations.TechnicalLimitations, []string{"Hallucinates."}) ||
		!cmp.Equal(m.Considerations.UseCases, []string{"Chat."}) {
		t.Errorf("ModelInfo = %+v", m)
	}

	// No front matter: body only.
	c, err = Parse(strings.NewReader("# Title\n\ntext\n"))
	if err != nil || c.HasMetadata || c.Title != "Title" || c.License != "" {
		t.Errorf("no front matter: %+v, %v", c, err)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"unclosed", "---\nlicense: mit\n# Title\n", 1, "no closing ---"},
		{"bad yaml", "---\nlicense: mit\ntags: [a, b\n---\n", 3, "did not find expected"},
		{"bad dedent", "---\nlicense: mit\ntags:\n  - x\n - y\n---\n", 5, "did not find expected"},
		{"unterminated string", "---\nlicense: mit\ntags: \"x\n---\n", 3, "end of stream"},
		{"tab", "---\nlicense: mit\n\ttags: x\n---\n", 3, "tab"},
		{"duplicate key", "---\nlicense: mit\nlicense: mit\n---\n", 3, "already defined at line 2"},
		{"bad indentation", "---\nlicense: mit\n  tags: x\n---\n", 3, ""},
		{"wrong type", "---\nlicense: mit\nmodel-index: 5\n---\n", 3, ""},
		{"nested list", "---\ntags:\n- [a]\n---\n", 3, "want a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse = %v, want *SyntaxError", err)
			}
			if se.Line != tt.line || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("error = %v (line %d), want line %d containing %q", err, se.Line, tt.line, tt.msg)
			}
		})
	}
	if _, err := Parse(strings.NewReader(strings.Repeat("x", MaxSize+1))); err == nil {
		t.Error("oversized card accepted")
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"2en_distilbert-base-uncased-finetuned-emotion.README.md", "hf_hub_sample_simple_model_index.README.md"} {
		b, err := os.ReadFile(filepath.Join(testdata, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("---\n---\n")
	f.Add("---")
	f.Add("# t\n```\n# x\n")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(strings.NewReader(s))
		if err != nil {
			return
		}
		_ = c.ModelInfo()
	})
}
