package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/control"
)

// TestExistingOrganizationsKeepTheirDatesAndNewOnesGetTheAmended makes organizations as aims 25 left
// them (one that never touched its AI roles, hence planned against the published dates; one that chose
// the amended dates; one that chose the published dates explicitly), migrates, and checks that each keeps
// what it had, at the version it had, while an organization created afterwards gets the amended dates.
func TestExistingOrganizationsKeepTheirDatesAndNewOnesGetTheAmended(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openMigratedTo(t, 25)
	untouched, amended, published := newOrg(t, db, "untouched"), newOrg(t, db, "amended"), newOrg(t, db, "published")
	set := func(o *account.Organization, dates string) {
		t.Helper()
		actx := aims.WithActor(ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test", OrgID: o.ID})
		p := &control.Profile{OrgID: o.ID, AIRoles: []string{"ai_customer"}, EURoles: []string{"deployer"}, EUDates: dates}
		if err := db.UpdateOrgProfile(actx, p, 0); err != nil {
			t.Fatal(err)
		}
	}
	set(amended, control.DatesAmended)
	set(published, control.DatesPublished)
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	fresh := newOrg(t, db, "fresh")

	for _, c := range []struct {
		org     *account.Organization
		dates   string
		version int64
	}{
		{untouched, control.DatesPublished, 1},
		{amended, control.DatesAmended, 2},
		{published, control.DatesPublished, 2},
		{fresh, control.DatesAmended, 1},
	} {
		p, err := db.OrgProfile(ctx, c.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.EUDates != c.dates || p.Version != c.version {
			t.Errorf("%s after migrating: dates %q at version %d, want %q at %d", c.org.Slug, p.EUDates, p.Version, c.dates, c.version)
		}
	}
	p, err := db.OrgProfile(ctx, untouched.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.AIRoles) != 0 || len(p.EURoles) != 0 || p.UpdatedAt == nil {
		t.Errorf("the untouched organization's stored profile: %+v", p)
	}

	// Switching later records the published dates as what was before.
	actx := aims.WithActor(ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test", OrgID: untouched.ID})
	p.EUDates = control.DatesAmended
	if err := db.UpdateOrgProfile(actx, p, 1); err != nil {
		t.Fatal(err)
	}
	entries, _, err := db.ListActivity(ctx, untouched.ID, aims.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, e := range entries {
		if e.RecordType == "org_profile" && strings.Contains(string(e.Before), `"eu_dates":"published"`) &&
			strings.Contains(string(e.After), `"eu_dates":"amended"`) {
			found = true
		}
	}
	if !found {
		t.Errorf("no activity entry records the switch from the published to the amended dates: %d entries", len(entries))
	}
}
