package soaexport

import (
	"bufio"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/aimsproject/aims/internal/control"
)

// The OSCAL export is an OSCAL component-definition, not a system security plan. An SSP describes one
// information system: it must import a profile, and carries system characteristics, an authorization
// boundary, information types and users, none of which a Statement of Applicability has. An SoA is the
// organization's statement, across all its AI systems, of which controls apply and why, how far each is
// implemented and who owns it. A component-definition says exactly that for one component: here the AI
// management system itself (a component of type "policy"), with one control-implementation per framework
// whose implemented-requirements carry, per control, the justification as the description, the
// applicability, status and target date as properties in aims's namespace, and the owner as a
// responsible role. Excluded controls are listed too, marked excluded, because the exclusion and its
// justification are part of the SoA. Requirement text never appears: only references, titles (as the
// back-matter's framework names) and the organization's own words.

// OSCALVersion is the OSCAL release whose component-definition schema the export conforms to.
const OSCALVersion = "1.2.1"

// OSCALNamespace qualifies the properties aims defines.
const OSCALNamespace = "https://aims.dev/ns/oscal"

// oscalUUIDSpace is the namespace of the name-based (version 5) UUIDs of the export, so that exporting the
// same SoA twice gives the same document.
var oscalUUIDSpace = [16]byte{0x6f, 0x1c, 0x3a, 0x52, 0x8e, 0x0d, 0x4b, 0x6a, 0x9c, 0x21, 0x55, 0x0e, 0x7d, 0x43, 0xa9, 0x10}

