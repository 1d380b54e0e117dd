// Package apptest builds a whole aims over a fresh test store (SQLite, or PostgreSQL when
// AIMS_TEST_POSTGRES_DSN is set) and seeds organizations, users and tokens for HTTP tests.
package apptest

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
)

// Password is the password of every seeded user.
const Password = "correct horse battery staple"

// Fixture is a running aims for one test.
type Fixture struct {
	*app.App
	Srv *httptest.Server
	// Ctx acts as the system (an operator), for seeding.
	Ctx context.Context
	// StoreOptions opened the store: a test may open a second connection to the same database, as another
	// process would.
	StoreOptions store.Options
}

// New starts aims on a fresh store behind an httptest.Server, closed when t ends.
func New(t testing.TB) *Fixture {
	t.Helper()
	return NewWith(t, Options{})
}

// Options tune NewWith.
type Options struct {
	// Accounts, when set, is given the account service before aims is assembled, so that a test can lower
	// its limits or inject a password hasher that counts evaluations.
	Accounts func(*account.Service)
	// TrustProxy takes client addresses from X-Forwarded-For, so that a test can log in from many.
	TrustProxy bool
}

// NewWith is New with o's settings.
func NewWith(t testing.TB, o Options) *Fixture {
	t.Helper()
	so := storetest.Options(t)
	db := storetest.OpenWith(t, so)
	accts := account.NewService(db, db.Now)
	if o.Accounts != nil {
		o.Accounts(accts)
	}
	a, err := app.New(db, app.Options{Accounts: accts, TrustProxy: o.TrustProxy})
	if err != nil {
		t.Fatalf("cannot assemble aims: %v", err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	return &Fixture{App: a, Srv: srv, Ctx: context.Background(), StoreOptions: so}
}

// Org creates an organization.
func (f *Fixture) Org(t testing.TB, slug string) *account.Organization {
	t.Helper()
	o, err := f.Accounts.CreateOrganization(f.Ctx, slug, "Organization "+slug)
	if err != nil {
		t.Fatalf("cannot create organization %s: %v", slug, err)
	}
	return o
}

// User creates a user with Password and gives them role in org (if org is not nil). An existing user with
// the email is reused.
func (f *Fixture) User(t testing.TB, email string, org *account.Organization, role aims.Role) *account.User {
	t.Helper()
	u, err := f.DB.UserByEmail(f.Ctx, email)
	if aims.ErrorCode(err) == aims.ENOTFOUND {
		u, err = f.Accounts.CreateUser(f.Ctx, email, "", Password)
	}
	if err != nil {
		t.Fatalf("cannot create user %s: %v", email, err)
	}
	if org != nil {
		if _, err := f.Accounts.AddMember(f.Ctx, org.ID, email, role); err != nil {
			t.Fatalf("cannot add %s to %s: %v", email, org.Slug, err)
		}
	}
	return u
}

// Token creates an API token for u in org with role and returns its secret.
func (f *Fixture) Token(t testing.TB, u *account.User, org *account.Organization, role aims.Role) string {
	t.Helper()
	m, err := f.DB.MembershipOf(f.Ctx, org.ID, u.ID)
	if err != nil {
		t.Fatalf("%s is not a member of %s: %v", u.Email, org.Slug, err)
	}
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: org.ID, OrgSlug: org.Slug, Role: m.Role})
	secret, _, err := f.Accounts.CreateToken(ctx, "test token", role, 0)
	if err != nil {
		t.Fatalf("cannot create token: %v", err)
	}
	return secret
}

// Member returns an organization's member actor context for u, for seeding records as that person.
func (f *Fixture) Member(t testing.TB, u *account.User, org *account.Organization) context.Context {
	t.Helper()
	m, err := f.DB.MembershipOf(f.Ctx, org.ID, u.ID)
	if err != nil {
		t.Fatalf("%s is not a member of %s: %v", u.Email, org.Slug, err)
	}
	return aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: org.ID, OrgSlug: org.Slug, Role: m.Role})
}
