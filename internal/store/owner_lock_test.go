package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/storetest"
)

// TestAnOwnerCheckHoldsTheMembershipUntilTheWrite: a service that reads a membership inside its
// transaction (to check an owner) keeps it from changing until the transaction ends, so that a role
// change cannot slip between the check and the write: on PostgreSQL by FOR SHARE, on SQLite by the
// single writer.
func TestAnOwnerCheckHoldsTheMembershipUntilTheWrite(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := context.Background()
	accts := account.NewService(db, db.Now)
	o, err := accts.CreateOrganization(ctx, "acme", "Acme")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accts.CreateUser(ctx, "priya@acme.example", "Priya", ""); err != nil {
		t.Fatal(err)
	}
	m, err := accts.AddMember(ctx, o.ID, "priya@acme.example", aims.RoleContributor)
	if err != nil {
		t.Fatal(err)
	}
	inside, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	released := false
	defer func() {
		if !released { // a failing check must not leave the transaction open
			close(release)
			<-done
		}
	}()
	go func() {
		done <- db.Atomically(ctx, func(ctx context.Context) error {
			if _, err := db.MembershipOf(ctx, o.ID, m.UserID); err != nil {
				return err
			}
			close(inside)
			<-release
			return nil
		})
	}()
	<-inside
	change := *m
	change.Role = aims.RoleViewer
	wait, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	err = db.UpdateMembership(wait, &change, m.Version)
	cancel()
	if err == nil {
		t.Fatal("the role changed while a transaction relied on it")
	}
	close(release)
	released = true
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	change = *m
	change.Role = aims.RoleViewer
	if err := db.UpdateMembership(ctx, &change, m.Version); err != nil {
		t.Fatalf("the role change after the transaction: %v", err)
	}
}
