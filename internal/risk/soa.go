package risk

import (
	"context"

	"github.com/aimsproject/aims/internal/control"
)

// Gaps of the register the SoA checks, as Filter.Gap names them.
const (
	// GapUnaccepted: open, above the acceptable level, and with no treatment or no acceptance.
	GapUnaccepted = "unaccepted"
	// GapNoControl: open, and treated by modifying or sharing it with no control selected.
	GapNoControl = "no_control"
)

// maxGapCount bounds the count of each gap: beyond it the SoA says "more than".
const maxGapCount = 10000

// SoAGaps tells the SoA what orgID's register lacks (ISO/IEC 42001, 6.1.3): up to limit of the open risks
// above the current criteria's acceptable level with no treatment or no acceptance, and of the open
// risks treated by modifying or sharing them whose treatment selects no control, highest level first,
// with how many of each there are (up to maxGapCount).
func (s *Service) SoAGaps(ctx context.Context, orgID string, limit int) (*control.RiskGaps, error) {
	return s.Gaps(ctx, orgID, "", limit)
}

// Gaps is SoAGaps for the risks of one system (systemID; "" for every risk).
func (s *Service) Gaps(ctx context.Context, orgID, systemID string, limit int) (*control.RiskGaps, error) {
	c, err := s.Criteria(ctx, orgID)
	if err != nil {
		return nil, err
	}
	g := &control.RiskGaps{}
	for _, gap := range []struct {
		key   string
		items *[]control.RiskItem
		count *int
	}{{GapUnaccepted, &g.Unaccepted, &g.UnacceptedCount}, {GapNoControl, &g.NoControl, &g.NoControlCount}} {
		f := Filter{SystemID: systemID, Gap: gap.key, GapRank: c.rank(c.Acceptable)}
		rs, n, err := s.store.GapRisks(ctx, orgID, f, limit, maxGapCount)
		if err != nil {
			return nil, err
		}
		*gap.count = n
		if n >= maxGapCount {
			g.More = true
		}
		*gap.items = make([]control.RiskItem, 0, len(rs))
		for _, r := range rs {
			lacks := "controls"
			switch {
			case gap.key == GapNoControl:
			case r.TreatmentOption == "":
				lacks = "treatment"
			default:
				lacks = "acceptance"
			}
			*gap.items = append(*gap.items, control.RiskItem{ID: r.ID, Ref: r.Ref, Title: r.Title, Level: levelName(c, r.Level()), Lacks: lacks})
		}
	}
	return g, nil
}

func levelName(c *Criteria, key string) string {
	if l := c.Level(key); l != nil {
		return l.Name
	}
	return key
}

var _ control.RiskChecker = (*Service)(nil)
