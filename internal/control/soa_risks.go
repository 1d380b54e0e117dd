package control

import (
	"context"
	"strings"
)

// RiskItem names a risk of the register that fails a check of the SoA.
type RiskItem struct {
	ID    string `json:"id"`
	Ref   string `json:"ref"`
	Title string `json:"title"`
	Level string `json:"level"`
	// Lacks says what the risk lacks: "treatment", "acceptance" or "controls".
	Lacks string `json:"lacks"`
}

// RiskGaps are what the risk register adds to the SoA's checks (ISO/IEC 42001, 6.1.3): the open risks
// above the acceptable level with no treatment or no acceptance, and the open risks whose treatment
// (modify or share) selects no control; at most a page of each, with how many there are (counted up
// to a bound, More set beyond it).
type RiskGaps struct {
	Unaccepted      []RiskItem `json:"unaccepted"`
	UnacceptedCount int        `json:"unaccepted_count"`
	NoControl       []RiskItem `json:"no_control"`
	NoControlCount  int        `json:"no_control_count"`
	More            bool       `json:"more"`
}

// RiskChecker tells the SoA what the risk register lacks; the risk service implements it.
type RiskChecker interface {
	SoAGaps(ctx context.Context, orgID string, limit int) (*RiskGaps, error)
}

// maxRiskItems bounds the risks each risk check lists.
const maxRiskItems = 50

// Comparison is the comparison of the controls the risk treatments select with Annex A that 6.1.3 asks
// for: of the Annex A controls, those selected by a treatment, those applicable for a reason of the
// organization's own, those applicable for no stated reason (Unchosen, a check), those excluded, and
// those excluded although a treatment selects them (a contradiction to resolve); and how many controls
// of other frameworks the treatments select.
type Comparison struct {
	Selected        int `json:"selected"`
	OtherReason     int `json:"other_reason"`
	Unchosen        int `json:"unchosen"`
	Excluded        int `json:"excluded"`
	ExcludedButUsed int `json:"excluded_but_selected"`
	Undecided       int `json:"undecided"`
	// Added counts the controls of other frameworks in the SoA that a treatment selects.
	Added int `json:"added_selected"`
}

// stockJustification reports whether j is no reason of the organization's own: empty, or the default
// justification aims proposes for Annex A control ref.
func (s *Service) stockJustification(ref, j string) bool {
	j = strings.TrimSpace(j)
	if j == "" {
		return true
	}
	if d := s.catalog.RoleDefaults[ref]; d != nil && j == strings.TrimSpace(d.JustificationApplicable) {
		return true
	}
	return false
}

// followRisks completes soa's checks from the risk register: the rows' risk counts are there already;
// this adds the unchosen controls, the comparison with Annex A and the risks' gaps.
func (s *Service) followRisks(ctx context.Context, orgID string, soa *SoA) error {
	soa.Checks.Unchosen = []CheckItem{}
	soa.Checks.ExcludedButSelected = []CheckItem{}
	for _, r := range soa.Rows {
		item := CheckItem{Framework: r.Framework, Ref: r.Ref, Title: r.Title}
		switch {
		case r.Applicability == Applicable && r.Risks == 0 && s.stockJustification(r.Ref, r.Justification):
			r.Unchosen = true
			soa.Checks.Unchosen = append(soa.Checks.Unchosen, item)
		case r.Applicability == Excluded && r.Risks > 0:
			r.ExcludedButSelected = true
			soa.Checks.ExcludedButSelected = append(soa.Checks.ExcludedButSelected, item)
		}
		if !r.AnnexA() {
			if r.Risks > 0 {
				soa.Comparison.Added++
			}
			continue
		}
		switch {
		case r.Applicability == Undecided:
			soa.Comparison.Undecided++
		case r.Applicability == Excluded && r.Risks > 0:
			soa.Comparison.ExcludedButUsed++
		case r.Applicability == Excluded:
			soa.Comparison.Excluded++
		case r.Risks > 0:
			soa.Comparison.Selected++
		case r.Unchosen:
			soa.Comparison.Unchosen++
		default:
			soa.Comparison.OtherReason++
		}
	}
	soa.Checks.Risks = &RiskGaps{Unaccepted: []RiskItem{}, NoControl: []RiskItem{}}
	if s.Risks == nil {
		return nil
	}
	g, err := s.Risks.SoAGaps(ctx, orgID, maxRiskItems)
	if err != nil {
		return err
	}
	soa.Checks.Risks = g
	return nil
}
