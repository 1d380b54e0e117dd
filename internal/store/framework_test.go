package store_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/storetest"
)

func TestBuiltinFrameworksAreSeededOnceAndVisibleToEveryone(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	c := storetest.Catalog(t)
	if err := db.SeedBuiltins(ctx, c); err != nil {
		t.Fatalf("seeding twice: %v", err)
	}
	a := newOrg(t, db, "a")
	fws, err := db.ListFrameworks(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, f := range fws {
		counts[f.Key] = f.Assessable
	}
	if counts[framework.ISO42001] != 70 || counts[framework.NISTAIRMF] != 72 || counts[framework.NIST600] != 12 {
		t.Fatalf("assessable counts %v", counts)
	}
	iso, err := db.FrameworkByKey(ctx, a.ID, framework.ISO42001)
	if err != nil {
		t.Fatal(err)
	}
	r, err := db.RequirementByRef(ctx, a.ID, iso.ID, "A.6.2.4")
	if err != nil || r.Title != "AI system verification and validation" || r.Guidance == nil || r.ParentRef != "A.6.2" {
		t.Fatalf("A.6.2.4 = %+v, %v", r, err)
	}
	related, err := db.RelatedRequirements(ctx, a.ID, r.ID)
	if err != nil || len(related) == 0 {
		t.Fatalf("A.6.2.4 relates to %d requirements, %v", len(related), err)
	}
	nist := 0
	for _, rel := range related {
		if rel.Requirement.FrameworkKey == framework.NISTAIRMF {
			nist++
			if rel.Mapping.Source == "" || rel.Mapping.Own {
				t.Errorf("shipped mapping %+v", rel.Mapping)
			}
		}
	}
	if nist == 0 {
		t.Fatal("A.6.2.4 has no NIST AI RMF mapping")
	}
	// From the other side, the relationship reads back.
	back, err := db.RelatedRequirements(ctx, a.ID, related[0].Requirement.ID)
	if err != nil || len(back) == 0 {
		t.Fatalf("reverse lookup: %d, %v", len(back), err)
	}
	found, err := db.SearchRequirements(ctx, a.ID, "", "red-team", 10)
	if err != nil || len(found) == 0 {
		t.Fatalf("search found %d, %v", len(found), err)
	}
	if got, err := db.SearchRequirements(ctx, a.ID, iso.ID, "100%_", 10); err != nil || len(got) != 0 {
		t.Fatalf("search for LIKE wildcards: %d, %v", len(got), err)
	}
}

func TestImportedFrameworksBelongToOneOrganization(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	a, b := newOrg(t, db, "a"), newOrg(t, db, "b")
	f := &framework.Framework{OrgID: a.ID, Key: "sp800-53", Name: "SP 800-53", Kind: framework.KindOSCAL, SourceHash: "h1"}
	reqs := []*framework.Requirement{{Ref: "AC", Title: "Access control", Kind: framework.ReqGroup},
		{Ref: "AC-1", Title: "Policy", Kind: framework.ReqControl, ParentRef: "AC", Assessable: true}}
	if err := db.ImportFramework(ctx, f, reqs); err != nil {
		t.Fatal(err)
	}
	if f.Revision != 1 {
		t.Fatalf("revision %d", f.Revision)
	}
	if _, err := db.FrameworkByID(ctx, b.ID, f.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("another organization sees it: %v", err)
	}
	if _, err := db.RequirementByID(ctx, b.ID, reqs[1].ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("another organization sees its requirement: %v", err)
	}
	again := &framework.Framework{OrgID: a.ID, Key: "sp800-53", Name: "SP 800-53", Kind: framework.KindOSCAL, SourceHash: "h1"}
	if err := db.ImportFramework(ctx, again, reqs[:1]); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("the same file twice: %v", err)
	}
	next := &framework.Framework{OrgID: a.ID, Key: "sp800-53", Name: "SP 800-53", Kind: framework.KindOSCAL, SourceHash: "h2"}
	dup := []*framework.Requirement{{Ref: "X", Title: "x", Kind: framework.ReqControl}, {Ref: "X", Title: "x", Kind: framework.ReqControl}}
	if err := db.ImportFramework(ctx, next, dup); aims.ErrorCode(err) != aims.EINVALID {
		t.Fatalf("duplicate refs: %v", err)
	}
	fws, _ := db.ListFrameworks(ctx, a.ID)
	for _, x := range fws {
		if x.Key == "sp800-53" && x.Revision != 1 {
			t.Fatalf("a refused import left revision %d behind", x.Revision)
		}
	}
	if err := db.ImportFramework(ctx, next, []*framework.Requirement{{Ref: "AC-2", Title: "Accounts", Kind: framework.ReqControl}}); err != nil || next.Revision != 2 {
		t.Fatalf("a new version: revision %d, %v", next.Revision, err)
	}
	builtin := &framework.Framework{OrgID: a.ID, Key: framework.ISO42001, Name: "fake", Kind: framework.KindCSV}
	if err := db.ImportFramework(ctx, builtin, nil); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("importing over a built-in key: %v", err)
	}
	if err := db.DeleteFramework(ctx, b.ID, f.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("deleted by another organization: %v", err)
	}
	if err := db.DeleteFramework(ctx, a.ID, framework.ISO42001); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("deleted a built-in framework: %v", err)
	}
}

func TestOwnMappingsAndLicensedTextsStayInTheirOrganization(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	a, b := newOrg(t, db, "a"), newOrg(t, db, "b")
	from, to := framework.BuiltinID(framework.ISO42001, "A.2.2"), framework.BuiltinID(framework.ISO27001, "A.8.1")
	m := &framework.Mapping{OrgID: a.ID, FromID: from, ToID: to, Relationship: framework.RelSubset, Source: "our analysis"}
	if err := db.CreateMapping(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateMapping(ctx, &framework.Mapping{OrgID: a.ID, FromID: from, ToID: to, Relationship: framework.RelSubset, Source: "x"}); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("the same pair twice: %v", err)
	}
	seen := func(org string) bool {
		rel, err := db.RelatedRequirements(ctx, org, to)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rel {
			if r.Mapping.ID == m.ID {
				if r.Relationship != framework.RelSuperset {
					t.Errorf("read from the other side: %s, want superset", r.Relationship)
				}
				return true
			}
		}
		return false
	}
	if !seen(a.ID) || seen(b.ID) {
		t.Fatalf("own mapping visible to a: %v, to b: %v", seen(a.ID), seen(b.ID))
	}
	if err := db.DeleteMapping(ctx, b.ID, m.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("deleted by another organization: %v", err)
	}
	if err := db.DeleteMapping(ctx, a.ID, "builtin-0001"); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("deleted a shipped mapping: %v", err)
	}
	if err := db.SetLicensedTexts(ctx, a.ID, []*framework.LicensedText{{RequirementID: from, Text: "licensed words", Source: "ISO store"}}); err != nil {
		t.Fatal(err)
	}
	if lt, err := db.LicensedText(ctx, a.ID, from); err != nil || lt.Text != "licensed words" {
		t.Fatalf("licensed text: %+v, %v", lt, err)
	}
	if _, err := db.LicensedText(ctx, b.ID, from); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("another organization reads the licensed text: %v", err)
	}
	if err := db.SetLicensedTexts(ctx, a.ID, []*framework.LicensedText{{RequirementID: "nope", Text: "x"}}); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("text for an unknown requirement: %v", err)
	}
	if n, err := db.VerifyActivity(ctx, a.ID); err != nil || n < 3 {
		t.Fatalf("activity of a: %d, %v", n, err)
	}
}
