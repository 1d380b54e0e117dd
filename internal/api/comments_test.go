package api_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// TestCommentsThroughTheAPI: an auditor asks a question on a system with a token and mentions a member;
// a contributor replies and resolves it; the auditor finds their open questions by role and status; the
// text can be changed by its author only, for fifteen minutes, with If-Match; bad input is a problem
// naming the field; another organization's comments are 404; a viewer may not comment.
func TestCommentsThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, other := e.org(t, "acme"), e.org(t, "other")
	audrey := e.member(t, acme, aims.RoleAuditor)
	priya := e.member(t, acme, aims.RoleContributor)
	vic := e.member(t, acme, aims.RoleViewer)
	stranger := e.member(t, other, aims.RoleOwner)
	s := e.seedSystem(t, acme.ID)
	sys := "system:" + s.ID

	var q record.Comment
	res := e.do(t, "POST", "/api/v1/comments", audrey.Token, map[string]any{"record": sys,
		"body": "@" + priya.User.Email + " which **dataset** trained release 4.2?"}).want(t, 201)
	res.decode(t, &q)
	if q.AuthorRole != aims.RoleAuditor || len(q.Mentions) != 1 || q.Mentions[0].UserID != priya.User.ID ||
		!strings.Contains(q.HTML, "<strong>dataset</strong>") || res.header.Get("ETag") != `"1"` {
		t.Fatalf("the question: %+v (ETag %s)", q, res.header.Get("ETag"))
	}
	var reply record.Comment
	e.do(t, "POST", "/api/v1/comments", priya.Token, map[string]any{"parent_id": q.ID, "body": "Support tickets, 2025-01 export."}).
		want(t, 201).decode(t, &reply)
	var open struct{ Items []record.Comment }
	e.do(t, "GET", "/api/v1/comments?author_role=auditor&status=open", audrey.Token, nil).want(t, 200).decode(t, &open)
	if len(open.Items) != 1 || open.Items[0].ID != q.ID || open.Items[0].Replies != 1 {
		t.Errorf("open auditor questions: %+v", open.Items)
	}
	var thread struct{ Items []record.Comment }
	e.do(t, "GET", "/api/v1/comments?record="+url.QueryEscape(sys), vic.Token, nil).want(t, 200).decode(t, &thread)
	if len(thread.Items) != 2 || thread.Items[0].ID != q.ID || thread.Items[1].ParentID != q.ID {
		t.Errorf("the system's comments, oldest first: %+v", thread.Items)
	}

	before := e.counts(t, acme, other)
	for _, tc := range []struct {
		name        string
		token       string
		body        map[string]any
		status      int
		code, field string
		offContract bool
	}{
		{"an empty text", audrey.Token, map[string]any{"record": sys, "body": " "}, 400, "invalid", "body", false},
		{"a text over the limit", audrey.Token, map[string]any{"record": sys, "body": strings.Repeat("x", 10_001)}, 400, "invalid", "body", true},
		{"a mention of no member", audrey.Token, map[string]any{"record": sys, "body": "@nobody see"}, 400, "invalid", "body", false},
		{"another organization's record", stranger.Token, map[string]any{"record": sys, "body": "hello"}, 404, "not_found", "", false},
		{"a viewer", vic.Token, map[string]any{"record": sys, "body": "hello"}, 403, "forbidden", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.send(t, call{method: "POST", path: "/api/v1/comments", token: tc.token, body: tc.body, offContract: tc.offContract}).
				wantProblem(t, tc.status, tc.code, tc.field)
		})
	}
	e.do(t, "GET", "/api/v1/comments/"+q.ID, stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", "/api/v1/comments?record="+url.QueryEscape(sys), stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "PATCH", "/api/v1/comments/"+q.ID, priya.Token, map[string]any{"body": "not mine"}).wantProblem(t, 403, "forbidden", "")
	e.do(t, "PATCH", "/api/v1/comments/"+reply.ID, priya.Token, map[string]any{"resolved": true}).wantProblem(t, 400, "invalid", "resolved")
	e.do(t, "PATCH", "/api/v1/comments/"+q.ID, audrey.Token, map[string]any{"body": "x", "resolved": true}).wantProblem(t, 400, "invalid", "body")
	e.unchanged(t, before)

	// The author corrects the text within fifteen minutes, with the ETag they read.
	var ed record.Comment
	e.do(t, "PATCH", "/api/v1/comments/"+q.ID, audrey.Token, map[string]any{"body": "Which dataset trained release 4.2?"}, "If-Match", `"1"`).
		want(t, 200).decode(t, &ed)
	if ed.Version != 2 || ed.EditedAt == nil {
		t.Errorf("edited: %+v", ed)
	}
	e.do(t, "PATCH", "/api/v1/comments/"+q.ID, priya.Token, map[string]any{"resolved": true}, "If-Match", `"1"`).wantProblem(t, 412, "precondition", "")
	var resolved record.Comment
	e.do(t, "PATCH", "/api/v1/comments/"+q.ID, priya.Token, map[string]any{"resolved": true}, "If-Match", `"2"`).want(t, 200).decode(t, &resolved)
	if !resolved.Resolved || resolved.ResolvedBy != priya.User.Name {
		t.Errorf("resolved: %+v", resolved)
	}
	e.do(t, "GET", "/api/v1/comments?author_role=auditor&status=open", audrey.Token, nil).want(t, 200).decode(t, &open)
	if len(open.Items) != 0 {
		t.Errorf("open auditor questions after resolving: %+v", open.Items)
	}
	e.do(t, "GET", "/api/v1/comments?record=robot:x", vic.Token, nil).wantProblem(t, 400, "invalid", "record")

	// A thread holds record.MaxReplies replies.
	for i := q.Replies + 1; i < record.MaxReplies; i++ {
		if _, err := e.Records.AddComment(actingAs(priya), acme.ID, record.NewComment{ParentID: q.ID, Body: "More."}); err != nil {
			t.Fatal(err)
		}
	}
	e.do(t, "POST", "/api/v1/comments", audrey.Token, map[string]any{"parent_id": q.ID, "body": "One more?"}).wantProblem(t, 409, "conflict", "")
	e.clock.Advance(16 * time.Minute)
	e.do(t, "PATCH", "/api/v1/comments/"+q.ID, audrey.Token, map[string]any{"body": "too late"}).wantProblem(t, 409, "conflict", "")
}
