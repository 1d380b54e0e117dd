package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system"
)

func TestComponentsAreSharedBySystemsAndLinkedIdempotently(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, other := e.org(t, "acme"), e.org(t, "other")
	alice := e.member(t, acme, aims.RoleContributor)
	boss := e.member(t, acme, aims.RoleManager)
	stranger := e.member(t, other, aims.RoleOwner)

	res := e.do(t, "POST", "/api/v1/components", alice.Token, map[string]any{
		"kind": "dataset", "name": "Support tickets", "component_version": "2025-01", "supplier": "Acme",
		"details": map[string]any{"provenance": " Exported from the help desk. ", "quality_measures": "Deduplicated.", "personal_data": true, "source": ""},
	}).want(t, 201)
	var ds component.Component
	res.decode(t, &ds)
	if ds.Version != 1 || res.header.Get("ETag") != `"1"` || string(ds.Details) != `{"personal_data":true,"provenance":"Exported from the help desk.","quality_measures":"Deduplicated."}` {
		t.Fatalf("created %+v (details %s), ETag %s", ds, ds.Details, res.header.Get("ETag"))
	}
	var model component.Component
	e.do(t, "POST", "/api/v1/components", alice.Token, map[string]any{"kind": "model", "name": "Llama", "component_version": "3.1",
		"details": map[string]any{"base_model": "Llama 3.1 8B", "model_card_url": "https://example.com/card"}}).want(t, 201).decode(t, &model)

	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
		code   string
		field  string
		msg    string
	}{
		{"an empty name is 400 on name", map[string]any{"kind": "model", "name": " "}, 400, "invalid", "name", ""},
		{"a detail of another kind is 400 naming it", map[string]any{"kind": "model", "name": "X", "details": map[string]any{"provenance": "x", "base_model": "y"}}, 400, "invalid", "details", "provenance"},
		{"a text flag is 400", map[string]any{"kind": "dataset", "name": "X", "details": map[string]any{"personal_data": "yes"}}, 400, "invalid", "details", "personal_data"},
		{"the same kind, name and version is 409 on name", map[string]any{"kind": "model", "name": "Llama", "component_version": "3.1"}, 409, "conflict", "name", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.counts(t, acme)
			p := e.do(t, "POST", "/api/v1/components", alice.Token, tc.body).wantProblem(t, tc.status, tc.code, tc.field)
			if !strings.Contains(p.Detail, tc.msg) {
				t.Errorf("detail %q does not name %q", p.Detail, tc.msg)
			}
			e.unchanged(t, before)
		})
	}
	e.send(t, call{method: "POST", path: "/api/v1/components", token: alice.Token, offContract: true,
		body: map[string]any{"kind": "robot", "name": "X"}}).wantProblem(t, 400, "invalid", "kind")
	e.do(t, "POST", "/api/v1/components", alice.Token, map[string]any{"kind": "model", "name": "Llama", "component_version": "3.2"}).want(t, 201)

	// Changes need the current version; the fields left out are kept.
	path := "/api/v1/components/" + model.ID
	e.do(t, "PATCH", path, alice.Token, map[string]any{"supplier": "Meta"}, "If-Match", `"7"`).wantProblem(t, 412, "precondition", "")
	e.do(t, "PATCH", path, alice.Token, map[string]any{"supplier": "Meta"}, "If-Match", `"1"`).want(t, 200).decode(t, &model)
	if model.Supplier != "Meta" || model.Name != "Llama" || model.Version != 2 || !strings.Contains(string(model.Details), "base_model") {
		t.Fatalf("after the change: %+v", model)
	}
	e.do(t, "PATCH", path, alice.Token, map[string]any{"kind": "dataset"}).wantProblem(t, 400, "invalid", "details")
	e.do(t, "PATCH", path, alice.Token, map[string]any{"component_version": "3.2"}).wantProblem(t, 409, "conflict", "name")
	e.send(t, call{method: "GET", path: "/api/v1/components?kind=robot", token: alice.Token, offContract: true}).wantProblem(t, 400, "invalid", "kind")

	// Two systems share the data set; linking twice changes nothing the second time.
	s1, s2 := e.seedSystem(t, acme.ID), e.seedSystem(t, acme.ID)
	link := func(s *system.System, c *component.Component, token string) *response {
		return e.do(t, "PUT", "/api/v1/systems/"+s.ID+"/components/"+c.ID, token, map[string]any{"role": "training data"})
	}
	e.do(t, "PUT", "/api/v1/systems/"+s1.ID+"/components/"+ds.ID, alice.Token, map[string]any{"role": "a\x00b"}).wantProblem(t, 400, "invalid", "role")
	link(s1, &ds, alice.Token).want(t, 200)
	before := e.counts(t, acme)
	link(s1, &ds, alice.Token).want(t, 200)
	e.unchanged(t, before)
	link(s2, &ds, alice.Token).want(t, 200)
	e.send(t, call{method: "PUT", path: "/api/v1/systems/" + s1.ID + "/components/" + model.ID, token: alice.Token}).want(t, 200)
	var l struct{ Items []component.SystemComponent }
	e.do(t, "GET", "/api/v1/systems/"+s1.ID+"/components", alice.Token, nil).want(t, 200).decode(t, &l)
	if len(l.Items) != 2 || l.Items[0].Kind != "dataset" || l.Items[0].Role != "training data" || l.Items[1].ID != model.ID {
		t.Fatalf("components of the system: %+v", l.Items)
	}
	refs, err := e.Components.ComponentSystems(e.Ctx, acme.ID, ds.ID)
	if err != nil || len(refs) != 2 {
		t.Fatalf("systems using the data set: %+v, %v", refs, err)
	}

	// Another organization's ids are not found, either way round.
	theirs := e.seedComponent(t, other.ID)
	before = e.counts(t, acme, other)
	e.do(t, "PUT", "/api/v1/systems/"+s1.ID+"/components/"+theirs.ID, alice.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "PUT", "/api/v1/systems/"+s1.ID+"/components/"+ds.ID, stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", path, stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", "/api/v1/systems/"+s1.ID+"/components", stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.unchanged(t, before)
	var cl struct{ Items []component.Component }
	e.do(t, "GET", "/api/v1/components?kind=model&q=LLA", stranger.Token, nil).want(t, 200).decode(t, &cl)
	if len(cl.Items) != 0 {
		t.Fatalf("another organization sees %+v", cl.Items)
	}
	e.do(t, "GET", "/api/v1/components?kind=model&q=LLA", alice.Token, nil).want(t, 200).decode(t, &cl)
	if len(cl.Items) != 2 {
		t.Fatalf("models named like lla: %+v", cl.Items)
	}

	// Unlinking keeps the component; deleting it unlinks it everywhere.
	e.do(t, "DELETE", "/api/v1/systems/"+s1.ID+"/components/"+model.ID, alice.Token, nil).want(t, 204)
	e.do(t, "DELETE", "/api/v1/systems/"+s1.ID+"/components/"+model.ID, alice.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", path, alice.Token, nil).want(t, 200)
	e.do(t, "DELETE", "/api/v1/components/"+ds.ID, alice.Token, nil).wantProblem(t, 403, "forbidden", "")
	e.do(t, "DELETE", "/api/v1/components/"+ds.ID, boss.Token, nil).want(t, 204)
	e.do(t, "GET", "/api/v1/systems/"+s2.ID+"/components", alice.Token, nil).want(t, 200).decode(t, &l)
	if len(l.Items) != 0 {
		t.Fatalf("the deleted data set is still linked: %+v", l.Items)
	}

	// Deleting a system removes its links, not the components.
	link(s2, &model, alice.Token).want(t, 200)
	e.do(t, "DELETE", "/api/v1/systems/"+s2.ID, boss.Token, nil).want(t, 204)
	refs, err = e.Components.ComponentSystems(e.Ctx, acme.ID, model.ID)
	if err != nil || len(refs) != 0 {
		t.Fatalf("systems using the model after the deletion: %+v, %v", refs, err)
	}
	var raw map[string]json.RawMessage
	e.do(t, "GET", path, alice.Token, nil).want(t, 200).decode(t, &raw)
	if string(raw["kind"]) != `"model"` {
		t.Fatalf("the model after the system's deletion: %s", raw)
	}
}
