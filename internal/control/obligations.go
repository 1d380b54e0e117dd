package control

import (
	"slices"

	"github.com/aimsproject/aims/internal/framework"
)

// Obligations are the EU AI Act obligations that bind an organization in its operator roles, with their
// application dates under the date set it chose.
type Obligations struct {
	DateSet  DateSet      `json:"date_set"`
	DateSets []DateSet    `json:"date_sets"`
	Roles    []string     `json:"roles"`
	Items    []Obligation `json:"obligations"`
}

// DateSet is one version of the EU AI Act's application dates; InForce marks the one that is the law now.
type DateSet struct {
	Key     string   `json:"key"`
	Label   string   `json:"label"`
	Status  string   `json:"status"`
	InForce bool     `json:"in_force"`
	Notes   []string `json:"notes"`
}

// DateSetOf returns date set key of catalog c, or the zero DateSet (not in force) when c has none so named.
func DateSetOf(c *framework.Catalog, key string) DateSet {
	if c == nil || c.EUObligations == nil {
		return DateSet{Key: key}
	}
	ds := c.EUObligations.DateSets[key]
	if ds == nil {
		return DateSet{Key: key}
	}
	return DateSet{Key: key, Label: ds.Label, Status: ds.Status, InForce: ds.InForce, Notes: ds.Notes}
}

// Obligation is what one article asks of the organization. AppliesFrom is the date under the chosen date
// set; for obligations about high-risk AI systems, DateAnnexIII and DateAnnexI give the dates for systems
// that are high-risk under Annex III and for those that are products (or safety components of products)
// under the Union harmonisation legislation of Annex I.
type Obligation struct {
	Article      string   `json:"article"`
	Title        string   `json:"title"`
	Roles        []string `json:"roles"`
	Scope        string   `json:"scope"`
	ScopeLabel   string   `json:"scope_label"`
	Obligation   string   `json:"obligation"`
	AppliesFrom  string   `json:"applies_from"`
	DateAnnexIII string   `json:"date_annex_iii,omitempty"`
	DateAnnexI   string   `json:"date_annex_i,omitempty"`
}

// HighRisk reports whether the obligation is about high-risk AI systems (or, for the Art. 6(3)
// exception, about systems of Annex III), whose dates depend on the Annex that makes them so.
func (o Obligation) HighRisk() bool { return highRiskScopes[o.Scope] }

// highRiskScopes are the obligation scopes dated by the high-risk dates; only "high_risk" covers systems
// of Annex I as well as Annex III.
var highRiskScopes = map[string]bool{"high_risk": true, "high_risk_annex3": true, "fria": true, "public_registration": true, "derogation": true}

// ObligationsFor returns the obligations that bind an organization with profile p: the articles whose
// roles include one of its EU roles, in article order, with dates from its date set.
func ObligationsFor(c *framework.Catalog, p *Profile) *Obligations {
	eu := c.EUObligations
	out := &Obligations{Roles: p.EURoles, Items: []Obligation{}}
	for _, key := range []string{DatesPublished, DatesAmended} {
		if eu.DateSets[key] != nil {
			out.DateSets = append(out.DateSets, DateSetOf(c, key))
		}
	}
	key := p.EUDates
	if eu.DateSets[key] == nil {
		key = DatesDefault
	}
	set := eu.DateSets[key]
	out.DateSet = DateSetOf(c, key)
	titles := map[string]string{}
	if bf := c.Framework(framework.EUAIAct); bf != nil {
		for _, r := range bf.Requirements {
			titles[r.Ref] = r.Title
		}
	}
	for _, a := range eu.Articles {
		var mine []string
		for _, r := range a.Roles {
			if slices.Contains(p.EURoles, r) {
				mine = append(mine, r)
			}
		}
		if len(mine) == 0 {
			continue
		}
		if a.OnlyIn != "" && a.OnlyIn != key {
			continue // not in this version of the Act
		}
		o := Obligation{Article: a.Ref(), Title: titles[a.Article], Roles: mine, Scope: a.Scope, ScopeLabel: eu.Scopes[a.Scope],
			Obligation: a.ObligationIn(key), AppliesFrom: set.Dates[a.AppliesFrom]}
		if o.HighRisk() {
			o.DateAnnexIII = set.Dates["high_risk_annex3"]
			if a.Scope == "high_risk" {
				o.DateAnnexI = set.Dates["high_risk_annex1"]
			}
		}
		out.Items = append(out.Items, o)
	}
	return out
}
