package control

import (
	"context"
	"slices"
	"strings"
)

// SystemTraits are the attributes of an AI system of the inventory that make Annex A controls apply: its
// EU AI Act class, life-cycle stage, what it does with people and data, and how far it acts alone.
type SystemTraits struct {
	Name                string
	RiskClass           string
	Stage               string
	Automation          string
	HumanOversight      string
	GeneratesContent    bool
	InteractsWithPeople bool
	PersonalData        bool
	SpecialCategoryData bool
}

// SystemProposal is an Annex A control the inventory suggests applies, with why (each reason names the
// systems it comes from), and the control's decision now. Conflict is set when the control is excluded:
// aims never changes a decision, so a person must look at it.
type SystemProposal struct {
	Ref           string   `json:"ref"`
	Title         string   `json:"title"`
	Reasons       []string `json:"reasons"`
	Applicability string   `json:"applicability"`
	Conflict      bool     `json:"conflict"`
}

// Justification is the justification applying p writes: its reasons, in aims's words.
func (p SystemProposal) Justification() string {
	return "Applies because of the AI system inventory: " + strings.Join(p.Reasons, "; ") + "."
}

// traitRule is one rule from systems' traits to Annex A controls: the systems it holds for, and why.
type traitRule struct {
	holds func(SystemTraits) bool
	// why says it of one system and whys of several, completed with their names.
	why, whys string
	refs      []string
}

var traitRules = []traitRule{
	{func(s SystemTraits) bool { return s.RiskClass == "high_risk" }, "is high-risk under the EU AI Act", "are high-risk under the EU AI Act",
		[]string{"A.5.2", "A.5.3", "A.5.4", "A.5.5", "A.6.2.7", "A.6.2.8", "A.8.2", "A.9.2"}},
	{func(s SystemTraits) bool {
		return slices.Contains([]string{"deployment", "operation_and_monitoring", "re_evaluation"}, s.Stage)
	}, "is deployed or in operation", "are deployed or in operation", []string{"A.6.2.5", "A.6.2.6", "A.8.3", "A.8.4"}},
	{func(s SystemTraits) bool { return s.GeneratesContent }, "generates content", "generate content",
		[]string{"A.6.2.4", "A.6.2.6", "A.8.2"}},
	{func(s SystemTraits) bool { return s.InteractsWithPeople }, "interacts with people", "interact with people",
		[]string{"A.8.2", "A.8.5", "A.9.4"}},
	{func(s SystemTraits) bool { return s.PersonalData }, "processes personal data", "process personal data",
		[]string{"A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6"}},
	{func(s SystemTraits) bool { return s.SpecialCategoryData }, "processes special categories of personal data", "process special categories of personal data",
		[]string{"A.5.4", "A.7.4"}},
	{func(s SystemTraits) bool {
		return strings.TrimSpace(s.Automation) != "" && strings.TrimSpace(s.HumanOversight) == ""
	}, "acts without recorded human oversight", "act without recorded human oversight", []string{"A.9.2", "A.9.3", "A.6.2.6"}},
}

// maxProposalSystems bounds the systems the proposals read; the names in a reason are bounded too.
const maxProposalSystems = 5000

// SystemProposals returns the Annex A controls orgID's AI systems suggest apply, in Annex A's order, with
// the reasons and the current decision of each. It decides nothing.
func (s *Service) SystemProposals(ctx context.Context, orgID string) ([]SystemProposal, error) {
	reasons, err := s.inventoryReasons(ctx, orgID)
	if err != nil {
		return nil, err
	}
	cs, err := s.store.SoAControls(ctx, orgID)
	if err != nil {
		return nil, err
	}
	out := []SystemProposal{}
	for _, c := range cs {
		if p := proposalOf(c, reasons); p != nil {
			out = append(out, *p)
		}
	}
	return out, nil
}

// SystemProposalFor returns what the inventory suggests of control c of orgID: nil unless it suggests an
// Annex A control not applicable yet applies.
func (s *Service) SystemProposalFor(ctx context.Context, orgID string, c *Control) (*SystemProposal, error) {
	reasons, err := s.inventoryReasons(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return proposalOf(c, reasons), nil
}

func proposalOf(c *Control, reasons map[string][]string) *SystemProposal {
	rs, ok := reasons[c.Ref]
	if !c.AnnexA() || !ok || c.Applicability == Applicable {
		return nil
	}
	return &SystemProposal{Ref: c.Ref, Title: c.Title, Reasons: rs, Applicability: c.Applicability, Conflict: c.Applicability == Excluded}
}

// inventoryReasons returns, by Annex A ref, why orgID's AI systems suggest the control applies.
func (s *Service) inventoryReasons(ctx context.Context, orgID string) (map[string][]string, error) {
	ss, err := s.store.SystemTraits(ctx, orgID, maxProposalSystems)
	if err != nil {
		return nil, err
	}
	reasons := map[string][]string{}
	for _, r := range traitRules {
		var names []string
		for _, st := range ss {
			if r.holds(st) {
				names = append(names, st.Name)
			}
		}
		if len(names) == 0 {
			continue
		}
		who, why := names[0], r.why
		if len(names) > 1 {
			why = r.whys
		}
		switch {
		case len(names) > 3:
			who = strings.Join(names[:3], ", ") + " and others"
		case len(names) > 1:
			who = strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
		}
		for _, ref := range r.refs {
			reasons[ref] = append(reasons[ref], who+" "+why)
		}
	}
	return reasons, nil
}

// ApplySystemProposals decides each undecided Annex A control the inventory suggests as applicable, with
// the proposal's reasons as its justification, in one transaction; it never changes a decided control
// (an excluded one the inventory suggests stays a conflict for a person to resolve). It returns the
// controls it decided.
func (s *Service) ApplySystemProposals(ctx context.Context, orgID string) ([]*Control, error) {
	ps, err := s.SystemProposals(ctx, orgID)
	if err != nil {
		return nil, err
	}
	cs, err := s.store.SoAControls(ctx, orgID)
	if err != nil {
		return nil, err
	}
	byRef := map[string]*Control{}
	for _, c := range cs {
		if c.AnnexA() {
			byRef[c.Ref] = c
		}
	}
	var decide []*Control
	for _, p := range ps {
		c := byRef[p.Ref]
		if c == nil || c.Applicability != Undecided {
			continue
		}
		n := *c
		n.Applicability, n.Justification = Applicable, p.Justification()
		decide = append(decide, &n)
	}
	return s.store.Decide(ctx, orgID, decide)
}
