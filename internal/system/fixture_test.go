package system_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// fixture is an organization with one AI system, over a fresh store.
type fixture struct {
	db        *store.DB
	svc       *system.Service
	ctx       context.Context
	org       *account.Organization
	sys       *system.System
	trail     func(t testing.TB) int
	lastEntry func(t testing.TB) *activity.Entry
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db := storetest.Open(t)
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorUser, ID: "tester", Name: "Tess Ter"})
	f := &fixture{db: db, svc: system.NewService(db), ctx: ctx}
	f.svc.Links = record.NewService(db)
	f.org = &account.Organization{Slug: "acme", Name: "Acme"}
	if err := db.CreateOrganization(ctx, f.org); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.sys, err = f.svc.Create(ctx, f.org.ID, system.Fields{Name: "Assistant", Purpose: "Answers customers."}); err != nil {
		t.Fatal(err)
	}
	f.lastEntry = func(t testing.TB) *activity.Entry {
		t.Helper()
		var last *activity.Entry
		if err := db.EachActivity(ctx, f.org.ID, func(e *activity.Entry) error { last = e; return nil }); err != nil || last == nil {
			t.Fatalf("no activity: %v", err)
		}
		return last
	}
	f.trail = func(t testing.TB) int {
		t.Helper()
		n := 0
		if err := db.EachActivity(ctx, f.org.ID, func(*activity.Entry) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	return f
}
