package api_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom"
)

const cyclonedx = "../../testdata/cyclonedx"

func readCycloneDX(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(cyclonedx, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// postBOM sends body as a BOM of system id.
func (e *env) postBOM(t *testing.T, token, id string, body []byte, offContract bool) *response {
	t.Helper()
	return e.send(t, call{method: http.MethodPost, path: "/api/v1/systems/" + id + "/boms?filename=x.json", token: token, body: body,
		header: http.Header{"Content-Type": {"application/vnd.cyclonedx+json"}}, offContract: offContract})
}

// bomIssues is the problem body of a refused BOM.
type bomIssues struct {
	Code   string
	Errors []aibom.Issue
}

func TestImportTheRealMLBOMs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	m := e.member(t, acme, aims.RoleContributor)
	s := e.seedSystem(t, acme.ID)

	var imp component.BOMImport
	res := e.postBOM(t, m.Token, s.ID, readCycloneDX(t, "mlbom-model-foundationmodels-gpt-4o.bom.json"), false).want(t, 201)
	res.decode(t, &imp)
	if imp.Seq != 1 || imp.Filename != "x.json" || imp.Components != 1 || imp.Stats == nil || imp.Stats.Created != 1 || imp.Inventory != nil {
		t.Errorf("import = %+v", imp)
	}
	if loc := res.header.Get("Location"); loc != "/api/v1/systems/"+s.ID+"/boms/1" {
		t.Errorf("Location = %q", loc)
	}
	e.postBOM(t, m.Token, s.ID, readCycloneDX(t, "valid-machine-learning-1.6.json"), false).want(t, 201)

	var got component.BOMImport
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/boms/1", m.Token, nil).want(t, 200).decode(t, &got)
	c := got.Inventory.Components[0]
	if c.Name != "gpt-4o" || c.Type != aibom.TypeModel || c.Model.Architecture != "GPT-4" || c.Supplier != "OpenAI Inc" {
		t.Errorf("version 1 component = %+v", c)
	}
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/boms/2", m.Token, nil).want(t, 200).decode(t, &got)
	c = got.Inventory.Components[0]
	if c.Name != "stable-diffusion" || c.Model.Approach != "supervised" || len(c.Model.Datasets) != 1 ||
		c.Model.Datasets[0].Name != "Training Data" || c.Model.Datasets[0].Classification != "public" {
		t.Errorf("version 2 component = %+v", c)
	}
	var comps struct{ Items []component.SystemComponent }
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/components", m.Token, nil).want(t, 200).decode(t, &comps)
	names := []string{}
	for _, c := range comps.Items {
		names = append(names, c.Kind+":"+c.Name+":"+c.Role)
	}
	if strings.Join(names, ",") != "model:gpt-4o:bom,model:stable-diffusion:bom" {
		t.Errorf("components = %v", names)
	}
	var list struct{ Items []component.BOMImport }
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/boms", m.Token, nil).want(t, 200).decode(t, &list)
	if len(list.Items) != 2 || list.Items[0].Seq != 2 {
		t.Errorf("list = %+v", list.Items)
	}
	var diff component.BOMDiff
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/boms/diff?from=1&to=2", m.Token, nil).want(t, 200).decode(t, &diff)
	if len(diff.Changes.Added) != 1 || diff.Changes.Added[0].Name != "stable-diffusion" || len(diff.Changes.Removed) != 1 ||
		diff.Changes.Removed[0].Name != "gpt-4o" {
		t.Errorf("diff = %+v", diff.Changes)
	}
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/boms/diff?from=1&to=9", m.Token, nil).wantProblem(t, 404, "not_found", "")
	e.send(t, call{method: "GET", path: "/api/v1/systems/" + s.ID + "/boms/diff?from=x&to=2", token: m.Token, offContract: true}).
		wantProblem(t, 400, "invalid", "from")
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/boms/7", m.Token, nil).wantProblem(t, 404, "not_found", "")
}

func TestImportBOMRefusesBadDocumentsAndStoresNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	m := e.member(t, acme, aims.RoleContributor)
	s := e.seedSystem(t, acme.ID)
	before := e.counts(t, acme)

	// The shared bert BOM has a trailing comma: not JSON, refused with the line.
	res := e.postBOM(t, m.Token, s.ID, readCycloneDX(t, "mlbom-model-opensource-bert-base-cased.bom.json"), true)
	res.wantProblem(t, 400, "invalid", "")
	var p bomIssues
	res.decode(t, &p)
	if len(p.Errors) != 1 || p.Errors[0].Pointer != "" || !strings.Contains(p.Errors[0].Message, "line 9") {
		t.Errorf("errors = %+v", p.Errors)
	}
	// Valid JSON, invalid CycloneDX: every issue with its pointer.
	bad := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":"one","components":[{"type":"spaceship","name":"x"},{"type":"library"}]}`)
	res = e.postBOM(t, m.Token, s.ID, bad, false)
	res.wantProblem(t, 400, "invalid", "")
	p = bomIssues{}
	res.decode(t, &p)
	pointers := []string{}
	for _, is := range p.Errors {
		pointers = append(pointers, is.Pointer)
	}
	for _, want := range []string{"/components/0/type", "/components/1", "/version"} {
		found := false
		for _, got := range pointers {
			found = found || got == want
		}
		if !found {
			t.Errorf("no issue at %s in %v", want, p.Errors)
		}
	}
	e.send(t, call{method: "POST", path: "/api/v1/systems/" + s.ID + "/boms", token: m.Token, body: "bomFormat: CycloneDX",
		header: http.Header{"Content-Type": {"text/yaml"}}, offContract: true}).wantProblem(t, 415, "media_type", "")
	e.unchanged(t, before)
	var list struct{ Items []component.BOMImport }
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/boms", m.Token, nil).want(t, 200).decode(t, &list)
	var comps struct{ Items []component.SystemComponent }
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/components", m.Token, nil).want(t, 200).decode(t, &comps)
	if len(list.Items) != 0 || len(comps.Items) != 0 {
		t.Errorf("stored %d versions, %d components", len(list.Items), len(comps.Items))
	}
}

