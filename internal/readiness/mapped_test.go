package readiness_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/readiness"
)

// TestMappedFrameworksFollowTheISOWork: every NIST AI RMF subcategory is as far as the furthest
// ISO/IEC 42001 item the crosswalk maps to it; walking clause 7.2 to ready makes ready exactly the
// subcategories it maps to (GOVERN 2.2 among them); excluding A.6.2.4, the only item mapped to MEASURE 2.2,
// leaves MEASURE 2.2 with nothing to meet it; the home page's roll-up is the same as the list's; and a
// framework that is not mapped is refused on the field framework.
func TestMappedFrameworksFollowTheISOWork(t *testing.T) {
	t.Parallel()
	sv, org, u, maya := newOrg(t)
	ctx := context.Background()

	nist := func() *readiness.MappedReadiness {
		t.Helper()
		m, err := sv.Readiness.Mapped(ctx, org.ID, framework.NISTAIRMF)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	find := func(m *readiness.MappedReadiness, ref string) readiness.MappedItem {
		t.Helper()
		for _, it := range m.Items {
			if it.Ref == ref {
				return it
			}
		}
		t.Fatalf("no %s among %d items", ref, len(m.Items))
		return readiness.MappedItem{}
	}
	m := nist()
	if len(m.Items) != m.Targets || m.Targets < 70 || m.Rollup.Items != m.Targets || m.Rollup.Ready != 0 {
		t.Fatalf("a new organization: %d items, %d targets, %+v", len(m.Items), m.Targets, m.Rollup)
	}
	if it := find(m, "GOVERN 2.2"); it.Step != readiness.StepOwn || it.By != "7.2" || len(it.Via) != 1 || it.Via[0].Step != readiness.StepOwn {
		t.Errorf("GOVERN 2.2 of a new organization: %+v", it)
	}
	if it := find(m, "MEASURE 2.2"); it.Step != readiness.StepDecide || it.By != "A.6.2.4" {
		t.Errorf("MEASURE 2.2 of a new organization: %+v", it)
	}

	if _, err := sv.Controls.UpdateControl(maya, org.ID, framework.ISO42001, "7.2", control.Update{Applicability: control.Applicable,
		Status: control.Implemented, OwnerID: u.ID}, 0); err != nil {
		t.Fatal(err)
	}
	if it := find(nist(), "GOVERN 2.2"); it.Step != readiness.StepEvidence || it.OwnerName != "Maya Okafor" {
		t.Errorf("7.2 implemented: %+v", it)
	}
	if _, err := sv.Controls.AddLink(maya, org.ID, framework.ISO42001, "7.2", control.LinkURL, "Competence matrix", "https://wiki.example/skills"); err != nil {
		t.Fatal(err)
	}
	if _, err := sv.Controls.UpdateControl(maya, org.ID, framework.ISO42001, "A.6.2.4", control.Update{Applicability: control.Excluded,
		Justification: "We build no AI systems.", Status: control.NotStarted}, 0); err != nil {
		t.Fatal(err)
	}
	m = nist()
	ready := 0
	for _, it := range m.Items {
		by72 := slices.ContainsFunc(it.Via, func(v readiness.MappedVia) bool { return v.Ref == "7.2" })
		if it.Ready() != by72 {
			t.Errorf("%s: ready %v, mapped from 7.2 %v: %+v", it.Ref, it.Ready(), by72, it)
		}
		if it.Ready() {
			ready++
		}
	}
	if ready == 0 || m.Rollup.Ready != ready || m.Rollup.Percent != ready*100/m.Targets {
		t.Errorf("%d ready, roll-up %+v", ready, m.Rollup)
	}
	if it := find(m, "MEASURE 2.2"); it.Step != readiness.StepExcluded || it.By != "" || it.Via[0].Step != readiness.StepExcluded {
		t.Errorf("MEASURE 2.2 with A.6.2.4 excluded: %+v", it)
	}

	// A control of another framework in use rolls up under that framework's name.
	if _, err := sv.Controls.AddToSoA(maya, org.ID, "iso27001-2022", "A.5.1", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := sv.Controls.UpdateControl(maya, org.ID, "iso27001-2022", "A.5.1", control.Update{Applicability: control.Applicable,
		Justification: "We keep an information security policy.", Status: control.Implemented, OwnerID: u.ID}, 0); err != nil {
		t.Fatal(err)
	}
	r, err := sv.Readiness.Compute(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(r.Frameworks, func(ru readiness.Rollup) bool { return ru.Key == "iso27001-2022" }); i < 0 ||
		r.Frameworks[i].Title == "iso27001-2022" || r.Frameworks[i].Items != 1 || r.Frameworks[0].Title != "ISO/IEC 42001:2023" {
		t.Errorf("the roll-up by framework: %+v", r.Frameworks)
	}
	if len(r.Mapped) != 2 || r.Mapped[0].Readiness != m.Rollup || r.Mapped[1].Framework != framework.EUAIAct ||
		r.Mapped[1].Readiness.Items != r.Mapped[1].Targets {
		t.Errorf("the home page's mapped frameworks: %+v, the list's %+v", r.Mapped, m.Rollup)
	}
	if _, err := sv.Readiness.Mapped(ctx, org.ID, framework.ISO42001); aims.ErrorCode(err) != aims.EINVALID {
		t.Errorf("ISO/IEC 42001 itself is not a mapped framework: %v", err)
	}
}

// TestMappedRequirementsComePageByPage: the pages hold every requirement once, in order, and a cursor
// aims did not give out is refused on the field cursor.
func TestMappedRequirementsComePageByPage(t *testing.T) {
	t.Parallel()
	sv, org, _, _ := newOrg(t)
	ctx := context.Background()
	all, err := sv.Readiness.Mapped(ctx, org.ID, framework.NISTAIRMF)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("the pages do not end")
		}
		m, next, err := sv.Readiness.MappedPage(ctx, org.ID, framework.NISTAIRMF, aims.Page{Cursor: cursor, Limit: 30})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Items) > 30 || m.Rollup != all.Rollup {
			t.Fatalf("a page of %d, roll-up %+v", len(m.Items), m.Rollup)
		}
		for _, it := range m.Items {
			got = append(got, it.Ref)
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	var want []string
	for _, it := range all.Items {
		want = append(want, it.Ref)
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages give %v, want %v", got, want)
	}
	if _, _, err := sv.Readiness.MappedPage(ctx, org.ID, framework.NISTAIRMF, aims.Page{Cursor: "not-ours"}); aims.ErrorCode(err) != aims.EINVALID {
		t.Errorf("a cursor aims did not give out: %v", err)
	}
}
