package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/system"
)

// TestAContributorUploadsEvidenceOfAControlAndAnAuditorReadsIt walks the evidence pages: the upload form
// (multipart, the file last), the evidence page with its checksum and revisions, the download, the list
// filtered by control and system, and the "Evidence" entries on a control's and a system's page.
func TestAContributorUploadsEvidenceOfAControlAndAnAuditorReadsIt(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "lumen")
	contrib := newUser(t, f, "priya@lumen.example", org, aims.RoleContributor)
	auditor := newUser(t, f, "ann@lumen.example", org, aims.RoleAuditor)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: org.ID})
	sys, err := f.Systems.Create(ctx, org.ID, system.Fields{Name: "Lumen Assist", Purpose: "Answers."})
	if err != nil {
		t.Fatal(err)
	}
	b := browserAs(t, f, contrib, org)

	p := b.get("/systems/" + sys.ID)
	mustHTML(t, p, `href="/evidence?system=`+sys.ID+`#add"`)
	p = b.get("/controls/iso42001-2023/A.6.2.4")
	mustHTML(t, p, `href="/evidence?control=iso42001-2023/A.6.2.4#add"`)
	p = b.get("/evidence?control=iso42001-2023/A.6.2.4")
	expect(t, p, http.StatusOK, "")
	mustHTML(t, p, `id="ev-control" name="control" type="text" maxlength="300" value="iso42001-2023/A.6.2.4"`)
	mustContain(t, p, "No evidence matches the filter.")

	p = b.upload("/evidence", map[string]string{"kind": "file", "title": "Model evaluation", "control": "A.6.2.4", "system": sys.ID,
		"valid_until": "2099-12-31", "source": "CI: run 7"}, map[string][2]string{"file": {"eval.json", `{"accuracy":0.93}`}})
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/evidence/") {
		t.Fatalf("upload = %d to %q\n%s", p.Status, p.Location, text(p.Body))
	}
	id := strings.TrimPrefix(p.Location, "/evidence/")

	a := browserAs(t, f, auditor, org)
	p = a.get("/evidence/" + id)
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "Model evaluation", "application/json", "17 B", "Revision 1", "CI: run 7", "evidences", "Lumen Assist", "A.6.2.4")
	if strings.Contains(p.Body, `action="/evidence/`+id+`/delete"`) {
		t.Error("an auditor is offered to delete evidence")
	}
	d := a.get("/evidence/" + id + "/download")
	if d.Status != http.StatusOK || d.Body != `{"accuracy":0.93}` || !strings.Contains(d.Header.Get("Content-Disposition"), "eval.json") {
		t.Fatalf("download = %d %q %v", d.Status, d.Body, d.Header)
	}
	for _, q := range []string{"control=iso42001-2023/A.6.2.4", "system=" + sys.ID, "kind=file", "expiring_before=2100-01-01"} {
		mustHTML(t, a.get("/evidence?"+q), `<a href="/evidence/`+id+`"><strong>Model evaluation</strong></a>`)
	}
	if strings.Contains(a.get("/evidence?kind=link").Body, "Model evaluation") {
		t.Error("the kind filter keeps a file")
	}
	if strings.Contains(a.get("/evidence").Body, `id="add"`) {
		t.Error("an auditor is offered the upload form")
	}
}

func TestTheUploadFormNamesWhatIsWrongAndKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "lumen")
	contrib := newUser(t, f, "priya@lumen.example", org, aims.RoleContributor)
	b := browserAs(t, f, contrib, org)
	p := b.upload("/evidence", map[string]string{"kind": "file", "title": "No file", "valid_until": "2099-12-31"}, nil)
	expect(t, p, http.StatusBadRequest, "")
	mustHTML(t, p, `id="ev-file-error"`, `value="No file"`)
	mustContain(t, p, "Choose the file this evidence is.")
	p = b.upload("/evidence", map[string]string{"kind": "link", "title": "Policy", "url": "ftp://x"}, nil)
	expect(t, p, http.StatusBadRequest, "")
	mustHTML(t, p, `id="ev-url-error"`)
	p = b.upload("/evidence", map[string]string{"kind": "record", "title": "Red-team summary", "body": "14 findings, all closed.", "review": "on"}, nil)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("record evidence = %d\n%s", p.Status, text(p.Body))
	}
	mustContain(t, b.get(p.Location), "14 findings, all closed.", "draft")
}

