package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// TestLinksThroughTheAPI: a contributor links records of their organization and reads the links from
// either end, a page at a time; bad input is a problem naming the field and writes nothing; another
// organization's records and links are 404; a component a system depends on cannot be deleted.
func TestLinksThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, other := e.org(t, "acme"), e.org(t, "other")
	alice := e.member(t, acme, aims.RoleContributor)
	boss := e.member(t, acme, aims.RoleManager)
	stranger := e.member(t, other, aims.RoleOwner)
	talent := e.seedSystem(t, acme.ID)
	model := e.seedComponent(t, acme.ID)
	theirs := e.seedSystem(t, other.ID)
	sys, comp := "system:"+talent.ID, "component:"+model.ID

	var l record.Link
	res := e.do(t, "POST", "/api/v1/links", alice.Token, map[string]any{"relationship": "depends-on", "from": sys, "to": comp,
		"note": "The ranker scores every CV."}).want(t, 201)
	res.decode(t, &l)
	if l.From.Title != talent.Name || l.To.ID != model.ID || l.Relationship != record.RelDependsOn || res.header.Get("Location") != "/api/v1/links/"+l.ID {
		t.Fatalf("created %+v at %s", l, res.header.Get("Location"))
	}
	// Six links to controls, read back from the system two at a time, newest first, with no repeats.
	refs := []string{"A.2.2", "A.3.2", "A.4.2", "A.5.2", "A.6.2.4", "A.7.2"}
	for _, ref := range refs {
		e.do(t, "POST", "/api/v1/links", alice.Token, map[string]any{"relationship": "implements", "from": sys, "to": "control:iso42001-2023/" + ref}).want(t, 201)
	}
	var seen []string
	path := "/api/v1/links?limit=2&record=" + url.QueryEscape(sys)
	for path != "" {
		var page struct {
			Items      []record.Link
			NextCursor string `json:"next_cursor"`
		}
		e.do(t, "GET", path, alice.Token, nil).want(t, 200).decode(t, &page)
		for _, x := range page.Items {
			seen = append(seen, x.To.ID)
		}
		path = ""
		if page.NextCursor != "" {
			path = "/api/v1/links?limit=2&record=" + url.QueryEscape(sys) + "&cursor=" + page.NextCursor
		}
	}
	want := []string{}
	for i := len(refs) - 1; i >= 0; i-- {
		want = append(want, "iso42001-2023/"+refs[i])
	}
	want = append(want, model.ID)
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("pages of the system's links: %v, want %v", seen, want)
	}
	var to struct{ Items []record.Link }
	e.do(t, "GET", "/api/v1/links?to="+url.QueryEscape(comp), boss.Token, nil).want(t, 200).decode(t, &to)
	if len(to.Items) != 1 || to.Items[0].From.ID != talent.ID {
		t.Errorf("links to the component: %+v", to.Items)
	}
	var rels struct{ Items []map[string]any }
	e.do(t, "GET", "/api/v1/relationships", boss.Token, nil).want(t, 200).decode(t, &rels)
	if len(rels.Items) != len(record.Rules) {
		t.Errorf("%d relationships listed, want %d", len(rels.Items), len(record.Rules))
	}

	before := e.counts(t, acme, other)
	for _, tc := range []struct {
		name         string
		body         map[string]any
		status       int
		code, field  string
		offContract  bool
		detailSaying string
	}{
		{"another organization's record is 404", map[string]any{"relationship": "relates-to", "from": sys, "to": "system:" + theirs.ID}, 404, "not_found", "", false, "No ai system"},
		{"a type the relationship does not take is 400 on to", map[string]any{"relationship": "implements", "from": sys, "to": comp}, 400, "invalid", "to", false, "ends at"},
		{"a malformed record is 400 on from", map[string]any{"relationship": "relates-to", "from": "TalentMatch", "to": comp}, 400, "invalid", "from", false, "TYPE:ID"},
		{"the same link twice is 409", map[string]any{"relationship": "depends-on", "from": sys, "to": comp}, 409, "conflict", "", false, "already"},
		{"an unknown relationship is 400", map[string]any{"relationship": "owns", "from": sys, "to": comp}, 400, "invalid", "relationship", true, ""},
		{"an unknown field is 400 naming it", map[string]any{"relationship": "relates-to", "from": sys, "to": comp, "weight": 3}, 400, "invalid", "weight", true, ""},
		{"a note over the limit is 400", map[string]any{"relationship": "relates-to", "from": sys, "to": comp, "note": strings.Repeat("x", 1001)}, 400, "invalid", "note", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := e.send(t, call{method: "POST", path: "/api/v1/links", token: alice.Token, body: tc.body, offContract: tc.offContract}).
				wantProblem(t, tc.status, tc.code, tc.field)
			if !strings.Contains(p.Detail, tc.detailSaying) {
				t.Errorf("detail %q does not say %q", p.Detail, tc.detailSaying)
			}
		})
	}
	e.do(t, "GET", "/api/v1/links?record="+url.QueryEscape(sys), stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", "/api/v1/links/"+l.ID, stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "DELETE", "/api/v1/links/"+l.ID, stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", "/api/v1/links", alice.Token, nil).wantProblem(t, 400, "invalid", "from")
	e.do(t, "GET", "/api/v1/links?from=robot:x", alice.Token, nil).wantProblem(t, 400, "invalid", "from")
	e.unchanged(t, before)

	// The component rests under the system's dependency: deleting it is refused until the link goes.
	e.do(t, "DELETE", "/api/v1/components/"+model.ID, boss.Token, nil).wantProblem(t, 409, "conflict", "")
	e.unchanged(t, before)
	e.do(t, "DELETE", "/api/v1/links/"+l.ID, alice.Token, nil).want(t, 204)
	e.do(t, "GET", "/api/v1/links/"+l.ID, alice.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "DELETE", "/api/v1/components/"+model.ID, boss.Token, nil).want(t, 204)

	// A system another depends on is kept the same way; deleting the dependent one removes the link.
	assist := e.seedSystem(t, acme.ID)
	e.do(t, "POST", "/api/v1/links", alice.Token, map[string]any{"relationship": "depends-on", "from": "system:" + assist.ID, "to": sys}).want(t, 201)
	p := e.do(t, "DELETE", "/api/v1/systems/"+talent.ID, boss.Token, nil).wantProblem(t, 409, "conflict", "")
	if !strings.Contains(p.Detail, assist.Name+" depends on AI system "+talent.Name) {
		t.Errorf("the refusal says %q", p.Detail)
	}
	e.do(t, "DELETE", "/api/v1/systems/"+assist.ID, boss.Token, nil).want(t, 204)
	e.do(t, "DELETE", "/api/v1/systems/"+talent.ID, boss.Token, nil).want(t, 204)
	e.do(t, "GET", "/api/v1/links?to="+url.QueryEscape("control:iso42001-2023/A.2.2"), alice.Token, nil).want(t, 200).decode(t, &to)
	if len(to.Items) != 0 {
		t.Errorf("the deleted system's links remain: %+v", to.Items)
	}
}
