package web_test

import (
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/system"
)

// prepareRecordLinks fills in the matrix's request for linking records and removing links: each links a
// fresh system of target, or removes a fresh link of target.
func prepareRecordLinks(t *testing.T, f *apptest.Fixture, r *matrixRequest, route string, target *account.Organization) {
	t.Helper()
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: target.ID})
	newSystem := func() *system.System {
		s, err := f.Systems.Create(ctx, target.ID, system.Fields{Name: "Matrix system " + aims.NewID(), Purpose: "Matrix."})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	switch route {
	case "POST /links":
		s := newSystem()
		r.form.Set("self", "system:"+s.ID)
		r.form.Set("relationship", "implements:from")
		r.form.Set("target", "control:iso42001-2023/A.6.2.4")
		r.okLocation = "/systems/" + s.ID + "#record-links-title"
	case "POST /links/{id}/remove":
		s := newSystem()
		l, err := f.Records.Link(ctx, target.ID, record.NewLink{Relationship: "implements", From: "system:" + s.ID, To: "control:iso42001-2023/A.6.2.4"})
		if err != nil {
			t.Fatal(err)
		}
		r.path = "/links/" + l.ID + "/remove"
		r.form.Set("self", "system:"+s.ID)
		r.okLocation = "/systems/" + s.ID + "#record-links-title"
	}
}
