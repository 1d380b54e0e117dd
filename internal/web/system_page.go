package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/impact"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/system"
)

// systemRisksShown is how many of its open risks a system's page lists.
const systemRisksShown = 5

// SystemPage is everything known about one AI system: its fields, owner, version, components and the history of its
// changes with who made them, when and why (ISO/IEC 42001, 6.3).
type SystemPage struct {
	Layout
	System *system.System
	// Components is the first page of the system's components and how many there are; the components
	// page (/systems/{id}/components) has the rest.
	Components ComponentsTable
	// History is a page of the system's changes, newest first; OlderHistoryHref is the address of the
	// next page ("" on the last), NewestHistoryHref that of the first when this is not it.
	History                             []*system.Change
	OlderHistoryHref, NewestHistoryHref string
	CanEdit                             bool
	// LinkChoices are the components the "link existing" form offers: the first linkComponentsShown by
	// name that match LinkQuery (name or supplier; all when empty), less those the system uses.
	LinkChoices []*component.Component
	LinkQuery   string
	// LinkMore says that more components match than are offered.
	LinkMore bool
	// Classification is the system's EU AI Act classification, nil while it has none.
	Classification *system.Classification
	// Obligations are the EU AI Act obligations that follow from the classification for the organization's
	// role for the system, dated under its date set (DateSet, the set's label); nil while it is not classified.
	Obligations *system.SystemObligations
	DateSet     string
	// LatestBOM is the newest imported CycloneDX BOM (without its inventory), nil while there is none.
	LatestBOM *component.BOMImport
	// Risks are the system's open risks, highest level first (the first systemRisksShown), for those who
	// may read the register; MoreRisks says there are more.
	Risks     []*risk.Risk
	MoreRisks bool
	ReadRisks bool
	// Impact is the newest version of the system's impact assessment (nil before one), for those who may
	// read assessments; ImpactStale says why the version in force is stale ("" when it is not).
	Impact      *impact.Assessment
	ImpactStale string
	ReadImpact  bool
	// Gate is the system's check against the release gate for its next stage (gate.NextStage), for those who
	// may read the gate.
	Gate *gate.Result
	// Links are the system's links to other records; Comments its comments.
	RecordCards
}

// historyPageSize is how many changes of a system's history its page lists at a time.
const historyPageSize = 50

// systemPage shows the AI system named by the request's path.
func (w *Web) systemPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	s, err := w.Systems.System(ctx, v.org.ID, id)
	if err != nil {
		return err
	}
	hs, nextHistory, err := w.Systems.HistoryPage(ctx, v.org.ID, id, pageOf(r.URL.Query().Get("history"), historyPageSize))
	if err != nil {
		return err
	}
	cs, err := w.Components.SystemComponentsPage(ctx, v.org.ID, id, pageOf("", systemComponentsPageSize), false)
	if err != nil {
		return err
	}
	cl, err := w.Systems.Classification(ctx, v.org.ID, id)
	if err != nil && aims.ErrorCode(err) != aims.ENOTFOUND {
		return err
	}
	boms, _, err := w.Components.BOMsPage(ctx, v.org.ID, id, pageOf("", 1))
	if err != nil {
		return err
	}
	canEdit := v.may(aims.ActionUpdate, aims.ResSystem)
	p := SystemPage{Layout: w.layout(rw, r, v, s.Name, systemsPath), System: s, History: hs,
		Components: componentsTable(id, canEdit, cs), CanEdit: canEdit, Classification: cl}
	if nextHistory != "" {
		p.OlderHistoryHref = systemHref(id) + "?" + url.Values{"history": {nextHistory}}.Encode() + "#history-title"
	}
	if r.URL.Query().Get("history") != "" {
		p.NewestHistoryHref = systemHref(id) + "#history-title"
	}
	if len(boms) > 0 {
		p.LatestBOM = boms[0]
	}
	if cl != nil {
		prof, err := w.Controls.Profile(ctx, v.org.ID)
		if err != nil {
			return err
		}
		cat := w.Controls.Catalog()
		if p.Obligations, err = w.Systems.Obligations(ctx, cat, prof.EUDates, v.org.ID, id); err != nil {
			return err
		}
		p.DateSet = prof.EUDates
		if ds := cat.EUObligations.DateSets[prof.EUDates]; ds != nil {
			p.DateSet = ds.Label
		}
	}
	if p.CanEdit {
		p.LinkQuery = strings.TrimSpace(r.URL.Query().Get("link_q"))
		// A component the system uses already is not offered again.
		all, next, err := w.Components.Components(ctx, v.org.ID, component.ComponentFilter{Query: p.LinkQuery, NotInSystem: id},
			pageOf("", linkComponentsShown))
		if err != nil {
			return err
		}
		p.LinkChoices, p.LinkMore = all, next != ""
	}
	if p.ReadRisks = v.may(aims.ActionRead, aims.ResRisk); p.ReadRisks {
		rs, next, err := w.Risks.List(ctx, v.org.ID, risk.Filter{SystemID: s.ID, Open: true}, pageOf("", systemRisksShown))
		if err != nil {
			return err
		}
		p.Risks, p.MoreRisks = rs, next != ""
	}
	if p.ReadImpact = v.may(aims.ActionRead, aims.ResImpact); p.ReadImpact {
		if p.Impact, p.ImpactStale, err = w.systemImpact(ctx, v.org.ID, s.ID); err != nil {
			return err
		}
	}
	if v.may(aims.ActionRead, aims.ResGate) {
		if p.Gate, err = w.Gate.Check(ctx, v.org.ID, s.ID, gate.NextStage(s)); err != nil {
			return err
		}
	}
	self := record.End{Type: record.TypeSystem, ID: s.ID, Title: s.Name}
	if p.RecordCards, err = w.recordCards(ctx, r, v, self); err != nil {
		return err
	}
	return w.render(rw, r, http.StatusOK, "system", p)
}
