package aibom

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Changes is what changed between two versions of a system's inventory.
type Changes struct {
	Added       []ComponentRef    `json:"added,omitempty"`
	Removed     []ComponentRef    `json:"removed,omitempty"`
	Changed     []ComponentChange `json:"changed,omitempty"`
	DepsAdded   []Edge            `json:"dependenciesAdded,omitempty"`
	DepsRemoved []Edge            `json:"dependenciesRemoved,omitempty"`
}

// ComponentRef names a component in a change list.
type ComponentRef struct {
	BOMRef  string `json:"bomRef"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

func (r ComponentRef) String() string {
	s := r.Type + " " + r.Name
	if r.Version != "" {
		s += " " + r.Version
	}
	return s
}

// ComponentChange lists the fields that differ for one component present in
// both versions.
type ComponentChange struct {
	ComponentRef
	Fields []FieldChange `json:"fields"`
}

// FieldChange is one changed field, rendered as text for display.
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Edge is one dependency: From depends on To.
type Edge struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// IsEmpty reports whether nothing changed.
func (c Changes) IsEmpty() bool {
	return len(c.Added)+len(c.Removed)+len(c.Changed)+len(c.DepsAdded)+len(c.DepsRemoved) == 0
}

// Lines renders the changes as human-readable lines for a UI or a log.
func (c Changes) Lines() []string {
	var out []string
	for _, a := range c.Added {
		out = append(out, "added "+a.String())
	}
	for _, r := range c.Removed {
		out = append(out, "removed "+r.String())
	}
	for _, ch := range c.Changed {
		for _, f := range ch.Fields {
			out = append(out, fmt.Sprintf("changed %s %s: %s: %s -> %s", ch.Type, ch.Name, f.Field, orNone(f.Old), orNone(f.New)))
		}
	}
	for _, e := range c.DepsAdded {
		out = append(out, fmt.Sprintf("added dependency %s -> %s", e.From, e.To))
	}
	for _, e := range c.DepsRemoved {
		out = append(out, fmt.Sprintf("removed dependency %s -> %s", e.From, e.To))
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Diff compares two inventories of the same system. Components are matched
// by bom-ref, then those left over by type and name (so a component whose
// generated or tool-assigned ref changed is reported as changed, not as
// removed and added). Results are sorted by type and name.
func Diff(old, new *Inventory) Changes {
	var ch Changes
	oldByRef := map[string]int{}
	for i, c := range old.Components {
		oldByRef[c.BOMRef] = i
	}
	matched := make([]bool, len(old.Components))
	pairs := map[int]int{} // new index -> old index
	var unmatched []int
	for j, c := range new.Components {
		if i, ok := oldByRef[c.BOMRef]; ok && !matched[i] {
			matched[i] = true
			pairs[j] = i
			continue
		}
		unmatched = append(unmatched, j)
	}
	byName := map[string][]int{}
	for i, c := range old.Components {
		if !matched[i] {
			k := c.Type + "\x00" + c.Group + "\x00" + c.Name
			byName[k] = append(byName[k], i)
		}
	}
	for _, j := range unmatched {
		c := new.Components[j]
		k := c.Type + "\x00" + c.Group + "\x00" + c.Name
		if is := byName[k]; len(is) > 0 {
			matched[is[0]] = true
			pairs[j] = is[0]
			byName[k] = is[1:]
			continue
		}
		ch.Added = append(ch.Added, refOf(c))
	}
	for i, c := range old.Components {
		if !matched[i] {
			ch.Removed = append(ch.Removed, refOf(c))
		}
	}
	// Map old refs to new refs so a renamed ref doesn't show as a
	// dependency change.
	rename := map[string]string{}
	for j, i := range pairs {
		o, n := old.Components[i], new.Components[j]
		if o.BOMRef != n.BOMRef {
			rename[o.BOMRef] = n.BOMRef
		}
		if fs := compareComponents(&o, &n); len(fs) > 0 {
			ch.Changed = append(ch.Changed, ComponentChange{ComponentRef: refOf(n), Fields: fs})
		}
	}
	oldEdges := edges(old.Dependencies, rename)
	newEdges := edges(new.Dependencies, nil)
	for e := range newEdges {
		if !oldEdges[e] {
			ch.DepsAdded = append(ch.DepsAdded, e)
		}
	}
	for e := range oldEdges {
		if !newEdges[e] {
			ch.DepsRemoved = append(ch.DepsRemoved, e)
		}
	}
	sortRefs(ch.Added)
	sortRefs(ch.Removed)
	sort.Slice(ch.Changed, func(a, b int) bool { return lessRef(ch.Changed[a].ComponentRef, ch.Changed[b].ComponentRef) })
	sortEdges(ch.DepsAdded)
	sortEdges(ch.DepsRemoved)
	return ch
}

func refOf(c Component) ComponentRef {
	return ComponentRef{BOMRef: c.BOMRef, Type: c.Type, Name: c.Name, Version: c.Version}
}

func lessRef(a, b ComponentRef) bool {
	if a.Type != b.Type {
		return a.Type < b.Type
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return a.BOMRef < b.BOMRef
}

func sortRefs(rs []ComponentRef) {
	sort.Slice(rs, func(i, j int) bool { return lessRef(rs[i], rs[j]) })
}

func sortEdges(es []Edge) {
	sort.Slice(es, func(i, j int) bool {
		if es[i].From != es[j].From {
			return es[i].From < es[j].From
		}
		return es[i].To < es[j].To
	})
}

func edges(deps []Dependency, rename map[string]string) map[Edge]bool {
	r := func(s string) string {
		if n, ok := rename[s]; ok {
			return n
		}
		return s
	}
	out := map[Edge]bool{}
	for _, d := range deps {
		for _, to := range d.DependsOn {
			out[Edge{From: r(d.Ref), To: r(to)}] = true
		}
	}
	return out
}

// compareComponents lists the differing fields of two matched components.
func compareComponents(o, n *Component) []FieldChange {
	var fs []FieldChange
	str := func(field, a, b string) {
		if a != b {
			fs = append(fs, FieldChange{Field: field, Old: a, New: b})
		}
	}
	set := func(field string, a, b []string) {
		as, bs := sortedCopy(a), sortedCopy(b)
		if !slices.Equal(as, bs) {
			fs = append(fs, FieldChange{Field: field, Old: strings.Join(as, ", "), New: strings.Join(bs, ", ")})
		}
	}
	str("bom-ref", o.BOMRef, n.BOMRef)
	str("type", o.Type, n.Type)
	str("version", o.Version, n.Version)
	str("supplier", o.Supplier, n.Supplier)
	str("manufacturer", o.Manufacturer, n.Manufacturer)
	str("publisher", o.Publisher, n.Publisher)
	str("description", o.Description, n.Description)
	str("purl", o.PURL, n.PURL)
	set("licenses", o.Licenses, n.Licenses)
	set("hashes", hashStrings(o.Hashes), hashStrings(n.Hashes))
	set("external references", refStrings(o.ExternalRefs), refStrings(n.ExternalRefs))
	set("tags", o.Tags, n.Tags)

	om, nm := o.Model, n.Model
	if om == nil {
		om = &ModelInfo{}
	}
	if nm == nil {
		nm = &ModelInfo{}
	}
	str("model approach", om.Approach, nm.Approach)
	str("model task", om.Task, nm.Task)
	str("model architecture family", om.ArchitectureFamily, nm.ArchitectureFamily)
	str("model architecture", om.Architecture, nm.Architecture)
	set("model datasets", datasetStrings(om.Datasets), datasetStrings(nm.Datasets))
	set("model inputs", om.Inputs, nm.Inputs)
	set("model outputs", om.Outputs, nm.Outputs)
	fs = append(fs, compareMetrics(om.Metrics, nm.Metrics)...)
	oc, nc := om.Considerations, nm.Considerations
	set("use cases", oc.UseCases, nc.UseCases)
	set("users", oc.Users, nc.Users)
	set("technical limitations", oc.TechnicalLimitations, nc.TechnicalLimitations)
	set("performance tradeoffs", oc.PerformanceTradeoffs, nc.PerformanceTradeoffs)
	set("ethical considerations", ethicalStrings(oc.EthicalConsiderations), ethicalStrings(nc.EthicalConsiderations))
	set("fairness assessments", fairnessStrings(oc.FairnessAssessments), fairnessStrings(nc.FairnessAssessments))

	od, nd := o.Dataset, n.Dataset
	if od == nil {
		od = &DatasetInfo{}
	}
	if nd == nil {
		nd = &DatasetInfo{}
	}
	str("data classification", od.Classification, nd.Classification)
	str("data URL", od.URL, nd.URL)
	str("data provenance", od.Provenance, nd.Provenance)
	set("sensitive data", od.SensitiveData, nd.SensitiveData)
	set("data owners", od.Owners, nd.Owners)
	set("data custodians", od.Custodians, nd.Custodians)
	set("data stewards", od.Stewards, nd.Stewards)

	os, ns := o.Service, n.Service
	if os == nil {
		os = &ServiceInfo{}
	}
	if ns == nil {
		ns = &ServiceInfo{}
	}
	str("service provider", os.Provider, ns.Provider)
	set("service endpoints", os.Endpoints, ns.Endpoints)
	str("service authenticated", boolString(os.Authenticated), boolString(ns.Authenticated))
	str("service crosses trust boundary", boolString(os.TrustBoundary), boolString(ns.TrustBoundary))
	str("service trust zone", os.TrustZone, ns.TrustZone)
	set("service data flows", flowStrings(os.DataFlows), flowStrings(ns.DataFlows))
	return fs
}

// compareMetrics reports each metric (keyed by type and slice) whose value
// appeared, disappeared or changed.
func compareMetrics(a, b []Metric) []FieldChange {
	key := func(m Metric) string {
		if m.Slice != "" {
			return m.Type + " [" + m.Slice + "]"
		}
		return m.Type
	}
	am, bm := map[string]string{}, map[string]string{}
	for _, m := range a {
		am[key(m)] = m.Value
	}
	for _, m := range b {
		bm[key(m)] = m.Value
	}
	var keys []string
	for k := range am {
		keys = append(keys, k)
	}
	for k := range bm {
		if _, ok := am[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var fs []FieldChange
	for _, k := range keys {
		if am[k] != bm[k] {
			fs = append(fs, FieldChange{Field: "metric " + k, Old: am[k], New: bm[k]})
		}
	}
	return fs
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	sort.Strings(c)
	return c
}

func hashStrings(hs []Hash) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Alg+":"+h.Content)
	}
	return out
}

func refStrings(rs []ExternalRef) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Type+" "+r.URL)
	}
	return out
}

func datasetStrings(ds []ModelDataset) []string {
	var out []string
	for _, d := range ds {
		s := d.Name
		if s == "" {
			s = d.Ref
		}
		if d.URL != "" {
			s += " <" + d.URL + ">"
		}
		out = append(out, s)
	}
	return out
}

func ethicalStrings(es []EthicalRisk) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name+": "+e.Mitigation)
	}
	return out
}

func fairnessStrings(fs []FairnessAssessment) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.GroupAtRisk+": "+f.Harms)
	}
	return out
}

func flowStrings(fs []DataFlow) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Flow+" "+f.Classification)
	}
	return out
}

func boolString(b *bool) string {
	if b == nil {
		return ""
	}
	if *b {
		return "yes"
	}
	return "no"
}
