package control_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/control/controltest"
	"github.com/aimsproject/aims/internal/store"
)

// fixture is controltest's, with the short names these tests use.
type fixture struct {
	*controltest.Fixture
	db    *store.DB
	svc   *control.Service
	accts *account.Service
	clk   *controltest.Clock
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	x := controltest.New(t)
	return &fixture{Fixture: x, db: x.DB, svc: x.Svc, accts: x.Accts, clk: x.Clock}
}

func (f *fixture) org(t *testing.T, slug string) (*account.Organization, context.Context, *account.User) {
	t.Helper()
	return f.Org(t, slug)
}

func (f *fixture) user(t *testing.T, o *account.Organization, email string, role aims.Role) *account.User {
	t.Helper()
	return f.User(t, o, email, role)
}

func (f *fixture) decideAll(t *testing.T, ctx context.Context, orgID string) {
	t.Helper()
	f.DecideAll(t, ctx, orgID)
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

func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if aims.ErrorCode(err) != code || aims.ErrorField(err) != field {
		t.Fatalf("got %v (code %q, field %q), want code %q on field %q", err, aims.ErrorCode(err), aims.ErrorField(err), code, field)
	}
}

func pageOf(limit int) aims.Page { return aims.Page{Limit: limit} }

func pageOfCursor(cursor string) aims.Page { return aims.Page{Limit: 1, Cursor: cursor} }
