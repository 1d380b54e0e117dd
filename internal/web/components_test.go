package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
)

// createdID returns the id at the end of a redirect to a record's page.
func createdID(t *testing.T, p page, prefix string) string {
	t.Helper()
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, prefix) {
		t.Fatalf("got %d to %q, want a redirect to %s…\n%s", p.Status, p.Location, prefix, excerpt(p))
	}
	return strings.TrimPrefix(p.Location, prefix)
}

// fieldError returns the message shown beside the form field with id, or "".
func fieldError(p page, id string) string {
	m := regexp.MustCompile(`<p id="` + regexp.QuoteMeta(id) + `-error" class="field-error">([^<]*)</p>`).FindStringSubmatch(p.Body)
	if m == nil {
		return ""
	}
	return text(m[1])
}

func TestComponentsAreRegisteredWithTheirKindsDetailsAndEdited(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "lumen")
	ann := newUser(t, f, "ann@lumen.example", org, aims.RoleContributor)
	b := browserAs(t, f, ann, org)

	// The kind comes first; its details come with the form.
	p := b.get("/components/new")
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "Kind", "Continue")
	p = b.get("/components/new?kind=dataset")
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "Dataset details", "Acquisition", "Provenance", "Quality measures", "Preparation", "Personal data")
	if strings.Contains(p.Body, "Base model") {
		t.Errorf("the data set form asks for a model's details")
	}

	form := url.Values{"kind": {"dataset"}, "name": {" "}, "supplier": {"Acme"}, "detail_provenance": {"Exported from the help desk."}}
	before := activityCount(t, f, org.ID)
	p = b.post("/components", form)
	expect(t, p, http.StatusBadRequest, "")
	if msg := fieldError(p, "cmp-name"); msg != "Give the component a name." {
		t.Errorf("the name's error is %q\n%s", msg, excerpt(p))
	}
	mustContain(t, p, "Exported from the help desk.") // the values are kept
	form.Set("name", "Support tickets")
	form.Set("component_version", "2025-01")
	form.Set("detail_acquisition", "Our own help desk.")
	form.Set("detail_personal_data", "on")
	form.Set("detail_quality_measures", "a\x01b")
	p = b.post("/components", form)
	expect(t, p, http.StatusBadRequest, "")
	if msg := fieldError(p, "cmp-details"); !strings.Contains(msg, "control character") {
		t.Errorf("the details' error is %q\n%s", msg, excerpt(p))
	}
	if got := activityCount(t, f, org.ID); got != before {
		t.Fatalf("refused forms changed the trail: %d entries, want %d", got, before)
	}
	form.Set("detail_quality_measures", "Deduplicated.")
	id := createdID(t, b.post("/components", form), "/components/")

	p = b.get("/components/" + id)
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "Support tickets", "Dataset", "2025-01", "Acme", "Acquisition Our own help desk.",
		"Provenance Exported from the help desk.", "Quality measures Deduplicated.", "Personal data Yes", "Preparation Not recorded",
		"No AI system uses this component.")
	c, err := f.Components.Component(f.Ctx, org.ID, id)
	if err != nil || string(c.Details) != `{"acquisition":"Our own help desk.","personal_data":true,"provenance":"Exported from the help desk.","quality_measures":"Deduplicated."}` {
		t.Fatalf("stored %+v (details %s), %v", c, c.Details, err)
	}

	// The same kind, name and version is refused beside the name.
	p = b.post("/components", form)
	expect(t, p, http.StatusConflict, "")
	if msg := fieldError(p, "cmp-name"); !strings.Contains(msg, "already") {
		t.Errorf("the duplicate's error is %q", msg)
	}

	// An edit over a version that is no longer current keeps the values and says so.
	p = b.get("/components/" + id + "/edit")
	expect(t, p, http.StatusOK, "")
	version := hidden(t, p.Body, "/components/"+id, "version")
	edit := url.Values{"kind": {"dataset"}, "name": {"Support tickets"}, "component_version": {"2025-02"}, "version": {version},
		"detail_provenance": {"Exported again."}}
	if _, err := f.Components.UpdateComponent(f.Ctx, org.ID, id, component.ComponentFieldsOf(c), 0); err != nil {
		t.Fatal(err)
	}
	p = b.post("/components/"+id, edit)
	expect(t, p, http.StatusPreconditionFailed, "")
	mustContain(t, p, "Someone else changed this component")
	if !strings.Contains(p.Body, `value="2025-02"`) {
		t.Errorf("the refused edit's values are not kept")
	}
	edit.Set("version", hidden(t, p.Body, "/components/"+id, "version"))
	expect(t, b.post("/components/"+id, edit), http.StatusSeeOther, "/components/"+id)
	c, err = f.Components.Component(f.Ctx, org.ID, id)
	if err != nil || c.ComponentVersion != "2025-02" || string(c.Details) != `{"provenance":"Exported again."}` {
		t.Fatalf("after the edit: %+v (details %s), %v", c, c.Details, err)
	}

	// The list filters by kind and text.
	if _, err := f.Components.CreateComponent(f.Ctx, org.ID, component.ComponentFields{Kind: "model", Name: "Llama", Supplier: "Meta"}); err != nil {
		t.Fatal(err)
	}
	p = b.get("/components?kind=dataset")
	mustContain(t, p, "Support tickets")
	if strings.Contains(text(p.Body), "Llama") {
		t.Errorf("the data sets list a model")
	}
	p = b.get("/components?q=meta")
	mustContain(t, p, "Llama")
	if strings.Contains(text(p.Body), "Support tickets") {
		t.Errorf("the search for meta lists the data set")
	}

	// Only managers and above delete.
	expect(t, b.post("/components/"+id+"/delete", nil), http.StatusForbidden, "")
	boss := newUser(t, f, "boss@lumen.example", org, aims.RoleManager)
	expect(t, browserAs(t, f, boss, org).post("/components/"+id+"/delete", nil), http.StatusSeeOther, "/components")
	if _, err := f.Components.Component(f.Ctx, org.ID, id); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("the deleted component: %v", err)
	}
}

