package euact

import (
	"slices"

	"github.com/aimsproject/aims/internal/framework"
)

// Obligation is what one article (or paragraph) of the Act asks of the organization for a system, and
// from when. Article is how it is cited: "26", "50(1)", "102-109".
type Obligation struct {
	Article     string `json:"article"`
	Title       string `json:"title"`
	Scope       string `json:"scope"`
	ScopeLabel  string `json:"scope_label"`
	Obligation  string `json:"obligation"`
	AppliesFrom string `json:"applies_from"`
}

// Obligations returns the obligations of the catalog's EU AI Act data that bind role for a system
// classified as r, in the data's (article) order, each with its application date under dateSet; an
// unknown date set falls back to the one in force. Which obligations follow:
//   - none for an out-of-scope or unclassified system, an empty role, a catalog without the data, or a
//     deployer when the system's deployers use it in a purely personal activity (Art. 2(10));
//   - a prohibited system keeps only the duties of every system, and the amended prohibition it falls
//     under;
//   - a high-risk product of Annex I Section B only Art. 6(1), Arts. 102 to 109 and Art. 112 (Art. 2(2));
//   - otherwise the duties of every system; those of high-risk systems when the class is high-risk,
//     dated for Annex I products when only Annex I makes it so; those of Annex III systems (Art. 49,
//     Art. 86; Art. 27 for public bodies, providers of public services and Annex III 5(b)/5(c), never
//     point 2; Art. 49(3) for public bodies) when Annex III does; Art. 6(4) and 49(2) when an Art. 6(3)
//     condition is relied on; each Art. 50 paragraph for its duty; the GPAI duties by the model's flags.
//
// An obligation only one version of the Act has (OnlyIn) is left out under the other.
func Obligations(cat *framework.Catalog, dateSet, role string, r Result) []Obligation {
	out := []Obligation{}
	if cat == nil || cat.EUObligations == nil || role == "" || r.Class == OutOfScope || r.Class == "" {
		return out
	}
	if role == "deployer" && r.PersonalUse {
		return out
	}
	eu := cat.EUObligations
	set := eu.DateSets[dateSet]
	if set == nil {
		dateSet = eu.InForceDates()
		set = eu.DateSets[dateSet]
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
	highRisk := r.Class == HighRisk
	annexIII := highRisk && r.AnnexIII
	// A system the record declares high-risk without answers that say why (an override) is taken to be
	// high-risk under Annex III, the commoner and earlier-dated case.
	if highRisk && !r.AnnexI && !r.AnnexIII {
		annexIII = true
	}
	annexIOnly := highRisk && r.AnnexI && !annexIII
	sectionB := r.SectionBOnly()
	point2Only := annexIII && len(r.AnnexIIIPoints) > 0 && !slices.ContainsFunc(r.AnnexIIIPoints, func(p string) bool { return p[0] != '2' })
	for _, a := range eu.Articles {
		if !slices.Contains(a.Roles, role) || (a.OnlyIn != "" && a.OnlyIn != dateSet) {
			continue
		}
		var on bool
		key := a.AppliesFrom
		switch {
		case r.Class == Prohibited:
			on = a.Scope == "all" || (a.Scope == "prohibited_intimate" && slices.Contains(r.Prohibited, "5(1)(ba)"))
		case sectionB:
			on = a.Scope == "annex_i_b"
		default:
			switch a.Scope {
			case "all":
				on = true
			case "high_risk":
				on = highRisk
				if annexIOnly {
					key = "high_risk_annex1"
				}
			case "high_risk_annex3":
				on = annexIII && !(point2Only && (a.Article == "86"))
			case "fria":
				on = annexIII && !point2Only && (r.DeployerType == PublicBody || r.DeployerType == PublicService ||
					slices.Contains(r.AnnexIIIPoints, "5(b)") || slices.Contains(r.AnnexIIIPoints, "5(c)"))
			case "public_registration":
				on = annexIII && !point2Only && r.DeployerType == PublicBody
			case "derogation":
				on = r.Derogation != ""
			case "police_rbi":
				on = r.PoliceRBI
			case "art50_1", "art50_2", "art50_3", "art50_4":
				on = slices.Contains(r.Transparency, "50("+a.Scope[len(a.Scope)-1:]+")")
			case "gpai":
				on = r.GPAI
			case "gpai_not_open":
				on = r.GPAI && (!r.GPAIOpenSource || r.GPAISystemic)
			case "gpai_notify":
				on = r.GPAIThreshold
			case "gpai_systemic":
				on = r.GPAISystemic
			}
		}
		if !on {
			continue
		}
		out = append(out, Obligation{Article: a.Ref(), Title: titles[a.Article], Scope: a.Scope, ScopeLabel: eu.Scopes[a.Scope],
			Obligation: a.ObligationIn(dateSet), AppliesFrom: set.Dates[key]})
	}
	return out
}
