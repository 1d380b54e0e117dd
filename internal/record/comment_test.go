package record_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/record"
)

// as returns a context acting as a new member of org with role, and the member's user.
func (f *fixture) as(t *testing.T, org *account.Organization, email string, role aims.Role) (context.Context, *account.User) {
	t.Helper()
	u, err := f.sv.Accounts.CreateUser(context.Background(), email, "Person "+strings.Split(email, "@")[0], "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Accounts.AddMember(context.Background(), org.ID, email, role); err != nil {
		t.Fatal(err)
	}
	return aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: org.ID,
		OrgSlug: org.Slug, Role: role}), u
}

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestCommentsCarryAnAuditorsQuestions: an auditor asks a question on a system and mentions its owner;
// the text is rendered safely; a contributor replies and resolves the thread; the threads are found by
// the author's role and by status; replies join their thread.
func TestCommentsCarryAnAuditorsQuestions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	clk := &testClock{now: time.Now().UTC().Truncate(time.Microsecond)}
	f.sv.Records.Now = clk.Now
	audit, audrey := f.as(t, f.org, "audrey@audit.example", aims.RoleAuditor)
	contrib, _ := f.as(t, f.org, "priya.shah@lumen.example", aims.RoleContributor)
	_, maya := f.as(t, f.org, "maya.okafor@lumen.example", aims.RoleManager)
	talent := f.system(t, f.org.ID, "TalentMatch")

	before := f.trail(t, f.org.ID)
	q, err := f.sv.Records.AddComment(audit, f.org.ID, record.NewComment{Record: talent,
		Body: "@maya.okafor where is the **bias test** for release 4.2? <script>alert(1)</script> [run](javascript:alert(1))"})
	if err != nil {
		t.Fatal(err)
	}
	if q.AuthorRole != aims.RoleAuditor || q.AuthorID != audrey.ID || len(q.Mentions) != 1 || q.Mentions[0].UserID != maya.ID {
		t.Errorf("the question: role %s, author %s, mentions %+v", q.AuthorRole, q.AuthorID, q.Mentions)
	}
	if !strings.Contains(q.HTML, "<strong>bias test</strong>") || strings.Contains(q.HTML, "<script") || strings.Contains(q.HTML, "javascript:") {
		t.Errorf("the rendering is not safe Markdown: %s", q.HTML)
	}
	if q.Record.Title != "TalentMatch" {
		t.Errorf("the question is about %+v", q.Record)
	}
	reply, err := f.sv.Records.AddComment(contrib, f.org.ID, record.NewComment{ParentID: q.ID, Body: "In the evidence folder: see the run of 3 May."})
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.sv.Records.AddComment(audit, f.org.ID, record.NewComment{ParentID: reply.ID, Body: "Thanks, found it."})
	if err != nil {
		t.Fatal(err)
	}
	if again.ParentID != q.ID {
		t.Errorf("a reply to a reply joins thread %s, want %s", again.ParentID, q.ID)
	}
	if _, err := f.sv.Records.AddComment(contrib, f.org.ID, record.NewComment{Record: talent, Body: "A note of our own."}); err != nil {
		t.Fatal(err)
	}
	if n := f.trail(t, f.org.ID); n != before+4 {
		t.Errorf("4 comments wrote %d activity entries", n-before)
	}

	count := func(fl record.CommentFilter) int {
		t.Helper()
		cs, _, err := f.sv.Records.Comments(f.ctx, f.org.ID, fl, aims.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return len(cs)
	}
	r := ref(t, talent)
	if n := count(record.CommentFilter{Record: r}); n != 4 {
		t.Errorf("%d comments on TalentMatch, want 4", n)
	}
	if n := count(record.CommentFilter{Record: r, Threads: true}); n != 2 {
		t.Errorf("%d threads, want 2", n)
	}
	if n := count(record.CommentFilter{AuthorRole: aims.RoleAuditor, Status: "open"}); n != 1 {
		t.Errorf("%d open auditor threads, want 1", n)
	}
	if n, more, err := f.sv.Records.CountComments(f.ctx, f.org.ID, record.CommentFilter{AuthorRole: aims.RoleAuditor, Status: "open"}, 10); err != nil || n != 1 || more {
		t.Errorf("counted %d open auditor threads, more %v (%v); want 1", n, more, err)
	}
	if n := count(record.CommentFilter{Thread: q.ID}); n != 2 {
		t.Errorf("%d replies, want 2", n)
	}
	got, err := f.sv.Records.Comment(f.ctx, f.org.ID, q.ID)
	if err != nil || got.Replies != 2 {
		t.Errorf("the thread has %d replies (%v), want 2", got.Replies, err)
	}

	// Resolving: the contributor may (they may change the system), a reply may not be resolved alone.
	if _, err := f.sv.Records.ResolveComment(contrib, f.org.ID, reply.ID, true, 0); aims.ErrorCode(err) != aims.EINVALID {
		t.Errorf("resolving a reply: %v, want EINVALID", err)
	}
	res, err := f.sv.Records.ResolveComment(contrib, f.org.ID, q.ID, true, q.Version)
	if err != nil || !res.Resolved || res.ResolvedBy != "Person priya.shah" {
		t.Fatalf("resolved: %+v, %v", res, err)
	}
	if _, err := f.sv.Records.ResolveComment(contrib, f.org.ID, q.ID, false, q.Version); aims.ErrorCode(err) != aims.EPRECONDITION {
		t.Errorf("reopening with an old version: %v, want EPRECONDITION", err)
	}
	if n := count(record.CommentFilter{AuthorRole: aims.RoleAuditor, Status: "open"}); n != 0 {
		t.Errorf("%d open auditor threads after resolving, want 0", n)
	}
	if n := count(record.CommentFilter{Status: "resolved"}); n != 1 {
		t.Errorf("%d resolved threads, want 1", n)
	}
	// The auditor reopens their own question; they may not resolve someone else's thread.
	if _, err := f.sv.Records.ResolveComment(audit, f.org.ID, q.ID, false, 0); err != nil {
		t.Errorf("the auditor reopening their own question: %v", err)
	}
	others, _, _ := f.sv.Records.Comments(f.ctx, f.org.ID, record.CommentFilter{Record: r, Threads: true, AuthorRole: aims.RoleContributor}, aims.Page{})
	if _, err := f.sv.Records.ResolveComment(audit, f.org.ID, others[0].ID, true, 0); aims.ErrorCode(err) != aims.EFORBIDDEN {
		t.Errorf("the auditor resolving a contributor's thread: %v, want EFORBIDDEN", err)
	}

	// Editing: the author, for fifteen minutes.
	if _, err := f.sv.Records.EditComment(contrib, f.org.ID, q.ID, "changed", 0); aims.ErrorCode(err) != aims.EFORBIDDEN {
		t.Errorf("editing someone else's comment: %v, want EFORBIDDEN", err)
	}
	clk.Add(14 * time.Minute)
	ed, err := f.sv.Records.EditComment(audit, f.org.ID, q.ID, "Where is the bias test for release 4.2, @maya.okafor@lumen.example?", 0)
	if err != nil || ed.EditedAt == nil || len(ed.Mentions) != 1 {
		t.Fatalf("editing within the window: %+v, %v", ed, err)
	}
	clk.Add(2 * time.Minute)
	if _, err := f.sv.Records.EditComment(audit, f.org.ID, q.ID, "too late", 0); aims.ErrorCode(err) != aims.ECONFLICT ||
		!strings.Contains(aims.ErrorMessage(err), "add a new comment") {
		t.Errorf("editing after the window: %v, want ECONFLICT", err)
	}
}