func TestComponentsAreAddedLinkedAndUnlinkedFromTheSystemPage(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org, other := f.Org(t, "lumen"), f.Org(t, "other")
	ann := newUser(t, f, "ann@lumen.example", org, aims.RoleContributor)
	vic := newUser(t, f, "vic@lumen.example", org, aims.RoleViewer)
	s, err := f.Systems.Create(f.Ctx, org.ID, system.Fields{Name: "Support assistant", Purpose: "Drafts answers."})
	if err != nil {
		t.Fatal(err)
	}
	b := browserAs(t, f, ann, org)
	sysPath := "/systems/" + s.ID

	p := b.get(sysPath)
	mustContain(t, p, "Use a component", "Add component")
	if strings.Contains(p.Body, `action="`+sysPath+`/components"`) {
		t.Errorf("the page offers to link existing components when there are none")
	}

	// Add a new component: registered and linked in one go, with its role.
	p = b.get("/components/new?system=" + s.ID + "&kind=model")
	mustContain(t, p, "Add a component to Support assistant", "Role in Support assistant", "Base model")
	form := url.Values{"system": {s.ID}, "kind": {"model"}, "name": {"Llama"}, "component_version": {"3.1"}, "supplier": {"Meta"},
		"detail_base_model": {"Llama 3.1 8B"}, "role": {"a\x00b"}}
	p = b.post("/components", form)
	expect(t, p, http.StatusBadRequest, "")
	if msg := fieldError(p, "cmp-role"); !strings.Contains(msg, "control character") {
		t.Errorf("the role's error is %q", msg)
	}
	if cs, _, _ := f.Components.Components(f.Ctx, org.ID, component.ComponentFilter{}, pageOf()); len(cs) != 0 {
		t.Fatalf("a refused link left a component behind: %d", len(cs))
	}
	form.Set("role", "primary model")
	expect(t, b.post("/components", form), http.StatusSeeOther, sysPath)
	p = b.get(sysPath)
	mustContain(t, p, "Components 1", "Model Llama 3.1 Meta — primary model Open Unlink")
	llama, err := f.Components.ComponentByKey(f.Ctx, org.ID, "model", "Llama", "3.1")
	if err != nil {
		t.Fatal(err)
	}
	p = b.get("/components/" + llama.ID)
	mustContain(t, p, "Used by 1", "Support assistant primary model", "Base model Llama 3.1 8B")

	// Link an existing component, then change its role by linking again.
	data, err := f.Components.CreateComponent(f.Ctx, org.ID, component.ComponentFields{Kind: "dataset", Name: "Tickets"})
	if err != nil {
		t.Fatal(err)
	}
	p = b.get(sysPath)
	mustContain(t, p, "Link existing", "Tickets (Dataset)")
	expect(t, b.post(sysPath+"/components", url.Values{"component_id": {data.ID}, "role": {"training data"}, "notes": {"Since 2024."}}),
		http.StatusSeeOther, sysPath)
	expect(t, b.post(sysPath+"/components", url.Values{"component_id": {data.ID}, "role": {"evaluation data"}}), http.StatusSeeOther, sysPath)
	cs, err := f.Components.SystemComponents(f.Ctx, org.ID, s.ID)
	if err != nil || len(cs) != 2 || cs[0].Name != "Tickets" || cs[0].Role != "evaluation data" {
		t.Fatalf("the system's components: %+v, %v", cs, err)
	}
	// A component or system of another organization cannot be linked.
	foreign, err := f.Components.CreateComponent(f.Ctx, other.ID, component.ComponentFields{Kind: "tool", Name: "Foreign"})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, b.post(sysPath+"/components", url.Values{"component_id": {foreign.ID}}), http.StatusNotFound, "")
	expect(t, b.post("/components", url.Values{"system": {aims.NewID()}, "kind": {"tool"}, "name": {"X"}}), http.StatusNotFound, "")

	// Viewers see the components but none of the controls, and may not link.
	vb := browserAs(t, f, vic, org)
	p = vb.get(sysPath)
	mustContain(t, p, "Components 2")
	if strings.Contains(p.Body, "Unlink") || strings.Contains(p.Body, "Use a component") {
		t.Errorf("a viewer is offered to change the components")
	}
	before := activityCount(t, f, org.ID)
	expect(t, vb.post(sysPath+"/components/"+data.ID+"/remove", nil), http.StatusForbidden, "")
	if got := activityCount(t, f, org.ID); got != before {
		t.Fatalf("a refused unlink changed the trail")
	}

	// Unlink: the component stays, the system no longer uses it.
	expect(t, b.post(sysPath+"/components/"+data.ID+"/remove", nil), http.StatusSeeOther, sysPath)
	expect(t, b.post(sysPath+"/components/"+data.ID+"/remove", nil), http.StatusNotFound, "")
	p = b.get("/components/" + data.ID)
	mustContain(t, p, "No AI system uses this component.")
}

