package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
)

// SoAVersionsPage lists the approved versions, offers the approval of the live SoA (refused while Annex A
// controls are undecided, which it lists) and the comparison of two versions.
type SoAVersionsPage struct {
	Layout
	Versions   []*control.Version
	NextCursor string
	Live       *control.SoA
	Blocking   []control.CheckItem
	CanApprove bool
	Approve    ApproveForm
	// Next is the number the next approval gets.
	Next int
}

// ApproveForm is the approval form's values and errors.
type ApproveForm struct {
	Note string
	Err  *FormError
}

// Choices returns what the comparison may start or end at: every listed version and the live SoA.
func (p SoAVersionsPage) Choices() []string {
	out := []string{control.Live}
	for _, v := range p.Versions {
		out = append(out, itoa(v.Number))
	}
	return out
}

// soaVersionsPage shows the versions.
func (w *Web) soaVersionsPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderSoAVersions(rw, r, v, http.StatusOK, ApproveForm{})
}

func (w *Web) renderSoAVersions(rw http.ResponseWriter, r *http.Request, v *visit, status int, f ApproveForm) error {
	ctx := r.Context()
	vs, next, err := w.Controls.Versions(ctx, v.org.ID, pageOf(r.URL.Query().Get("cursor"), 50))
	if err != nil {
		return err
	}
	live, err := w.Controls.SoA(ctx, v.org.ID)
	if err != nil {
		return err
	}
	p := SoAVersionsPage{Layout: w.layout(rw, r, v, "SoA versions", "/soa"), Versions: vs, NextCursor: next, Live: live,
		Blocking: live.AnnexAUndecided(), CanApprove: v.may(aims.ActionApprove, aims.ResSoA), Approve: f, Next: 1}
	latest := vs
	if r.URL.Query().Get("cursor") != "" {
		if latest, _, err = w.Controls.Versions(ctx, v.org.ID, pageOf("", 1)); err != nil {
			return err
		}
	}
	if len(latest) > 0 {
		p.Next = latest[0].Number + 1
	}
	return w.render(rw, r, status, "soa_versions", p)
}
