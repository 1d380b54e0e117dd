package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
)

func newOrg(t *testing.T, db *store.DB, slug string) *account.Organization {
	t.Helper()
	o := &account.Organization{Slug: slug, Name: "Org " + slug}
	if err := db.CreateOrganization(context.Background(), o); err != nil {
		t.Fatalf("create organization %s: %v", slug, err)
	}
	return o
}

// openMigratedTo opens a fresh test store migrated up to version only, as an older aims left it.
func openMigratedTo(t *testing.T, version int) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.Options(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.MigrateTo(ctx, version); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestMigrateIsIdempotentAndRecorded(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	applied, err := db.Migrate(ctx)
	if err != nil || len(applied) != 0 {
		t.Fatalf("second Migrate applied %v, err %v; want nothing", applied, err)
	}
	st, err := db.Status(ctx)
	if err != nil || !st.UpToDate() || st.Current < 1 {
		t.Fatalf("Status = %+v, %v; want up to date", st, err)
	}
}

func TestOrganizationSlugIsUniqueAndVersioned(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	o := newOrg(t, db, "acme")
	err := db.CreateOrganization(ctx, &account.Organization{Slug: "acme", Name: "Again"})
	if aims.ErrorCode(err) != aims.ECONFLICT || aims.ErrorField(err) != "slug" {
		t.Fatalf("duplicate slug: got %v, want conflict on slug", err)
	}
	o.Name = "Acme Ltd"
	if err := db.UpdateOrganization(ctx, o, 1); err != nil {
		t.Fatalf("update at version 1: %v", err)
	}
	if o.Version != 2 {
		t.Fatalf("version after update = %d, want 2", o.Version)
	}
	stale := *o
	stale.Name = "Lost update"
	if err := db.UpdateOrganization(ctx, &stale, 1); aims.ErrorCode(err) != aims.EPRECONDITION {
		t.Fatalf("stale update: got %v, want precondition", err)
	}
	got, err := db.OrganizationBySlug(ctx, "acme")
	if err != nil || got.Name != "Acme Ltd" || !got.CreatedAt.Equal(o.CreatedAt) {
		t.Fatalf("read back %+v, %v", got, err)
	}
}

func TestMembershipsKeepAnOwnerAndStayInTheirOrganization(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	a, b := newOrg(t, db, "a"), newOrg(t, db, "b")
	u := &account.User{Email: "u@example.com", Name: "U"}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateUser(ctx, &account.User{Email: "u@example.com", Name: "dup"}); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("duplicate email: %v", err)
	}
	m := &account.Membership{OrgID: a.ID, UserID: u.ID, Role: aims.RoleOwner}
	if err := db.CreateMembership(ctx, m); err != nil {
		t.Fatal(err)
	}
	if m.UserEmail != "u@example.com" || m.OrgSlug != "a" {
		t.Fatalf("membership not filled in: %+v", m)
	}
	if _, err := db.MembershipByID(ctx, b.ID, m.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("membership read through another organization: %v", err)
	}
	if err := db.DeleteMembership(ctx, b.ID, m.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("membership deleted through another organization: %v", err)
	}
	m.Role = aims.RoleViewer
	if err := db.UpdateMembership(ctx, m, 0); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("demoting the last owner: %v", err)
	}
	if err := db.DeleteMembership(ctx, a.ID, m.ID); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("removing the last owner: %v", err)
	}
	list, next, err := db.ListMembers(ctx, a.ID, aims.Page{Limit: 10})
	if err != nil || len(list) != 1 || next != "" {
		t.Fatalf("ListMembers = %d, %q, %v", len(list), next, err)
	}
}

