package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/storetest"
)

// TestDriverErrorsAreMappedByCode breaks a primary key, a unique key and a foreign key on the dialect
// under test and checks each is ECONFLICT with a message for people, read from the driver's code
// (SQLSTATE, SQLite extended result code) and not its message; a syntax error stays what it is.
func TestDriverErrorsAreMappedByCode(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := context.Background()
	o := &account.Organization{Slug: "acme", Name: "Acme"}
	if err := db.CreateOrganization(ctx, o); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	insertMember := `INSERT INTO memberships (id, org_id, user_id, role, version, created_at, updated_at) VALUES (?, ?, ?, 'viewer', 1, ?, ?)`
	for _, tc := range []struct {
		name  string
		query string
		args  []any
		code  string
		says  string
	}{
		{"primary key", `INSERT INTO organizations (id, slug, name, version, created_at, updated_at) VALUES (?, 'other', 'Other', 1, ?, ?)`,
			[]any{o.ID, now, now}, aims.ECONFLICT, "exists already"},
		{"unique key", `INSERT INTO organizations (id, slug, name, version, created_at, updated_at) VALUES (?, 'acme', 'Acme 2', 1, ?, ?)`,
			[]any{aims.NewID(), now, now}, aims.ECONFLICT, "exists already"},
		{"foreign key", insertMember, []any{aims.NewID(), o.ID, aims.NewID(), now, now}, aims.ECONFLICT, "refers to one that does not exist"},
		{"syntax", `INSERT INTO nowhere VALUES (`, nil, "", ""},
	} {
		err := db.ExecNormalized(ctx, tc.query, tc.args...)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		var ae *aims.Error
		mapped := errors.As(err, &ae)
		if tc.code == "" {
			if mapped {
				t.Errorf("%s: %v mapped to %s", tc.name, err, ae.Code)
			}
			continue
		}
		if !mapped || ae.Code != tc.code || !strings.Contains(ae.Message, tc.says) {
			t.Errorf("%s: %v, want %s saying %q", tc.name, err, tc.code, tc.says)
		}
	}
}

// TestAtomicallyJoinsReadsAndWritesAndRollsBack: a service's unit of work sees its own writes, joins a
// nested unit, and leaves nothing when it fails; a context that outlives the unit no longer joins it.
func TestAtomicallyJoinsReadsAndWritesAndRollsBack(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := context.Background()
	boom := errors.New("a rule refused")
	var kept context.Context
	err := db.Atomically(ctx, func(ctx context.Context) error {
		kept = ctx
		if err := db.CreateOrganization(ctx, &account.Organization{Slug: "acme", Name: "Acme"}); err != nil {
			return err
		}
		if _, err := db.OrganizationBySlug(ctx, "acme"); err != nil {
			t.Errorf("the unit does not read its own write: %v", err)
		}
		return db.Atomically(ctx, func(ctx context.Context) error {
			if err := db.CreateOrganization(ctx, &account.Organization{Slug: "beta", Name: "Beta"}); err != nil {
				return err
			}
			return boom
		})
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Atomically = %v, want the rule's error", err)
	}
	for _, slug := range []string{"acme", "beta"} {
		if _, err := db.OrganizationBySlug(ctx, slug); aims.ErrorCode(err) != aims.ENOTFOUND {
			t.Errorf("organization %s after the rollback: %v, want ENOTFOUND", slug, err)
		}
	}
	// The context of the finished unit works on its own, outside any transaction.
	if err := db.CreateOrganization(kept, &account.Organization{Slug: "gamma", Name: "Gamma"}); err != nil {
		t.Fatalf("a write with the finished unit's context: %v", err)
	}
	if err := db.Atomically(ctx, func(ctx context.Context) error {
		return db.CreateOrganization(ctx, &account.Organization{Slug: "delta", Name: "Delta"})
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OrganizationBySlug(ctx, "delta"); err != nil {
		t.Errorf("the committed unit's write: %v", err)
	}
}
