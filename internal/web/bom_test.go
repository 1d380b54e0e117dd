package web_test

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/component/aibom"
	"github.com/aimsproject/aims/internal/system"
)

const cyclonedx = "../../testdata/cyclonedx/"

// prepareBOM fills in the matrix's request for the BOM routes: each addresses a fresh system of target
// with one imported BOM.
func prepareBOM(t *testing.T, f *apptest.Fixture, r *matrixRequest, route string, target *account.Organization) {
	t.Helper()
	if !strings.Contains(route, "/bom") {
		return
	}
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: target.ID})
	s, err := f.Systems.Create(ctx, target.ID, system.Fields{Name: "Matrix system " + aims.NewID(), Purpose: "Matrix."})
	if err != nil {
		t.Fatal(err)
	}
	bom := `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"machine-learning-model","name":"matrix-model"}]}`
	if _, err := f.Components.ImportBOM(ctx, target.ID, s.ID, strings.NewReader(bom), "matrix.json"); err != nil {
		t.Fatal(err)
	}
	switch route {
	case "GET /systems/{id}/bom":
		r.path = "/systems/" + s.ID + "/bom"
	case "POST /systems/{id}/bom":
		// The matrix posts URL-encoded forms, which carry no file: the upload form's answer, 400 with the
		// page, shows that the handler was reached. TestABOMIsUploadedComparedAndExported uploads some.
		r.path = "/systems/" + s.ID + "/bom"
		r.okStatus = http.StatusBadRequest
	case "GET /systems/{id}/bom/download":
		r.path = "/systems/" + s.ID + "/bom/download"
	}
}

func TestABOMIsUploadedComparedAndExported(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme, other := f.Org(t, "acme"), f.Org(t, "other")
	u := newUser(t, f, "ada@acme.example", acme, aims.RoleContributor)
	viewer := newUser(t, f, "vic@acme.example", acme, aims.RoleViewer)
	stranger := newUser(t, f, "sam@other.example", other, aims.RoleOwner)
	s, err := f.Systems.Create(f.Ctx, acme.ID, system.Fields{Name: "Lumen Assist", Purpose: "Drafts answers."})
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(cyclonedx + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	b := browserAs(t, f, u, acme)
	mustContain(t, b.get("/systems/"+s.ID), "BOM")
	p := b.get("/systems/" + s.ID + "/bom")
	expect(t, p, 200, "")
	mustContain(t, p, "BOM of Lumen Assist", "No BOM has been imported", "Import a BOM", "Export CycloneDX 1.6")

	// Refused files list their issues and store nothing.
	before := activityCount(t, f, acme.ID)
	p = b.upload("/systems/"+s.ID+"/bom", nil, map[string][2]string{"file": {"bert.json", read("mlbom-model-opensource-bert-base-cased.bom.json")}})
	expect(t, p, 400, "")
	mustContain(t, p, "not a valid CycloneDX", "not JSON: line 9")
	if !strings.Contains(p.Body, `id="bom-file-error"`) || !strings.Contains(p.Body, `id="bom-issues"`) {
		t.Error("the error is not shown at the file field with its issues")
	}
	p = b.upload("/systems/"+s.ID+"/bom", nil, map[string][2]string{"file": {"bad.json",
		`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"spaceship","name":"x"}]}`}})
	expect(t, p, 400, "")
	mustContain(t, p, "/components/0/type")
	p = b.upload("/systems/"+s.ID+"/bom", nil, nil)
	expect(t, p, 400, "")
	mustContain(t, p, "Choose a CycloneDX JSON file")
	if n := activityCount(t, f, acme.ID); n != before {
		t.Errorf("refused uploads changed the trail from %d to %d entries", before, n)
	}

	// Two real BOMs: two versions, a diff, and their components in the inventory.
	p = b.upload("/systems/"+s.ID+"/bom", nil, map[string][2]string{"file": {"gpt-4o.bom.json", read("mlbom-model-foundationmodels-gpt-4o.bom.json")}})
	expect(t, p, http.StatusSeeOther, "/systems/"+s.ID+"/bom")
	mustContain(t, b.get(p.Location), "Imported gpt-4o.bom.json as BOM version 1: 1 component (1 new", "gpt-4o", "OpenAI Inc")
	p = b.upload("/systems/"+s.ID+"/bom", nil, map[string][2]string{"file": {"sd.json", read("valid-machine-learning-1.6.json")}})
	expect(t, p, http.StatusSeeOther, "/systems/"+s.ID+"/bom")
	p = b.get("/systems/" + s.ID + "/bom?from=1&to=2")
	expect(t, p, 200, "")
	mustContain(t, p, "From version 1 to version 2", "added model stable-diffusion 1.4", "removed model gpt-4o", "CompVis/stable-diffusion")
	mustContain(t, b.get("/systems/"+s.ID), "version 2, 1 component", "stable-diffusion", "gpt-4o")
	mustContain(t, b.get("/systems/"+s.ID+"/bom?from=1&to=9"), "Choose two imported versions")

	// Any member may export; the export validates. A viewer gets no upload form.
	vb := browserAs(t, f, viewer, acme)
	p = vb.get("/systems/" + s.ID + "/bom/download")
	expect(t, p, 200, "")
	if p.Header.Get("Content-Type") != "application/vnd.cyclonedx+json; version=1.6" {
		t.Errorf("Content-Type %q", p.Header.Get("Content-Type"))
	}
	inv, err := aibom.Parse(strings.NewReader(p.Body), 1<<20)
	if err != nil || len(inv.Components) != 2 {
		t.Errorf("export: %v, %+v", err, inv)
	}
	if strings.Contains(vb.get("/systems/"+s.ID+"/bom").Body, "Import a BOM") {
		t.Error("a viewer is offered the upload form")
	}
	// Another organization sees nothing of it.
	sb := browserAs(t, f, stranger, other)
	expect(t, sb.get("/systems/"+s.ID+"/bom"), 404, "")
	expect(t, sb.get("/systems/"+s.ID+"/bom/download"), 404, "")
	p = sb.upload("/systems/"+s.ID+"/bom", nil, map[string][2]string{"file": {"gpt-4o.bom.json", read("mlbom-model-foundationmodels-gpt-4o.bom.json")}})
	expect(t, p, 404, "")
	if vs, _ := f.Components.BOMs(f.Ctx, acme.ID, s.ID); len(vs) != 2 {
		t.Errorf("versions = %d, want 2", len(vs))
	}
}