func TestTokensArePagedAndRevokedOnce(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	o := newOrg(t, db, "acme")
	other := newOrg(t, db, "other")
	u := &account.User{Email: "u@example.com", Name: "U"}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := 0; i < 5; i++ {
		tok := &account.Token{OrgID: o.ID, UserID: u.ID, Name: "t", Role: aims.RoleViewer, Prefix: "aims_x", SecretHash: aims.NewID() + string(rune('a'+i))}
		if err := db.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tok.ID)
	}
	var seen []string
	cursor := ""
	for {
		page, next, err := db.ListTokens(ctx, o.ID, aims.Page{Cursor: cursor, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range page {
			seen = append(seen, tk.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(seen) != 5 || seen[0] != ids[4] || seen[4] != ids[0] {
		t.Fatalf("paged tokens %v, want newest first of %v", seen, ids)
	}
	if _, err := db.RevokeToken(ctx, other.ID, ids[0], 0); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("revoked through another organization: %v", err)
	}
	if _, err := db.RevokeToken(ctx, o.ID, ids[0], 7); aims.ErrorCode(err) != aims.EPRECONDITION {
		t.Fatalf("revoke with a wrong version: %v", err)
	}
	tok, err := db.RevokeToken(ctx, o.ID, ids[0], 1)
	if err != nil || tok.RevokedAt == nil || tok.Active(time.Now()) {
		t.Fatalf("revoke: %+v, %v", tok, err)
	}
	if _, err := db.RevokeToken(ctx, o.ID, ids[0], 0); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("second revoke: %v", err)
	}
	if _, _, err := db.ListTokens(ctx, o.ID, aims.Page{Cursor: "!!"}); aims.ErrorCode(err) != aims.EINVALID {
		t.Fatalf("bad cursor: %v", err)
	}
}

func TestEveryChangeIsChainedInTheActivityTrail(t *testing.T) {
	db := storetest.Open(t)
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorUser, ID: "u1", Name: "Ada"})
	o := newOrg(t, db, "acme")
	o.Name = "Acme 2"
	if err := db.UpdateOrganization(ctx, o, 0); err != nil {
		t.Fatal(err)
	}
	entries, _, err := db.ListActivity(ctx, o.ID, aims.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("got %d entries, want 2", len(entries))
	}
	upd, create := entries[0], entries[1]
	if upd.Action != activity.ActionUpdate || upd.ActorName != "Ada" || upd.Seq != 2 || upd.PrevHash != create.Hash {
		t.Fatalf("update entry %+v does not follow create %+v", upd, create)
	}
	if create.PrevHash != activity.GenesisHash || string(create.Before) != "null" {
		t.Fatalf("create entry %+v", create)
	}
	if n, err := db.VerifyActivity(ctx, o.ID); err != nil || n != 2 {
		t.Fatalf("VerifyActivity = %d, %v", n, err)
	}
}

func TestConcurrentWritersDoNotForkTheChain(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	o := newOrg(t, db, "acme")
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				cur, err := db.OrganizationByID(ctx, o.ID)
				if err != nil {
					errs <- err
					return
				}
				cur.Name = "n"
				if err := db.UpdateOrganization(ctx, cur, 0); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent update: %v", err)
	}
	n, err := db.VerifyActivity(ctx, o.ID)
	if err != nil || n != 41 {
		t.Fatalf("VerifyActivity = %d, %v; want 41 entries intact", n, err)
	}
}

func TestTheActivityTrailRefusesChangesInTheDatabase(t *testing.T) {
	db := storetest.Open(t)
	o := newOrg(t, db, "acme")
	write, _ := db.Pools()
	stmts := []string{
		`UPDATE activity SET actor_name = 'x' WHERE org_id = '` + o.ID + `'`,
		`DELETE FROM activity WHERE org_id = '` + o.ID + `'`,
	}
	if db.Dialect() == store.Postgres {
		// TRUNCATE fires no row trigger: it emptied the trail, which then verified as "0 entries intact".
		stmts = append(stmts, `TRUNCATE activity, activity_heads`, `TRUNCATE activity`, `TRUNCATE activity_heads`,
			`TRUNCATE organizations CASCADE`)
	}
	for _, q := range stmts {
		if _, err := write.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", q, err)
		}
	}
	if n, err := db.VerifyActivity(context.Background(), o.ID); err != nil || n != 1 {
		t.Fatalf("VerifyActivity = %d, %v", n, err)
	}
}
