package api_test

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/evidence"
)

func octet(extra ...string) http.Header {
	h := http.Header{"Content-Type": {"application/octet-stream"}}
	for i := 0; i+1 < len(extra); i += 2 {
		h.Set(extra[i], extra[i+1])
	}
	return h
}

func revTag(rev int64) string { return `"` + strconv.FormatInt(rev, 10) + `"` }

// TestEvidenceIsPushedAsAFileLinkedAndDownloadedVerified walks the life of evidence through the API as a
// CI job and an auditor see it: upload, link, list by control and system, download, revisions.
func TestEvidenceIsPushedAsAFileLinkedAndDownloadedVerified(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	org := e.org(t, "lumen")
	ci := e.member(t, org, aims.RoleContributor)
	auditor := e.member(t, org, aims.RoleAuditor)
	sys := e.seedSystem(t, org.ID)

	q := url.Values{"title": {"Eval run 42"}, "filename": {"eval-42.json"}, "source": {"CI: github actions run 42"}, "valid_until": {"2099-01-01"},
		"evidences": {"system:" + sys.ID, "control:iso42001-2023/A.6.2.4"}}
	res := e.send(t, call{method: "POST", path: "/api/v1/evidence?" + q.Encode(), token: ci.Token, body: `{"accuracy":0.93}`, header: octet()}).want(t, 201)
	var ev evidence.Evidence
	res.decode(t, &ev)
	if ev.File == nil || ev.File.MediaType != "application/json" || ev.File.Size != 17 || ev.Status != "current" || res.header.Get("Location") != "/api/v1/evidence/"+ev.ID {
		t.Fatalf("pushed = %+v (Location %s)", ev, res.header.Get("Location"))
	}
	for _, filter := range []string{"control=iso42001-2023/A.6.2.4", "system=" + sys.ID, "kind=file", "expiring_before=2100-01-01", "owner=" + ci.User.ID} {
		var l struct{ Items []evidence.Evidence }
		e.send(t, call{method: "GET", path: "/api/v1/evidence?" + filter, token: auditor.Token}).want(t, 200).decode(t, &l)
		if len(l.Items) != 1 || l.Items[0].ID != ev.ID {
			t.Errorf("list by %s = %d items", filter, len(l.Items))
		}
	}
	var l struct{ Items []evidence.Evidence }
	e.send(t, call{method: "GET", path: "/api/v1/evidence?control=iso42001-2023/A.6.2.6", token: auditor.Token}).want(t, 200).decode(t, &l)
	if len(l.Items) != 0 {
		t.Errorf("list by another control = %d items", len(l.Items))
	}
	e.send(t, call{method: "GET", path: "/api/v1/evidence?kind=video", token: auditor.Token}).wantProblem(t, 400, "invalid", "kind")

	got := e.send(t, call{method: "GET", path: "/api/v1/evidence/" + ev.ID + "/content", token: auditor.Token}).want(t, 200)
	if string(got.body) != `{"accuracy":0.93}` || got.header.Get("Content-Type") != "application/json" ||
		!strings.Contains(got.header.Get("Content-Disposition"), "eval-42.json") {
		t.Fatalf("download = %q %v", got.body, got.header)
	}

	res = e.send(t, call{method: "PUT", path: "/api/v1/evidence/" + ev.ID + "/content", token: ci.Token, body: `{"accuracy":0.95}`,
		header: octet("If-Match", revTag(ev.Rev))}).want(t, 200)
	var ev2 evidence.Evidence
	res.decode(t, &ev2)
	if ev2.Rev != 2 || ev2.File.Name != "eval-42.json" || ev2.File.SHA256 == ev.File.SHA256 {
		t.Fatalf("new file = %+v", ev2)
	}
	e.send(t, call{method: "PUT", path: "/api/v1/evidence/" + ev.ID + "/content", token: ci.Token, body: "x", header: octet("If-Match", revTag(ev.Rev))}).
		wantProblem(t, 412, "precondition", "")
	e.send(t, call{method: "PUT", path: "/api/v1/evidence/" + ev.ID + "/content?name=x", token: ci.Token, body: "x", header: octet(), offContract: true, kinMisses: true}).
		wantProblem(t, 400, "invalid", "name")
	e.send(t, call{method: "PUT", path: "/api/v1/evidence/" + ev.ID + "/content", token: ci.Token, body: `{"a":1}`, offContract: true}).
		wantProblem(t, 415, "media_type", "")

	fields := map[string]any{"title": "Eval run 42 (re-run)", "collected_on": ev.CollectedOn, "valid_until": "2099-01-01", "source": ev.Source}
	res = e.send(t, call{method: "PUT", path: "/api/v1/evidence/" + ev.ID, token: ci.Token, body: fields, header: http.Header{"If-Match": {revTag(2)}}}).want(t, 200)
	e.send(t, call{method: "PUT", path: "/api/v1/evidence/" + ev.ID, token: ci.Token, body: fields, header: http.Header{"If-Match": {revTag(2)}}}).
		wantProblem(t, 412, "precondition", "")
	e.send(t, call{method: "PUT", path: "/api/v1/evidence/" + ev.ID, token: ci.Token, body: map[string]any{"title": "x", "valid_until": "soon"}, offContract: true}).
		wantProblem(t, 400, "invalid", "valid_until")
	var revs struct{ Items []evidence.Revision }
	e.send(t, call{method: "GET", path: "/api/v1/evidence/" + ev.ID + "/revisions", token: auditor.Token}).want(t, 200).decode(t, &revs)
	if len(revs.Items) != 3 || revs.Items[0].Change != "fields" || revs.Items[1].Change != "new file" || revs.Items[2].Change != "created" {
		t.Fatalf("revisions = %+v", revs.Items)
	}
}

