package framework

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework/oscal"
)

// LicensedColumns are the columns of licensed text as CSV: the framework's key, the requirement's ref,
// the licensed text, and optionally where it comes from ("ISO/IEC 42001:2023, licensed copy 12345"). The
// first line names them.
var LicensedColumns = []string{"framework", "ref", "text", "source"}

// LicensedImport is requirement text an organization bought (a standard's own words) to import into its
// own instance.
type LicensedImport struct {
	OrgID    string
	Data     []byte
	Filename string
	// Format is FormatCSV, FormatOSCAL, or "" to tell from the content.
	Format string
	// Framework is the key of the framework an OSCAL catalog's texts belong to; CSV names it per line.
	Framework string
	// Source is where the texts come from when the file does not say; default: the file's name or the
	// catalog's title.
	Source string
}

// maxLicensedText bounds one requirement's licensed text.
const maxLicensedText = 100_000

// ImportLicensedTexts stores an organization's licensed texts, replacing any it had for the same
// requirements, all or nothing, and returns how many it stored. From CSV (see LicensedColumns) every line
// must name a requirement of a visible framework; from an OSCAL catalog, the statement of every control
// or group with one is the text of the requirement of Framework whose ref is the control's label or id.
// Anything that does not match is an *ImportError naming where. The texts stay in the organization:
// exports never include them.
func (s *Service) ImportLicensedTexts(ctx context.Context, in LicensedImport) (int, error) {
	if len(in.Data) > MaxImportBytes {
		return 0, aims.Errorf(aims.ETOOLARGE, "The file is larger than %d MiB.", MaxImportBytes>>20)
	}
	if len(bytes.TrimSpace(in.Data)) == 0 {
		return 0, aims.FieldError("file", "The file is empty.")
	}
	format := in.Format
	if format == "" {
		format = DetectFormat(in.Data)
	}
	source := strings.TrimSpace(in.Source)
	if source == "" && in.Filename != "" {
		source = "File " + strings.TrimSpace(quoted(in.Filename))
	}
	var texts []*LicensedText
	var err error
	switch format {
	case FormatCSV:
		texts, err = s.licensedFromCSV(ctx, in.OrgID, in.Data, source)
	case FormatOSCAL:
		texts, err = s.licensedFromOSCAL(ctx, in, source)
	default:
		return 0, aims.FieldError("format", "Import licensed text as CSV or as an OSCAL catalog.")
	}
	if err != nil {
		return 0, err
	}
	if len(texts) > MaxImportRequirements {
		return 0, tooManyError(MaxImportRequirements, "texts")
	}
	if len(texts) == 0 {
		return 0, aims.FieldError("file", "The file holds no texts; nothing was imported.")
	}
	if err := s.store.SetLicensedTexts(ctx, in.OrgID, texts); err != nil {
		return 0, err
	}
	return len(texts), nil
}

// refIndex finds requirements of visible frameworks by framework key and ref, loading each framework
// once.
type refIndex struct {
	s     *Service
	ctx   context.Context
	orgID string
	fws   map[string]map[string]*Requirement // key -> ref -> requirement; nil map for a missing framework
}

func (x *refIndex) framework(key string) (map[string]*Requirement, error) {
	if m, ok := x.fws[key]; ok {
		return m, nil
	}
	f, err := x.s.Framework(x.ctx, x.orgID, key)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		x.fws[key] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	reqs, err := x.s.store.Requirements(x.ctx, x.orgID, f.ID)
	if err != nil {
		return nil, err
	}
	m := make(map[string]*Requirement, len(reqs))
	for _, r := range reqs {
		m[r.Ref] = r
	}
	x.fws[key] = m
	return m, nil
}

