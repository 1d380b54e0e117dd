// Package controltest is a control service over a fresh store on a clock the test sets, for the tests of
// control and of the packages built on it (soaexport).
package controltest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
)

// Fixture is a control service over a fresh store (SQLite, or PostgreSQL when AIMS_TEST_POSTGRES_DSN is
// set), on a clock the test sets.
type Fixture struct {
	DB    *store.DB
	Svc   *control.Service
	Accts *account.Service
	Clock *Clock
}

// Clock is a clock the test sets; it starts on 6 May 2026, 09:30 UTC.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the time set.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set sets the time, in UTC to the microsecond as the store keeps it.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.UTC().Truncate(time.Microsecond)
}

// New returns a fixture over a fresh store, closed when t ends.
func New(t testing.TB) *Fixture {
	t.Helper()
	clk := &Clock{now: time.Date(2026, 5, 6, 9, 30, 0, 0, time.UTC)}
	opts := storetest.Options(t)
	opts.Clock = clk.Now
	db := storetest.OpenWith(t, opts)
	return &Fixture{DB: db, Svc: control.NewService(db, storetest.Catalog(t), clk.Now), Accts: account.NewService(db, clk.Now), Clock: clk}
}

// Org makes an organization and returns a context acting in it as a manager named after it, who is a
// member (so that they can own controls).
func (f *Fixture) Org(t testing.TB, slug string) (*account.Organization, context.Context, *account.User) {
	t.Helper()
	ctx := context.Background()
	o, err := f.Accts.CreateOrganization(ctx, slug, "Organization "+slug)
	if err != nil {
		t.Fatal(err)
	}
	u := f.User(t, o, "manager@"+slug+".example", aims.RoleManager)
	act := aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: o.ID, OrgSlug: o.Slug, Role: aims.RoleManager})
	return o, act, u
}

// User makes a user and, when o is not nil, adds them to it with role.
func (f *Fixture) User(t testing.TB, o *account.Organization, email string, role aims.Role) *account.User {
	t.Helper()
	ctx := context.Background()
	u, err := f.Accts.CreateUser(ctx, email, "Person "+email, "")
	if err != nil {
		t.Fatal(err)
	}
	if o != nil {
		if _, err := f.Accts.AddMember(ctx, o.ID, email, role); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// DecideAll declares orgID an AI provider and applies the proposals, so that every Annex A control has a
// decision.
func (f *Fixture) DecideAll(t testing.TB, ctx context.Context, orgID string) {
	t.Helper()
	if _, err := f.Svc.UpdateProfile(ctx, orgID, control.ProfileUpdate{AIRoles: []string{"ai_provider"}, EURoles: []string{"provider"},
		EUDates: control.DatesPublished}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Svc.ApplyProposals(ctx, orgID); err != nil {
		t.Fatal(err)
	}
}
