package component

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component/modelcard"
)

// MaxModelCardBytes bounds the Markdown of one imported model card.
const MaxModelCardBytes = 1 << 20

// ModelCard is one imported version of a model's Hugging Face model card, kept with the model component
// it describes (ISO/IEC 42001, A.4.3 and A.8.2: what users of the AI system need to know about its
// models). Every import is a new version; earlier ones stay.
type ModelCard struct {
	ID             string        `json:"id"`
	OrgID          string        `json:"-"`
	ComponentID    string        `json:"component_id"`
	Number         int64         `json:"number"` // 1 for the component's first card, then 2, ...
	SHA256         string        `json:"sha256"`
	Card           ModelCardData `json:"card"`
	Markdown       string        `json:"markdown,omitempty"`
	ImportedBy     string        `json:"imported_by"`
	ImportedByName string        `json:"imported_by_name"`
	ImportedAt     time.Time     `json:"imported_at"`
}

// ModelCardData is what aims reads out of a model card: its metadata, the summary and limitation
// sections, and the evaluation results of its model-index.
type ModelCardData struct {
	Name        string       `json:"name"`
	License     string       `json:"license"`
	Language    []string     `json:"language"`
	Tags        []string     `json:"tags"`
	Datasets    []string     `json:"datasets"`
	BaseModel   []string     `json:"base_model"`
	PipelineTag string       `json:"pipeline_tag"`
	Summary     string       `json:"summary"`
	Limitations string       `json:"limitations"`
	IntendedUse string       `json:"intended_use"`
	Results     []EvalResult `json:"results"`
}

// EvalResult is one metric of one evaluation in a model card's model-index.
type EvalResult struct {
	Model       string `json:"model"`
	Task        string `json:"task"`
	Dataset     string `json:"dataset"`
	Config      string `json:"config,omitempty"`
	Split       string `json:"split,omitempty"`
	MetricType  string `json:"metric_type"`
	MetricName  string `json:"metric_name,omitempty"`
	Value       string `json:"value"`
	Verified    bool   `json:"verified,omitempty"`
	DatasetType string `json:"dataset_type,omitempty"`
}

// ModelCardImport is everything one import stores, in one transaction: the model component (new when its
// ID is empty, else changed when Changed, if its stored version is still Component.Version), its link to
// the system, and the card.
type ModelCardImport struct {
	Component *Component
	Changed   bool
	Link      *Link
	Card      *ModelCard
}

// ModelCardStore persists model cards, scoped by organization: what another organization holds is
// ENOTFOUND.
type ModelCardStore interface {
	// SaveModelCardImport stores imp all or nothing, with an activity entry for each record it creates or
	// changes. The system of imp.Link and an existing component must belong to the organization; a
	// component changed by someone else meanwhile is EPRECONDITION. It sets the ids, versions and times.
	SaveModelCardImport(ctx context.Context, imp *ModelCardImport) error
	// ModelCardByID returns the card with its Markdown.
	ModelCardByID(ctx context.Context, orgID, id string) (*ModelCard, error)
	// ComponentModelCards returns the cards of a component, newest first, without their Markdown;
	// ENOTFOUND when there is no such component.
	ComponentModelCards(ctx context.Context, orgID, componentID string) ([]*ModelCard, error)
	// LatestModelCards returns the newest card of each component of system systemID that has one, without
	// its Markdown; ENOTFOUND when there is no such system.
	LatestModelCards(ctx context.Context, orgID, systemID string) ([]*ModelCard, error)
}

// ModelCardOptions narrow an import: the model component to describe (else the one of kind model named
// like the card, created when missing), the name to give it, and where the card is published.
type ModelCardOptions struct {
	ComponentID string
	Name        string
	URL         string
}

// ModelCardResult is what an import stored.
type ModelCardResult struct {
	Component *Component `json:"component"`
	Created   bool       `json:"created"`
	Card      *ModelCard `json:"model_card"`
}

