package risk_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/system"
)

// TestTheSoAFollowsTheTreatments: each SoA row counts the risks whose treatment selects the control; the
// three checks of 6.1.3 list a risk above the threshold with no treatment or no acceptance, a treatment
// that selects no control, and an applicable control no risk selects with no reason of the organization's
// own (aims's default justification is none); an excluded control a treatment selects is flagged; the
// comparison with Annex A counts each case; the register filters by control and by gap.
func TestTheSoAFollowsTheTreatments(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	maya, _ := f.member(t, f.org, "maya@lumen.example", aims.RoleManager)
	bg := context.Background()
	untreated, err := f.sv.Risks.Create(maya, f.org.ID, risk.Fields{Title: "Deepfake voices of staff", Source: "C.3.4",
		Inherent: rating(4, map[string]int{"society": 4})})
	if err != nil {
		t.Fatal(err)
	}
	treated, err := f.sv.Risks.Create(maya, f.org.ID, risk.Fields{Title: "Chatbot leaks order data", Source: "C.3.4", TreatmentOption: risk.TreatModify,
		Inherent: rating(3, map[string]int{"individuals": 4}), Residual: rating(2, map[string]int{"individuals": 3})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Risks.Create(maya, f.org.ID, risk.Fields{Title: "Typos", Source: "C.3.6", Inherent: rating(1, map[string]int{"organization": 1})}); err != nil {
		t.Fatal(err)
	}
	decide := func(ref, applicability, justification string) {
		t.Helper()
		if _, err := f.sv.Controls.UpdateControl(maya, f.org.ID, framework.ISO42001, ref, control.Update{Applicability: applicability,
			Justification: justification, Status: control.NotStarted}, 0); err != nil {
			t.Fatalf("deciding %s: %v", ref, err)
		}
	}
	stock := func(ref string) string { return f.sv.Controls.Catalog().RoleDefaults[ref].JustificationApplicable }
	decide("A.5.2", control.Applicable, stock("A.5.2"))
	decide("A.5.3", control.Applicable, "Our regulator asks for it.")
	decide("A.6.2.4", control.Applicable, stock("A.6.2.4"))
	decide("A.7.4", control.Excluded, "We use no personal data.")

	soa, err := f.sv.Controls.SoA(bg, f.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	g := soa.Checks.Risks
	if g == nil || g.UnacceptedCount != 2 || len(g.Unaccepted) != 2 || g.Unaccepted[0].ID != untreated.ID || g.Unaccepted[0].Lacks != "treatment" ||
		g.Unaccepted[1].Lacks != "acceptance" || g.NoControlCount != 1 || g.NoControl[0].ID != treated.ID {
		t.Fatalf("risk gaps: %+v", g)
	}
	refs := func(items []control.CheckItem) []string {
		var out []string
		for _, c := range items {
			out = append(out, c.Ref)
		}
		return out
	}
	if u := refs(soa.Checks.Unchosen); !slices.Contains(u, "A.5.2") || !slices.Contains(u, "A.6.2.4") || slices.Contains(u, "A.5.3") {
		t.Errorf("unchosen: %v", u)
	}
	if soa.Checks.OK() {
		t.Error("the checks pass with gaps")
	}

	f.treat(t, maya, f.org.ID, "iso42001-2023/A.6.2.4", treated)
	f.treat(t, maya, f.org.ID, "iso42001-2023/A.7.4", treated)
	if _, err := f.sv.Risks.Accept(maya, f.org.ID, treated.ID, "", 0); err != nil {
		t.Fatal(err)
	}
	soa, err = f.sv.Controls.SoA(bg, f.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	g = soa.Checks.Risks
	if g.UnacceptedCount != 1 || g.Unaccepted[0].ID != untreated.ID || g.NoControlCount != 0 || len(g.NoControl) != 0 {
		t.Errorf("risk gaps after the treatment: %+v", g)
	}
	row := func(ref string) *control.Row {
		for _, r := range soa.Rows {
			if r.Ref == ref {
				return r
			}
		}
		t.Fatalf("no row %s", ref)
		return nil
	}
	if r := row("A.6.2.4"); r.Risks != 1 || r.Unchosen {
		t.Errorf("A.6.2.4: %+v", r)
	}
	if u := refs(soa.Checks.Unchosen); slices.Contains(u, "A.6.2.4") || !slices.Contains(u, "A.5.2") {
		t.Errorf("unchosen after the treatment: %v", u)
	}
	if e := refs(soa.Checks.ExcludedButSelected); len(e) != 1 || e[0] != "A.7.4" || !row("A.7.4").ExcludedButSelected {
		t.Errorf("excluded but selected: %v", e)
	}
	cmp := soa.Comparison
	if cmp.Selected != 1 || cmp.OtherReason != 1 || cmp.Unchosen != 1 || cmp.ExcludedButUsed != 1 || cmp.Excluded != 0 ||
		cmp.Selected+cmp.OtherReason+cmp.Unchosen+cmp.ExcludedButUsed+cmp.Excluded+cmp.Undecided != soa.AnnexASummary().Controls {
		t.Errorf("comparison: %+v (Annex A %+v)", cmp, soa.AnnexASummary())
	}

	for _, tc := range []struct {
		f    risk.Filter
		want []string
	}{
		{risk.Filter{Control: "iso42001-2023/A.6.2.4"}, []string{treated.ID}},
		{risk.Filter{Control: "iso42001-2023/A.5.2"}, nil},
		{risk.Filter{Gap: risk.GapUnaccepted}, []string{untreated.ID}},
		{risk.Filter{Gap: risk.GapNoControl}, nil},
	} {
		rs, _, err := f.sv.Risks.List(bg, f.org.ID, tc.f, aims.Page{})
		var got []string
		for _, r := range rs {
			got = append(got, r.ID)
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%+v: %v, %v; want %v", tc.f, got, err, tc.want)
		}
	}
	if _, _, err := f.sv.Risks.List(bg, f.org.ID, risk.Filter{Gap: "all"}, aims.Page{}); aims.ErrorField(err) != "gap" {
		t.Errorf("an unknown gap: %v", err)
	}
}

// TestTheHeatMapCellsAgreeWithTheRegister: the cells kept by system, source and level give, for every
// filter they serve, the counts the register itself gives, after risks are registered, changed (source,
// level, system, closed) and deleted.
func TestTheHeatMapCellsAgreeWithTheRegister(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	maya, _ := f.member(t, f.org, "maya@lumen.example", aims.RoleManager)
	bg := context.Background()
	s, err := f.sv.Systems.Create(maya, f.org.ID, system.Fields{Name: "TalentMatch", Purpose: "CV screening"})
	if err != nil {
		t.Fatal(err)
	}
	var rs []*risk.Risk
	for i := range 12 {
		fs := risk.Fields{Title: fmt.Sprintf("Risk %d", i), Source: fmt.Sprintf("C.3.%d", 1+i%3),
			Inherent: rating(1+i%5, map[string]int{"organization": 1 + (i*2)%5})}
		if i%2 == 0 {
			fs.SystemID = s.ID
		}
		if i%4 == 0 {
			fs.Residual = rating(1, map[string]int{"organization": 1})
		}
		r, err := f.sv.Risks.Create(maya, f.org.ID, fs)
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	change := func(r *risk.Risk, edit func(*risk.Fields)) {
		t.Helper()
		fs := risk.FieldsOf(r)
		edit(&fs)
		if _, err := f.sv.Risks.Update(maya, f.org.ID, r.ID, fs, 0); err != nil {
			t.Fatal(err)
		}
	}
	change(rs[1], func(fs *risk.Fields) { fs.Source = "C.3.7" })
	change(rs[2], func(fs *risk.Fields) { fs.Inherent = rating(5, map[string]int{"organization": 5}) })
	change(rs[3], func(fs *risk.Fields) { fs.SystemID = s.ID })
	change(rs[4], func(fs *risk.Fields) { fs.Status = risk.StatusClosed })
	if err := f.sv.Risks.Delete(maya, f.org.ID, rs[5].ID); err != nil {
		t.Fatal(err)
	}
	filters := []risk.Filter{{}, {SystemID: s.ID}, {OrgWide: true}, {Source: "C.3.1"}, {Source: "C.3.7"}, {Level: "critical"}, {Level: "low"},
		{SystemID: s.ID, Source: "C.3.3"}, {Status: risk.StatusClosed}, {Source: "C.3.2", Level: "medium"}}
	for _, fl := range filters {
		for _, residual := range []bool{false, true} {
			h, err := f.sv.Risks.HeatMap(bg, f.org.ID, fl, residual)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			lf := fl
			lf.Open = fl.Status == ""
			all, _, err := f.sv.Risks.List(bg, f.org.ID, lf, aims.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range all {
				if (residual && r.Residual.Rated()) || (!residual && r.Inherent.Rated()) {
					want++
				}
			}
			if h.Total != want {
				t.Errorf("heat map (residual %v) of %+v: %d risks, the register has %d", residual, fl, h.Total, want)
			}
		}
	}
}
