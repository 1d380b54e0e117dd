package framework

import (
	"crypto/sha256"
	"embed"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strings"
)

//go:embed catalog
var catalogFiles embed.FS

// Catalog is everything that ships with aims: the built-in frameworks with their requirements, the
// published and authored mappings, aims's role-based applicability defaults and the EU AI Act obligation
// data. It is parsed once at start-up from embedded files.
type Catalog struct {
	Frameworks    []*BuiltinFramework
	Mappings      []*BuiltinMapping
	RoleDefaults  map[string]*RoleDefault // by Annex A control ref
	Areas         []*Area
	EUObligations *EUObligations
	// Hash identifies this catalog's content; the store reseeds when it changes.
	Hash string
}

// BuiltinFramework is a built-in framework with its requirements in order.
type BuiltinFramework struct {
	Framework    *Framework
	Requirements []*Requirement
}

// BuiltinMapping is a shipped mapping between two built-in requirements.
type BuiltinMapping struct {
	FromKey, FromRef string
	ToKey, ToRef     string
	Relationship     string
	Source           string
	Rationale        string
}

// RoleDefault is aims's proposal for an Annex A control: the ISO/IEC 22989 AI roles for which it is
// normally applicable, and default justifications either way.
type RoleDefault struct {
	Ref                     string   `json:"id"`
	AppliesTo               []string `json:"applies_to"`
	JustificationApplicable string   `json:"justification_applicable"`
	JustificationExcluded   string   `json:"justification_excluded"`
}