// ImportModelCard reads a Hugging Face model card (Markdown with YAML front matter) and, in one
// transaction, finds or creates the model component it describes, fills in its base model, training data,
// evaluation summary, licence and description, links it to system systemID with the role "model" (unless
// it is linked already), and keeps the card as the component's newest version. Malformed front matter is
// EINVALID naming the line; a card over MaxModelCardBytes is ETOOLARGE; a system or component of another
// organization is ENOTFOUND. Nothing is stored on error.
func (s *Service) ImportModelCard(ctx context.Context, orgID, systemID string, r io.Reader, opts ModelCardOptions) (*ModelCardResult, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxModelCardBytes+1))
	if err != nil {
		return nil, aims.Errorf(aims.EINVALID, "The model card could not be read.")
	}
	if len(raw) > MaxModelCardBytes {
		return nil, aims.Errorf(aims.ETOOLARGE, "The model card is larger than %d MiB.", MaxModelCardBytes>>20)
	}
	if !utf8.Valid(raw) {
		return nil, aims.Errorf(aims.EINVALID, "The model card is not UTF-8 text.")
	}
	if bytes.IndexByte(raw, 0) >= 0 {
		return nil, aims.Errorf(aims.EINVALID, "The model card is not text: it holds a NUL byte.")
	}
	opts.Name, opts.URL, opts.ComponentID = strings.TrimSpace(opts.Name), strings.TrimSpace(opts.URL), strings.TrimSpace(opts.ComponentID)
	if err := aims.CheckText(opts.Name, "name", 200, false); err != nil {
		return nil, err
	}
	if err := checkCardURL(opts.URL); err != nil {
		return nil, err
	}
	card, err := modelcard.Parse(bytes.NewReader(raw))
	if err != nil {
		var se *modelcard.SyntaxError
		if errors.As(err, &se) {
			if se.Line > 0 {
				return nil, aims.Errorf(aims.EINVALID, "The model card's front matter is not valid at line %d: %s.", se.Line, strings.TrimSuffix(se.Msg, "."))
			}
			return nil, aims.Errorf(aims.EINVALID, "The model card's front matter is not valid: %s.", strings.TrimSuffix(se.Msg, "."))
		}
		return nil, aims.Errorf(aims.EINVALID, "The model card could not be read: %v.", err)
	}
	if _, err := s.store.SystemByID(ctx, orgID, systemID); err != nil {
		return nil, err
	}
	data := cardData(card)

	var c *Component
	created := false
	switch {
	case opts.ComponentID != "":
		if !aims.ValidID(opts.ComponentID) {
			return nil, aims.Errorf(aims.ENOTFOUND, "Component not found.")
		}
		if c, err = s.store.ComponentByID(ctx, orgID, opts.ComponentID); err != nil {
			return nil, err
		}
		if c.Kind != "model" {
			return nil, aims.FieldError("component_id", "%s is a %s, not a model: a model card describes a model.", c.Name, c.Kind)
		}
	default:
		name := opts.Name
		if name == "" {
			name = data.Name
		}
		if name == "" {
			return nil, aims.FieldError("name", "The model card does not name its model: give the model's name.")
		}
		c, err = s.store.ComponentByKey(ctx, orgID, "model", name, "")
		switch {
		case aims.ErrorCode(err) == aims.ENOTFOUND:
			c, created = &Component{OrgID: orgID, Kind: "model", Name: name}, true
		case err != nil:
			return nil, err
		}
	}
	before := ComponentFieldsOf(c)
	f := ComponentFieldsOf(c)
	if err := fillFromCard(&f, data, opts.URL); err != nil {
		return nil, err
	}
	next := *c
	if err := f.apply(&next); err != nil {
		return nil, fmt.Errorf("the model card does not fit the component: %w", err)
	}
	changed := created || !sameFields(before, ComponentFieldsOf(&next))

	a := aims.ActorFrom(ctx)
	by := a.UserID
	if by == "" {
		by = a.ID
	}
	sum := sha256.Sum256(raw)
	mc := &ModelCard{OrgID: orgID, SHA256: hex.EncodeToString(sum[:]), Card: data, Markdown: string(raw),
		ImportedBy: by, ImportedByName: a.Name}
	imp := &ModelCardImport{Component: &next, Changed: changed,
		Link: &Link{OrgID: orgID, SystemID: systemID, Role: "model"}, Card: mc}
	if created {
		imp.Component.ID = ""
	}
	if err := s.store.SaveModelCardImport(ctx, imp); err != nil {
		return nil, err
	}
	return &ModelCardResult{Component: imp.Component, Created: created, Card: mc}, nil
}

// ModelCard returns orgID's model card id with its Markdown.
func (s *Service) ModelCard(ctx context.Context, orgID, id string) (*ModelCard, error) {
	return s.store.ModelCardByID(ctx, orgID, id)
}

// ComponentModelCards returns the model cards of component componentID, newest first.
func (s *Service) ComponentModelCards(ctx context.Context, orgID, componentID string) ([]*ModelCard, error) {
	return s.store.ComponentModelCards(ctx, orgID, componentID)
}

// LatestModelCards returns the newest model card of each component of system systemID, by component id.
func (s *Service) LatestModelCards(ctx context.Context, orgID, systemID string) (map[string]*ModelCard, error) {
	cs, err := s.store.LatestModelCards(ctx, orgID, systemID)
	if err != nil {
		return nil, err
	}
	m := make(map[string]*ModelCard, len(cs))
	for _, c := range cs {
		m[c.ComponentID] = c
	}
	return m, nil
}

func sameFields(a, b ComponentFields) bool {
	return a.Kind == b.Kind && a.Name == b.Name && a.ComponentVersion == b.ComponentVersion && a.Supplier == b.Supplier &&
		a.Licence == b.Licence && a.Description == b.Description && a.BOMRef == b.BOMRef && bytes.Equal(a.Details, b.Details)
}

func checkCardURL(u string) error {
	if u == "" {
		return nil
	}
	if err := aims.CheckText(u, "model_card_url", 2000, false); err != nil {
		return err
	}
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return aims.FieldError("model_card_url", "Give the address of the model card, starting with https://.")
	}
	return nil
}