func TestImportBOMOverTheLimitIs413(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.Components.BOMMaxBytes = 2000 // the gpt-4o BOM is 1.3 kB, the stable-diffusion one 99 kB
	acme := e.org(t, "acme")
	m := e.member(t, acme, aims.RoleContributor)
	s := e.seedSystem(t, acme.ID)
	before := e.counts(t, acme)
	e.postBOM(t, m.Token, s.ID, readCycloneDX(t, "valid-machine-learning-1.6.json"), false).wantProblem(t, 413, "too_large", "")
	e.unchanged(t, before)
	e.postBOM(t, m.Token, s.ID, readCycloneDX(t, "mlbom-model-foundationmodels-gpt-4o.bom.json"), false).want(t, 201)
}

func TestBOMsOfAnotherOrganizationAreNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, other := e.org(t, "acme"), e.org(t, "other")
	s := e.seedSystem(t, acme.ID)
	if _, err := e.Components.ImportBOM(e.Ctx, acme.ID, s.ID, bytes.NewReader(readCycloneDX(t, "mlbom-model-foundationmodels-gpt-4o.bom.json")), "a.json"); err != nil {
		t.Fatal(err)
	}
	m := e.member(t, other, aims.RoleOwner)
	before := e.counts(t, acme, other)
	e.postBOM(t, m.Token, s.ID, readCycloneDX(t, "mlbom-model-foundationmodels-gpt-4o.bom.json"), false).wantProblem(t, 404, "not_found", "")
	for _, path := range []string{"/boms", "/boms/1", "/boms/diff?from=1&to=1", "/bom"} {
		e.do(t, "GET", "/api/v1/systems/"+s.ID+path, m.Token, nil).wantProblem(t, 404, "not_found", "")
	}
	e.unchanged(t, before)
}

