package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
)

func systemsCSVCall(path, token, body string) call {
	return call{method: "POST", path: path, token: token, body: body, header: http.Header{"Content-Type": {"text/csv"}}}
}

// offContract marks c as breaking openapi.json on purpose.
func offContract(c call) call {
	c.offContract = true
	return c
}

func TestSystemsAreImportedAllOrNothingAndExportedToImportAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, beta := e.org(t, "acme"), e.org(t, "beta")
	alice := e.member(t, acme, aims.RoleContributor)
	viewer := e.member(t, acme, aims.RoleViewer)
	bob := e.member(t, beta, aims.RoleContributor)

	file := "\ufeffname,purpose,stage,markets,interacts_with_people,owner_id\r\n" +
		"Lumen Assist,\"Answers, politely\",deployment,EU;UK,yes," + alice.User.ID + "\r\n" +
		"\"Talent, Match\",\"Screens CVs\nand ranks them\",,,no,\r\n"
	var res api.SystemImport
	e.send(t, systemsCSVCall("/api/v1/systems/import", alice.Token, file)).want(t, 201).decode(t, &res)
	if res.Imported != 2 || len(res.Items) != 2 || res.Items[0].Name != "Lumen Assist" || res.Items[0].Markets[1] != "UK" ||
		!res.Items[0].InteractsWithPeople || res.Items[0].OwnerName != alice.User.Name || res.Items[1].Stage != "inception" {
		t.Fatalf("imported %+v", res)
	}

	for _, tc := range []struct {
		name   string
		c      call
		status int
		code   string
		field  string
		detail string
	}{
		{"a bad cell is 400 naming its line and column", systemsCSVCall("/api/v1/systems/import", alice.Token, "name,purpose,stage\nA,x,deployment\nB,x,someday\n"),
			400, "invalid", "stage", "Line 3: Choose one of"},
		{"a bad yes/no cell is 400 naming its line and column", systemsCSVCall("/api/v1/systems/import", alice.Token, "name,purpose,personal_data\nA,x,maybe\n"),
			400, "invalid", "personal_data", "Line 2: Write true, false, yes or no"},
		{"an unknown column is 400 on line 1", systemsCSVCall("/api/v1/systems/import", alice.Token, "name,purpose,colour\nA,x,red\n"),
			400, "invalid", "colour", "Line 1: Unknown column"},
		{"broken CSV is 400 naming its line", offContract(systemsCSVCall("/api/v1/systems/import", alice.Token, "name,purpose\nA,x\nB\n")),
			400, "invalid", "", "Line 3: The row has a different number of cells"},
		{"a name twice in the file is 409 on the second", systemsCSVCall("/api/v1/systems/import", alice.Token, "name,purpose\nA,x\nB,x\nA,y\n"),
			409, "conflict", "name", "Line 4: \"A\" is the name of line 2 already"},
		{"a name in use is 409", systemsCSVCall("/api/v1/systems/import", alice.Token, "name,purpose\nNew,x\nLumen Assist,y\n"),
			409, "conflict", "name", "Line 3: There is an AI system named \"Lumen Assist\" already."},
		{"an owner of another organization is 400 on owner_id", systemsCSVCall("/api/v1/systems/import", alice.Token, "name,purpose,owner_id\nNew,x,"+bob.User.ID+"\n"),
			400, "invalid", "owner_id", "member"},
		{"a bad JSON item is 400 naming its position and field", call{method: "POST", path: "/api/v1/systems/import", token: alice.Token,
			body: []map[string]any{{"name": "Fine", "purpose": "x"}, {"name": "Broken", "purpose": ""}}}, 400, "invalid", "purpose", "System 2: "},
		{"a JSON name twice is 409 on the second", call{method: "POST", path: "/api/v1/systems/import", token: alice.Token,
			body: []map[string]any{{"name": "A", "purpose": "x"}, {"name": "A", "purpose": "y"}}}, 409, "conflict", "name", "System 2: \"A\" is the name of item 1"},
		{"an unknown JSON field is 400", call{method: "POST", path: "/api/v1/systems/import", token: alice.Token, offContract: true,
			body: []map[string]any{{"name": "A", "purpose": "x", "colour": "red"}}}, 400, "invalid", "colour", "Unknown field"},
		{"another media type is 415", call{method: "POST", path: "/api/v1/systems/import", token: alice.Token, offContract: true,
			body: "name,purpose\nA,x\n", header: http.Header{"Content-Type": {"text/plain"}}}, 415, "media_type", "", "text/csv"},
		{"a file over 32 MiB is 413", call{method: "POST", path: "/api/v1/systems/import", token: alice.Token, offContract: true,
			body: "name,purpose\nA," + strings.Repeat("x", api.MaxImportBytes) + "\n", header: http.Header{"Content-Type": {"text/csv"}}},
			413, "too_large", "", "larger than"},
		{"a viewer may not import", systemsCSVCall("/api/v1/systems/import", viewer.Token, "name,purpose\nA,x\n"), 403, "forbidden", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.counts(t, acme)
			p := e.send(t, tc.c).wantProblem(t, tc.status, tc.code, tc.field)
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q does not say %q", p.Detail, tc.detail)
			}
			e.unchanged(t, before)
		})
	}

	// An export imports into another organization as it is, in either format.
	csv := e.send(t, call{method: "GET", path: "/api/v1/systems/export?format=csv", token: viewer.Token}).want(t, 200)
	if ct, cd := csv.header.Get("Content-Type"), csv.header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" ||
		cd != `attachment; filename="systems.csv"` || !strings.HasPrefix(string(csv.body), strings.Join(system.CSVColumns(), ",")+"\n") {
		t.Fatalf("CSV export: %s, %s\n%s", ct, cd, csv.body)
	}
	strip := func(s string) string { return strings.ReplaceAll(s, alice.User.ID, "") }
	e.send(t, systemsCSVCall("/api/v1/systems/import", bob.Token, strip(string(csv.body)))).want(t, 201)
	again := e.send(t, call{method: "GET", path: "/api/v1/systems/export?format=csv", token: bob.Token}).want(t, 200)
	if string(again.body) != strip(string(csv.body)) {
		t.Fatalf("the export of the import differs:\n%s\nfrom\n%s", again.body, csv.body)
	}
	var fs []system.Fields
	e.do(t, "GET", "/api/v1/systems/export", bob.Token, nil).want(t, 200).decode(t, &fs)
	if len(fs) != 2 || fs[0].Name != "Lumen Assist" || fs[1].Name != "Talent, Match" || fs[1].Purpose != "Screens CVs\nand ranks them" || fs[0].Markets[0] != "EU" {
		t.Fatalf("JSON export: %+v", fs)
	}
	gamma := e.org(t, "gamma")
	carol := e.member(t, gamma, aims.RoleManager)
	e.do(t, "POST", "/api/v1/systems/import", carol.Token, fs).want(t, 201).decode(t, &res)
	if res.Imported != 2 {
		t.Fatalf("imported %+v", res)
	}
	e.send(t, call{method: "GET", path: "/api/v1/systems/export?format=xml", token: viewer.Token, offContract: true}).wantProblem(t, 400, "invalid", "format")
	e.do(t, "POST", "/api/v1/systems/import", carol.Token, []system.Fields{}).want(t, 201).decode(t, &res)
	if res.Imported != 0 || res.Items == nil {
		t.Fatalf("an empty import: %+v", res)
	}
}