// mustHTML fails unless the page's HTML contains every want.
func mustHTML(t testing.TB, p page, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(p.Body, w) {
			t.Errorf("page (status %d) has no %q; it says:\n%s", p.Status, w, excerpt(p))
		}
	}
}

// TestEvidenceIsChangedAndItsFileReplacedFromItsPage: a contributor uploads a new version of the file
// with a later valid-until date from the evidence page: revision 2 holds the new file and checksum, the
// download gives the new bytes, revision 1 stays listed; a stale form is refused and saves nothing; a
// bad date is shown beside its field; an auditor is not offered the form.
func TestEvidenceIsChangedAndItsFileReplacedFromItsPage(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "lumen")
	contrib := newUser(t, f, "priya@lumen.example", org, aims.RoleContributor)
	auditor := newUser(t, f, "ann@lumen.example", org, aims.RoleAuditor)
	b := browserAs(t, f, contrib, org)
	p := b.upload("/evidence", map[string]string{"kind": "file", "title": "Bias audit", "control": "A.6.2.4", "valid_until": "2026-12-31"},
		map[string][2]string{"file": {"audit-2026.txt", "findings: 3"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("upload = %d\n%s", p.Status, text(p.Body))
	}
	id := strings.TrimPrefix(p.Location, "/evidence/")
	page := b.get("/evidence/" + id)
	mustContain(t, page, "Change the evidence or upload a new version of its file", "Save revision 2", "Leave empty to keep audit-2026.txt")

	p = b.upload("/evidence/"+id+"/edit", map[string]string{"version": "1", "title": "Bias audit 2027", "valid_until": "2027-12-31",
		"collected_on": "2026-12-07"}, map[string][2]string{"file": {"audit-2027.txt", "findings: 0"}})
	if p.Status != http.StatusSeeOther || p.Location != "/evidence/"+id {
		t.Fatalf("edit = %d to %q\n%s", p.Status, p.Location, text(p.Body))
	}
	page = b.get("/evidence/" + id)
	mustContain(t, page, "Bias audit 2027", "revision 2", "2027-12-31", "audit-2027.txt", "Revision 1", "Revision 2")
	if d := b.get("/evidence/" + id + "/download"); d.Body != "findings: 0" {
		t.Errorf("the download after the new version: %q", d.Body)
	}

	before := activityCount(t, f, org.ID)
	p = b.upload("/evidence/"+id+"/edit", map[string]string{"version": "1", "title": "Lost update"}, nil)
	if p.Status != http.StatusConflict && p.Status != http.StatusPreconditionFailed {
		t.Errorf("a stale form = %d\n%s", p.Status, text(p.Body))
	}
	p = b.upload("/evidence/"+id+"/edit", map[string]string{"version": "2", "title": "Bias audit 2027", "valid_until": "next year"}, nil)
	expect(t, p, http.StatusBadRequest, "")
	mustHTML(t, p, `id="ee-until-error"`, `value="next year"`)
	if n := activityCount(t, f, org.ID); n != before {
		t.Errorf("refused changes wrote %d activity entries", n-before)
	}
	if e, err := f.Evidence.Get(f.Ctx, org.ID, id); err != nil || e.Rev != 2 || e.Title != "Bias audit 2027" {
		t.Errorf("after the refused changes: %+v, %v", e, err)
	}
	if strings.Contains(browserAs(t, f, auditor, org).get("/evidence/"+id).Body, "Save revision") {
		t.Error("an auditor is offered the change form")
	}
}
