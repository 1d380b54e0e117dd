package framework

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aimsproject/aims/internal/framework/oscal"
)

// How an OSCAL catalog becomes requirements:
//
//   - every group becomes a requirement of kind "group", not assessable; every control (and every control
//     nested in one, such as an SP 800-53 enhancement) one of kind "control", assessable; ParentRef is the
//     group or control it sits in;
//   - the ref is the control's or group's label property as OSCAL displays it ("AC-2(1)", "1.1.1": the
//     first "label" prop without a class, else the first label), else its id exactly as written ("ac-2.1"),
//     else (for a group without either) its title;
//   - the title is the title; the text is the prose of the "statement" part and its items, with their
//     labels, and parameters shown as [Assignment: ...] or [Selection: ...];
//   - aims's own properties (namespace AimsNS: kind, assessable, position), which aims's exports write,
//     are honoured, so that an exported framework imports back as it was.
//
// Two requirements with the same ref are refused, with the JSON pointers of both.

// AimsNS is the namespace of the OSCAL properties and parts that aims writes.
const AimsNS = "https://aims.dev/ns/oscal"

// importOSCAL validates and converts an OSCAL catalog or profile. hash is the file's; a profile's
// framework hash also covers the catalog it was resolved against.
func (s *Service) importOSCAL(ctx context.Context, req *ImportRequest, hash string) (*Framework, []*Requirement, string, error) {
	req.stage(StageValidating)
	doc, err := s.oscal.Parse(req.Data)
	if err != nil {
		return nil, nil, "", fromInvalid(err, "")
	}
	if doc.Profile != nil {
		f, reqs, catHash, err := s.resolveProfile(ctx, req, doc.Profile)
		if err != nil {
			return nil, nil, "", err
		}
		sum := sha256.Sum256([]byte(hash + "\x00" + catHash))
		return f, reqs, hex.EncodeToString(sum[:]), nil
	}
	req.stage(StageConverting)
	conv, err := convertCatalog(doc.Catalog)
	if err != nil {
		return nil, nil, "", err
	}
	f := frameworkOf(doc.Catalog.Metadata)
	f.Kind = KindOSCAL
	f.Source = fmt.Sprintf("OSCAL catalog %s(uuid %s)", quoted(req.Filename), doc.Catalog.UUID)
	return f, conv.reqs, hash, nil
}

// frameworkOf takes a framework's name, version, publisher and description from OSCAL metadata.
func frameworkOf(m oscal.Metadata) *Framework {
	f := &Framework{Name: strings.TrimSpace(m.Title), Version: strings.TrimSpace(m.Version), Description: strings.TrimSpace(m.Remarks)}
	parties := map[string]string{}
	for _, p := range m.Parties {
		parties[p.UUID] = p.Name
	}
	for _, role := range []string{"publisher", "creator", "author"} {
		for _, rp := range m.Responsible {
			if rp.RoleID == role && len(rp.PartyUUIDs) > 0 && parties[rp.PartyUUIDs[0]] != "" && f.Publisher == "" {
				f.Publisher = parties[rp.PartyUUIDs[0]]
			}
		}
	}
	if f.Publisher == "" {
		for _, p := range m.Parties {
			if p.Type == "organization" && p.Name != "" {
				f.Publisher = p.Name
				break
			}
		}
	}
	if len([]rune(f.Description)) > 2000 {
		f.Description = string([]rune(f.Description)[:2000]) + "…"
	}
	return f
}

// converted is a catalog turned into requirements, with what profile resolution needs: each
// requirement's OSCAL id and whether it is a control.
type converted struct {
	reqs    []*Requirement
	ids     map[string]string // ref -> OSCAL id
	byID    map[string]*Requirement
	control map[string]bool // ref -> is a control
	params  map[string]*oscal.Param
}

