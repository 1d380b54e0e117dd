// Package modelcard reads Hugging Face model cards: a README.md with YAML
// front matter (license, datasets, model-index evaluation results, ...)
// followed by a Markdown body. It is a pure library with no I/O beyond the
// reader it is given.
package modelcard

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/aimsproject/aims/internal/component/aibom"
	"gopkg.in/yaml.v3"
)

// MaxSize is the largest model card Parse reads.
const MaxSize = 4 << 20

// Card is a parsed model card.
type Card struct {
	Title       string       `json:"title,omitempty"` // first Markdown heading
	License     string       `json:"license,omitempty"`
	Language    []string     `json:"language,omitempty"`
	Tags        []string     `json:"tags,omitempty"`
	Datasets    []string     `json:"datasets,omitempty"`
	Metrics     []string     `json:"metrics,omitempty"`
	BaseModel   []string     `json:"baseModel,omitempty"`
	PipelineTag string       `json:"pipelineTag,omitempty"`
	LibraryName string       `json:"libraryName,omitempty"`
	ModelIndex  []ModelIndex `json:"modelIndex,omitempty"`
	Body        string       `json:"body,omitempty"` // Markdown after the front matter
	Sections    []Section    `json:"sections,omitempty"`
	HasMetadata bool         `json:"hasMetadata"` // front matter was present
}

// ModelIndex is one entry of the model-index: a model and its evaluation
// results.
type ModelIndex struct {
	Name    string   `json:"name" yaml:"name"`
	Results []Result `json:"results,omitempty" yaml:"results"`
}

// Result is one evaluation: a task on a dataset with metrics.
type Result struct {
	Task    Task     `json:"task" yaml:"task"`
	Dataset Dataset  `json:"dataset" yaml:"dataset"`
	Metrics []Metric `json:"metrics,omitempty" yaml:"metrics"`
}

// Task is the evaluated task (type is a Hub task id such as
// text-classification).
type Task struct {
	Type string `json:"type" yaml:"type"`
	Name string `json:"name,omitempty" yaml:"name"`
}

// Dataset is the evaluation dataset.
type Dataset struct {
	Type     string `json:"type" yaml:"type"`
	Name     string `json:"name,omitempty" yaml:"name"`
	Config   string `json:"config,omitempty" yaml:"config"`
	Split    string `json:"split,omitempty" yaml:"split"`
	Revision string `json:"revision,omitempty" yaml:"revision"`
}

// Metric is one evaluation metric. Value is the YAML scalar as written
// ("0.9285"); use Float for a number.
type Metric struct {
	Type     string `json:"type" yaml:"type"`
	Value    string `json:"value" yaml:"value"`
	Name     string `json:"name,omitempty" yaml:"name"`
	Verified bool   `json:"verified,omitempty" yaml:"verified"`
}

// Float returns the metric value as a number.
func (m Metric) Float() (float64, error) {
	return strconv.ParseFloat(m.Value, 64)
}

// Section is the text under one Markdown heading (up to the next heading of
// the same or a higher level).
type Section struct {
	Heading string `json:"heading"`
	Level   int    `json:"level"`
	Text    string `json:"text"`
}

// Section returns the text of the first section whose heading equals one of
// names, ignoring case and surrounding punctuation; "" if none.
func (c *Card) Section(names ...string) string {
	for _, s := range c.Sections {
		for _, n := range names {
			if normHeading(s.Heading) == normHeading(n) {
				return s.Text
			}
		}
	}
	return ""
}

// front is the YAML front matter as written on the Hub; fields that may be a
// string or a list use stringList.
type front struct {
	License     stringList   `yaml:"license"`
	Language    stringList   `yaml:"language"`
	Tags        stringList   `yaml:"tags"`
	Datasets    stringList   `yaml:"datasets"`
	Metrics     stringList   `yaml:"metrics"`
	BaseModel   stringList   `yaml:"base_model"`
	PipelineTag string       `yaml:"pipeline_tag"`
	LibraryName string       `yaml:"library_name"`
	ModelIndex  []ModelIndex `yaml:"model-index"`
}

