package evidence_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/evidence"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

type fixture struct {
	db                        *store.DB
	sv                        *app.Services
	org                       *account.Organization
	manager, contrib, auditor context.Context
	managerID, contribID      string
	blobDir                   string
}

var today = time.Date(2027, 3, 10, 9, 0, 0, 0, time.UTC)

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.Open(t)
	dir := t.TempDir()
	sv, err := app.NewServices(db, app.ServiceOptions{Catalog: storetest.Catalog(t), BlobURL: evidence.DirURL(dir), EvidenceMaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	sv.Evidence.Now = func() time.Time { return today }
	f := &fixture{db: db, sv: sv, blobDir: dir}
	if f.org, err = sv.Accounts.CreateOrganization(context.Background(), "lumen", "Lumen Labs"); err != nil {
		t.Fatal(err)
	}
	f.manager, f.managerID = f.member(t, "manager@lumen.example", aims.RoleManager)
	f.contrib, f.contribID = f.member(t, "ml@lumen.example", aims.RoleContributor)
	f.auditor, _ = f.member(t, "audit@lumen.example", aims.RoleAuditor)
	return f
}

func (f *fixture) member(t *testing.T, email string, role aims.Role) (context.Context, string) {
	t.Helper()
	u, err := f.sv.Accounts.CreateUser(context.Background(), email, "Person "+strings.Split(email, "@")[0], "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Accounts.AddMember(context.Background(), f.org.ID, email, role); err != nil {
		t.Fatal(err)
	}
	return aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: f.org.ID,
		OrgSlug: f.org.Slug, Role: role}), u.ID
}