func TestLinkAndRecordEvidenceAreJSONAndReviewIsByAManager(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	org := e.org(t, "lumen")
	contrib := e.member(t, org, aims.RoleContributor)
	manager := e.member(t, org, aims.RoleManager)
	var link evidence.Evidence
	e.send(t, call{method: "POST", path: "/api/v1/evidence", token: contrib.Token, body: map[string]any{"title": "AI policy",
		"url": "https://intranet.example/ai-policy", "review": true, "evidences": []string{"control:iso42001-2023/A.2.2"}}}).want(t, 201).decode(t, &link)
	if link.Kind != "link" || link.Status != "draft" {
		t.Fatalf("link = %+v", link)
	}
	e.send(t, call{method: "POST", path: "/api/v1/evidence", token: contrib.Token, body: map[string]any{"kind": "record", "title": "Red-team summary",
		"body": "14 findings, all closed."}}).want(t, 201)
	e.send(t, call{method: "POST", path: "/api/v1/evidence", token: contrib.Token, body: map[string]any{"title": "x", "url": "https://x.example",
		"evidences": []string{"system:" + aims.NewID()}}}).wantProblem(t, 404, "not_found", "")
	e.send(t, call{method: "POST", path: "/api/v1/evidence", token: contrib.Token, body: map[string]any{"title": "x", "url": "ftp://x.example"}}).
		wantProblem(t, 400, "invalid", "url")
	e.send(t, call{method: "POST", path: "/api/v1/evidence", token: contrib.Token, body: "--b\r\n", offContract: true,
		header: http.Header{"Content-Type": {"multipart/form-data; boundary=b"}}}).wantProblem(t, 415, "media_type", "")
	e.send(t, call{method: "GET", path: "/api/v1/evidence/" + link.ID + "/content", token: contrib.Token}).wantProblem(t, 404, "not_found", "")

	e.send(t, call{method: "POST", path: "/api/v1/evidence/" + link.ID + "/approve", token: manager.Token, header: http.Header{"If-Match": {revTag(9)}}}).
		wantProblem(t, 412, "precondition", "")
	var ok evidence.Evidence
	e.send(t, call{method: "POST", path: "/api/v1/evidence/" + link.ID + "/approve", token: manager.Token}).want(t, 201).decode(t, &ok)
	if ok.Status != "approved" || ok.ApprovedBy != manager.User.ID {
		t.Fatalf("approved = %+v", ok)
	}
	e.send(t, call{method: "POST", path: "/api/v1/evidence/" + link.ID + "/approve", token: manager.Token}).wantProblem(t, 409, "conflict", "")
}

