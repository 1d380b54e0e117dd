package auditpack_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/auditpack"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/readiness"
	"github.com/aimsproject/aims/internal/storetest"
)

// TestTheDemoPackIsSignedAndComplete: the demo's pack, signed with a checkpoint key, holds SoA version 1,
// every approved impact assessment (Lumen Credit's with its FRIA), and a checkpoint that verifies with
// the public key and names the manifest's trail head.
func TestTheDemoPackIsSignedAndComplete(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	sv, err := app.NewServices(db, app.ServiceOptions{Catalog: storetest.Catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := demo.Load(ctx, sv.Accounts, db); err != nil {
		t.Fatal(err)
	}
	for _, load := range []func() error{
		func() error { return demo.LoadSystems(ctx, sv.Systems, sv.Components, db) },
		func() error { return demo.LoadSoA(ctx, sv.Controls, db) },
		func() error { return demo.LoadRisks(ctx, sv.Risks, sv.Records, sv.Systems, db) },
		func() error { return demo.LoadImpacts(ctx, sv.Impacts, sv.Risks, sv.Systems, db) },
		func() error { return demo.LoadEvidence(ctx, sv.Evidence, sv.Systems, db) },
		func() error { return demo.LoadEvaluations(ctx, sv.Evaluations, sv.Systems, db) },
	} {
		if err := load(); err != nil {
			t.Fatal(err)
		}
	}
	org, err := db.OrganizationBySlug(ctx, demo.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	pk := *sv.Pack
	pk.Key = key
	var buf bytes.Buffer
	if err := pk.Write(ctx, auditpack.Org{ID: org.ID, Slug: org.Slug, Name: org.Name, By: "Grace Liu"}, &buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		names[f.Name] = b
	}
	for _, want := range []string{"soa/soa-v1.pdf", "impact-assessments/TalentMatch-v1.pdf", "impact-assessments/Lumen-Credit-v1.md",
		"activity/checkpoint.json", "manifest.json", "evidence/index.csv", "evaluations/summary.csv"} {
		if names[want] == nil {
			t.Errorf("the demo pack lacks %s", want)
		}
	}
	if md := string(names["impact-assessments/Lumen-Credit-v1.md"]); !strings.Contains(md, "27(1)(f)") {
		t.Errorf("Lumen Credit's assessment lacks its FRIA elements:\n%s", md)
	}
	if idx := string(names["evidence/index.csv"]); strings.Count(idx, "\n") != 5 || !strings.Contains(idx, ",sha256,") {
		t.Errorf("the evidence index (4 pieces):\n%s", idx)
	}
	if sum := string(names["evaluations/summary.csv"]); strings.Count(sum, "\n") != 6 || !strings.Contains(sum, ",fail,") {
		t.Errorf("the evaluation summary (5 runs, one failing):\n%s", sum)
	}
	var nist readiness.MappedReadiness
	if err := json.Unmarshal(names["readiness/mapped-nist-ai-rmf-1.0.json"], &nist); err != nil || nist.Targets < 70 ||
		len(nist.Items) != nist.Targets || nist.Rollup.Ready == 0 {
		t.Errorf("the NIST AI RMF's readiness through the crosswalks: %v, %d items, %+v", err, len(nist.Items), nist.Rollup)
	}
	if names["readiness/mapped-eu-ai-act.json"] == nil {
		t.Error("the demo pack lacks the EU AI Act's readiness through the crosswalks")
	}
	cp, err := activity.DecodeCheckpoint(bytes.NewReader(names["activity/checkpoint.json"]))
	if err != nil {
		t.Fatal(err)
	}
	if err := cp.Verify(pub); err != nil || !strings.Contains(string(names["manifest.json"]), cp.HeadHash) {
		t.Errorf("the checkpoint: %v, head %s", err, cp.HeadHash)
	}
	if strings.Contains(string(names["README.txt"]), "no checkpoint key") {
		t.Error("a signed pack says it is unsigned")
	}
}