func convertCatalog(c *oscal.Catalog) (*converted, error) {
	cv := &converted{ids: map[string]string{}, byID: map[string]*Requirement{}, control: map[string]bool{},
		params: map[string]*oscal.Param{}}
	collectParams(c, cv.params)
	where := map[string]string{}
	var issues []Issue
	positions := map[*Requirement]int{}
	add := func(r *Requirement, id, ptr string, props []oscal.Prop, control bool) {
		r.Ref, r.Title = strings.TrimSpace(r.Ref), oneLine(r.Title)
		if r.Title == "" {
			r.Title = r.Ref
		}
		if k, ok := oscal.PropValue(props, AimsNS, "kind"); ok && k != "" {
			r.Kind = k
		}
		if a, ok := oscal.PropValue(props, AimsNS, "assessable"); ok {
			r.Assessable = a == "true"
		}
		if p, ok := oscal.PropValue(props, AimsNS, "position"); ok {
			if n, err := strconv.Atoi(p); err == nil {
				positions[r] = n
			}
		}
		if prev, dup := where[r.Ref]; dup {
			if len(issues) < maxIssues {
				issues = append(issues, Issue{Pointer: ptr, Message: fmt.Sprintf("the reference %q (its label or id) is used already, at %s", r.Ref, prev)})
			}
			return
		}
		where[r.Ref] = ptr
		cv.reqs = append(cv.reqs, r)
		cv.ids[r.Ref] = id
		r.SourceID = id
		if id != "" {
			cv.byID[id] = r
		}
		cv.control[r.Ref] = control
	}
	var control func(ctl *oscal.Control, parent, ptr string)
	control = func(ctl *oscal.Control, parent, ptr string) {
		ref := oscal.Label(ctl.Props)
		if ref == "" {
			ref = ctl.ID
		}
		r := &Requirement{Ref: ref, Title: ctl.Title, Kind: ReqControl, ParentRef: parent, Assessable: true,
			Text: statement(ctl.Parts, cv.params)}
		add(r, ctl.ID, ptr, ctl.Props, true)
		for i, sub := range ctl.Controls {
			control(sub, r.Ref, fmt.Sprintf("%s/controls/%d", ptr, i))
		}
	}
	var group func(g *oscal.Group, parent, ptr string)
	group = func(g *oscal.Group, parent, ptr string) {
		ref := oscal.Label(g.Props)
		if ref == "" {
			ref = g.ID
		}
		if ref == "" {
			ref = oneLine(g.Title)
		}
		r := &Requirement{Ref: ref, Title: g.Title, Kind: ReqGroup, ParentRef: parent, Text: statement(g.Parts, cv.params)}
		add(r, g.ID, ptr, g.Props, false)
		for i, sub := range g.Groups {
			group(sub, r.Ref, fmt.Sprintf("%s/groups/%d", ptr, i))
		}
		for i, ctl := range g.Controls {
			control(ctl, r.Ref, fmt.Sprintf("%s/controls/%d", ptr, i))
		}
	}
	for i, g := range c.Groups {
		group(g, "", fmt.Sprintf("/catalog/groups/%d", i))
	}
	for i, ctl := range c.Controls {
		control(ctl, "", fmt.Sprintf("/catalog/controls/%d", i))
	}
	if len(issues) > 0 {
		return nil, importError("Two controls or groups of the catalog have the same reference; nothing was imported.", issues)
	}
	// aims's exports record each requirement's position, since OSCAL keeps groups and controls apart.
	if len(positions) == len(cv.reqs) {
		sort.SliceStable(cv.reqs, func(i, j int) bool { return positions[cv.reqs[i]] < positions[cv.reqs[j]] })
	}
	return cv, nil
}

// collectParams indexes every parameter of a catalog by id; OSCAL ids are unique in a document.
func collectParams(c *oscal.Catalog, into map[string]*oscal.Param) {
	add := func(ps []oscal.Param) {
		for i := range ps {
			into[ps[i].ID] = &ps[i]
		}
	}
	add(c.Params)
	var control func(ctl *oscal.Control)
	control = func(ctl *oscal.Control) {
		add(ctl.Params)
		for _, sub := range ctl.Controls {
			control(sub)
		}
	}
	var group func(g *oscal.Group)
	group = func(g *oscal.Group) {
		add(g.Params)
		for _, sub := range g.Groups {
			group(sub)
		}
		for _, ctl := range g.Controls {
			control(ctl)
		}
	}
	for _, g := range c.Groups {
		group(g)
	}
	for _, ctl := range c.Controls {
		control(ctl)
	}
}

// oneLine returns s trimmed, with its line breaks as spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
