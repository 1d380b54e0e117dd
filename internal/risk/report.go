package risk

// The data of the register's reports (riskreport writes them as XLSX and PDF): the risks a filter
// selects, read a page at a time up to a cap, and the treatment plan of the open ones.

import (
	"context"
	"errors"

	"github.com/aimsproject/aims"
)

// MaxReportRows bounds the risks one report lists; a report of more says it was cut short.
const MaxReportRows = 50_000

// PlanControl is a control that treats a risk (a link "control treats risk"): its reference
// (framework key/ref) and title.
type PlanControl struct {
	Ref   string
	Title string
}

// PlanAction is an action of a risk's treatment: a task on the risk.
type PlanAction struct {
	Title, Owner, Due, Status string
	Overdue                   bool
}

// PlanItem is an open risk of the treatment plan: the risk, whether its current level is above the
// criteria's acceptable one, and its treatment's controls and actions.
type PlanItem struct {
	Risk           *Risk
	AboveThreshold bool
	Controls       []PlanControl
	Actions        []PlanAction
}

// ReportStore is what the treatment plan needs of the store besides Store. store.DB implements it.
type ReportStore interface {
	// RiskTreatments returns, by risk id, the controls linked to orgID's risks ids as treating them, and
	// the tasks on them (by due date), as of today.
	RiskTreatments(ctx context.Context, orgID string, ids []string, today string) (map[string][]PlanControl, map[string][]PlanAction, error)
}

// EachRisk calls fn with each risk of orgID that f selects, in f's order, a page at a time, at most
// limit (MaxReportRows when 0); it reports whether there were more. EINVALID for a bad filter.
func (s *Service) EachRisk(ctx context.Context, orgID string, f Filter, limit int, fn func(*Risk) error) (more bool, err error) {
	if err := f.check(); err != nil {
		return false, err
	}
	if limit <= 0 {
		limit = MaxReportRows
	}
	f.Today = s.today()
	n := 0
	for p := (aims.Page{Limit: exportPage}); ; {
		rs, next, err := s.store.ListRisks(ctx, orgID, f, p)
		if err != nil {
			return false, err
		}
		for _, r := range rs {
			if n == limit {
				return true, nil
			}
			n++
			s.judge(r)
			if err := fn(r); err != nil {
				return false, err
			}
		}
		if next == "" {
			return false, nil
		}
		p.Cursor = next
	}
}

// EachPlanItem calls fn with each open risk of orgID that f selects (closed risks are left out), in f's
// order, with its controls and actions, a page at a time, at most limit (MaxReportRows when 0); it
// reports whether there were more.
func (s *Service) EachPlanItem(ctx context.Context, orgID string, f Filter, limit int, fn func(*PlanItem) error) (bool, error) {
	st, ok := s.store.(ReportStore)
	if !ok {
		return false, errors.New("risk: the store cannot read treatments")
	}
	c, err := s.Criteria(ctx, orgID)
	if err != nil {
		return false, err
	}
	if f.Status == StatusClosed {
		return false, nil
	}
	f.Open = true
	var page []*Risk
	flush := func() error {
		if len(page) == 0 {
			return nil
		}
		ids := make([]string, len(page))
		for i, r := range page {
			ids[i] = r.ID
		}
		controls, actions, err := st.RiskTreatments(ctx, orgID, ids, s.today())
		if err != nil {
			return err
		}
		for _, r := range page {
			level := r.Level()
			it := &PlanItem{Risk: r, Controls: controls[r.ID], Actions: actions[r.ID],
				AboveThreshold: level != "" && c.Rank(level) > c.Rank(c.Acceptable)}
			if err := fn(it); err != nil {
				return err
			}
		}
		page = page[:0]
		return nil
	}
	more, err := s.EachRisk(ctx, orgID, f, limit, func(r *Risk) error {
		page = append(page, r)
		if len(page) == exportPage {
			return flush()
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	return more, flush()
}