func (f *fixture) system(t *testing.T, name string) *system.System {
	t.Helper()
	s, err := f.sv.Systems.Create(f.manager, f.org.ID, system.Fields{Name: name, Purpose: "Helps."})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *fixture) file(t *testing.T, content, name string, evidences ...string) *evidence.Evidence {
	t.Helper()
	e, err := f.sv.Evidence.Create(f.contrib, f.org.ID, evidence.New{Fields: evidence.Fields{Title: "Eval " + name, CollectedOn: "2027-03-01"},
		File: strings.NewReader(content), FileName: name, Evidences: evidences})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestAFileIsStoredOnceByItsHashAndReadBackVerified(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.file(t, "accuracy: 0.93\n", "eval.txt")
	b := f.file(t, "accuracy: 0.93\n", "again.txt")
	if a.File.SHA256 != b.File.SHA256 || a.File.Size != 15 || a.File.MediaType != "text/plain" || a.Kind != evidence.KindFile {
		t.Fatalf("files = %+v, %+v", a.File, b.File)
	}
	if a.Status != evidence.StatusCurrent || a.OwnerID != f.contribID {
		t.Errorf("evidence without review = %s owned by %s", a.Status, a.OwnerID)
	}
	_, r, err := f.sv.Evidence.Content(f.auditor, f.org.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || string(got) != "accuracy: 0.93\n" {
		t.Fatalf("content = %q, %v", got, err)
	}
}

func TestEvidenceOfEachKindIsCheckedForWhatItNeeds(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tc := range []struct {
		name  string
		n     evidence.New
		field string
	}{
		{"a file kind without a file", evidence.New{Kind: "file", Fields: evidence.Fields{Title: "x"}}, "file"},
		{"a link without a URL", evidence.New{Kind: "link", Fields: evidence.Fields{Title: "x"}}, "url"},
		{"a link to a file: URL", evidence.New{Kind: "link", Fields: evidence.Fields{Title: "x", URL: "file:///etc/passwd"}}, "url"},
		{"a record without text", evidence.New{Kind: "record", Fields: evidence.Fields{Title: "x"}}, "body"},
		{"an unknown kind", evidence.New{Kind: "video", Fields: evidence.Fields{Title: "x"}}, "kind"},
		{"no title", evidence.New{Kind: "link", Fields: evidence.Fields{URL: "https://x.example"}}, "title"},
		{"a bad date", evidence.New{Kind: "link", Fields: evidence.Fields{Title: "x", URL: "https://x.example", CollectedOn: "1/3/2027"}}, "collected_on"},
		{"collected in the future", evidence.New{Kind: "link", Fields: evidence.Fields{Title: "x", URL: "https://x.example", CollectedOn: "2027-06-01"}}, "collected_on"},
		{"lapsing before collected", evidence.New{Kind: "link", Fields: evidence.Fields{Title: "x", URL: "https://x.example", CollectedOn: "2027-03-01", ValidUntil: "2027-02-01"}}, "valid_until"},
		{"an owner who is not a member", evidence.New{Kind: "link", Fields: evidence.Fields{Title: "x", URL: "https://x.example", OwnerID: aims.NewID()}}, "owner_id"},
		{"a record to evidence that is malformed", evidence.New{Kind: "link", Fields: evidence.Fields{Title: "x", URL: "https://x.example"}, Evidences: []string{"nothing"}}, "evidences"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.sv.Evidence.Create(f.contrib, f.org.ID, tc.n)
			if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != tc.field {
				t.Fatalf("Create = %v, want invalid %s", err, tc.field)
			}
		})
	}
	l, err := f.sv.Evidence.Create(f.contrib, f.org.ID, evidence.New{Fields: evidence.Fields{Title: "AI policy", URL: "https://intranet.example/ai-policy"}})
	if err != nil || l.Kind != evidence.KindLink || l.CollectedOn != "2027-03-10" {
		t.Fatalf("link = %+v, %v", l, err)
	}
	es, _, err := f.sv.Evidence.List(f.auditor, f.org.ID, evidence.Filter{}, aims.Page{})
	if err != nil || len(es) != 1 {
		t.Fatalf("a refused evidence was stored: %d, %v", len(es), err)
	}
}

func TestAFileOverTheLimitIsRefusedAndNothingStays(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.sv.Evidence.Create(f.contrib, f.org.ID, evidence.New{Fields: evidence.Fields{Title: "big"},
		File: bytes.NewReader(make([]byte, 1<<20+1)), FileName: "big.bin"})
	if aims.ErrorCode(err) != aims.ETOOLARGE {
		t.Fatalf("Create of a file over the limit = %v", err)
	}
	if n := countFiles(t, f.blobDir); n != 0 {
		t.Errorf("%d files stay in the blob store", n)
	}
	if _, err := f.sv.Evidence.Create(f.contrib, f.org.ID, evidence.New{Fields: evidence.Fields{Title: "exact"},
		File: bytes.NewReader(make([]byte, 1<<20)), FileName: "exact.bin"}); err != nil {
		t.Fatalf("a file of exactly the limit: %v", err)
	}
}

func TestACorruptBlobIsReportedAndNeverServed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e := f.file(t, "the red-team summary", "summary.md")
	corrupt(t, f.blobDir, e.File.SHA256, "the red-team summarY")
	_, r, err := f.sv.Evidence.Content(f.auditor, f.org.ID, e.ID)
	if aims.ErrorCode(err) != aims.ECORRUPT || r != nil {
		t.Fatalf("Content of a corrupt blob = %v (reader %v)", err, r)
	}
	if !strings.Contains(aims.ErrorMessage(err), e.File.SHA256) {
		t.Errorf("the message does not name the hash: %s", aims.ErrorMessage(err))
	}
	// Uploading the same content again does not mend it silently: the store keeps what is under the key,
	// so the corruption stays visible until someone restores it.
	removeBlob(t, f.blobDir, e.File.SHA256)
	if _, _, err := f.sv.Evidence.Content(f.auditor, f.org.ID, e.ID); aims.ErrorCode(err) != aims.ECORRUPT {
		t.Fatalf("Content of a missing blob = %v", err)
	}
}

