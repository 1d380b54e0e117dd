package api_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/auditpack"
	"github.com/aimsproject/aims/internal/store"
)

// TestTheAuditPackThroughTheAPI: an auditor downloads the pack; every file the manifest lists is in the
// archive with that SHA-256 and size, the SoA (live, no version approved yet, and said so), the risk
// reports and the readiness are there; once someone rewrites the activity trail the pack is refused
// (409) rather than vouching for it.
func TestTheAuditPackThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	auditor := e.member(t, acme, aims.RoleAuditor)
	e.seedRisk(t, acme.ID)
	res := e.do(t, "GET", "/api/v1/audit-pack", auditor.Token, nil).want(t, 200)
	if ct := res.header.Get("Content-Type"); ct != "application/zip" || !strings.Contains(res.header.Get("Content-Disposition"), "aims-audit-pack-acme-") {
		t.Fatalf("headers %v", res.header)
	}
	zr, err := zip.NewReader(bytes.NewReader(res.body), int64(len(res.body)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = b
	}
	var m auditpack.Manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	if m.Slug != "acme" || m.SoAVersion != 0 || m.TrailEntries == 0 || m.TrailHead == "" || len(m.Files) != len(files)-1 ||
		!strings.Contains(strings.Join(m.Notes, " "), "No version of the Statement of Applicability is approved") {
		t.Fatalf("manifest %+v (%d files)", m, len(files))
	}
	for _, f := range m.Files {
		sum := sha256.Sum256(files[f.Name])
		if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(files[f.Name])) != f.Size {
			t.Errorf("%s: the manifest says %s (%d bytes), the archive holds %x (%d bytes)", f.Name, f.SHA256, f.Size, sum, len(files[f.Name]))
		}
	}
	for _, name := range []string{"soa/soa-live-not-approved.pdf", "soa/soa-live-not-approved.xlsx", "soa/soa-live-not-approved.oscal.json",
		"risks/risk-register.pdf", "risks/risk-register.xlsx", "risks/treatment-plan.pdf", "risks/treatment-plan.xlsx",
		"risks/risk-criteria-v1.json", "readiness/readiness.json", "README.txt", "evidence/index.csv", "evaluations/summary.csv"} {
		if len(files[name]) == 0 {
			t.Errorf("the pack lacks %s", name)
		}
	}
	if !bytes.HasPrefix(files["soa/soa-live-not-approved.pdf"], []byte("%PDF")) {
		t.Error("the SoA PDF is not a PDF")
	}

	drop, q := `DROP TRIGGER activity_no_update`, `UPDATE activity SET actor_name = 'someone else' WHERE org_id = ? AND seq = 1`
	if e.DB.Dialect() == store.Postgres {
		drop, q = `DROP TRIGGER activity_append_only ON activity`, strings.Replace(q, "?", "$1", 1)
	}
	write, _ := e.DB.Pools()
	if _, err := write.ExecContext(e.Ctx, drop); err != nil {
		t.Fatal(err)
	}
	if _, err := write.ExecContext(e.Ctx, q, acme.ID); err != nil {
		t.Fatal(err)
	}
	e.do(t, "GET", "/api/v1/audit-pack", auditor.Token, nil).wantProblem(t, 409, "conflict", "")
}
