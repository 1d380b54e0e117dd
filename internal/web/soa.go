package web

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
)

// SoAPage is the live Statement of Applicability: the checks, the controls under their objectives
// (filtered by applicability and status), the latest approval, the exports, and the form to add a control.
type SoAPage struct {
	Layout
	SoA    *control.SoA
	Table  SoATable
	Filter SoAFilter
	// Latest is the latest approved version, or nil.
	Latest   *control.Version
	Blocking []control.CheckItem
	CanAdd   bool
	Add      AddControlForm
	// Frameworks are those the add form offers.
	Frameworks []*framework.Framework
	// SystemProposals are the Annex A controls the AI system inventory suggests apply; CanApply offers to
	// decide the undecided ones.
	SystemProposals []control.SystemProposal
	CanApply        bool
}

// Undecided reports whether applying the inventory's proposals would decide a control.
func (p SoAPage) Undecided() bool {
	for _, sp := range p.SystemProposals {
		if !sp.Conflict {
			return true
		}
	}
	return false
}

// SoATable is the table of an SoA: the rows to show under their groups; Live links each row to its
// control's page.
type SoATable struct {
	Groups []TableGroup
	Shown  int
	Live   bool
}

// TableGroup is a run of rows under one Annex A objective, or the added controls of one framework.
type TableGroup struct {
	AnnexA bool
	Ref    string
	Title  string
	Rows   []TableRow
}

// TableRow is a row with what the page shows for it worked out beforehand: the SoA pages render up to
// a few hundred rows, and a template function call per cell would be most of their time.
type TableRow struct {
	Href, Ref, Title                       string
	Applicability, AppLabel, Justification string
	Status, StatusLabel, Owner, TargetDate string
	Links                                  int
	NoDecision, NoOwner, Overdue           bool
	// Risks counts the risks whose treatment selects the control; RisksHref lists them.
	Risks                         int
	RisksHref                     string
	Unchosen, ExcludedButSelected bool
}

// SoAFilter narrows the table; empty fields show all.
type SoAFilter struct {
	Applicability string
	Status        string
}

// Active reports whether the filter hides anything.
func (f SoAFilter) Active() bool { return f.Applicability != "" || f.Status != "" }

// Applicabilities and Statuses are the filter's choices.
func (SoAFilter) Applicabilities() []string {
	return []string{control.Applicable, control.Excluded, control.Undecided}
}

// Statuses returns the implementation statuses in order.
func (SoAFilter) Statuses() []string { return control.Statuses }

// AddControlForm is the add-control form's values and errors.
type AddControlForm struct {
	Framework string
	Ref       string
	Title     string
	Err       *FormError
}

// soaFilter reads the filter from the query, ignoring values that are not choices.
func soaFilter(q url.Values) SoAFilter {
	f := SoAFilter{Applicability: q.Get("applicability"), Status: q.Get("status")}
	if !slices.Contains(f.Applicabilities(), f.Applicability) {
		f.Applicability = ""
	}
	if !slices.Contains(f.Statuses(), f.Status) {
		f.Status = ""
	}
	return f
}

// table returns the rows of s that pass f, under their groups.
func (f SoAFilter) table(s *control.SoA, live bool) SoATable {
	shown := &control.SoA{}
	for _, r := range s.Rows {
		if (f.Applicability == "" || r.Applicability == f.Applicability) && (f.Status == "" || r.Status == f.Status) {
			shown.Rows = append(shown.Rows, r)
		}
	}
	t := SoATable{Shown: len(shown.Rows), Live: live}
	for _, g := range shown.Groups() {
		tg := TableGroup{AnnexA: g.Framework == framework.ISO42001, Ref: g.Ref, Title: g.Title, Rows: make([]TableRow, len(g.Rows))}
		for i, r := range g.Rows {
			tg.Rows[i] = TableRow{Href: controlHref(r.Framework, r.Ref), Ref: r.Ref, Title: r.Title, Applicability: r.Applicability,
				AppLabel: control.Label(r.Applicability), Justification: r.Justification, Status: r.Status,
				StatusLabel: control.Label(r.Status), Owner: r.Owner, TargetDate: r.TargetDate, Links: r.Links,
				NoDecision: r.NoDecision, NoOwner: r.NoOwner, Overdue: r.Overdue, Risks: r.Risks, Unchosen: r.Unchosen,
				ExcludedButSelected: r.ExcludedButSelected, RisksHref: "/risks?" + url.Values{"control": {r.Framework + "/" + r.Ref}}.Encode()}
		}
		t.Groups = append(t.Groups, tg)
	}
	return t
}

// soaPage shows the live SoA.
func (w *Web) soaPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	return w.renderSoA(rw, r, v, http.StatusOK, AddControlForm{Framework: control.OwnKey})
}

func (w *Web) renderSoA(rw http.ResponseWriter, r *http.Request, v *visit, status int, add AddControlForm) error {
	ctx := r.Context()
	s, err := w.Controls.SoA(ctx, v.org.ID)
	if err != nil {
		return err
	}
	f := soaFilter(r.URL.Query())
	p := SoAPage{Layout: w.layout(rw, r, v, "Statement of Applicability", "/soa"), SoA: s, Table: f.table(s, true), Filter: f,
		Blocking: s.AnnexAUndecided(), CanAdd: v.may(aims.ActionCreate, aims.ResControl), Add: add}
	vs, _, err := w.Controls.Versions(ctx, v.org.ID, pageOf("", 1))
	if err != nil {
		return err
	}
	if len(vs) > 0 {
		p.Latest = vs[0]
	}
	if p.CanAdd {
		if p.Frameworks, err = w.Controls.AddableFrameworks(ctx, v.org.ID); err != nil {
			return err
		}
	}
	if p.SystemProposals, err = w.Controls.SystemProposals(ctx, v.org.ID); err != nil {
		return err
	}
	p.CanApply = v.may(aims.ActionUpdate, aims.ResControl)
	return w.render(rw, r, status, "soa", p)
}

// controlHref returns the address of a control's page.
func controlHref(frameworkKey, ref string) string {
	return "/controls/" + url.PathEscape(frameworkKey) + "/" + url.PathEscape(ref)
}