// Area is one of the seven clause areas (4 to 10) with aims's overview of it.
type Area struct {
	Clause  string `json:"clause"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
}

// EUObligations is the EU AI Act obligation data: who each article binds, to what, and from when, under
// each set of application dates.
type EUObligations struct {
	DateSets map[string]*EUDateSet `json:"date_sets"`
	Scopes   map[string]string     `json:"scopes"`
	Articles []*EUArticle          `json:"articles"`
}

// EUDateSet is one version of the application dates: as published, or as amended. InForce marks the
// version that is the law now; exactly one set carries it, and new organizations plan against it.
type EUDateSet struct {
	Label   string            `json:"label"`
	Status  string            `json:"status"`
	InForce bool              `json:"in_force"`
	Dates   map[string]string `json:"dates"`
	Notes   []string          `json:"notes"`
}

// InForceDates returns the key of the date set that is in force, or "" when the data marks none.
func (eu *EUObligations) InForceDates() string {
	for k, ds := range eu.DateSets {
		if ds.InForce {
			return k
		}
	}
	return ""
}

// EUArticle is the obligation an article creates. Obligation is its text in the Regulation in force;
// ObligationByDateSet holds the text of an article that another version worded differently (Art. 4 as
// first published), by date set key.
type EUArticle struct {
	Article string `json:"article"`
	// Paragraph narrows the obligation to part of the article, like "(1)" or "(1)(c)-(d)", when its
	// paragraphs bind different roles or systems; several entries may share an article.
	Paragraph string `json:"paragraph,omitempty"`
	// Label, when set, is how the obligation is cited instead of Article and Paragraph ("102-109").
	Label string   `json:"label,omitempty"`
	Roles []string `json:"roles"`
	// OnlyIn names the one date set whose version of the Act has the obligation (a prohibition the
	// amendment added); empty for every version.
	OnlyIn              string            `json:"only_in,omitempty"`
	Scope               string            `json:"scope"`
	AppliesFrom         string            `json:"applies_from"`
	Obligation          string            `json:"obligation"`
	ObligationByDateSet map[string]string `json:"obligation_by_date_set,omitempty"`
}

// Ref returns how the obligation is cited: "50(1)", "102-109" or "26".
func (a *EUArticle) Ref() string {
	if a.Label != "" {
		return a.Label
	}
	return a.Article + a.Paragraph
}

// ObligationIn returns the article's obligation as the version of date set key words it.
func (a *EUArticle) ObligationIn(key string) string {
	if o := a.ObligationByDateSet[key]; o != "" {
		return o
	}
	return a.Obligation
}

// BuiltinID returns the stable id of a built-in requirement, the same in every installation.
func BuiltinID(key, ref string) string { return key + ":" + ref }

// LoadCatalog parses the embedded catalog.
func LoadCatalog() (*Catalog, error) {
	h := sha256.New()
	read := func(name string) ([]byte, error) {
		b, err := fs.ReadFile(catalogFiles, "catalog/"+name)
		if err != nil {
			return nil, fmt.Errorf("catalog: %w", err)
		}
		h.Write([]byte(name))
		h.Write(b)
		return b, nil
	}
	// The layout version changes when the code that builds frameworks from the files changes (here: Annex
	// A after the clauses), so that installed catalogs are refreshed then too.
	h.Write([]byte("catalog layout 2"))
	c := &Catalog{RoleDefaults: map[string]*RoleDefault{}}
	loaders := []func(read func(string) ([]byte, error)) error{c.loadISO42001, c.loadISO27001, c.loadNISTRMF, c.loadNIST600, c.loadEUAIAct, c.loadMappings}
	for _, load := range loaders {
		if err := load(read); err != nil {
			return nil, err
		}
	}
	b, err := read("role-defaults.json")
	if err != nil {
		return nil, err
	}
	var defaults []*RoleDefault
	if err := json.Unmarshal(b, &defaults); err != nil {
		return nil, fmt.Errorf("catalog: role-defaults.json: %w", err)
	}
	for _, d := range defaults {
		c.RoleDefaults[d.Ref] = d
	}
	if b, err = read("area-guidance.json"); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &c.Areas); err != nil {
		return nil, fmt.Errorf("catalog: area-guidance.json: %w", err)
	}
	c.Hash = hex.EncodeToString(h.Sum(nil))
	return c, nil
}

// Framework returns the built-in framework with key, or nil.
func (c *Catalog) Framework(key string) *BuiltinFramework {
	for _, f := range c.Frameworks {
		if f.Framework.Key == key {
			return f
		}
	}
	return nil
}

// readCSV returns the records of a CSV file with a header, as maps by column name.
func readCSV(read func(string) ([]byte, error), name string) ([]map[string]string, error) {
	b, err := read(name)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(string(b)))
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("catalog: %s: %w", name, err)
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("catalog: %s: %w", name, err)
		}
		m := map[string]string{}
		for i, col := range header {
			m[col] = strings.TrimSpace(rec[i])
		}
		out = append(out, m)
	}
}

// builder accumulates one built-in framework's requirements in order.
type builder struct {
	bf   *BuiltinFramework
	seen map[string]bool
}

func newBuilder(f *Framework) *builder {
	f.ID, f.Kind, f.Revision = f.Key, KindBuiltin, 1
	return &builder{bf: &BuiltinFramework{Framework: f}, seen: map[string]bool{}}
}

func (b *builder) add(r *Requirement) {
	if b.seen[r.Ref] {
		return
	}
	b.seen[r.Ref] = true
	r.ID, r.FrameworkID, r.FrameworkKey = BuiltinID(b.bf.Framework.Key, r.Ref), b.bf.Framework.ID, b.bf.Framework.Key
	r.Position = len(b.bf.Requirements) + 1
	b.bf.Requirements = append(b.bf.Requirements, r)
}

func (c *Catalog) loadISO42001(read func(string) ([]byte, error)) error {
	rows, err := readCSV(read, "iso42001-2023.csv")
	if err != nil {
		return err
	}
	gb, err := read("iso42001-guidance.json")
	if err != nil {
		return err
	}
	var guidance []struct {
		ID string `json:"id"`
		Guidance
	}
	if err := json.Unmarshal(gb, &guidance); err != nil {
		return fmt.Errorf("catalog: iso42001-guidance.json: %w", err)
	}
	byID := map[string]*Guidance{}
	for i := range guidance {
		g := guidance[i].Guidance
		byID[guidance[i].ID] = &g
	}
	b := newBuilder(&Framework{Key: ISO42001, Name: "ISO/IEC 42001:2023", Version: "2023", Publisher: "ISO/IEC",
		Description: "Information technology - Artificial intelligence - Management system. Clauses 4 to 10 and the Annex A controls; titles only, with guidance written by aims.",
		Source:      "Clause and control numbers and titles of ISO/IEC 42001:2023; the standard's text is copyrighted and not included. Guidance: aims."})
	for _, row := range rows {
		ref := row["id"]
		r := &Requirement{Ref: ref, Title: row["title"], Assessable: row["assessable"] == "yes", Guidance: byID[ref]}
		switch row["kind"] {
		case "clause":
			r.Kind = ReqClause
			if i := strings.LastIndex(ref, "."); i > 0 {
				r.ParentRef = ref[:i]
			}
		case "control":
			r.Kind = ReqControl
			// Annex A's heading comes after the clauses, where the standard has it.
			b.add(&Requirement{Ref: "A", Title: "Annex A: Reference control objectives and controls", Kind: ReqGroup})
			b.add(&Requirement{Ref: row["group"], Title: row["group_title"], Kind: ReqGroup, ParentRef: "A"})
			r.ParentRef = row["group"]
			if sg := row["subgroup"]; sg != "" {
				sref, stitle, _ := strings.Cut(sg, " ")
				b.add(&Requirement{Ref: sref, Title: stitle, Kind: ReqGroup, ParentRef: row["group"]})
				r.ParentRef = sref
			}
		default:
			return fmt.Errorf("catalog: iso42001-2023.csv: unknown kind %q", row["kind"])
		}
		if r.Assessable && r.Guidance == nil {
			return fmt.Errorf("catalog: no guidance for ISO/IEC 42001 %s", ref)
		}
		b.add(r)
	}
	c.Frameworks = append(c.Frameworks, b.bf)
	return nil
}

func (c *Catalog) loadISO27001(read func(string) ([]byte, error)) error {
	rows, err := readCSV(read, "iso27001-2022-annex-a.csv")
	if err != nil {
		return err
	}
	b := newBuilder(&Framework{Key: ISO27001, Name: "ISO/IEC 27001:2022", Version: "2022", Publisher: "ISO/IEC",
		Description: "Information security management systems: clauses 4 to 10 and the 93 Annex A controls, for organizations that run both management systems. Ids and titles only.",
		Source:      "Clause and control numbers and titles of ISO/IEC 27001:2022; the standard's text is copyrighted and not included."})
	themes := map[string]string{"Organizational controls": "A.5", "People controls": "A.6", "Physical controls": "A.7", "Technological controls": "A.8"}
	for _, row := range rows {
		theme := themes[row["theme"]]
		if theme == "" {
			return fmt.Errorf("catalog: iso27001-2022-annex-a.csv: unknown theme %q", row["theme"])
		}
		b.add(&Requirement{Ref: theme, Title: row["theme"], Kind: ReqGroup})
		b.add(&Requirement{Ref: row["id"], Title: row["title"], Kind: ReqControl, ParentRef: theme, Assessable: true})
	}
	c.Frameworks = append(c.Frameworks, b.bf)
	return nil
}

func (c *Catalog) loadNISTRMF(read func(string) ([]byte, error)) error {
	rows, err := readCSV(read, "nist-ai-rmf-1.0.csv")
	if err != nil {
		return err
	}
	b := newBuilder(&Framework{Key: NISTAIRMF, Name: "NIST AI RMF 1.0", Version: "1.0", Publisher: "NIST",
		Description: "Artificial Intelligence Risk Management Framework (NIST AI 100-1): functions, categories and subcategories with their full text.",
		Source:      "NIST AI 100-1 (January 2023), public domain."})
	cats, err := readCSV(read, "nist-ai-rmf-1.0-categories.csv")
	if err != nil {
		return err
	}
	// A category's title is NIST's own sentence for it (AI 100-1, Tables 1 to 4), as for subcategories.
	category := map[string]string{}
	for _, row := range cats {
		category[row["category_id"]] = row["title"]
	}
	titles := map[string]string{"GOVERN": "Govern", "MAP": "Map", "MEASURE": "Measure", "MANAGE": "Manage"}
	for _, row := range rows {
		fn, cat := row["function"], row["category_id"]
		if category[cat] == "" {
			return fmt.Errorf("catalog: nist-ai-rmf-1.0-categories.csv: no title for %s", cat)
		}
		b.add(&Requirement{Ref: fn, Title: titles[fn], Kind: ReqFunction})
		b.add(&Requirement{Ref: cat, Title: category[cat], Text: category[cat], Kind: ReqCategory, ParentRef: fn})
		b.add(&Requirement{Ref: row["subcategory_id"], Title: row["text"], Text: row["text"], Kind: ReqSubcategory,
			ParentRef: row["category_id"], Assessable: true})
	}
	c.Frameworks = append(c.Frameworks, b.bf)
	return nil
}

func (c *Catalog) loadNIST600(read func(string) ([]byte, error)) error {
	rows, err := readCSV(read, "nist-ai-600-1-risks.csv")
	if err != nil {
		return err
	}
	b := newBuilder(&Framework{Key: NIST600, Name: "NIST AI 600-1 Generative AI Profile: risks", Version: "July 2024", Publisher: "NIST",
		Description: "The twelve risks that are unique to or made worse by generative AI, with NIST's definitions.",
		Source:      "NIST AI 600-1 (July 2024), public domain."})
	for _, row := range rows {
		b.add(&Requirement{Ref: row["number"], Title: row["name"], Text: row["definition"], Kind: ReqRisk, Assessable: true})
	}
	c.Frameworks = append(c.Frameworks, b.bf)
	return nil
}

func (c *Catalog) loadEUAIAct(read func(string) ([]byte, error)) error {
	rows, err := readCSV(read, "eu-ai-act-articles.csv")
	if err != nil {
		return err
	}
	ob, err := read("eu-ai-act-obligations.json")
	if err != nil {
		return err
	}
	c.EUObligations = &EUObligations{}
	if err := json.Unmarshal(ob, c.EUObligations); err != nil {
		return fmt.Errorf("catalog: eu-ai-act-obligations.json: %w", err)
	}
	inForce := 0
	for _, ds := range c.EUObligations.DateSets {
		if ds.InForce {
			inForce++
		}
	}
	if inForce != 1 {
		return fmt.Errorf("catalog: eu-ai-act-obligations.json: %d date sets are in force, want 1", inForce)
	}
	obligations := map[string]string{}
	refs := map[string]bool{}
	for _, a := range c.EUObligations.Articles {
		if refs[a.Ref()] {
			return fmt.Errorf("catalog: eu-ai-act-obligations.json: obligation %s is listed twice", a.Ref())
		}
		refs[a.Ref()] = true
		if c.EUObligations.Scopes[a.Scope] == "" {
			return fmt.Errorf("catalog: eu-ai-act-obligations.json: obligation %s has the undescribed scope %q", a.Ref(), a.Scope)
		}
		if a.OnlyIn != "" && c.EUObligations.DateSets[a.OnlyIn] == nil {
			return fmt.Errorf("catalog: eu-ai-act-obligations.json: obligation %s is only in an unknown date set %q", a.Ref(), a.OnlyIn)
		}
		for k, ds := range c.EUObligations.DateSets {
			if (a.OnlyIn == "" || a.OnlyIn == k) && ds.Dates[a.AppliesFrom] == "" {
				return fmt.Errorf("catalog: eu-ai-act-obligations.json: obligation %s has no %s date for %q", a.Ref(), k, a.AppliesFrom)
			}
		}
		text := a.Obligation
		if a.Paragraph != "" {
			text = "Art. " + a.Ref() + ": " + text
		}
		if obligations[a.Article] != "" {
			text = obligations[a.Article] + " " + text
		}
		obligations[a.Article] = text
		for k := range a.ObligationByDateSet {
			if c.EUObligations.DateSets[k] == nil {
				return fmt.Errorf("catalog: eu-ai-act-obligations.json: article %s words its obligation for an unknown date set %q", a.Article, k)
			}
		}
	}
	b := newBuilder(&Framework{Key: EUAIAct, Name: "EU AI Act (Regulation (EU) 2024/1689)", Version: "OJ L, 12.7.2024", Publisher: "European Union",
		Description: "The articles of the EU AI Act that create obligations, with who they bind and from when they apply.",
		Source:      "Regulation (EU) 2024/1689; article titles as published in the Official Journal. Reuse authorised (Decision 2011/833/EU)."})
	for _, row := range rows {
		text := "Binds: " + row["obligated_party"] + "."
		if o := obligations[row["article"]]; o != "" {
			text = o + " Binds: " + row["obligated_party"] + "."
		}
		b.add(&Requirement{Ref: row["article"], Title: row["title"], Kind: ReqArticle, Text: text,
			Assessable: obligations[row["article"]] != ""})
	}
	for _, a := range c.EUObligations.Articles {
		if !b.seen[a.Article] {
			return fmt.Errorf("catalog: eu-ai-act-obligations.json: article %s is not in eu-ai-act-articles.csv", a.Article)
		}
	}
	c.Frameworks = append(c.Frameworks, b.bf)
	return nil
}

func (c *Catalog) loadMappings(read func(string) ([]byte, error)) error {
	type spec struct {
		file, toKey, toCol, relCol, srcCol, ratCol, noteCol string
		kind                                                string // what every row's source must be
	}
	for _, s := range []spec{
		{"crosswalk-iso42001-nist-ai-rmf.csv", NISTAIRMF, "nist_ai_rmf_id", "", "source", "", "note", SourcePublished},
		{"crosswalk-iso42001-iso27001-clauses.csv", "", "iso27001_id", "", "source", "", "note", SourceDerived},
		{"map-iso42001-euaiact.csv", EUAIAct, "eu_ai_act_article", "relationship", "", "rationale", "", SourceByAims},
		{"map-iso42001-iso27001.csv", ISO27001, "iso27001_id", "relationship", "", "rationale", "", SourceByAims},
	} {
		rows, err := readCSV(read, s.file)
		if err != nil {
			return err
		}
		for _, row := range rows {
			m := &BuiltinMapping{FromKey: ISO42001, FromRef: row["iso42001_id"], ToKey: s.toKey, ToRef: row[s.toCol],
				Relationship: RelIntersects, Source: SourceAims}
			if s.relCol != "" {
				m.Relationship = row[s.relCol]
			}
			if s.srcCol != "" {
				m.Source = row[s.srcCol]
			}
			if s.ratCol != "" {
				m.Rationale = row[s.ratCol]
			}
			if s.noteCol != "" {
				m.Rationale = row[s.noteCol]
			}
			if s.toKey == "" {
				// The clause alignment of the harmonized structure: the ISO/IEC 27001 clauses carry the same
				// numbers, and the note gives their titles.
				m.ToKey = ISO27001
				if err := c.addISO27001Clause(m.ToRef, row["note"]); err != nil {
					return err
				}
				m.Relationship = RelEquivalent
			}
			if !ValidRelationship(m.Relationship) {
				return fmt.Errorf("catalog: %s: unknown relationship %q", s.file, m.Relationship)
			}
			// A derived alignment must never pass for a published crosswalk, nor the reverse.
			if k := SourceKindOf(m.Source, false); k != s.kind {
				return fmt.Errorf("catalog: %s: %s -> %s is %s, the file holds %s mappings", s.file, m.FromRef, m.ToRef, k, s.kind)
			}
			c.Mappings = append(c.Mappings, m)
		}
	}
	for _, m := range c.Mappings {
		from, to := c.Framework(m.FromKey), c.Framework(m.ToKey)
		if from == nil || !from.has(m.FromRef) || to == nil || !to.has(m.ToRef) {
			return fmt.Errorf("catalog: mapping %s %s -> %s %s names a requirement that does not exist", m.FromKey, m.FromRef, m.ToKey, m.ToRef)
		}
	}
	return nil
}

var iso27001Title = regexp.MustCompile(`27001 "([^"]+)"`)