func TestRevisionsKeepTheHistoryAndApprovalNeedsAManager(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e, err := f.sv.Evidence.Create(f.contrib, f.org.ID, evidence.New{Fields: evidence.Fields{Title: "Bias audit", CollectedOn: "2027-01-10"},
		File: strings.NewReader("v1"), FileName: "audit.pdf", Review: true})
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != evidence.StatusDraft || e.File.MediaType != "application/pdf" {
		t.Fatalf("with review = %s, %s", e.Status, e.File.MediaType)
	}
	if _, err := f.sv.Evidence.Approve(f.contrib, f.org.ID, e.ID, 0); aims.ErrorCode(err) != aims.EFORBIDDEN {
		t.Fatalf("a contributor approves: %v", err)
	}
	a, err := f.sv.Evidence.Approve(f.manager, f.org.ID, e.ID, e.Rev)
	if err != nil || a.Status != evidence.StatusApproved || a.ApprovedByName != "Person manager" || a.Rev != 2 {
		t.Fatalf("Approve = %+v, %v", a, err)
	}
	if _, err := f.sv.Evidence.Approve(f.manager, f.org.ID, e.ID, 0); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("approving twice = %v", err)
	}
	u, err := f.sv.Evidence.Update(f.contrib, f.org.ID, e.ID, evidence.Update{Fields: a.Fields, File: strings.NewReader("v2"), FileName: "audit.pdf"}, a.Rev)
	if err != nil || u.Rev != 3 || u.Status != evidence.StatusDraft || u.File.SHA256 == e.File.SHA256 {
		t.Fatalf("a new file = %+v, %v", u, err)
	}
	if _, err := f.sv.Evidence.Update(f.contrib, f.org.ID, e.ID, evidence.Update{Fields: a.Fields}, 1); aims.ErrorCode(err) != aims.EPRECONDITION {
		t.Fatalf("a lost update = %v", err)
	}
	same, err := f.sv.Evidence.Update(f.contrib, f.org.ID, e.ID, evidence.Update{Fields: u.Fields}, u.Rev)
	if err != nil || same.Rev != 3 {
		t.Fatalf("a change of nothing made revision %d: %v", same.Rev, err)
	}
	fields := u.Fields
	fields.ValidUntil = "2027-12-31"
	if _, err := f.sv.Evidence.Update(f.contrib, f.org.ID, e.ID, evidence.Update{Fields: fields}, u.Rev); err != nil {
		t.Fatal(err)
	}
	revs, err := f.sv.Evidence.Revisions(f.auditor, f.org.ID, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range revs {
		got = append(got, r.Change+"/"+r.Status)
	}
	if strings.Join(got, " ") != "fields/draft new file/draft approved/approved created/draft" {
		t.Fatalf("revisions = %v", got)
	}
	if revs[3].File.SHA256 != e.File.SHA256 || revs[1].File.SHA256 != u.File.SHA256 {
		t.Error("the revisions do not keep their files")
	}
	// Each revision's file stays readable: stored once by hash, never overwritten.
	if ok, err := hasBlob(f.blobDir, e.File.SHA256); !ok || err != nil {
		t.Errorf("the first revision's file is gone: %v", err)
	}
}

func TestEvidenceLinksToWhatItEvidencesAndListsByIt(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sys := f.system(t, "Lumen Assist")
	a := f.file(t, "eval", "eval.json", "system:"+sys.ID, "control:iso42001-2023/A.6.2.4")
	f.file(t, "other", "other.json", "control:iso42001-2023/6.1.2")
	if _, err := f.sv.Evidence.Create(f.contrib, f.org.ID, evidence.New{Fields: evidence.Fields{Title: "x", URL: "https://x.example"},
		Evidences: []string{"system:" + aims.NewID()}}); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("evidence of a system that does not exist = %v", err)
	}
	for _, tc := range []struct {
		name string
		f    evidence.Filter
		want int
	}{
		{"by system", evidence.Filter{System: sys.ID}, 1},
		{"by control", evidence.Filter{Control: "iso42001-2023/A.6.2.4"}, 1},
		{"by clause requirement", evidence.Filter{Control: "iso42001-2023/6.1.2"}, 1},
		{"by kind", evidence.Filter{Kind: "link"}, 0},
		{"by owner", evidence.Filter{Owner: f.contribID}, 2},
		{"all", evidence.Filter{}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es, _, err := f.sv.Evidence.List(f.auditor, f.org.ID, tc.f, aims.Page{})
			if err != nil || len(es) != tc.want {
				t.Fatalf("List = %d, %v; want %d", len(es), err, tc.want)
			}
		})
	}
	ls, _, err := f.sv.Records.List(f.auditor, f.org.ID, record.Filter{Record: &record.Ref{Type: record.TypeSystem, ID: sys.ID}}, aims.Page{})
	if err != nil || len(ls) != 1 || ls[0].From.Title != a.Title || ls[0].Phrase(ls[0].To.Ref()) != "is evidenced by" {
		t.Fatalf("the system's links = %+v, %v", ls, err)
	}
}

