package web_test

import (
	"testing"

	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/demo"
)

// demoFixture starts aims over a fresh store with the demo organization loaded as `aims serve --demo` loads
// it, and returns Lumen Labs and its owner, Maya Okafor.
func demoFixture(t *testing.T) (*apptest.Fixture, *account.Organization, *account.User) {
	t.Helper()
	f := apptest.New(t)
	if _, err := demo.Load(f.Ctx, f.Accounts, f.DB); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadSoA(f.Ctx, f.Controls, f.DB); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadSystems(f.Ctx, f.Systems, f.Components, f.DB); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadBOMs(f.Ctx, f.Systems, f.Components, f.DB); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadLinks(f.Ctx, f.Records, f.Systems, f.Components, f.DB); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadWork(f.Ctx, f.Records, f.Systems, f.DB); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadRisks(f.Ctx, f.Risks, f.Records, f.Systems, f.DB); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadImpacts(f.Ctx, f.Impacts, f.Risks, f.Systems, f.DB); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadEvidence(f.Ctx, f.Evidence, f.Systems, f.DB); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadEvaluations(f.Ctx, f.Evaluations, f.Systems, f.DB); err != nil {
		t.Fatal(err)
	}
	org, err := f.DB.OrganizationBySlug(f.Ctx, demo.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	owner, err := f.DB.UserByEmail(f.Ctx, "maya.okafor@lumenlabs.example")
	if err != nil {
		t.Fatal(err)
	}
	return f, org, owner
}
