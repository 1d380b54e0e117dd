package store_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/storetest"
)

// oldCatalog is the catalog as an earlier aims shipped it: an ISO/IEC 27001 clause with the outline's
// title, a NIST AI RMF category titled only by its id, and a weak mapping since removed.
func oldCatalog(t *testing.T) *framework.Catalog {
	t.Helper()
	c, err := framework.LoadCatalog() // a copy of its own, since this one is changed
	if err != nil {
		t.Fatal(err)
	}
	for _, bf := range c.Frameworks {
		for _, r := range bf.Requirements {
			switch {
			case bf.Framework.Key == framework.ISO27001 && r.Ref == "6.3":
				r.Title = "Planning for changes"
			case bf.Framework.Key == framework.NISTAIRMF && r.Ref == "GOVERN 1":
				r.Title, r.Text = "GOVERN 1", ""
			}
		}
	}
	c.Mappings = append(c.Mappings, &framework.BuiltinMapping{FromKey: framework.ISO42001, FromRef: "A.3.2",
		ToKey: framework.EUAIAct, ToRef: "14", Relationship: framework.RelIntersects, Source: framework.SourceAims, Rationale: "weak"})
	c.Hash = "an older catalog"
	return c
}

func TestAnInstalledCatalogIsRefreshedWithCorrectedTitlesAndMappings(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	a := newOrg(t, db, "a")
	if err := db.SeedBuiltins(ctx, oldCatalog(t)); err != nil {
		t.Fatal(err)
	}
	ref := func(key, ref string) *framework.Requirement {
		t.Helper()
		r, err := db.RequirementByRef(ctx, a.ID, key, ref)
		if err != nil {
			t.Fatalf("%s %s: %v", key, ref, err)
		}
		return r
	}
	if got := ref(framework.ISO27001, "6.3").Title; got != "Planning for changes" {
		t.Fatalf("the old catalog is not installed: 6.3 = %q", got)
	}
	// An organization's own mapping to a built-in requirement survives the refresh.
	own := &framework.Mapping{OrgID: a.ID, FromID: framework.BuiltinID(framework.ISO42001, "A.3.2"),
		ToID: framework.BuiltinID(framework.EUAIAct, "26"), Relationship: framework.RelSubset, Source: "our reading"}
	if err := db.CreateMapping(ctx, own); err != nil {
		t.Fatal(err)
	}
	if own.SourceKind != framework.SourceByOrg {
		t.Errorf("own mapping kind %q", own.SourceKind)
	}

	if err := db.SeedBuiltins(ctx, storetest.Catalog(t)); err != nil {
		t.Fatal(err)
	}
	if got := ref(framework.ISO27001, "6.3").Title; got != "Planning of changes" {
		t.Errorf("ISO/IEC 27001 6.3 = %q after the refresh", got)
	}
	if r := ref(framework.NISTAIRMF, "GOVERN 1"); r.Title == "GOVERN 1" || r.Text == "" {
		t.Errorf("GOVERN 1 = %q / %q after the refresh", r.Title, r.Text)
	}
	related, err := db.RelatedRequirements(ctx, a.ID, framework.BuiltinID(framework.ISO42001, "A.3.2"))
	if err != nil {
		t.Fatal(err)
	}
	ownSeen := false
	for _, rel := range related {
		if rel.Requirement.FrameworkKey == framework.EUAIAct && rel.Requirement.Ref == "14" {
			t.Errorf("the removed mapping A.3.2 -> Art. 14 is still installed: %+v", rel.Mapping)
		}
		if rel.Mapping.ID == own.ID {
			ownSeen = true
		}
		if want := framework.SourceKindOf(rel.Mapping.Source, rel.Mapping.Own); rel.Mapping.SourceKind != want || want == "" {
			t.Errorf("%s: source kind %q, want %q", rel.Requirement.Ref, rel.Mapping.SourceKind, want)
		}
	}
	if !ownSeen {
		t.Error("the organization's own mapping was lost in the refresh")
	}
	// The clause alignment reads back as derived, from either side and between the frameworks.
	back, err := db.RelatedRequirements(ctx, a.ID, framework.BuiltinID(framework.ISO27001, "6.3"))
	if err != nil || len(back) != 1 || back[0].Mapping.SourceKind != framework.SourceDerived {
		t.Fatalf("ISO/IEC 27001 6.3 relates to %+v, %v; want the one derived alignment", back, err)
	}
	between, err := db.MappingsBetween(ctx, a.ID, framework.ISO42001, framework.ISO27001)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, m := range between {
		kinds[m.SourceKind]++
	}
	if kinds[framework.SourceDerived] != 34 || kinds[framework.SourceByAims] == 0 || kinds[framework.SourcePublished] != 0 {
		t.Errorf("ISO/IEC 42001 -> 27001 mapping kinds %v", kinds)
	}
}
