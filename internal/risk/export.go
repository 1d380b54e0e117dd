package risk

import (
	"context"
	"io"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/csvsafe"
)

// exportPage is how many risks an export reads at a time.
const exportPage = 500

// ExportCSV writes the register of orgID that f selects, in f's order, as CSV: a row per risk with its
// ratings by the labels of the current criteria's scales (a consequence column per axis), written a page
// at a time as it is read. start, when not nil, is called before the first byte. Cells that a spreadsheet
// would take for a formula are guarded (see csvsafe).
func (s *Service) ExportCSV(ctx context.Context, orgID string, f Filter, w io.Writer, start func()) error {
	if err := f.check(); err != nil {
		return err
	}
	f.Today = s.today()
	c, err := s.Criteria(ctx, orgID)
	if err != nil {
		return err
	}
	cw := csvsafe.NewWriter(aims.OnFirstWrite(w, start))
	header := []string{"ref", "title", "system", "source", "objective", "genai_risk", "owner", "level", "status", "review_due",
		"inherent_likelihood"}
	for _, a := range c.Axes {
		header = append(header, "inherent_"+a.Key)
	}
	header = append(header, "inherent_level", "existing_controls", "residual_likelihood")
	for _, a := range c.Axes {
		header = append(header, "residual_"+a.Key)
	}
	header = append(header, "residual_level", "treatment_option", "treatment_plan", "description", "criteria_version", "updated_at")
	if err := cw.Write(header); err != nil {
		return err
	}
	label := func(steps []Step, n int) string {
		if n >= 1 && n <= len(steps) {
			return steps[n-1].Label
		}
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n) // a step of older criteria that the current ones lack
	}
	rating := func(r Rating) []string {
		out := []string{label(c.Likelihood, r.Likelihood)}
		for _, a := range c.Axes {
			out = append(out, label(c.Consequence, r.Consequences[a.Key]))
		}
		return out
	}
	for p := (aims.Page{Limit: exportPage}); ; {
		rs, next, err := s.store.ListRisks(ctx, orgID, f, p)
		if err != nil {
			return err
		}
		for _, r := range rs {
			s.judge(r)
			system := r.SystemName
			if r.SystemID == "" {
				system = ""
			}
			row := []string{r.Ref, r.Title, system, r.Source, r.Objective, r.GenAIRisk, r.OwnerName, r.Level(), r.Status, r.ReviewDue}
			row = append(row, rating(r.Inherent)...)
			row = append(row, r.Inherent.Level, r.ExistingControls)
			row = append(row, rating(r.Residual)...)
			row = append(row, r.Residual.Level, r.TreatmentOption, r.TreatmentPlan, r.Description, strconv.FormatInt(r.CriteriaVersion, 10), r.UpdatedAt.Format("2006-01-02T15:04:05Z"))
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		if err := cw.Flush(); err != nil {
			return err
		}
		if next == "" {
			return nil
		}
		p.Cursor = next
	}
}