func (s *Service) licensedFromCSV(ctx context.Context, orgID string, data []byte, source string) ([]*LicensedText, error) {
	rows, err := readTable(data, LicensedColumns, []string{"framework", "ref", "text"}, MaxImportRequirements)
	if err != nil {
		return nil, err
	}
	idx := &refIndex{s: s, ctx: ctx, orgID: orgID, fws: map[string]map[string]*Requirement{}}
	var issues []Issue
	bad := func(line int, format string, args ...any) {
		if len(issues) < maxIssues {
			issues = append(issues, Issue{Line: line, Message: fmt.Sprintf(format, args...)})
		}
	}
	seen := map[string]int{}
	var texts []*LicensedText
	for _, row := range rows {
		key, ref, text := strings.TrimSpace(row.get("framework")), strings.TrimSpace(row.get("ref")), strings.TrimSpace(row.get("text"))
		reqs, err := idx.framework(key)
		if err != nil {
			return nil, err
		}
		r := reqs[ref]
		switch {
		case reqs == nil:
			bad(row.line, "there is no framework %q", key)
		case r == nil:
			bad(row.line, "framework %q has no requirement %q", key, ref)
		case text == "":
			bad(row.line, "text is empty")
		case utf8.RuneCountInString(text) > maxLicensedText:
			bad(row.line, "text is longer than %d characters", maxLicensedText)
		case seen[r.ID] > 0:
			bad(row.line, "%s %s is on line %d already", key, ref, seen[r.ID])
		default:
			seen[r.ID] = row.line
			src := strings.TrimSpace(row.get("source"))
			if src == "" {
				src = source
			}
			texts = append(texts, &LicensedText{RequirementID: r.ID, Text: text, Source: src})
		}
	}
	if len(issues) > 0 {
		return nil, importError("The licensed texts have errors; nothing was imported.", issues)
	}
	return texts, nil
}

func (s *Service) licensedFromOSCAL(ctx context.Context, in LicensedImport, source string) ([]*LicensedText, error) {
	if strings.TrimSpace(in.Framework) == "" {
		return nil, aims.FieldError("framework", "Say which framework the catalog's texts belong to.")
	}
	doc, err := s.oscal.Parse(in.Data)
	if err != nil {
		return nil, fromInvalid(err, "")
	}
	if doc.Catalog == nil {
		return nil, aims.FieldError("file", "Licensed text comes as an OSCAL catalog, not a profile.")
	}
	idx := &refIndex{s: s, ctx: ctx, orgID: in.OrgID, fws: map[string]map[string]*Requirement{}}
	reqs, err := idx.framework(in.Framework)
	if err != nil {
		return nil, err
	}
	if reqs == nil {
		return nil, aims.FieldError("framework", "There is no framework %q.", in.Framework)
	}
	if in.Source == "" && doc.Catalog.Metadata.Title != "" {
		source = oneLine(doc.Catalog.Metadata.Title)
	}
	params := map[string]*oscal.Param{}
	collectParams(doc.Catalog, params)
	var issues []Issue
	var texts []*LicensedText
	seen := map[string]bool{}
	take := func(id string, props []oscal.Prop, parts []*oscal.Part, ptr string) {
		text := statement(parts, params)
		if text == "" {
			return
		}
		r := reqs[oscal.Label(props)]
		if r == nil {
			r = reqs[id]
		}
		if r == nil {
			for ref, x := range reqs {
				if strings.EqualFold(ref, id) || strings.EqualFold(ref, oscal.Label(props)) {
					r = x
				}
			}
		}
		switch {
		case r == nil:
			if len(issues) < maxIssues {
				issues = append(issues, Issue{Pointer: ptr, Message: fmt.Sprintf("neither the label %q nor the id %q is a ref of %s", oscal.Label(props), id, in.Framework)})
			}
		case seen[r.ID]:
			if len(issues) < maxIssues {
				issues = append(issues, Issue{Pointer: ptr, Message: fmt.Sprintf("%s has a text already", r.Ref)})
			}
		default:
			seen[r.ID] = true
			texts = append(texts, &LicensedText{RequirementID: r.ID, Text: text, Source: source})
		}
	}
	var control func(c *oscal.Control, ptr string)
	control = func(c *oscal.Control, ptr string) {
		take(c.ID, c.Props, c.Parts, ptr)
		for i, sub := range c.Controls {
			control(sub, fmt.Sprintf("%s/controls/%d", ptr, i))
		}
	}
	var group func(g *oscal.Group, ptr string)
	group = func(g *oscal.Group, ptr string) {
		take(g.ID, g.Props, g.Parts, ptr)
		for i, sub := range g.Groups {
			group(sub, fmt.Sprintf("%s/groups/%d", ptr, i))
		}
		for i, c := range g.Controls {
			control(c, fmt.Sprintf("%s/controls/%d", ptr, i))
		}
	}
	for i, g := range doc.Catalog.Groups {
		group(g, fmt.Sprintf("/catalog/groups/%d", i))
	}
	for i, c := range doc.Catalog.Controls {
		control(c, fmt.Sprintf("/catalog/controls/%d", i))
	}
	if len(issues) > 0 {
		return nil, importError("Some of the catalog's controls match no requirement; nothing was imported.", issues)
	}
	return texts, nil
}