func TestDeletingEvidenceOfAnApprovedSoAIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	org := e.org(t, "lumen")
	manager := e.member(t, org, aims.RoleManager)
	ev := e.seedEvidence(t, org.ID, manager.User.ID)
	free := e.seedEvidence(t, org.ID, manager.User.ID)
	if _, err := e.Records.Link(e.Ctx, org.ID, recordLink(ev.ID, "control:iso42001-2023/A.6.2.4")); err != nil {
		t.Fatal(err)
	}
	ctx := e.soaReady(t, org.ID)
	if _, err := e.Controls.Approve(ctx, org.ID, "for the audit"); err != nil {
		t.Fatal(err)
	}
	p := e.send(t, call{method: "DELETE", path: "/api/v1/evidence/" + ev.ID, token: manager.Token}).wantProblem(t, 409, "conflict", "")
	if !strings.Contains(p.Detail, "approved Statement of Applicability") {
		t.Errorf("detail = %s", p.Detail)
	}
	e.send(t, call{method: "DELETE", path: "/api/v1/evidence/" + free.ID, token: manager.Token, header: http.Header{"If-Match": {revTag(7)}}}).
		wantProblem(t, 412, "precondition", "")
	e.send(t, call{method: "DELETE", path: "/api/v1/evidence/" + free.ID, token: manager.Token, header: http.Header{"If-Match": {revTag(free.Rev)}}}).want(t, 204)
}

func TestACorruptFileIsAProblemAndNoByteOfItIsServed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	org := e.org(t, "lumen")
	viewer := e.member(t, org, aims.RoleViewer)
	owner := e.member(t, org, aims.RoleContributor)
	ev := e.seedEvidence(t, org.ID, owner.User.ID)
	path := filepath.Join(e.blobDir, filepath.FromSlash(evidence.Key(ev.File.SHA256)))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[0] ^= 1
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	res := e.send(t, call{method: "GET", path: "/api/v1/evidence/" + ev.ID + "/content", token: viewer.Token})
	p := res.wantProblem(t, 500, "corrupt", "")
	if !strings.Contains(p.Detail, ev.File.SHA256) || bytes.Contains(res.body, b) || p.Title != "Stored file is corrupt" {
		t.Fatalf("problem = %+v\n%s", p, res.body)
	}
}

func TestAFileOverTheLimitIs413AndNothingIsStored(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.Evidence.Blobs.MaxBytes = 64
	org := e.org(t, "lumen")
	ci := e.member(t, org, aims.RoleContributor)
	before := e.counts(t, org)
	big := strings.Repeat("x", 65)
	e.send(t, call{method: "POST", path: "/api/v1/evidence?title=big", token: ci.Token, body: big, header: octet()}).wantProblem(t, 413, "too_large", "")
	e.unchanged(t, before)
	ents, err := os.ReadDir(e.blobDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ents {
		if d.Name() != "tmp" {
			t.Errorf("the blob store holds %s", d.Name())
		}
	}
	ev := e.seedEvidence(t, org.ID, ci.User.ID)
	e.send(t, call{method: "PUT", path: "/api/v1/evidence/" + ev.ID + "/content", token: ci.Token, body: big, header: octet()}).wantProblem(t, 413, "too_large", "")
	e.send(t, call{method: "PUT", path: "/api/v1/evidence/" + ev.ID, token: ci.Token, body: `{"title":"` + strings.Repeat("a", api.MaxBodyBytes) + `"}`,
		offContract: true}).wantProblem(t, 413, "too_large", "")
}
