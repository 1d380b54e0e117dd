package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evaluation"
)

// EvaluationComparePage sets a run beside an earlier one, metric by metric.
type EvaluationComparePage struct {
	Layout
	C     *evaluation.Comparison
	Sides []CompareSide
	// Up, Down and Other count the rows that rose, fell, or are new, gone or not numbers.
	Up, Down, Other int
}

// CompareSide is one of the two runs compared.
type CompareSide struct {
	Label string
	Run   *evaluation.Run
}

// evaluationCompare shows run {id} beside ?with= (by default the run of its system and tool before it).
func (w *Web) evaluationCompare(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	with := r.URL.Query().Get("with")
	if with != "" && !aims.ValidID(with) {
		return aims.Errorf(aims.ENOTFOUND, "No such evaluation run.")
	}
	c, err := w.Evaluations.CompareWith(r.Context(), v.org.ID, id, with)
	if err != nil {
		return err
	}
	p := EvaluationComparePage{Layout: w.layout(rw, r, v, c.To.Tool+" runs of "+c.To.SystemName+" compared", "/systems"), C: c,
		Sides: []CompareSide{{"Before", c.From}, {"After", c.To}}}
	for _, row := range c.Rows {
		switch row.Change {
		case evaluation.ChangeUp:
			p.Up++
		case evaluation.ChangeDown:
			p.Down++
		case evaluation.ChangeSame:
		default:
			p.Other++
		}
	}
	return w.render(rw, r, http.StatusOK, "evaluation_compare", p)
}
