package control_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
)

// fixture is a control service over a fresh store (SQLite, or PostgreSQL when AIMS_TEST_POSTGRES_DSN is
// set), on a clock the test sets.
type fixture struct {
	db    *store.DB
	svc   *control.Service
	accts *account.Service
	clk   *testClock
}

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.UTC().Truncate(time.Microsecond)
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clk := &testClock{now: time.Date(2026, 5, 6, 9, 30, 0, 0, time.UTC)}
	opts := storetest.Options(t)
	opts.Clock = clk.Now
	db := storetest.OpenWith(t, opts)
	return &fixture{db: db, svc: control.NewService(db, storetest.Catalog(t), clk.Now), accts: account.NewService(db, clk.Now), clk: clk}
}

// org makes an organization and returns a context acting in it as a manager named after it, who is a
// member (so that they can own controls).
func (f *fixture) org(t *testing.T, slug string) (*account.Organization, context.Context, *account.User) {
	t.Helper()
	ctx := context.Background()
	o, err := f.accts.CreateOrganization(ctx, slug, "Organization "+slug)
	if err != nil {
		t.Fatal(err)
	}
	u := f.user(t, o, "manager@"+slug+".example", aims.RoleManager)
	act := aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: o.ID, OrgSlug: o.Slug, Role: aims.RoleManager})
	return o, act, u
}

func (f *fixture) user(t *testing.T, o *account.Organization, email string, role aims.Role) *account.User {
	t.Helper()
	ctx := context.Background()
	u, err := f.accts.CreateUser(ctx, email, "Person "+email, "")
	if err != nil {
		t.Fatal(err)
	}
	if o != nil {
		if _, err := f.accts.AddMember(ctx, o.ID, email, role); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// entries returns the length of orgID's activity trail.
func (f *fixture) entries(t *testing.T, orgID string) int {
	t.Helper()
	n := 0
	if err := f.db.EachActivity(context.Background(), orgID, func(*activity.Entry) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// decideAll declares orgID an AI provider and applies the proposals, so that every Annex A control has a
// decision.
func (f *fixture) decideAll(t *testing.T, ctx context.Context, orgID string) {
	t.Helper()
	if _, err := f.svc.UpdateProfile(ctx, orgID, control.ProfileUpdate{AIRoles: []string{"ai_provider"}, EURoles: []string{"provider"},
		EUDates: control.DatesPublished}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ApplyProposals(ctx, orgID); err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if aims.ErrorCode(err) != code || aims.ErrorField(err) != field {
		t.Fatalf("got %v (code %q, field %q), want code %q on field %q", err, aims.ErrorCode(err), aims.ErrorField(err), code, field)
	}
}

func pageOf(limit int) account.Page { return account.Page{Limit: limit} }

func pageOfCursor(cursor string) account.Page { return account.Page{Limit: 1, Cursor: cursor} }
