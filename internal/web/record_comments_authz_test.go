package web_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/system"
)

// prepareComments fills in the matrix's request for commenting, editing a comment and resolving a thread:
// on a fresh system of target, a comment of u's own where u may comment there, another member's otherwise.
func prepareComments(t *testing.T, f *apptest.Fixture, r *matrixRequest, route string, u *account.User, target *account.Organization) {
	t.Helper()
	switch route {
	case "POST /comments", "POST /comments/{id}/edit", "POST /comments/{id}/resolve":
	default:
		return
	}
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: target.ID})
	s, err := f.Systems.Create(ctx, target.ID, system.Fields{Name: "Matrix system " + aims.NewID(), Purpose: "Matrix."})
	if err != nil {
		t.Fatal(err)
	}
	self := "system:" + s.ID
	if route == "POST /comments" {
		r.form.Set("self", self)
		r.form.Set("body", "Where is the evidence?")
		return // the redirect names the new comment, whose id is not known here
	}
	author := u
	if m, err := f.DB.MembershipOf(f.Ctx, target.ID, u.ID); err != nil || m.Role == aims.RoleViewer {
		author = newUser(t, f, "author-"+aims.NewID()+"@example.com", target, aims.RoleAuditor)
	}
	m, err := f.DB.MembershipOf(f.Ctx, target.ID, author.ID)
	if err != nil {
		t.Fatal(err)
	}
	actx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorUser, ID: author.ID, Name: author.Name, UserID: author.ID,
		OrgID: target.ID, Role: m.Role})
	c, err := f.Records.AddComment(actx, target.ID, record.NewComment{Record: self, Body: "Where is the evidence?"})
	if err != nil {
		t.Fatal(err)
	}
	r.form.Set("version", "1")
	if route == "POST /comments/{id}/edit" {
		r.path = "/comments/" + c.ID + "/edit"
		r.form.Set("body", "Where is the evidence for release 4.2?")
	} else {
		r.path = "/comments/" + c.ID + "/resolve"
		r.form.Set("resolved", "true")
	}
	r.okLocation = "/systems/" + s.ID + "#comment-" + c.ID
}