func TestExportBOMValidatesAndRoundTrips(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	m := e.member(t, acme, aims.RoleContributor)
	s := e.seedSystem(t, acme.ID)
	e.postBOM(t, m.Token, s.ID, readCycloneDX(t, "valid-machine-learning-1.6.json"), false).want(t, 201)
	e.postBOM(t, m.Token, s.ID, readCycloneDX(t, "mlbom-model-foundationmodels-gpt-4o.bom.json"), false).want(t, 201)

	first := e.do(t, "GET", "/api/v1/systems/"+s.ID+"/bom", m.Token, nil).want(t, 200)
	if ct := first.header.Get("Content-Type"); ct != "application/vnd.cyclonedx+json; version=1.6" {
		t.Errorf("Content-Type = %q", ct)
	}
	inv, err := aibom.Parse(bytes.NewReader(first.body), 1<<20)
	if err != nil {
		t.Fatalf("the export does not validate: %v", err)
	}
	if len(inv.Components) != 2 || inv.Metadata.Subject.Name != s.Name {
		t.Fatalf("export = %+v", inv)
	}
	for _, c := range inv.Components {
		if c.Name == "stable-diffusion" && (len(c.Model.Metrics) != 1 || c.Group != "CompVis") {
			t.Errorf("stable-diffusion lost its model card: %+v", c)
		}
	}
	e.postBOM(t, m.Token, s.ID, first.body, false).want(t, 201)
	second := e.do(t, "GET", "/api/v1/systems/"+s.ID+"/bom", m.Token, nil).want(t, 200)
	inv2, err := aibom.Parse(bytes.NewReader(second.body), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := jsonOf(inv.Components)
	b, _ := jsonOf(inv2.Components)
	if !bytes.Equal(a, b) {
		t.Errorf("components changed on the round trip:\n%s\n%s", a, b)
	}
}

func jsonOf(v any) ([]byte, error) { return json.Marshal(v) }

// TestImportBOMWhileAnotherIsBeingStoredIs409 registers a live pending import of the organization the way
// another replica's import in progress leaves it (a bom_pending row whose lease runs), through a second
// connection to the database: a BOM posted meanwhile is refused with 409 and changes nothing; another
// organization imports as usual.
func TestImportBOMWhileAnotherIsBeingStoredIs409(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, other := e.org(t, "acme"), e.org(t, "other")
	m := e.member(t, acme, aims.RoleContributor)
	s := e.seedSystem(t, acme.ID)
	o := e.member(t, other, aims.RoleContributor)
	osys := e.seedSystem(t, other.ID)

	driver, dsn := "sqlite", "file:"+filepath.Join(e.StoreOptions.DataDir, "aims.db")+"?_pragma=busy_timeout(10000)"
	if e.StoreOptions.URL != "" {
		driver, dsn = "pgx", e.StoreOptions.URL
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	now := time.Now().UTC()
	q := `INSERT INTO bom_pending (id, org_id, system_id, started_at, lease_until) VALUES (?, ?, ?, ?, ?)`
	if driver == "pgx" {
		q = `INSERT INTO bom_pending (id, org_id, system_id, started_at, lease_until) VALUES ($1, $2, $3, $4, $5)`
	}
	if _, err := raw.ExecContext(e.Ctx, q, aims.NewID(), acme.ID, s.ID, now, now.Add(time.Hour)); err != nil {
		t.Fatalf("cannot register another import: %v", err)
	}

	before := e.counts(t, acme)
	e.postBOM(t, m.Token, s.ID, readCycloneDX(t, "mlbom-model-foundationmodels-gpt-4o.bom.json"), false).wantProblem(t, 409, "conflict", "")
	e.unchanged(t, before)
	e.postBOM(t, o.Token, osys.ID, readCycloneDX(t, "mlbom-model-foundationmodels-gpt-4o.bom.json"), false).want(t, 201)
}