func TestEvidenceOfAControlInTheApprovedSoACannotBeDeleted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e := f.file(t, "eval", "eval.json", "control:iso42001-2023/A.6.2.4")
	free := f.file(t, "draft notes", "notes.txt")
	sys := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: f.org.ID})
	if _, err := f.sv.Controls.UpdateProfile(sys, f.org.ID, control.ProfileUpdate{AIRoles: []string{"ai_provider"}, EURoles: []string{"provider"},
		EUDates: control.DatesPublished}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Controls.ApplyProposals(sys, f.org.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Controls.Approve(sys, f.org.ID, "first"); err != nil {
		t.Fatal(err)
	}
	err := f.sv.Evidence.Delete(f.manager, f.org.ID, e.ID, 0)
	if aims.ErrorCode(err) != aims.ECONFLICT || !strings.Contains(aims.ErrorMessage(err), "A.6.2.4 of the approved Statement of Applicability (version 1)") {
		t.Fatalf("Delete of evidence of an approved control = %v", err)
	}
	if err := f.sv.Evidence.Delete(f.manager, f.org.ID, free.ID, 0); err != nil {
		t.Fatalf("Delete of evidence of no control = %v", err)
	}
	if _, err := f.sv.Evidence.Get(f.auditor, f.org.ID, free.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("deleted evidence = %v", err)
	}
}

func TestEvidenceAboutToLapseGivesItsOwnerATaskOncePerDate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mk := func(title, until string) *evidence.Evidence {
		e, err := f.sv.Evidence.Create(f.contrib, f.org.ID, evidence.New{Fields: evidence.Fields{Title: title, URL: "https://x.example/" + title,
			CollectedOn: "2026-01-01", ValidUntil: until}})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	soon := mk("soon", "2027-04-01")
	past := mk("past", "2027-03-01")
	mk("later", "2027-06-01")
	mk("forever", "")
	if g, _ := f.sv.Evidence.Get(f.auditor, f.org.ID, past.ID); !g.Expired {
		t.Error("evidence past its date is not expired")
	}
	if g, _ := f.sv.Evidence.Get(f.auditor, f.org.ID, soon.ID); g.Expired {
		t.Error("evidence within its date is expired")
	}
	n, err := f.sv.Evidence.RemindExpiring(context.Background(), today)
	if err != nil || n != 2 {
		t.Fatalf("RemindExpiring = %d, %v; want 2", n, err)
	}
	if n, err := f.sv.Evidence.RemindExpiring(context.Background(), today); err != nil || n != 0 {
		t.Fatalf("a second run = %d, %v", n, err)
	}
	ts, _, err := f.sv.Records.Tasks(f.auditor, f.org.ID, record.TaskFilter{OwnerID: f.contribID}, aims.Page{})
	if err != nil || len(ts) != 2 {
		t.Fatalf("tasks = %d, %v", len(ts), err)
	}
	for _, task := range ts {
		if task.Record.Type != record.TypeEvidence || !strings.HasPrefix(task.Title, "Renew the evidence ") {
			t.Errorf("task = %+v", task)
		}
	}
	fields := soon.Fields
	fields.ValidUntil = "2027-04-02"
	if _, err := f.sv.Evidence.Update(f.contrib, f.org.ID, soon.ID, evidence.Update{Fields: fields}, soon.Rev); err != nil {
		t.Fatal(err)
	}
	if n, err := f.sv.Evidence.RemindExpiring(context.Background(), today); err != nil || n != 1 {
		t.Fatalf("a new date = %d tasks, %v", n, err)
	}
	es, _, err := f.sv.Evidence.List(f.auditor, f.org.ID, evidence.Filter{ExpiringBefore: "2027-05-01"}, aims.Page{})
	if err != nil || len(es) != 2 {
		t.Fatalf("expiring before = %d, %v", len(es), err)
	}
}

func TestEvidenceOfAnotherOrganizationIsNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e := f.file(t, "x", "x.txt")
	other, err := f.sv.Accounts.CreateOrganization(context.Background(), "other", "Other")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Evidence.Get(f.manager, other.ID, e.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("Get from another organization = %v", err)
	}
	if _, _, err := f.sv.Evidence.Content(f.manager, other.ID, e.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("Content from another organization = %v", err)
	}
	if err := f.sv.Evidence.Delete(f.manager, other.ID, e.ID, 0); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("Delete from another organization = %v", err)
	}
}