func TestSystemsAreFilteredByTheirComponentsSupplierAndModel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, other := e.org(t, "acme"), e.org(t, "other")
	viewer := e.member(t, acme, aims.RoleViewer)
	sys := map[string]*system.System{}
	for _, n := range []string{"Alpha", "Bravo", "Charlie", "Delta"} {
		s, err := e.Systems.Create(e.Ctx, acme.ID, system.Fields{Name: n, Purpose: "x"})
		if err != nil {
			t.Fatal(err)
		}
		sys[n] = s
	}
	comp := func(orgID string, f component.ComponentFields) *component.Component {
		c, err := e.Components.CreateComponent(e.Ctx, orgID, f)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	llama := comp(acme.ID, component.ComponentFields{Kind: "model", Name: "Llama", ComponentVersion: "3.1", Supplier: "Meta"})
	llama2 := comp(acme.ID, component.ComponentFields{Kind: "model", Name: "Llama", ComponentVersion: "2"})
	data := comp(acme.ID, component.ComponentFields{Kind: "dataset", Name: "Llama", Supplier: "META"})
	mistral := comp(acme.ID, component.ComponentFields{Kind: "model", Name: "Mistral", Supplier: "Meta Platforms"})
	for _, l := range []struct {
		s string
		c *component.Component
	}{{"Alpha", llama}, {"Bravo", llama2}, {"Charlie", data}, {"Delta", mistral}, {"Alpha", data}} {
		if _, err := e.Components.Link(e.Ctx, acme.ID, sys[l.s].ID, l.c.ID, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	// The same names in another organization are not seen.
	os, err := e.Systems.Create(e.Ctx, other.ID, system.Fields{Name: "Echo", Purpose: "x"})
	if err != nil {
		t.Fatal(err)
	}
	oc := comp(other.ID, component.ComponentFields{Kind: "model", Name: "Llama", Supplier: "Meta"})
	if _, err := e.Components.Link(e.Ctx, other.ID, os.ID, oc.ID, "", ""); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ query, want string }{
		{"?supplier=meta", "Alpha Charlie"},
		{"?supplier=Meta%20Platforms", "Delta"},
		{"?supplier=Met", ""},
		{"?model=LLAMA", "Alpha Bravo"},
		{"?model=llama&supplier=meta", "Alpha"},
		{"?model=Mistral&sort=updated", "Delta"},
		{"?model=llama&limit=1", "Alpha"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			var l systemList
			e.do(t, "GET", "/api/v1/systems"+tc.query, viewer.Token, nil).want(t, 200).decode(t, &l)
			var names []string
			for _, s := range l.Items {
				names = append(names, s.Name)
			}
			if got := strings.Join(names, " "); got != tc.want {
				t.Fatalf("systems %q, want %q", got, tc.want)
			}
		})
	}
	e.send(t, call{method: "GET", path: "/api/v1/systems?supplier=" + strings.Repeat("x", 201), token: viewer.Token, offContract: true}).
		wantProblem(t, 400, "invalid", "supplier")

	// The systems of a component, with the component's role in each.
	if _, err := e.Components.Link(e.Ctx, acme.ID, sys["Alpha"].ID, data.ID, "training data", ""); err != nil {
		t.Fatal(err)
	}
	var refs struct{ Items []component.SystemRef }
	e.do(t, "GET", "/api/v1/components/"+data.ID+"/systems", viewer.Token, nil).want(t, 200).decode(t, &refs)
	if len(refs.Items) != 2 || refs.Items[0].Name != "Alpha" || refs.Items[0].Role != "training data" || refs.Items[1].Name != "Charlie" {
		t.Fatalf("systems of the data set: %+v", refs.Items)
	}
	e.do(t, "GET", "/api/v1/components/"+oc.ID+"/systems", viewer.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", "/api/v1/components/"+aims.NewID()+"/systems", viewer.Token, nil).wantProblem(t, 404, "not_found", "")
}

func TestASystemImportOverTheRowLimitIs413AndStoresNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.Systems.ImportMaxRows = 3
	acme := e.org(t, "acme")
	alice := e.member(t, acme, aims.RoleContributor)
	csvFile := func(prefix string, n int) string {
		s := "name,purpose\n"
		for i := range n {
			s += fmt.Sprintf("%s %d,x\n", prefix, i)
		}
		return s
	}
	jsonFile := func(prefix string, n int) []map[string]any {
		items := []map[string]any{}
		for i := range n {
			items = append(items, map[string]any{"name": fmt.Sprintf("%s %d", prefix, i), "purpose": "x"})
		}
		return items
	}
	for _, c := range []call{systemsCSVCall("/api/v1/systems/import", alice.Token, csvFile("CSV", 4)),
		{method: "POST", path: "/api/v1/systems/import", token: alice.Token, body: jsonFile("JSON", 4)}} {
		before := e.counts(t, acme)
		p := e.send(t, c).wantProblem(t, 413, "too_large", "")
		for _, want := range []string{"more than 3 AI systems", "import_max_rows", "AIMS_IMPORT_MAX_ROWS", "Nothing was imported"} {
			if !strings.Contains(p.Detail, want) {
				t.Errorf("detail %q does not say %q", p.Detail, want)
			}
		}
		e.unchanged(t, before)
	}
	var res api.SystemImport
	e.send(t, systemsCSVCall("/api/v1/systems/import", alice.Token, csvFile("CSV", 3))).want(t, 201).decode(t, &res)
	if res.Imported != 3 {
		t.Fatalf("CSV at the limit: %+v", res)
	}
	e.do(t, "POST", "/api/v1/systems/import", alice.Token, jsonFile("JSON", 3)).want(t, 201).decode(t, &res)
	if res.Imported != 3 {
		t.Fatalf("JSON at the limit: %+v", res)
	}
}
