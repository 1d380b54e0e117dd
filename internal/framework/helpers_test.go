package framework_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
)

// oscalFile reads a file of testdata/oscal, the real OSCAL content the tests import.
func oscalFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "oscal", name))
	if err != nil {
		t.Fatalf("cannot read test data in testdata/ at the repository root: %v", err)
	}
	return b
}

// fixture is a fresh store with one organization and the service over it.
type fixture struct {
	db  *store.DB
	svc *framework.Service
	org *account.Organization
	ctx context.Context
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db := storetest.Open(t)
	ctx := context.Background()
	o, err := account.NewService(db, db.Now).CreateOrganization(ctx, "acme", "Acme")
	if err != nil {
		t.Fatal(err)
	}
	svc := framework.NewService(db)
	svc.Links = record.NewService(db)
	return &fixture{db: db, svc: svc, org: o, ctx: ctx}
}

// otherOrg creates a second organization.
func (f *fixture) otherOrg(t testing.TB, slug string) *account.Organization {
	t.Helper()
	o, err := account.NewService(f.db, f.db.Now).CreateOrganization(f.ctx, slug, slug)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (f *fixture) importFile(t testing.TB, req framework.ImportRequest) *framework.Framework {
	t.Helper()
	req.OrgID = f.org.ID
	fw, err := f.svc.Import(f.ctx, req)
	if err != nil {
		t.Fatalf("import %s: %v", req.Filename, err)
	}
	return fw
}

// tree returns a framework's nodes by ref.
func (f *fixture) tree(t testing.TB, key string) ([]framework.Node, map[string]framework.Node) {
	t.Helper()
	fw, err := f.svc.Framework(f.ctx, f.org.ID, key)
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := f.svc.Tree(f.ctx, f.org.ID, fw)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]framework.Node{}
	for _, n := range nodes {
		by[n.Ref] = n
	}
	return nodes, by
}

// ownFrameworks counts the organization's own framework revisions.
func (f *fixture) ownFrameworks(t testing.TB) int {
	t.Helper()
	all, err := f.db.ListFrameworks(f.ctx, f.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, x := range all {
		if !x.Builtin() {
			n++
		}
	}
	return n
}

// importIssues returns the issues of an *ImportError, failing the test for any other error.
func importIssues(t testing.TB, err error) []framework.Issue {
	t.Helper()
	var ie *framework.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T), want an *ImportError", err, err)
	}
	if aims.ErrorCode(err) != aims.EINVALID {
		t.Fatalf("code %s, want invalid", aims.ErrorCode(err))
	}
	return ie.Issues
}