// uuid5 returns the RFC 4122 version 5 UUID of the name made of parts.
func uuid5(parts ...string) string {
	h := sha1.New()
	h.Write(oscalUUIDSpace[:])
	h.Write([]byte(strings.Join(parts, "\x00")))
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// token turns a reference into an OSCAL token (an XML NCName): letters, digits, '.', '-' and '_', not
// starting with a digit or punctuation.
func token(ref string) string {
	var b strings.Builder
	for _, r := range ref {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_':
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	t := b.String()
	if first := []rune(t + "_")[0]; !unicode.IsLetter(first) && first != '_' {
		t = "_" + t
	}
	return t
}

// oneLine makes s a non-empty single line without surrounding space, as OSCAL strings must be.
func oneLine(s, empty string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return empty
	}
	return s
}

type oscalProp struct {
	Name  string `json:"name"`
	NS    string `json:"ns,omitempty"`
	Value string `json:"value"`
}

type oscalParty struct {
	UUID string `json:"uuid"`
	Type string `json:"type"`
	Name string `json:"name"`
}

type oscalRole struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type oscalResponsible struct {
	RoleID     string   `json:"role-id"`
	PartyUUIDs []string `json:"party-uuids"`
}

type oscalMetadata struct {
	Title            string             `json:"title"`
	LastModified     string             `json:"last-modified"`
	Version          string             `json:"version"`
	OSCALVersion     string             `json:"oscal-version"`
	Props            []oscalProp        `json:"props,omitempty"`
	Roles            []oscalRole        `json:"roles,omitempty"`
	Parties          []oscalParty       `json:"parties,omitempty"`
	ResponsibleParty []oscalResponsible `json:"responsible-parties,omitempty"`
	Remarks          string             `json:"remarks,omitempty"`
}

type oscalRequirement struct {
	UUID        string             `json:"uuid"`
	ControlID   string             `json:"control-id"`
	Description string             `json:"description"`
	Props       []oscalProp        `json:"props,omitempty"`
	Roles       []oscalResponsible `json:"responsible-roles,omitempty"`
}

type oscalResource struct {
	UUID  string      `json:"uuid"`
	Title string      `json:"title"`
	Props []oscalProp `json:"props,omitempty"`
}

func prop(name, value string) oscalProp {
	return oscalProp{Name: name, NS: OSCALNamespace, Value: oneLine(value, "-")}
}

// WriteOSCAL writes s as an OSCAL component-definition (JSON), one implemented requirement at a time.
func WriteOSCAL(w io.Writer, s *control.SoA) error {
	bw := bufio.NewWriter(w)
	e := &jsonStream{w: bw}
	modified := s.GeneratedAt
	if s.ApprovedAt != nil {
		modified = *s.ApprovedAt
	}
	docID := uuid5("soa", s.Organization.Slug, s.VersionName(), s.Hash, s.GeneratedAt.UTC().Format(time.RFC3339Nano))
	org := uuid5("party", s.Organization.Slug)
	md := oscalMetadata{
		Title:        oneLine("Statement of Applicability: "+s.Organization.Name, "Statement of Applicability"),
		LastModified: modified.UTC().Format(time.RFC3339),
		Version:      s.VersionName(),
		OSCALVersion: OSCALVersion,
		Props:        []oscalProp{prop("soa-status", map[bool]string{true: "approved", false: "live"}[s.Version > 0])},
		Roles: []oscalRole{{ID: "prepared-for", Title: "Organization the SoA belongs to"},
			{ID: "approver", Title: "Approver of the Statement of Applicability"}, {ID: "control-owner", Title: "Control owner"}},
		Parties:          []oscalParty{{UUID: org, Type: "organization", Name: oneLine(s.Organization.Name, s.Organization.Slug)}},
		ResponsibleParty: []oscalResponsible{{RoleID: "prepared-for", PartyUUIDs: []string{org}}},
		Remarks:          strings.TrimSpace(s.Note),
	}
	if s.Hash != "" {
		md.Props = append(md.Props, prop("content-sha256", s.Hash))
	}
	person := func(name string) string {
		id := uuid5("person", s.Organization.Slug, name)
		for _, p := range md.Parties {
			if p.UUID == id {
				return id
			}
		}
		md.Parties = append(md.Parties, oscalParty{UUID: id, Type: "person", Name: oneLine(name, "Unnamed")})
		return id
	}
	if s.Version > 0 && s.ApprovedBy != "" {
		md.ResponsibleParty = append(md.ResponsibleParty, oscalResponsible{RoleID: "approver", PartyUUIDs: []string{person(s.ApprovedBy)}})
	}
	for _, r := range s.Rows {
		if r.Owner != "" {
			person(r.Owner)
		}
	}
	e.raw(`{"component-definition":{"uuid":`)
	e.value(docID)
	e.raw(`,"metadata":`)
	e.value(md)
	e.raw(`,"components":[{"uuid":`)
	e.value(uuid5("component", s.Organization.Slug))
	e.raw(`,"type":"policy","title":`)
	e.value(oneLine("AI management system of "+s.Organization.Name, "AI management system"))
	e.raw(`,"description":`)
	e.value("The Statement of Applicability of the organization's AI management system (ISO/IEC 42001:2023, 6.1.3): " +
		"for each control, whether it applies and why, how far it is implemented, by when and by whom.")
	var resources []oscalResource
	groups := frameworksOf(s)
	if len(groups) > 0 {
		e.raw(`,"control-implementations":[`)
	}
	for i, g := range groups {
		res := oscalResource{UUID: uuid5("framework", g.key), Title: oneLine(g.name, g.key), Props: []oscalProp{prop("framework-key", g.key)}}
		resources = append(resources, res)
		if i > 0 {
			e.raw(",")
		}
		e.raw(`{"uuid":`)
		e.value(uuid5(docID, "implementation", g.key))
		e.raw(`,"source":`)
		e.value("#" + res.UUID)
		e.raw(`,"description":`)
		e.value("The controls of " + oneLine(g.name, g.key) + " in the Statement of Applicability.")
		e.raw(`,"implemented-requirements":[`)
		for j, r := range g.rows {
			if j > 0 {
				e.raw(",")
			}
			e.value(oscalRow(docID, r, person))
		}
		e.raw(`]}`)
	}
	if len(groups) > 0 {
		e.raw(`]`)
	}
	e.raw(`}]`)
	if len(resources) > 0 {
		e.raw(`,"back-matter":{"resources":`)
		e.value(resources)
		e.raw(`}`)
	}
	e.raw("}}\n")
	if e.err != nil {
		return e.err
	}
	return bw.Flush()
}

func oscalRow(docID string, r *control.Row, person func(string) string) oscalRequirement {
	desc := strings.TrimSpace(r.Justification)
	if desc == "" {
		desc = "No decision with a justification has been made yet."
	}
	req := oscalRequirement{UUID: uuid5(docID, "requirement", r.Framework, r.Ref), ControlID: token(r.Ref), Description: desc,
		Props: []oscalProp{prop("label", r.Ref), prop("applicability", r.Applicability), prop("implementation-status", r.Status)}}
	if r.TargetDate != "" {
		req.Props = append(req.Props, prop("target-date", r.TargetDate))
	}
	if r.Owner != "" {
		req.Roles = []oscalResponsible{{RoleID: "control-owner", PartyUUIDs: []string{person(r.Owner)}}}
	}
	return req
}

// frameworkRows are the rows of one framework, in SoA order.
type frameworkRows struct {
	key, name string
	rows      []*control.Row
}

func frameworksOf(s *control.SoA) []frameworkRows {
	var out []frameworkRows
	idx := map[string]int{}
	for _, r := range s.Rows {
		i, ok := idx[r.Framework]
		if !ok {
			i = len(out)
			idx[r.Framework] = i
			out = append(out, frameworkRows{key: r.Framework, name: r.FrameworkName})
		}
		out[i].rows = append(out[i].rows, r)
	}
	return out
}

// jsonStream writes a JSON document in pieces, keeping the first error.
type jsonStream struct {
	w   *bufio.Writer
	err error
}

func (j *jsonStream) raw(s string) {
	if j.err == nil {
		_, j.err = j.w.WriteString(s)
	}
}

func (j *jsonStream) value(v any) {
	if j.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		j.err = err
		return
	}
	_, j.err = j.w.Write(b)
}
