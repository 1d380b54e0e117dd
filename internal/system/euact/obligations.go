package euact

import (
	"slices"

	"github.com/aimsproject/aims/internal/framework"
)

// Obligation is what one article of the Act asks of the organization for a system, and from when.
type Obligation struct {
	Article     string `json:"article"`
	Title       string `json:"title"`
	Scope       string `json:"scope"`
	ScopeLabel  string `json:"scope_label"`
	Obligation  string `json:"obligation"`
	AppliesFrom string `json:"applies_from"`
}

// Obligations returns the articles of the catalog's EU AI Act obligations that bind role for a system
// classified as r, in article order, each with its application date under dateSet ("published" or
// "amended"; an unknown one falls back to "published"). Articles for every system always apply; those
// for high-risk systems when the class is high-risk (dated for Annex I products when the system is
// high-risk only under Annex I), and Art. 6 alone when an Art. 6(3) condition is relied on (to document
// the assessment); transparency ones when any Art. 50 duty applies; general-purpose AI model ones when
// flagged. A prohibited system gets only the articles for every system. An out-of-scope system, an empty role or a catalog without the data gives none.
func Obligations(cat *framework.Catalog, dateSet, role string, r Result) []Obligation {
	out := []Obligation{}
	if cat == nil || cat.EUObligations == nil || role == "" || r.Class == OutOfScope || r.Class == "" {
		return out
	}
	eu := cat.EUObligations
	set := eu.DateSets[dateSet]
	if set == nil {
		set = eu.DateSets["published"]
	}
	if set == nil {
		return out
	}
	titles := map[string]string{}
	if bf := cat.Framework(framework.EUAIAct); bf != nil {
		for _, req := range bf.Requirements {
			titles[req.Ref] = req.Title
		}
	}
	annexIOnly := r.AnnexI && (r.AnnexIIIArea == "" || r.Derogation != "")
	for _, a := range eu.Articles {
		if !slices.Contains(a.Roles, role) {
			continue
		}
		if r.Class == Prohibited && a.Scope != "all" {
			continue // a prohibited practice may not be offered at all: only the duties of every operator remain
		}
		key := a.AppliesFrom
		switch a.Scope {
		case "all":
		case "high_risk":
			switch {
			case r.Class == HighRisk:
				if annexIOnly {
					key = "high_risk_annex1"
				}
			case r.Derogation != "" && a.Article == "6":
				key = "high_risk_annex3"
			default:
				continue
			}
		case "transparency":
			if len(r.Transparency) == 0 {
				continue
			}
		case "gpai":
			if !r.GPAI {
				continue
			}
		case "gpai_systemic":
			if !r.GPAISystemic {
				continue
			}
		default:
			continue
		}
		out = append(out, Obligation{Article: a.Article, Title: titles[a.Article], Scope: a.Scope, ScopeLabel: eu.Scopes[a.Scope],
			Obligation: a.ObligationIn(dateSet), AppliesFrom: set.Dates[key]})
	}
	return out
}