// stringList accepts a scalar or a sequence of scalars.
type stringList []string

func (l *stringList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag != "!!null" {
			*l = []string{n.Value}
		}
		return nil
	case yaml.SequenceNode:
		out := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: want a string, got a %s", c.Line, kindName(c.Kind))
			}
			out = append(out, c.Value)
		}
		*l = out
		return nil
	}
	return fmt.Errorf("line %d: want a string or a list of strings, got a %s", n.Line, kindName(n.Kind))
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	}
	return "value"
}

// SyntaxError reports malformed front matter; Line counts from the first
// line of the file.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("model card front matter, line %d: %s", e.Line, e.Msg)
	}
	return "model card front matter: " + e.Msg
}

// Parse reads a Hugging Face model card. A card without front matter is
// accepted (only the body is filled); malformed front matter yields a
// *SyntaxError with the line in the file.
func Parse(r io.Reader) (*Card, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read model card: %w", err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("model card is larger than %d bytes", MaxSize)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	yamlText, body, offset, err := splitFrontMatter(data)
	if err != nil {
		return nil, err
	}
	card := &Card{Body: body}
	if yamlText != nil {
		card.HasMetadata = true
		var f front
		if err := yaml.Unmarshal(yamlText, &f); err != nil {
			return nil, yamlError(err, offset)
		}
		if len(f.License) > 0 {
			card.License = strings.Join(f.License, " OR ")
		}
		card.Language = f.Language
		card.Tags = f.Tags
		card.Datasets = f.Datasets
		card.Metrics = f.Metrics
		card.BaseModel = f.BaseModel
		card.PipelineTag = f.PipelineTag
		card.LibraryName = f.LibraryName
		card.ModelIndex = f.ModelIndex
	}
	card.Title, card.Sections = sections(body)
	return card, nil
}

// splitFrontMatter returns the YAML between a leading "---" line and the
// next "---" line, the body after it, and the file line number of the
// YAML's first line minus one.
func splitFrontMatter(data []byte) (yamlText []byte, body string, offset int, err error) {
	if !bytes.HasPrefix(data, []byte("---\n")) {
		return nil, string(data), 0, nil
	}
	rest := data[4:]
	for pos := 0; pos <= len(rest); {
		end := bytes.IndexByte(rest[pos:], '\n')
		line := rest[pos:]
		next := len(rest) + 1
		if end >= 0 {
			line = rest[pos : pos+end]
			next = pos + end + 1
		}
		if string(bytes.TrimRight(line, " \t")) == "---" {
			return rest[:pos], strings.TrimLeft(string(rest[min(next, len(rest)):]), "\n"), 1, nil
		}
		pos = next
	}
	return nil, "", 0, &SyntaxError{Line: 1, Msg: "front matter starts with --- but has no closing --- line"}
}

// yamlError converts a yaml.v3 error into a SyntaxError with the line
// number in the file, not in the front matter.
func yamlError(err error, offset int) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		line, msg := splitLine(te.Errors[0])
		if line > 0 {
			line += offset
		}
		return &SyntaxError{Line: line, Msg: fileLines(msg, offset)}
	}
	line, msg := splitLine(strings.TrimPrefix(err.Error(), "yaml: "))
	if line > 0 {
		line += offset
		// yaml.v3 counts lines from 0 for the parser's own errors (those that say what it "did not find")
		// but from 1 for the scanner's: put the parser's on the line they are about.
		if strings.HasPrefix(msg, "did not find expected") {
			line++
		}
	}
	return &SyntaxError{Line: line, Msg: msg}
}

// atLine matches the front-matter line number that yaml.v3 writes inside some messages.
var atLine = regexp.MustCompile(`at line (\d+)`)

