package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/system"
)

// TestCommentingInTheUI: an auditor asks a question on a system's page and mentions a member; the page
// shows it rendered, with the author's role; a contributor replies and resolves the thread; the filters
// find open and resolved threads and the auditor's; the auditor corrects their text; a viewer reads
// without the forms; a script in a comment never reaches the page.
func TestCommentingInTheUI(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme := f.Org(t, "acme")
	audrey := newUser(t, f, "audrey@audit.example", acme, aims.RoleAuditor)
	priya := newUser(t, f, "priya@acme.example", acme, aims.RoleContributor)
	vic := newUser(t, f, "vic@acme.example", acme, aims.RoleViewer)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test"})
	s, err := f.Systems.Create(ctx, acme.ID, system.Fields{Name: "TalentMatch", Purpose: "CV screening."})
	if err != nil {
		t.Fatal(err)
	}
	sysPath := "/systems/" + s.ID

	a := browserAs(t, f, audrey, acme)
	mustContain(t, a.get(sysPath), "Comments", "No comment yet.", "Post comment")
	before := activityCount(t, f, acme.ID)
	p := a.post("/comments", url.Values{"self": {"system:" + s.ID},
		"body": {"@priya which **dataset** trained release 4.2? <script>alert('x')</script>"}})
	if p.Status != http.StatusSeeOther || !regexp.MustCompile(`^`+sysPath+`#comment-[0-9a-z]{26}$`).MatchString(p.Location) {
		t.Fatalf("posting: %d to %q", p.Status, p.Location)
	}
	if n := activityCount(t, f, acme.ID); n != before+1 {
		t.Errorf("a comment wrote %d activity entries", n-before)
	}
	page := a.get(sysPath)
	mustContain(t, page, "Your comment is posted. It mentions "+priya.Name+".", "audrey", "auditor")
	if !strings.Contains(page.Body, "<strong>dataset</strong>") || strings.Contains(page.Body, "<script>alert") {
		t.Errorf("the comment is not rendered safely:\n%s", excerpt(page))
	}
	if !strings.Contains(page.Body, `action="/comments/`) || !strings.Contains(page.Body, ">Edit</summary>") {
		t.Errorf("the author is not offered to edit their comment")
	}
	cs, _, err := f.Records.Comments(f.Ctx, acme.ID, record.CommentFilter{Record: &record.Ref{Type: record.TypeSystem, ID: s.ID}}, aims.Page{})
	if err != nil || len(cs) != 1 {
		t.Fatalf("comments: %d, %v", len(cs), err)
	}
	q := cs[0]

	// A bad comment is refused with a message, and nothing is written.
	before = activityCount(t, f, acme.ID)
	a.post("/comments", url.Values{"self": {"system:" + s.ID}, "body": {"@nobody hello"}})
	mustContain(t, a.get(sysPath), "Not posted: @nobody is not a member")
	if n := activityCount(t, f, acme.ID); n != before {
		t.Errorf("a refused comment wrote %d activity entries", n-before)
	}

	// The contributor replies and resolves.
	b := browserAs(t, f, priya, acme)
	expect(t, b.post("/comments", url.Values{"self": {"system:" + s.ID}, "parent_id": {q.ID}, "body": {"The support tickets export of January."}}),
		http.StatusSeeOther, "")
	mustContain(t, b.get(sysPath), "Your reply is posted.", "The support tickets export of January.", "Resolve")
	mustContain(t, b.get(sysPath+"?comment_status=open&comment_role=auditor"), "which dataset trained release 4.2?")
	expect(t, b.post("/comments/"+q.ID+"/resolve", url.Values{"version": {"1"}, "resolved": {"true"}}), http.StatusSeeOther, sysPath+"#comment-"+q.ID)
	mustContain(t, b.get(sysPath), "The thread is resolved.", "Resolved by "+priya.Name, "Reopen")
	mustContain(t, b.get(sysPath+"?comment_status=open"), "No thread matches.")
	mustContain(t, b.get(sysPath+"?comment_status=resolved&comment_role=auditor"), "which dataset trained release 4.2?")

	// The auditor corrects their question; the contributor may not.
	expect(t, b.post("/comments/"+q.ID+"/edit", url.Values{"version": {"2"}, "body": {"mine now"}}), http.StatusForbidden, "")
	expect(t, a.post("/comments/"+q.ID+"/edit", url.Values{"version": {"2"}, "body": {"Which dataset trained release 4.2, @priya?"}}),
		http.StatusSeeOther, sysPath+"#comment-"+q.ID)
	mustContain(t, a.get(sysPath), "Your comment is changed.", "(edited)")

	// The viewer reads without the forms.
	v := browserAs(t, f, vic, acme)
	vp := v.get(sysPath)
	mustContain(t, vp, "Which dataset trained release 4.2")
	if strings.Contains(vp.Body, `action="/comments`) {
		t.Errorf("the viewer is offered a comment form")
	}
}