// mcPlaceholder is what the Hub's Trainer writes into the sections nobody filled in.
const mcPlaceholder = "more information needed"

var mcComment = regexp.MustCompile(`(?s)<!--.*?-->`)

// sectionText returns the first filled-in section of c among names, without HTML comments, trimmed and
// cut to max characters.
func sectionText(c *modelcard.Card, max int, names ...string) string {
	for _, n := range names {
		t := strings.TrimSpace(mcComment.ReplaceAllString(c.Section(n), ""))
		if t != "" && !strings.EqualFold(strings.Trim(t, ". "), mcPlaceholder) {
			return cutText(t, max)
		}
	}
	return ""
}

// cutText shortens s to at most max characters, on a word boundary when it can, marking the cut.
func cutText(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max-1]
	t := string(r)
	if i := strings.LastIndexAny(t, " \n"); i > max/2 {
		t = t[:i]
	}
	return strings.TrimSpace(t) + "…"
}

// cardData reads what aims keeps out of a parsed model card.
func cardData(c *modelcard.Card) ModelCardData {
	d := ModelCardData{License: c.License, Language: c.Language, Tags: c.Tags, Datasets: c.Datasets,
		BaseModel: c.BaseModel, PipelineTag: c.PipelineTag, Results: []EvalResult{}}
	for _, mi := range c.ModelIndex {
		if d.Name == "" {
			d.Name = strings.TrimSpace(mi.Name)
		}
		for _, r := range mi.Results {
			ds := r.Dataset.Name
			if ds == "" {
				ds = r.Dataset.Type
			}
			task := r.Task.Type
			if task == "" {
				task = r.Task.Name
			}
			for _, m := range r.Metrics {
				d.Results = append(d.Results, EvalResult{Model: mi.Name, Task: task, Dataset: ds, DatasetType: r.Dataset.Type,
					Config: r.Dataset.Config, Split: r.Dataset.Split, MetricType: m.Type, MetricName: m.Name, Value: m.Value,
					Verified: m.Verified})
			}
		}
	}
	if d.Name == "" {
		d.Name = strings.TrimSpace(c.Title)
	}
	d.Name = cutText(strings.Join(strings.Fields(d.Name), " "), 200)
	d.Summary = sectionText(c, 4000, "Model description", "Model summary", "Model Details", "Summary", "Overview")
	if d.Summary == "" && len(c.Sections) > 0 && c.Sections[0].Level == 1 {
		// A Trainer card says what the model is right under its title.
		d.Summary = sectionText(c, 4000, c.Sections[0].Heading)
	}
	d.Limitations = sectionText(c, 8000, "Bias, Risks, and Limitations", "Limitations", "Limitations and bias",
		"Risks and limitations", "Bias", "Known limitations", "Out-of-Scope Use", "Intended uses & limitations")
	d.IntendedUse = sectionText(c, 4000, "Intended uses & limitations", "Intended uses", "Uses", "Direct Use", "Intended use")
	for _, xs := range []*[]string{&d.Language, &d.Tags, &d.Datasets, &d.BaseModel} {
		if *xs == nil {
			*xs = []string{}
		}
	}
	return d
}

// EvaluationSummary is the model card's results on one line per evaluation, as a model component's
// evaluation_summary.
func (d ModelCardData) EvaluationSummary() string {
	var lines []string
	idx := map[string]int{}
	for _, r := range d.Results {
		key := r.Task + " on " + r.Dataset
		if part := strings.Trim(r.Config+"/"+r.Split, "/"); part != "" {
			key += " (" + part + ")"
		}
		metric := r.MetricType
		if metric == "" {
			metric = r.MetricName
		}
		m := metric + " " + r.Value
		if i, ok := idx[key]; ok {
			lines[i] += ", " + m
			continue
		}
		idx[key] = len(lines)
		lines = append(lines, key+": "+m)
	}
	return strings.Join(lines, "\n")
}

// fillFromCard lays what the card says over f: its base model, datasets, evaluation results, licence and
// summary; what the card does not say is kept.
func fillFromCard(f *ComponentFields, d ModelCardData, url string) error {
	details := map[string]any{}
	if len(bytes.TrimSpace(f.Details)) > 0 {
		if err := json.Unmarshal(f.Details, &details); err != nil {
			return fmt.Errorf("cannot read the details of component %s: %w", f.Name, err)
		}
	}
	set := func(k, v string) {
		if v = strings.TrimSpace(v); v != "" {
			details[k] = cutText(v, 4000)
		}
	}
	set("base_model", strings.Join(d.BaseModel, ", "))
	set("training_data", strings.Join(d.Datasets, ", "))
	set("evaluation_summary", d.EvaluationSummary())
	set("model_card_url", url)
	b, err := json.Marshal(details)
	if err != nil {
		return err
	}
	f.Details = b
	if d.License != "" {
		f.Licence = cutText(d.License, 200)
	}
	if d.Summary != "" {
		f.Description = d.Summary
	}
	return nil
}