func TestSystemsAreImportedExportedAndFilteredByComponentsInTheBrowser(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "lumen")
	ann := newUser(t, f, "ann@lumen.example", org, aims.RoleContributor)
	vic := newUser(t, f, "vic@lumen.example", org, aims.RoleViewer)
	b := browserAs(t, f, ann, org)

	p := b.get("/systems")
	mustContain(t, p, "Import and export", "CSV or JSON file")
	p = browserAs(t, f, vic, org).get("/systems")
	mustContain(t, p, "Import and export")
	if strings.Contains(p.Body, `action="/systems/import"`) {
		t.Errorf("a viewer is offered the import")
	}

	before := activityCount(t, f, org.ID)
	p = b.upload("/systems/import", nil, map[string][2]string{"file": {"systems.csv", "name,purpose,stage\nA,x,deployment\n\"B\",\"two\nlines\",someday\n"}})
	expect(t, p, http.StatusBadRequest, "")
	mustContain(t, p, "systems.csv: Line 3, stage: Choose one of", "Nothing was imported.")
	if got := activityCount(t, f, org.ID); got != before {
		t.Fatalf("a refused import changed the trail")
	}
	p = b.upload("/systems/import", nil, map[string][2]string{"file": {"systems.json", `[{"name":"A","purpose":"x"},{"name":"A","purpose":"y"}]`}})
	expect(t, p, http.StatusConflict, "")
	mustContain(t, p, `System 2, name: "A" is the name of item 1 already`)
	expect(t, b.upload("/systems/import", nil, nil), http.StatusBadRequest, "")

	p = b.upload("/systems/import", nil, map[string][2]string{"file": {"systems.json", `{"name":"A"}`}})
	expect(t, p, http.StatusBadRequest, "")
	mustContain(t, p, "must be a JSON array of AI systems", "Nothing was imported.")

	// More systems than the import limit are refused naming the limit and its setting; as many are taken.
	f.Systems.ImportMaxRows = 2
	for name, file := range map[string]string{"three.csv": "name,purpose\nA,x\nB,x\nC,x\n",
		"three.json": `[{"name":"A","purpose":"x"},{"name":"B","purpose":"x"},{"name":"C","purpose":"x"}]`} {
		p = b.upload("/systems/import", nil, map[string][2]string{"file": {name, file}})
		expect(t, p, http.StatusRequestEntityTooLarge, "")
		mustContain(t, p, name+": The file holds more than 2 AI systems", "--import-max-rows", "AIMS_IMPORT_MAX_ROWS", "Nothing was imported.")
		if got := activityCount(t, f, org.ID); got != before {
			t.Fatalf("an import over the limit changed the trail")
		}
	}
	csv := "name,purpose,markets\nLumen Assist,Answers,EU;UK\nTalentMatch,Screens CVs,\n"
	expect(t, b.upload("/systems/import", nil, map[string][2]string{"file": {"systems.csv", csv}}), http.StatusSeeOther, "/systems")
	mustContain(t, b.get("/systems"), "Imported 2 AI systems from systems.csv.", "Lumen Assist", "TalentMatch")

	p = b.get("/systems/export?format=csv")
	expect(t, p, http.StatusOK, "")
	if ct, cd := p.Header.Get("Content-Type"), p.Header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" ||
		cd != `attachment; filename="aims-systems-lumen.csv"` || !strings.Contains(p.Body, "\nLumen Assist,Answers,,,,,inception,active,,,,EU;UK,") {
		t.Fatalf("export: %s, %s\n%s", ct, cd, p.Body)
	}
	p = b.get("/systems/export?format=json")
	if !strings.Contains(p.Body, `"name": "TalentMatch"`) {
		t.Fatalf("JSON export:\n%s", p.Body)
	}
	expect(t, b.get("/systems/export?format=xml"), http.StatusBadRequest, "")

	// The list filters by the supplier and the model of the systems' components.
	ss, _, err := f.Systems.List(f.Ctx, org.ID, system.Filter{Query: "Lumen"}, pageOf())
	if err != nil || len(ss) != 1 {
		t.Fatal(ss, err)
	}
	m, err := f.Components.CreateComponent(f.Ctx, org.ID, component.ComponentFields{Kind: "model", Name: "Llama", Supplier: "Meta"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Components.Link(f.Ctx, org.ID, ss[0].ID, m.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"supplier=META", "model=llama"} {
		p = b.get("/systems?" + q)
		mustContain(t, p, "Lumen Assist", "Show all")
		if strings.Contains(text(p.Body), "TalentMatch") {
			t.Errorf("%s lists TalentMatch", q)
		}
	}
	p = b.get("/systems?supplier=Mistral")
	mustContain(t, p, "No AI system matches the filter.")
}
