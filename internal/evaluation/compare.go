package evaluation

import (
	"context"
	"math"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evaluation/ingest"
)

// Comparison sets two runs side by side: what each measured of every metric either has, and how it moved.
type Comparison struct {
	From *Run           `json:"from"`
	To   *Run           `json:"to"`
	Rows []MetricChange `json:"rows"`
}

// Changes of a metric from one run to the other.
const (
	ChangeUp   = "up"
	ChangeDown = "down"
	ChangeSame = "same"
	// ChangeNew: only the later run has the metric; ChangeGone: only the earlier one.
	ChangeNew  = "new"
	ChangeGone = "gone"
	// ChangeUnknown: one of the values is not a number (NaN, Infinity, a text).
	ChangeUnknown = "unknown"
)

// MetricChange is one metric in both runs. Delta is To minus From when both are ordinary numbers.
type MetricChange struct {
	Task   string      `json:"task"`
	Name   string      `json:"name"`
	From   *ingest.Num `json:"from,omitempty"`
	To     *ingest.Num `json:"to,omitempty"`
	Delta  *float64    `json:"delta,omitempty"`
	Change string      `json:"change"`
}

// Compare sets orgID's runs fromID and toID side by side, metric by metric, in the order of the first
// run's metrics and then the second's new ones. Either run not orgID's is ENOTFOUND. The runs are
// returned without their metrics, which the rows hold.
func (s *Service) Compare(ctx context.Context, orgID, fromID, toID string) (*Comparison, error) {
	from, err := s.Run(ctx, orgID, fromID)
	if err != nil {
		return nil, err
	}
	to, err := s.Run(ctx, orgID, toID)
	if err != nil {
		return nil, err
	}
	type key struct{ task, name string }
	at := make(map[key]int, len(from.Metrics))
	c := &Comparison{From: from, To: to, Rows: make([]MetricChange, 0, len(from.Metrics))}
	for _, m := range from.Metrics {
		k := key{m.Task, m.Name}
		if _, dup := at[k]; dup {
			continue
		}
		at[k] = len(c.Rows)
		c.Rows = append(c.Rows, MetricChange{Task: m.Task, Name: m.Name, From: &m.Value, Change: ChangeGone})
	}
	for _, m := range to.Metrics {
		i, ok := at[key{m.Task, m.Name}]
		if !ok {
			at[key{m.Task, m.Name}] = len(c.Rows)
			c.Rows = append(c.Rows, MetricChange{Task: m.Task, Name: m.Name, To: &m.Value, Change: ChangeNew})
			continue
		}
		row := &c.Rows[i]
		if row.To != nil {
			continue
		}
		row.To = &m.Value
		row.Change = ChangeUnknown
		if row.From.Finite() && m.Value.Finite() {
			d := m.Value.V - row.From.V
			row.Delta = &d
			switch {
			case math.Abs(d) < 1e-12:
				row.Change = ChangeSame
			case d > 0:
				row.Change = ChangeUp
			default:
				row.Change = ChangeDown
			}
		}
	}
	from.Metrics, to.Metrics = nil, nil
	return c, nil
}

// Previous returns the run of r's system and tool imported just before r, among the newest hundred;
// nil when there is none.
func (s *Service) Previous(ctx context.Context, orgID string, r *Run) (*Run, error) {
	rs, _, err := s.List(ctx, orgID, Filter{SystemID: r.SystemID, Tool: r.Tool}, aims.Page{Limit: 100})
	if err != nil {
		return nil, err
	}
	for i, x := range rs {
		if x.ID == r.ID && i+1 < len(rs) {
			return rs[i+1], nil
		}
	}
	return nil, nil
}

// CompareWith compares orgID's run id with the run withID before it, or, when withID is "", with the run
// of the same system and tool imported just before it (ENOTFOUND when there is none).
func (s *Service) CompareWith(ctx context.Context, orgID, id, withID string) (*Comparison, error) {
	if withID == "" {
		r, err := s.Run(ctx, orgID, id)
		if err != nil {
			return nil, err
		}
		prev, err := s.Previous(ctx, orgID, r)
		if err != nil {
			return nil, err
		}
		if prev == nil {
			return nil, aims.Errorf(aims.ENOTFOUND, "No earlier %s run of %s to compare with: name one (with).", r.Tool, r.SystemName)
		}
		withID = prev.ID
	}
	return s.Compare(ctx, orgID, withID, id)
}

// DeltaText writes the difference for people, signed ("+0.05", "-0.03"), or "" when there is none or
// it is nil.
func (m MetricChange) DeltaText() string {
	if m.Delta == nil || m.Change == ChangeSame {
		return ""
	}
	s := strconv.FormatFloat(*m.Delta, 'g', 4, 64)
	if *m.Delta > 0 {
		s = "+" + s
	}
	return s
}
