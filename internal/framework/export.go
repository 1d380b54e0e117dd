package framework

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/csvsafe"
	"github.com/aimsproject/aims/internal/framework/oscal"
)

// How a framework becomes an OSCAL catalog (valid against the OSCAL 1.2.1 catalog schema):
//
//   - a requirement that has requirements under it and is not assessable is a group; any other is a
//     control, and so is everything under a control (OSCAL nests only controls in controls);
//   - the id is the ref made an OSCAL token: lower case, other characters as "-", prefixed by the kind
//     when it does not start with a letter ("4.1" is "clause-4.1", "GOVERN 1.1" is "govern-1.1"), made
//     unique with a suffix; the ref itself is the "label" property;
//   - the text is the "statement" part; aims's guidance is the "guidance" part, with the evidence an
//     auditor expects and the questions they ask as parts in aims's namespace;
//   - aims's properties (namespace AimsNS) keep the kind, whether it is assessable, and the position, so
//     that the file imports back as it was; "sort-id" keeps the order for other tools;
//   - every UUID is a version 5 UUID of the framework's key (and revision and version), so that exporting
//     the same framework again gives the same document.
//
// The organization's licensed texts are never part of an export.

// Export writes the framework with key, visible to orgID, in format (FormatOSCAL or FormatCSV) to w. An
// unknown format is EINVALID on "format". See WriteExport.
func (s *Service) Export(ctx context.Context, w io.Writer, orgID, key, format string) error {
	if format != FormatOSCAL && format != FormatCSV {
		return aims.FieldError("format", "Export as oscal or csv.")
	}
	f, err := s.Framework(ctx, orgID, key)
	if err != nil {
		return err
	}
	return s.WriteExport(ctx, w, orgID, f, format)
}

// WriteExport writes framework f to w as an OSCAL catalog (JSON) or as CSV (see CSVColumns), in tree
// order, streaming: the OSCAL catalog one top-level group at a time, the CSV one line at a time. Licensed
// texts are never included.
func (s *Service) WriteExport(ctx context.Context, w io.Writer, orgID string, f *Framework, format string) error {
	nodes, err := s.Tree(ctx, orgID, f)
	if err != nil {
		return err
	}
	switch format {
	case FormatCSV:
		return writeCSV(w, nodes)
	case FormatOSCAL:
		return writeOSCAL(w, f, nodes)
	}
	return aims.FieldError("format", "Export as oscal or csv.")
}

func writeCSV(w io.Writer, nodes []Node) error {
	cw := csvsafe.NewWriter(w)
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	for _, n := range nodes {
		assessable := "no"
		if n.Assessable {
			assessable = "yes"
		}
		if err := cw.Write([]string{n.Ref, n.Title, n.ParentRef, n.Kind, n.Text, assessable}); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// writeOSCAL writes the catalog's frame and then each top-level subtree as it is built.
func writeOSCAL(w io.Writer, f *Framework, nodes []Node) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	ex := newExporter(f, nodes)
	meta, err := json.Marshal(ex.metadata())
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, `{"catalog":{"uuid":%q,"metadata":%s`, oscal.UUID5("catalog:"+ex.stamp), meta)
	for _, list := range []struct {
		name  string
		group bool
	}{{"groups", true}, {"controls", false}} {
		first := true
		for _, n := range ex.roots {
			if ex.isGroup(n, false) != list.group {
				continue
			}
			if first {
				fmt.Fprintf(bw, `,%q:[`, list.name)
			} else {
				bw.WriteByte(',')
			}
			first = false
			var v any
			if list.group {
				v = ex.group(n)
			} else {
				v = ex.control(n)
			}
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			if _, err := bw.Write(b); err != nil {
				return err
			}
		}
		if !first {
			bw.WriteByte(']')
		}
	}
	bw.WriteString("}}\n")
	return bw.Flush()
}

// exporter turns a framework's tree into OSCAL.
type exporter struct {
	f     *Framework
	stamp string // what the framework's UUIDs are made from
	roots []*Node
	kids  map[string][]*Node
	ids   map[string]string // ref -> OSCAL id
}

func newExporter(f *Framework, nodes []Node) *exporter {
	ex := &exporter{f: f, kids: map[string][]*Node{}, ids: map[string]string{},
		stamp: f.Key + "@" + strconv.Itoa(f.Revision) + "@" + f.Version}
	used := map[string]bool{}
	for i := range nodes {
		n := &nodes[i]
		if n.Depth == 0 {
			ex.roots = append(ex.roots, n)
		} else {
			ex.kids[n.ParentRef] = append(ex.kids[n.ParentRef], n)
		}
		id := tokenOf(n.Ref, n.Kind)
		for k := 2; used[id]; k++ {
			id = tokenOf(n.Ref, n.Kind) + "-" + strconv.Itoa(k)
		}
		used[id] = true
		ex.ids[n.Ref] = id
	}
	return ex
}

