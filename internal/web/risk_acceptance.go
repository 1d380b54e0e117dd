package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/risk"
)

// AcceptanceView is the acceptance card: the standing acceptance, whether one is needed and who may give
// it, whether the visitor may, and the voided ones before it.
type AcceptanceView struct {
	Standing *risk.Acceptance
	Needed   bool
	// Level is the risk's level, AcceptedBy the least role that may accept it, with its article ("an
	// admin").
	Level, AcceptedBy string
	// LevelPhrase is the level with its article, as a sentence starts: "An extreme", "A high".
	LevelPhrase string
	// CanAccept is set when the visitor's role may accept the level and the risk is ready: treated and
	// rated with the current criteria; Blocker says why it is not ready, when it is not.
	CanAccept bool
	Blocker   string
	Voided    []*risk.Acceptance
}

func (w *Web) acceptanceView(ctx context.Context, v *visit, rk *risk.Risk, c *risk.Criteria) (AcceptanceView, error) {
	av := AcceptanceView{Standing: rk.Acceptance, Needed: risk.AcceptanceNeeded(c, rk)}
	cur, err := w.Risks.Criteria(ctx, v.org.ID)
	if err != nil {
		return av, err
	}
	if l := c.Level(rk.Level()); l != nil {
		av.Level, av.AcceptedBy = l.Name, risk.Article(string(l.AcceptedBy))
		av.LevelPhrase = risk.Article(l.Name)
		av.LevelPhrase = strings.ToUpper(av.LevelPhrase[:1]) + av.LevelPhrase[1:]
		av.CanAccept = v.may(aims.ActionUpdate, aims.ResRisk) && l.AcceptedBy.AtMost(v.actor.Role) && rk.Status != risk.StatusClosed && !rk.Accepted
	}
	switch {
	case rk.Accepted || rk.Status == risk.StatusClosed:
	case !rk.Inherent.Rated():
		av.Blocker = "Rate the risk first."
	case rk.CriteriaVersion != cur.Version:
		av.Blocker = fmt.Sprintf("Reassess it against version %d of the criteria first.", cur.Version)
	case rk.TreatmentOption == "":
		av.Blocker = "Say how it is treated first: what is accepted is the risk left after treatment."
	}
	if av.Blocker != "" {
		av.CanAccept = false
	}
	as, _, err := w.Risks.Acceptances(ctx, v.org.ID, rk.ID, aims.Page{Limit: 6})
	if err != nil {
		return av, err
	}
	for _, a := range as {
		if !a.Standing() {
			av.Voided = append(av.Voided, a)
		}
	}
	return av, nil
}

// acceptRisk records the visitor's formal acceptance of the risk as the page showed it.
func (w *Web) acceptRisk(rw http.ResponseWriter, r *http.Request, v *visit) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	a, err := w.Risks.Accept(r.Context(), v.org.ID, id, r.PostFormValue("note"), version)
	switch aims.ErrorCode(err) {
	case "":
		w.flash(rw, flashOK, fmt.Sprintf("Accepted at level %s with version %d of the criteria; a change of its level, treatment or controls will void it.",
			a.Level, a.CriteriaVersion))
	case aims.ECONFLICT, aims.EFORBIDDEN, aims.EPRECONDITION, aims.EINVALID:
		w.flash(rw, flashWarn, aims.ErrorMessage(err))
	default:
		return err
	}
	http.Redirect(rw, r, risksPath+"/"+id, http.StatusSeeOther)
	return nil
}
