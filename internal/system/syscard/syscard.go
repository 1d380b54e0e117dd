// Package syscard writes the system card of an AI system: what the people who use it, or who are affected
// by it, need to know about it (ISO/IEC 42001, A.8.2), gathered from the inventory: its purpose and
// intended use, what it must not be used for, who uses it and who is affected, the oversight by people and
// the level of automation, the models and data it relies on with their suppliers and licences, the
// evaluation results and known limitations from their model cards, the data it handles, and whom to tell
// about a problem. It renders the card as Markdown and as a self-contained HTML page.
package syscard

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/euact"
)

// Input is what a card is made from.
type Input struct {
	// Organization is the name of the organization that provides or uses the system.
	Organization string
	System       *system.System
	// Components are the system's components the card lists: all of them, or the first ones of each
	// section (see Shown) when ModelCount, DataCount and OtherCount say how many there are in all.
	Components []*component.SystemComponent
	// ModelCount, DataCount and OtherCount are how many models, data sets and other components the
	// system uses; 0: as many as Components holds.
	ModelCount, DataCount, OtherCount int
	// ModelCards are the newest model card of each component that has one, by component id.
	ModelCards map[string]*component.ModelCard
	// Classification is the system's EU AI Act classification, when one was made; the card leaves the
	// section out otherwise.
	Classification *ClassificationSummary
	// Generated is when the card is made.
	Generated time.Time
}

// ClassificationSummary is the result of the EU AI Act classification as a card shows it.
type ClassificationSummary struct {
	// Class is the risk class, in words ("High-risk (Annex III, point 4)").
	Class string
	// Reasoning are the lines that explain the class.
	Reasoning []string
	// TransparencyDuties are the information duties towards people (for example Art. 50).
	TransparencyDuties []string
}

// Card is a system card, ready to render. Empty texts are shown as "Not stated".
type Card struct {
	Organization      string
	Name              string
	SystemID          string
	Version           int64
	Status            string
	Stage             string
	Updated           time.Time
	Generated         time.Time
	Purpose           string
	IntendedUse       string
	ForeseeableMisuse string
	Users             string
	AffectedPeople    string
	HumanOversight    string
	Automation        string
	InteractsWithPeople,
	GeneratesContent bool
	Markets      []string
	Environments []string
	// Models and Data are the system's components of kind model and dataset; Others all the rest: the
	// first Shown of each when there are more. ModelsTotal, DataTotal and OthersTotal say how many there
	// are in all.
	Models                              []Part
	Data                                []Part
	Others                              []Part
	ModelsTotal, DataTotal, OthersTotal int
	// Results are the evaluation results of the models' newest model cards.
	Results []Result
	// Limitations are the known limitations, bias and risks the models' cards state.
	Limitations         []Limitation
	PersonalData        bool
	SpecialCategoryData bool
	DataNotes           string
	Owner               string
	Team                string
	AIRole              string
	EURole              string
	Classification      *ClassificationSummary
}

// Part is one component as the card lists it.
type Part struct {
	// ID is the component's id.
	ID           string
	Kind         string
	Name         string
	Version      string
	Supplier     string
	Licence      string
	Role         string
	Description  string
	BaseModel    string
	TrainingData string
	CardURL      string
	// CardVersion is the number of the model card the part's results come from (0: none).
	CardVersion int64
	CardDate    time.Time
}

// Result is one metric of one evaluation of a model.
type Result struct {
	Model   string
	Task    string
	Dataset string
	Metric  string
	Value   string
}

// Limitation is what one model's card says about its limitations and risks.
type Limitation struct {
	Model string
	Text  string
}

