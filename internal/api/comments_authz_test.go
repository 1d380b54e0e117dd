package api_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// actingAs returns a context acting as m in its organization.
func actingAs(m *member) context.Context {
	return aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorUser, ID: m.User.ID, Name: m.User.Name, UserID: m.User.ID,
		OrgID: m.Org.ID, OrgSlug: m.Org.Slug, Role: m.Role})
}

// seedComment starts a thread by author on a fresh system of author's organization.
func (e *env) seedComment(t *testing.T, author *member) *record.Comment {
	t.Helper()
	s := e.seedSystem(t, author.Org.ID)
	c, err := e.Records.AddComment(actingAs(author), author.Org.ID, record.NewComment{Record: "system:" + s.ID, Body: "Where is the evidence?"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// commentsMatrixCall returns the matrix's call of a comment route, and true, or false for other routes.
func (e *env) commentsMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	callerOrg := caller.Org.ID
	switch method + " " + path {
	case "GET /api/v1/comments":
		e.seedComment(t, tg.members[aims.RoleOwner])
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			var l struct{ Items []record.Comment }
			res.decode(t, &l)
			for _, x := range l.Items {
				if _, err := e.Records.Comment(e.Ctx, callerOrg, x.ID); err != nil {
					t.Errorf("listed comment %s of another organization", x.ID)
				}
			}
		}, true
	case "POST /api/v1/comments":
		s := e.seedSystem(t, callerOrg)
		c.body = map[string]any{"record": "system:" + s.ID, "body": "Is this model card current?"}
		return c, func(t *testing.T, _ *response, changed bool) {
			cs, _, err := e.Records.Comments(e.Ctx, callerOrg, record.CommentFilter{Record: &record.Ref{Type: record.TypeSystem, ID: s.ID}}, pageAll)
			if err != nil || changed != (len(cs) == 1) {
				t.Errorf("comments on the caller's system: %d, %v (changed %v)", len(cs), err, changed)
			}
		}, true
	case "GET /api/v1/comments/{id}", "PATCH /api/v1/comments/{id}":
		// In their own organization the caller resolves their own thread (which any commenter may); a
		// viewer, who may not comment, is given the owner's.
		author := tg.members[aims.RoleOwner]
		if caller.Org.ID == tg.org.ID && caller.Role != aims.RoleViewer {
			author = caller
		}
		x := e.seedComment(t, author)
		c.path = "/api/v1/comments/" + x.ID
		if method == "PATCH" {
			c.body = map[string]any{"resolved": true}
		}
		return c, func(t *testing.T, _ *response, changed bool) {
			cur, err := e.Records.Comment(e.Ctx, tg.org.ID, x.ID)
			if err != nil {
				t.Fatal(err)
			}
			if method == "PATCH" && cur.Resolved != changed {
				t.Errorf("the thread is resolved: %v, changed %v", cur.Resolved, changed)
			}
		}, true
	}
	return c, nil, false
}