// addISO27001Clause adds an ISO/IEC 27001 clause item (and its headings, which have the same titles as
// ISO/IEC 42001's) before the Annex A controls.
func (c *Catalog) addISO27001Clause(ref, note string) error {
	m := iso27001Title.FindStringSubmatch(note)
	if m == nil {
		return fmt.Errorf("catalog: no ISO/IEC 27001 title for clause %s", ref)
	}
	iso, isms := c.Framework(ISO42001), c.Framework(ISO27001)
	var clauses []*Requirement
	for _, r := range isms.Requirements {
		if r.Kind == ReqClause {
			clauses = append(clauses, r)
		}
	}
	add := func(r *Requirement) {
		for _, x := range clauses {
			if x.Ref == r.Ref {
				return
			}
		}
		r.ID, r.FrameworkID, r.FrameworkKey = BuiltinID(ISO27001, r.Ref), ISO27001, ISO27001
		clauses = append(clauses, r)
	}
	parts := strings.Split(ref, ".")
	for i := 1; i < len(parts); i++ {
		head := strings.Join(parts[:i], ".")
		for _, r := range iso.Requirements {
			if r.Ref == head {
				add(&Requirement{Ref: head, Title: r.Title, Kind: ReqClause, ParentRef: r.ParentRef})
			}
		}
	}
	parent := ""
	if i := strings.LastIndex(ref, "."); i > 0 {
		parent = ref[:i]
	}
	add(&Requirement{Ref: ref, Title: m[1], Kind: ReqClause, ParentRef: parent, Assessable: true})
	// Clauses first, then Annex A, in order.
	var rest []*Requirement
	for _, r := range isms.Requirements {
		if r.Kind != ReqClause {
			rest = append(rest, r)
		}
	}
	isms.Requirements = append(clauses, rest...)
	for i, r := range isms.Requirements {
		r.Position = i + 1
	}
	return nil
}

func (bf *BuiltinFramework) has(ref string) bool {
	for _, r := range bf.Requirements {
		if r.Ref == ref {
			return true
		}
	}
	return false
}