// Build makes the card of in.System.
func Build(in Input) *Card {
	s := in.System
	c := &Card{Organization: in.Organization, Name: s.Name, SystemID: s.ID, Version: s.Version, Status: s.Status,
		Stage: s.Stage, Updated: s.UpdatedAt, Generated: in.Generated.UTC(), Purpose: s.Purpose, IntendedUse: s.IntendedUse,
		ForeseeableMisuse: s.ForeseeableMisuse, Users: s.Users, AffectedPeople: s.AffectedPeople,
		HumanOversight: s.HumanOversight, Automation: s.Automation, InteractsWithPeople: s.InteractsWithPeople,
		GeneratesContent: s.GeneratesContent, Markets: s.Markets, Environments: s.Environments,
		PersonalData: s.PersonalData, SpecialCategoryData: s.SpecialCategoryData, DataNotes: s.DataNotes,
		Owner: s.OwnerName, Team: s.Team, AIRole: s.AIRole, EURole: s.EURole, Classification: in.Classification}
	for _, sc := range in.Components {
		var d map[string]any
		_ = json.Unmarshal(sc.Details, &d) // details are a JSON object of texts, checked when stored
		text := func(k string) string { v, _ := d[k].(string); return v }
		p := Part{ID: sc.ID, Kind: sc.Kind, Name: sc.Name, Version: sc.ComponentVersion, Supplier: sc.Supplier, Licence: sc.Licence,
			Role: sc.Role, Description: sc.Description, BaseModel: text("base_model"), TrainingData: text("training_data"),
			CardURL: text("model_card_url")}
		if p.Supplier == "" {
			p.Supplier = text("provider")
		}
		if p.Licence == "" {
			p.Licence = text("licence")
		}
		if p.TrainingData == "" && sc.Kind == "dataset" {
			p.TrainingData = text("source")
		}
		mc := in.ModelCards[sc.ID]
		if mc != nil {
			p.CardVersion, p.CardDate = mc.Number, mc.ImportedAt
			model := sc.Name
			for _, r := range mc.Card.Results {
				ds := r.Dataset
				if part := strings.Trim(r.Config+"/"+r.Split, "/"); part != "" {
					ds += " (" + part + ")"
				}
				metric := r.MetricName
				if metric == "" {
					metric = r.MetricType
				}
				c.Results = append(c.Results, Result{Model: model, Task: r.Task, Dataset: ds, Metric: metric, Value: r.Value})
			}
			if t := strings.TrimSpace(mc.Card.Limitations); t != "" {
				c.Limitations = append(c.Limitations, Limitation{Model: model, Text: t})
			}
		}
		switch sc.Kind {
		case "model":
			c.Models = append(c.Models, p)
		case "dataset":
			c.Data = append(c.Data, p)
		default:
			c.Others = append(c.Others, p)
		}
	}
	for _, ps := range [][]Part{c.Models, c.Data, c.Others} {
		slices.SortStableFunc(ps, func(a, b Part) int { return strings.Compare(a.Name, b.Name) })
	}
	c.ModelsTotal = max(in.ModelCount, len(c.Models))
	c.DataTotal = max(in.DataCount, len(c.Data))
	c.OthersTotal = max(in.OtherCount, len(c.Others))
	return c
}

// Shown is how many of each section of a system's components (models, data sets, the others) a card
// lists at most: a system may use 100,000 components, which its components page and `aims system
// components` list a page at a time.
const Shown = 50

// sections are the kinds of each section of the components: models, data sets, the others.
var sections = []component.KindFilter{{In: []string{"model"}}, {In: []string{"dataset"}}, {NotIn: []string{"model", "dataset"}}}

// ComponentsPath is the address, on an aims server, of the page that lists all of the system's
// components.
func (c *Card) ComponentsPath() string { return "/systems/" + c.SystemID + "/components" }

// Omitted reports whether the card lists only some of the system's components.
func (c *Card) Omitted() bool {
	return c.ModelsTotal > len(c.Models) || c.DataTotal > len(c.Data) || c.OthersTotal > len(c.Others)
}

// OmittedNote says which of the system's components the card lists and where all of them are; "" when
// it lists them all.
func (c *Card) OmittedNote() string {
	if !c.Omitted() {
		return ""
	}
	var parts []string
	for _, s := range []struct {
		shown, total int
		noun         string
	}{{len(c.Models), c.ModelsTotal, "models"}, {len(c.Data), c.DataTotal, "data sets"}, {len(c.Others), c.OthersTotal, "other components"}} {
		if s.total > s.shown {
			parts = append(parts, fmt.Sprintf("the first %d of its %d %s", s.shown, s.total, s.noun))
		}
	}
	n := c.ModelsTotal + c.DataTotal + c.OthersTotal
	return fmt.Sprintf("The system uses %d components; this card lists %s. All of them are listed on its components page in aims (%s) and by `aims system components`.",
		n, strings.Join(parts, ", "), c.ComponentsPath())
}