// TestCommentsRefuseBadInput: nothing is written for an empty or oversized text, a mention of no member
// or of several, another organization's record or thread, or an actor who is not a member.
func TestCommentsRefuseBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	other := f.newOrg(t, "elsewhere")
	audit, _ := f.as(t, f.org, "audrey@audit.example", aims.RoleAuditor)
	f.as(t, f.org, "sam@lumen.example", aims.RoleContributor)
	f.as(t, f.org, "sam@partner.example", aims.RoleViewer)
	theirCtx, _ := f.as(t, other, "owner@elsewhere.example", aims.RoleOwner)
	talent := f.system(t, f.org.ID, "TalentMatch")
	theirs := f.system(t, other.ID, "Theirs")
	theirComment, err := f.sv.Records.AddComment(theirCtx, other.ID, record.NewComment{Record: theirs, Body: "Ours."})
	if err != nil {
		t.Fatal(err)
	}
	before := f.trail(t, f.org.ID)
	for _, tc := range []struct {
		name        string
		ctx         context.Context
		n           record.NewComment
		code, field string
		says        string
	}{
		{"empty", audit, record.NewComment{Record: talent, Body: "  \n "}, aims.EINVALID, "body", "Write the comment"},
		{"over the limit", audit, record.NewComment{Record: talent, Body: strings.Repeat("x", record.MaxCommentBytes+1)}, aims.EINVALID, "body", "at most"},
		{"a mention of no member", audit, record.NewComment{Record: talent, Body: "@nobody look"}, aims.EINVALID, "body", "@nobody is not a member"},
		{"a mention of several", audit, record.NewComment{Record: talent, Body: "@sam look"}, aims.EINVALID, "body", "more than one member"},
		{"another organization's record", audit, record.NewComment{Record: theirs, Body: "hello"}, aims.ENOTFOUND, "", ""},
		{"another organization's thread", audit, record.NewComment{ParentID: theirComment.ID, Body: "hello"}, aims.EINVALID, "parent_id", ""},
		{"no record", audit, record.NewComment{Body: "hello"}, aims.EINVALID, "record", "TYPE:ID"},
		{"not a member", theirCtx, record.NewComment{Record: talent, Body: "hello"}, aims.EFORBIDDEN, "", ""},
		{"no person", f.ctx, record.NewComment{Record: talent, Body: "hello"}, aims.EFORBIDDEN, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.sv.Records.AddComment(tc.ctx, f.org.ID, tc.n)
			if aims.ErrorCode(err) != tc.code || aims.ErrorField(err) != tc.field || !strings.Contains(aims.ErrorMessage(err), tc.says) {
				t.Errorf("got %v (field %q), want %s on %q saying %q", err, aims.ErrorField(err), tc.code, tc.field, tc.says)
			}
		})
	}
	if n := f.trail(t, f.org.ID); n != before {
		t.Errorf("refused comments wrote %d activity entries", n-before)
	}
	if _, err := f.sv.Records.AddComment(audit, f.org.ID, record.NewComment{Record: talent, Body: "@sam@lumen.example the whole address is one member"}); err != nil {
		t.Errorf("a whole address: %v", err)
	}
	if _, _, err := f.sv.Records.Comments(f.ctx, f.org.ID, record.CommentFilter{Record: ref(t, theirs)}, aims.Page{}); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("listing another organization's record's comments: %v", err)
	}
	if _, err := f.sv.Records.Comment(f.ctx, f.org.ID, theirComment.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("reading another organization's comment: %v", err)
	}
	if _, _, err := f.sv.Records.Comments(f.ctx, f.org.ID, record.CommentFilter{Status: "pending"}, aims.Page{}); aims.ErrorField(err) != "status" {
		t.Errorf("an unknown status: %v", err)
	}

	// Deleting the system deletes its comments.
	if err := f.sv.Systems.Delete(f.ctx, f.org.ID, strings.TrimPrefix(talent, "system:")); err != nil {
		t.Fatal(err)
	}
	if cs, _, err := f.sv.Records.Comments(f.ctx, f.org.ID, record.CommentFilter{}, aims.Page{}); err != nil || len(cs) != 0 {
		t.Errorf("comments after the system went: %d, %v", len(cs), err)
	}
}