// fileLines rewrites the "at line N" of msg from a front-matter line to a file line.
func fileLines(msg string, offset int) string {
	return atLine.ReplaceAllStringFunc(msg, func(m string) string {
		n, _ := strconv.Atoi(strings.TrimPrefix(m, "at line "))
		return "at line " + strconv.Itoa(n+offset)
	})
}

// splitLine takes "line N: msg" apart.
func splitLine(s string) (int, string) {
	if rest, ok := strings.CutPrefix(s, "line "); ok {
		if n, msg, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(n); err == nil {
				return line, msg
			}
		}
	}
	return 0, s
}

// sections splits Markdown into ATX-heading sections (lines starting with
// 1-6 '#'), ignoring headings inside fenced code blocks. The title is the
// first heading's text.
func sections(body string) (string, []Section) {
	var (
		title   string
		out     []Section
		cur     *Section
		text    strings.Builder
		inFence bool
	)
	flush := func() {
		if cur != nil {
			cur.Text = strings.TrimSpace(text.String())
			out = append(out, *cur)
		}
		text.Reset()
	}
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(make([]byte, 64*1024), MaxSize+1)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			inFence = !inFence
		}
		if !inFence {
			if level, heading, ok := atxHeading(line); ok {
				flush()
				if title == "" {
					title = heading
				}
				cur = &Section{Heading: heading, Level: level}
				continue
			}
		}
		text.WriteString(line)
		text.WriteByte('\n')
	}
	flush()
	return title, out
}

func atxHeading(line string) (int, string, bool) {
	if len(line) > 3 && strings.HasPrefix(line, "    ") {
		return 0, "", false // indented code
	}
	s := strings.TrimLeft(line, " ")
	level := 0
	for level < len(s) && s[level] == '#' {
		level++
	}
	if level == 0 || level > 6 {
		return 0, "", false
	}
	if level < len(s) && s[level] != ' ' && s[level] != '\t' {
		return 0, "", false
	}
	h := strings.TrimSpace(s[level:])
	h = strings.TrimSpace(strings.TrimRight(h, "#"))
	if h == "" {
		return 0, "", false
	}
	return level, h, true
}

func normHeading(s string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(s), " :.#*"))
}

// placeholder is what the Hub's Trainer writes into sections nobody filled in.
const placeholder = "More information needed"

// ModelInfo converts the card into the neutral model info of an inventory
// component: model-index metrics become performance metrics (sliced by
// dataset and split), the card's datasets become dataset references and
// the limitation sections become technical limitations. Sections that only
// hold the Hub's "More information needed" placeholder are skipped.
func (c *Card) ModelInfo() *aibom.ModelInfo {
	m := &aibom.ModelInfo{Task: c.PipelineTag}
	for _, mi := range c.ModelIndex {
		for _, r := range mi.Results {
			if m.Task == "" {
				m.Task = r.Task.Type
			}
			slice := r.Dataset.Name
			if slice == "" {
				slice = r.Dataset.Type
			}
			for _, part := range []string{r.Dataset.Config, r.Dataset.Split} {
				if part != "" {
					slice += "/" + part
				}
			}
			for _, mt := range r.Metrics {
				typ := mt.Type
				if typ == "" {
					typ = mt.Name
				}
				m.Metrics = append(m.Metrics, aibom.Metric{Type: typ, Value: mt.Value, Slice: slice})
			}
		}
	}
	for _, d := range c.Datasets {
		m.Datasets = append(m.Datasets, aibom.ModelDataset{Name: d, URL: "https://huggingface.co/datasets/" + d})
	}
	add := func(dst *[]string, text string) {
		text = strings.TrimSpace(text)
		if text != "" && !strings.EqualFold(text, placeholder) {
			*dst = append(*dst, text)
		}
	}
	add(&m.Considerations.UseCases, c.Section("Intended uses & limitations", "Intended uses", "Uses", "Direct Use"))
	add(&m.Considerations.TechnicalLimitations, c.Section("Limitations", "Bias, Risks, and Limitations", "Limitations and bias", "Risks and limitations"))
	return m
}