// Label turns a stored value ("operation_and_monitoring", "ai_provider") into words.
func Label(v string) string {
	switch v {
	case "":
		return ""
	case "ai_provider":
		return "AI provider"
	case "ai_producer":
		return "AI producer"
	case "ai_customer":
		return "AI customer"
	case "ai_partner":
		return "AI partner"
	case "ai_subject":
		return "AI subject"
	}
	s := strings.ReplaceAll(v, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// Contact says whom to tell about a problem with the system.
func (c *Card) Contact() string {
	switch {
	case c.Owner != "" && c.Team != "":
		return c.Owner + " (" + c.Team + ")"
	case c.Owner != "":
		return c.Owner
	case c.Team != "":
		return c.Team
	}
	return ""
}

// DataCategories lists the kinds of data the system handles, in words.
func (c *Card) DataCategories() []string {
	var out []string
	if c.PersonalData {
		out = append(out, "Personal data")
	}
	if c.SpecialCategoryData {
		out = append(out, "Special categories of personal data (such as health data or biometric data)")
	}
	if !c.PersonalData && !c.SpecialCategoryData {
		out = append(out, "No personal data is recorded for this system")
	}
	return out
}

// Source is what Load reads a system's card from: the system and component services.
type Source struct {
	Systems interface {
		System(ctx context.Context, orgID, id string) (*system.System, error)
		Classification(ctx context.Context, orgID, id string) (*system.Classification, error)
	}
	Components interface {
		FirstSystemComponents(ctx context.Context, orgID, systemID string, kinds component.KindFilter, limit int) ([]*component.SystemComponent, int, error)
		LatestModelCards(ctx context.Context, orgID, systemID string) (map[string]*component.ModelCard, error)
	}
}

// Load reads system systemID of orgID with its components (the first Shown of each section, and how many
// there are) and their newest model cards from src and builds its card, made at now, naming the organization orgName. A system of another organization is ENOTFOUND.
// A system not classified yet has no classification section.
func Load(ctx context.Context, src Source, orgID, orgName, systemID string, now time.Time) (*Card, error) {
	s, err := src.Systems.System(ctx, orgID, systemID)
	if err != nil {
		return nil, err
	}
	in := Input{Organization: orgName, System: s, Generated: now}
	for i, count := range []*int{&in.ModelCount, &in.DataCount, &in.OtherCount} {
		cs, n, err := src.Components.FirstSystemComponents(ctx, orgID, systemID, sections[i], Shown)
		if err != nil {
			return nil, err
		}
		in.Components = append(in.Components, cs...)
		*count = n
	}
	cards, err := src.Components.LatestModelCards(ctx, orgID, systemID)
	if err != nil {
		return nil, err
	}
	in.ModelCards = cards
	switch c, err := src.Systems.Classification(ctx, orgID, systemID); {
	case err == nil:
		in.Classification = Summarize(c)
	case aims.ErrorCode(err) != aims.ENOTFOUND:
		return nil, err
	}
	return Build(in), nil
}

// Summarize is the classification c as a card shows it: the recorded class with the Annex that makes it
// high-risk, the reasoning (and the justification when the class was overridden), and the Art. 50 duties.
func Summarize(c *system.Classification) *ClassificationSummary {
	r := system.Effective(c)
	class := euact.ClassLabels[r.Class]
	if r.Class == euact.HighRisk {
		switch {
		case r.AnnexI:
			class += " (Art. 6(1), Annex I product legislation)"
		case r.AnnexIIIPoint != "":
			class += " (Annex III, point " + r.AnnexIIIPoint + ")"
		case r.AnnexIIIArea != "":
			class += " (Annex III, area " + r.AnnexIIIArea + ")"
		}
	}
	sum := &ClassificationSummary{Class: class, Reasoning: slices.Clone(c.Result.Reasoning)}
	if c.Override {
		sum.Reasoning = append(sum.Reasoning, fmt.Sprintf("The organization records the class %s in place of %s: %s",
			euact.ClassLabels[c.Class], euact.ClassLabels[c.Result.Class], c.Justification))
	}
	for _, d := range euact.TransparencyDuties {
		if slices.Contains(r.Transparency, d.Duty) {
			sum.TransparencyDuties = append(sum.TransparencyDuties, d.Why)
		}
	}
	return sum
}

var unsafeFileChars = regexp.MustCompile(`[^a-z0-9]+`)

// FileName is a download name for the card with extension ext: "system-card-" and the system's name in
// lower-case letters, digits and dashes.
func (c *Card) FileName(ext string) string {
	base := strings.Trim(unsafeFileChars.ReplaceAllString(strings.ToLower(c.Name), "-"), "-")
	if len(base) > 80 {
		base = strings.TrimRight(base[:80], "-")
	}
	if base == "" {
		base = "ai-system"
	}
	return "system-card-" + base + "." + ext
}
