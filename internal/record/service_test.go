package record_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

type fixture struct {
	db  *store.DB
	sv  *app.Services
	ctx context.Context
	org *account.Organization
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.Open(t)
	sv, err := app.NewServices(db, app.ServiceOptions{Catalog: storetest.Catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, sv: sv}
	f.ctx = aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorUser, ID: "u1", Name: "Maya Okafor"})
	f.org = f.newOrg(t, "lumen")
	return f
}

func (f *fixture) newOrg(t *testing.T, slug string) *account.Organization {
	t.Helper()
	o, err := f.sv.Accounts.CreateOrganization(context.Background(), slug, "Org "+slug)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (f *fixture) system(t *testing.T, orgID, name string) string {
	t.Helper()
	s, err := f.sv.Systems.Create(f.ctx, orgID, system.Fields{Name: name, Purpose: "p"})
	if err != nil {
		t.Fatal(err)
	}
	return "system:" + s.ID
}

func (f *fixture) component(t *testing.T, orgID, name string) string {
	t.Helper()
	c, err := f.sv.Components.CreateComponent(f.ctx, orgID, component.ComponentFields{Kind: "model", Name: name, ComponentVersion: "1.0"})
	if err != nil {
		t.Fatal(err)
	}
	return "component:" + c.ID
}

func (f *fixture) link(t *testing.T, rel, from, to string) *record.Link {
	t.Helper()
	l, err := f.sv.Records.Link(f.ctx, f.org.ID, record.NewLink{Relationship: rel, From: from, To: to})
	if err != nil {
		t.Fatalf("link %s %s %s: %v", from, rel, to, err)
	}
	return l
}

func (f *fixture) trail(t *testing.T, orgID string) int {
	t.Helper()
	n := 0
	if err := f.db.EachActivity(f.ctx, orgID, func(*activity.Entry) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func ref(t *testing.T, s string) *record.Ref {
	t.Helper()
	r, err := record.ParseRef(s, "record")
	if err != nil {
		t.Fatal(err)
	}
	return &r
}

func (f *fixture) list(t *testing.T, fl record.Filter) []string {
	t.Helper()
	ls, _, err := f.sv.Records.List(f.ctx, f.org.ID, fl, aims.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range ls {
		out = append(out, fmt.Sprintf("%s %s %s", l.From.Title, l.Relationship, l.To.Title))
	}
	return out
}

// TestLinksJoinRecordsOfOneOrganization: a link between two records of the organization is listed from
// both ends with the records' titles, is in the activity trail, and is deleted by id.
func TestLinksJoinRecordsOfOneOrganization(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	talent := f.system(t, f.org.ID, "TalentMatch")
	model := f.component(t, f.org.ID, "ranker")
	before := f.trail(t, f.org.ID)
	l := f.link(t, "implements", talent, "control:iso42001-2023/A.6.2.4")
	if l.To.Title == "" || !strings.HasPrefix(l.To.Title, "A.6.2.4 ") || l.From.Title != "TalentMatch" || l.CreatedBy != "Maya Okafor" {
		t.Errorf("link ends %+v -> %+v by %q", l.From, l.To, l.CreatedBy)
	}
	f.link(t, "depends-on", talent, model)
	if n := f.trail(t, f.org.ID); n != before+2 {
		t.Errorf("two links made %d activity entries, want 2", n-before)
	}
	if got := f.list(t, record.Filter{From: ref(t, talent)}); len(got) != 2 || got[0] != "TalentMatch depends-on ranker 1.0" {
		t.Errorf("links from TalentMatch: %q", got)
	}
	if got := f.list(t, record.Filter{To: ref(t, model)}); len(got) != 1 {
		t.Errorf("links to the ranker: %q", got)
	}
	if got := f.list(t, record.Filter{Record: ref(t, "control:iso42001-2023/A.6.2.4")}); len(got) != 1 || !strings.HasPrefix(got[0], "TalentMatch implements A.6.2.4") {
		t.Errorf("links of A.6.2.4: %q", got)
	}
	if got := f.list(t, record.Filter{Record: ref(t, talent), Relationship: record.RelImplements}); len(got) != 1 {
		t.Errorf("implements links of TalentMatch: %q", got)
	}
	if err := f.sv.Records.Unlink(f.ctx, f.org.ID, l.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.sv.Records.Unlink(f.ctx, f.org.ID, l.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("unlinking twice: %v, want ENOTFOUND", err)
	}
	if got := f.list(t, record.Filter{Record: ref(t, talent)}); len(got) != 1 {
		t.Errorf("after unlinking: %q", got)
	}
}

// TestLinksRefuseBadInput: another organization's record is not found, a relationship takes only the types
// it declares, a record does not link to itself, the same link twice conflicts, and none of these writes
// anything.
func TestLinksRefuseBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	other := f.newOrg(t, "elsewhere")
	theirs := f.system(t, other.ID, "Their system")
	talent := f.system(t, f.org.ID, "TalentMatch")
	model := f.component(t, f.org.ID, "ranker")
	f.link(t, "relates-to", talent, model)
	theirLink, err := f.sv.Records.Link(f.ctx, other.ID, record.NewLink{Relationship: "relates-to", From: theirs, To: "control:iso42001-2023/A.2.2"})
	if err != nil {
		t.Fatal(err)
	}
	before := f.trail(t, f.org.ID)
	for _, tc := range []struct {
		name            string
		n               record.NewLink
		code, field, in string
	}{
		{"another organization's record", record.NewLink{Relationship: "relates-to", From: talent, To: theirs}, aims.ENOTFOUND, "", "No ai system"},
		{"another organization's record at the from end", record.NewLink{Relationship: "relates-to", From: theirs, To: talent}, aims.ENOTFOUND, "", ""},
		{"a record that does not exist", record.NewLink{Relationship: "relates-to", From: talent, To: "component:" + aims.NewID()}, aims.ENOTFOUND, "", ""},
		{"a control that does not exist", record.NewLink{Relationship: "implements", From: talent, To: "control:iso42001-2023/Z.9"}, aims.ENOTFOUND, "", ""},
		{"a heading is not a control", record.NewLink{Relationship: "implements", From: talent, To: "control:iso42001-2023/A.6"}, aims.ENOTFOUND, "", ""},
		{"a type the relationship does not start at", record.NewLink{Relationship: "implements", From: "control:iso42001-2023/A.2.2", To: "control:iso42001-2023/A.6.2.4"}, aims.EINVALID, "from", "starts at"},
		{"a type the relationship does not end at", record.NewLink{Relationship: "implements", From: talent, To: model}, aims.EINVALID, "to", "ends at: Control"},
		{"an unknown relationship", record.NewLink{Relationship: "owns", From: talent, To: model}, aims.EINVALID, "relationship", "relates-to"},
		{"an unknown record type", record.NewLink{Relationship: "relates-to", From: "incident:" + aims.NewID(), To: model}, aims.EINVALID, "from", "Unknown record type"},
		{"no type", record.NewLink{Relationship: "relates-to", From: talent, To: "TalentMatch"}, aims.EINVALID, "to", "TYPE:ID"},
		{"itself", record.NewLink{Relationship: "relates-to", From: talent, To: talent}, aims.EINVALID, "to", "itself"},
		{"twice", record.NewLink{Relationship: "relates-to", From: talent, To: model}, aims.ECONFLICT, "", "already"},
		{"a note over the limit", record.NewLink{Relationship: "follows-up", From: talent, To: model, Note: strings.Repeat("n", record.MaxNote+1)}, aims.EINVALID, "note", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.sv.Records.Link(f.ctx, f.org.ID, tc.n)
			if aims.ErrorCode(err) != tc.code || aims.ErrorField(err) != tc.field || !strings.Contains(aims.ErrorMessage(err), tc.in) {
				t.Errorf("got %v (field %q), want %s on %q saying %q", err, aims.ErrorField(err), tc.code, tc.field, tc.in)
			}
		})
	}
	if n := f.trail(t, f.org.ID); n != before {
		t.Errorf("refused links wrote %d activity entries", n-before)
	}
	if _, _, err := f.sv.Records.List(f.ctx, f.org.ID, record.Filter{Record: ref(t, theirs)}, aims.Page{}); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("listing another organization's record's links: %v, want ENOTFOUND", err)
	}
	if _, err := f.sv.Records.Get(f.ctx, f.org.ID, theirLink.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("reading another organization's link: %v, want ENOTFOUND", err)
	}
	if err := f.sv.Records.Unlink(f.ctx, f.org.ID, theirLink.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("deleting another organization's link: %v, want ENOTFOUND", err)
	}
	if _, err := f.sv.Records.Get(f.ctx, other.ID, theirLink.ID); err != nil {
		t.Errorf("their link after our attempt to delete it: %v", err)
	}
	if _, _, err := f.sv.Records.List(f.ctx, f.org.ID, record.Filter{}, aims.Page{}); aims.ErrorCode(err) != aims.EINVALID {
		t.Errorf("listing links of no record: %v, want EINVALID", err)
	}
}

// TestDeletingARecordAppliesItsLinksRules: deleting the record a link starts at removes the link; deleting
// the record a "depends-on" link ends at is refused while the link exists, and nothing is deleted then;
// other relationships are removed with either end. A framework's deletion removes its controls' links.
func TestDeletingARecordAppliesItsLinksRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	talent := f.system(t, f.org.ID, "TalentMatch")
	assist := f.system(t, f.org.ID, "Lumen Assist")
	model := f.component(t, f.org.ID, "ranker")
	f.link(t, "depends-on", talent, model)
	f.link(t, "relates-to", assist, model)
	f.link(t, "implements", assist, "control:iso42001-2023/A.6.2.4")

	modelID := strings.TrimPrefix(model, "component:")
	before := f.trail(t, f.org.ID)
	err := f.sv.Components.DeleteComponent(f.ctx, f.org.ID, modelID)
	if aims.ErrorCode(err) != aims.ECONFLICT || !strings.Contains(aims.ErrorMessage(err), "AI system TalentMatch depends on Component ranker 1.0") {
		t.Fatalf("deleting a component a system depends on: %v, want ECONFLICT naming TalentMatch", err)
	}
	if _, err := f.sv.Components.Component(f.ctx, f.org.ID, modelID); err != nil {
		t.Errorf("the refused delete removed the component: %v", err)
	}
	if got := f.list(t, record.Filter{Record: ref(t, model)}); len(got) != 2 {
		t.Errorf("the refused delete changed the component's links: %q", got)
	}
	if n := f.trail(t, f.org.ID); n != before {
		t.Errorf("the refused delete wrote %d activity entries", n-before)
	}

	// Deleting the system at the from end removes its link; then the component may go, with its other link.
	if err := f.sv.Systems.Delete(f.ctx, f.org.ID, strings.TrimPrefix(talent, "system:")); err != nil {
		t.Fatal(err)
	}
	if err := f.sv.Components.DeleteComponent(f.ctx, f.org.ID, modelID); err != nil {
		t.Fatalf("deleting the component once nothing depends on it: %v", err)
	}
	if got := f.list(t, record.Filter{Record: ref(t, assist)}); len(got) != 1 || !strings.Contains(got[0], "implements") {
		t.Errorf("Lumen Assist's links after the component went: %q", got)
	}
	var removed int
	if err := f.db.EachActivity(f.ctx, f.org.ID, func(e *activity.Entry) error {
		if e.RecordType == "link" && e.Action == activity.ActionDelete {
			removed++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if removed != 2 {
		t.Errorf("%d link removals in the trail, want 2", removed)
	}
}

// TestDeletingAFrameworkRemovesItsControlsLinks: the links of an own framework's controls go with it,
// while links of the built-in framework's controls stay.
func TestDeletingAFrameworkRemovesItsControlsLinks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	csv := "ref,title\nP-1,Have a policy\nP-2,Review it\n"
	if _, err := f.sv.Frameworks.Import(f.ctx, framework.ImportRequest{OrgID: f.org.ID, Filename: "Our Controls.csv", Data: []byte(csv)}); err != nil {
		t.Fatal(err)
	}
	talent := f.system(t, f.org.ID, "TalentMatch")
	f.link(t, "implements", talent, "control:our-controls/P-1")
	f.link(t, "relates-to", "control:our-controls/P-2", talent)
	f.link(t, "implements", talent, "control:iso42001-2023/A.6.2.4")
	if got := f.list(t, record.Filter{Record: ref(t, talent)}); len(got) != 3 {
		t.Fatalf("links before: %q", got)
	}
	if err := f.sv.Frameworks.Delete(f.ctx, f.org.ID, "our-controls", 0); err != nil {
		t.Fatal(err)
	}
	if got := f.list(t, record.Filter{Record: ref(t, talent)}); len(got) != 1 || !strings.Contains(got[0], "A.6.2.4") {
		t.Errorf("links after deleting the framework: %q", got)
	}
}

// TestDeletingWithoutRulesIsRefused: a service built without its delete rules (not by app.NewServices)
// refuses to delete instead of leaving links to nothing.
func TestDeletingWithoutRulesIsRefused(t *testing.T) {
	t.Parallel()
	if err := record.ApplyDeleteRules(context.Background(), nil, "org", record.Ref{Type: record.TypeSystem, ID: "x"}); err == nil {
		t.Fatal("deleting without delete rules was allowed")
	}
	f := newFixture(t)
	talent := f.system(t, f.org.ID, "TalentMatch")
	f.link(t, "implements", talent, "control:iso42001-2023/A.6.2.4")
	if err := record.ApplyDeleteRules(f.ctx, f.sv.Records, f.org.ID, *ref(t, talent)); err != nil {
		t.Fatalf("the record service's rules: %v", err)
	}
	if got := f.list(t, record.Filter{Record: ref(t, talent)}); len(got) != 0 {
		t.Errorf("links left after the rules ran: %q", got)
	}
}