// tokenOf makes ref an OSCAL token (an XML NCName).
func tokenOf(ref, kind string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(ref) {
		if unicode.IsLetter(c) || unicode.IsDigit(c) || c == '.' || c == '_' {
			b.WriteRune(c)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	id := strings.Trim(b.String(), "-")
	if id == "" {
		id = "x"
	}
	if first := []rune(id)[0]; !unicode.IsLetter(first) && first != '_' {
		prefix := kind
		if prefix == "" || !unicode.IsLetter([]rune(prefix)[0]) {
			prefix = "r"
		}
		id = prefix + "-" + id
	}
	return id
}

func (ex *exporter) metadata() oscal.Metadata {
	f := ex.f
	version := f.Version
	if strings.TrimSpace(version) == "" {
		version = "revision " + strconv.Itoa(f.Revision)
	}
	m := oscal.Metadata{Title: oneLineOr(f.Name, f.Key), LastModified: f.UpdatedAt.UTC().Truncate(time.Second).Format(time.RFC3339),
		Version: strings.TrimSpace(version), OSCALVersion: oscal.Version,
		Props: []oscal.Prop{{Name: "framework-key", NS: AimsNS, Value: f.Key}, {Name: "framework-kind", NS: AimsNS, Value: f.Kind}}}
	if f.UpdatedAt.IsZero() {
		m.LastModified = "2000-01-01T00:00:00Z"
	}
	if p := strings.TrimSpace(f.Publisher); p != "" {
		party := oscal.UUID5("publisher:" + ex.stamp)
		m.Roles = []oscal.Role{{ID: "publisher", Title: "Publisher"}}
		m.Parties = []oscal.Party{{UUID: party, Type: "organization", Name: p}}
		m.Responsible = []oscal.RP{{RoleID: "publisher", PartyUUIDs: []string{party}}}
	}
	var remarks []string
	for _, s := range []string{f.Description, f.Source} {
		if s = strings.TrimSpace(s); s != "" {
			remarks = append(remarks, s)
		}
	}
	remarks = append(remarks, "Exported by aims "+aims.Version+". aims's guidance, where present, is aims's own work.")
	m.Remarks = strings.Join(remarks, "\n\n")
	return m
}

// isGroup reports whether n becomes an OSCAL group: it heads other requirements, is not itself to be
// met, and is not inside a control.
func (ex *exporter) isGroup(n *Node, inControl bool) bool {
	return !inControl && !n.Assessable && len(ex.kids[n.Ref]) > 0
}

func (ex *exporter) props(n *Node) []oscal.Prop {
	pos := strconv.Itoa(n.Position)
	props := []oscal.Prop{{Name: "label", Value: strings.TrimSpace(n.Ref)}, {Name: "sort-id", Value: fmt.Sprintf("%06d", n.Position)},
		{Name: "kind", NS: AimsNS, Value: n.Kind}, {Name: "assessable", NS: AimsNS, Value: strconv.FormatBool(n.Assessable)},
		{Name: "position", NS: AimsNS, Value: pos}}
	out := props[:0]
	for _, p := range props {
		if p.Value != "" {
			out = append(out, p)
		}
	}
	return out
}

func (ex *exporter) parts(n *Node) []*oscal.Part {
	id := ex.ids[n.Ref]
	var parts []*oscal.Part
	if t := strings.TrimSpace(n.Text); t != "" {
		parts = append(parts, &oscal.Part{ID: id + "_smt", Name: "statement", Prose: t})
	}
	if g := n.Guidance; g != nil && strings.TrimSpace(g.Summary) != "" {
		p := &oscal.Part{ID: id + "_gdn", Name: "guidance", Prose: strings.TrimSpace(g.Summary)}
		if len(g.Evidence) > 0 {
			p.Parts = append(p.Parts, &oscal.Part{ID: id + "_gdn.evidence", Name: "evidence-expected", NS: AimsNS,
				Title: "Evidence an auditor expects", Prose: bullets(g.Evidence)})
		}
		if len(g.AuditorQuestions) > 0 {
			p.Parts = append(p.Parts, &oscal.Part{ID: id + "_gdn.questions", Name: "auditor-questions", NS: AimsNS,
				Title: "Questions an auditor asks", Prose: bullets(g.AuditorQuestions)})
		}
		parts = append(parts, p)
	}
	return parts
}

func bullets(xs []string) string {
	var b strings.Builder
	for _, x := range xs {
		b.WriteString("- " + strings.TrimSpace(x) + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (ex *exporter) group(n *Node) *oscal.Group {
	g := &oscal.Group{ID: ex.ids[n.Ref], Title: oneLineOr(n.Title, n.Ref), Props: ex.props(n), Parts: ex.parts(n)}
	// An OSCAL group holds groups or controls, not both; where a heading has both kinds under it (ISO/IEC
	// 42001's 6.1 beside 6.2), the headings become controls that hold controls.
	groups := true
	for _, k := range ex.kids[n.Ref] {
		groups = groups && ex.isGroup(k, false)
	}
	for _, k := range ex.kids[n.Ref] {
		if groups {
			g.Groups = append(g.Groups, ex.group(k))
		} else {
			g.Controls = append(g.Controls, ex.control(k))
		}
	}
	return g
}

func (ex *exporter) control(n *Node) *oscal.Control {
	c := &oscal.Control{ID: ex.ids[n.Ref], Title: oneLineOr(n.Title, n.Ref), Props: ex.props(n), Parts: ex.parts(n)}
	for _, k := range ex.kids[n.Ref] {
		c.Controls = append(c.Controls, ex.control(k))
	}
	return c
}

func oneLineOr(s, fallback string) string {
	if s = oneLine(s); s != "" {
		return s
	}
	return oneLine(fallback)
}
