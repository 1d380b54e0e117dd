package readiness

import (
	"context"
	"fmt"
	"net/url"
	"slices"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
)

// Steps of a requirement of a mapped framework that the ISO/IEC 42001 work cannot take anywhere.
const (
	// StepMap: no ISO/IEC 42001 item maps to the requirement.
	StepMap = "map"
	// StepExcluded: every ISO/IEC 42001 item mapped to the requirement is excluded from the SoA.
	StepExcluded = "excluded"
)

// MappedFrameworks are the frameworks readiness follows through the crosswalks, in the order shown.
var MappedFrameworks = []string{framework.NISTAIRMF, framework.EUAIAct}

// MappedItem is a requirement of a mapped framework (a NIST AI RMF subcategory, an EU AI Act article that
// binds the organization) and how far the organization's ISO/IEC 42001 work takes it: as far as the
// furthest of the ISO/IEC 42001 items mapped to it.
type MappedItem struct {
	Framework string `json:"framework"`
	Ref       string `json:"ref"`
	Title     string `json:"title"`
	// Coverage is covered, partial, open or unmapped (see the coverage of the framework).
	Coverage string `json:"coverage"`
	// Step is the first step the furthest mapped item lacks (StepReady when it lacks none), or StepMap or
	// StepExcluded; Next says what to do.
	Step string `json:"step"`
	Next string `json:"next,omitempty"`
	// By is the ISO/IEC 42001 item that takes the requirement furthest, with its owner.
	By        string      `json:"by,omitempty"`
	OwnerName string      `json:"owner_name,omitempty"`
	Href      string      `json:"href,omitempty"`
	Via       []MappedVia `json:"via"`
}

// Ready reports whether the requirement needs nothing more.
func (it *MappedItem) Ready() bool { return it.Step == StepReady }

// MappedVia is an ISO/IEC 42001 item mapped to a requirement of another framework, with how far it is.
type MappedVia struct {
	Ref          string `json:"ref"`
	Title        string `json:"title"`
	Relationship string `json:"relationship"`
	Step         string `json:"step"`
	Href         string `json:"href"`
}

// MappedReadiness is the readiness of a mapped framework through the crosswalks.
type MappedReadiness struct {
	MappedCoverage
	// Rollup counts the requirements in scope the way the ISO/IEC 42001 items are counted.
	Rollup Rollup       `json:"readiness"`
	Items  []MappedItem `json:"items"`
}

// stepRank orders the steps of an ISO/IEC 42001 item by how far it is.
var stepRank = map[string]int{StepDecide: 1, StepOwn: 2, StepImplement: 3, StepEvidence: 4, StepRefresh: 5, StepReady: 6}

// Mapped returns the readiness of the framework with key (one of MappedFrameworks) through the crosswalks
// from orgID's ISO/IEC 42001 work. Another key is EINVALID on the field framework.
func (s *Service) Mapped(ctx context.Context, orgID, key string) (*MappedReadiness, error) {
	if !slices.Contains(MappedFrameworks, key) {
		return nil, aims.FieldError("framework", "Readiness through the crosswalks is kept for %s and %s.", MappedFrameworks[0], MappedFrameworks[1])
	}
	items, err := s.Items(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return s.mapped(ctx, orgID, key, items)
}

// MappedPage is Mapped with a page of the requirements (the roll-up still counts them all), and the cursor
// of the next page ("" on the last).
func (s *Service) MappedPage(ctx context.Context, orgID, key string, p aims.Page) (*MappedReadiness, string, error) {
	if _, _, _, err := aims.PageSlice(p, 0); err != nil {
		return nil, "", err // a bad cursor, before the work
	}
	m, err := s.Mapped(ctx, orgID, key)
	if err != nil {
		return nil, "", err
	}
	from, to, next, err := aims.PageSlice(p, len(m.Items))
	if err != nil {
		return nil, "", err
	}
	m.Items = m.Items[from:to]
	return m, next, nil
}

// mapped derives the readiness of key's requirements from items, orgID's ISO/IEC 42001 items.
func (s *Service) mapped(ctx context.Context, orgID, key string, items []Item) (*MappedReadiness, error) {
	cov, err := s.Controls.Coverage(ctx, orgID, key)
	if err != nil {
		return nil, err
	}
	iso := make(map[string]*Item, len(items))
	for i := range items {
		if items[i].Framework == framework.ISO42001 {
			iso[items[i].Ref] = &items[i]
		}
	}
	m := &MappedReadiness{MappedCoverage: MappedCoverage{Framework: key, Title: cov.FrameworkName, Scope: cov.Scope, Targets: cov.Targets,
		Covered: cov.Covered, Partial: cov.Partial, Percent: cov.Percent}, Items: make([]MappedItem, 0, len(cov.Items)),
		Rollup: Rollup{Key: key, Title: cov.FrameworkName + " (through the crosswalks)", Href: MappedHref(key)}}
	for _, c := range cov.Items {
		mi, best := mappedItem(key, c, iso)
		m.Rollup.add(&best)
		m.Items = append(m.Items, mi)
	}
	m.Rollup.finish()
	return m, nil
}

// MappedHref is the web page of the readiness of the mapped framework with key.
func MappedHref(key string) string {
	return "/readiness/frameworks?" + url.Values{"framework": {key}}.Encode()
}

// mappedItem judges the requirement c of the mapped framework key by the ISO/IEC 42001 items mapped to
// it; best is the item it counts as in the roll-up.
func mappedItem(key string, c control.CoverageItem, iso map[string]*Item) (MappedItem, Item) {
	mi := MappedItem{Framework: key, Ref: c.Ref, Title: c.Title, Coverage: c.State, Via: make([]MappedVia, 0, len(c.Via))}
	var top *Item
	excluded := 0
	for _, v := range c.Via {
		it := iso[v.Ref]
		if it == nil {
			continue
		}
		step := it.Step
		if it.Excluded {
			step, excluded = StepExcluded, excluded+1
		} else if top == nil || stepRank[step] > stepRank[top.Step] {
			top = it
		}
		mi.Via = append(mi.Via, MappedVia{Ref: v.Ref, Title: v.Title, Relationship: v.Relationship, Step: step, Href: it.Href})
	}
	name := c.Ref + " " + c.Title
	switch {
	case top != nil:
		best := *top
		best.Framework, best.Ref, best.Title = key, c.Ref, c.Title
		mi.Step, mi.Next, mi.By, mi.Href = top.Step, top.Next, top.Ref, top.Href
		if top.Owned {
			mi.OwnerName = top.OwnerName
		}
		return mi, best
	case excluded > 0:
		mi.Step = StepExcluded
		mi.Next = fmt.Sprintf("Every ISO/IEC 42001 item mapped to %s is excluded from your Statement of Applicability: meet it on its own, or reconsider the exclusion.", name)
		return mi, Item{Framework: key, Ref: c.Ref, Applicability: control.Excluded, Excluded: true, Step: StepExcluded}
	default:
		mi.Step = StepMap
		mi.Next = fmt.Sprintf("No ISO/IEC 42001 item maps to %s, so your ISO/IEC 42001 work does not meet it: map the item that does (Frameworks, mappings), or meet it on its own.", name)
		return mi, Item{Framework: key, Ref: c.Ref, Applicability: control.Undecided, Step: StepMap}
	}
}
