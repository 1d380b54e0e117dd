package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/system"
)

// TestLinkingRecordsInTheUI: a contributor finds a control from a system's page and links it; both pages
// list the link, each from its own side; an auditor sees the links without the forms; a record of another
// organization cannot be the page a link is made from; a link the relationship does not allow is refused
// with a message; removing the link takes it off both pages.
func TestLinkingRecordsInTheUI(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme, other := f.Org(t, "acme"), f.Org(t, "other")
	priya := newUser(t, f, "priya@acme.example", acme, aims.RoleContributor)
	audrey := newUser(t, f, "audrey@acme.example", acme, aims.RoleAuditor)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test"})
	talent, err := f.Systems.Create(ctx, acme.ID, system.Fields{Name: "TalentMatch", Purpose: "CV screening."})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := f.Systems.Create(ctx, other.ID, system.Fields{Name: "Theirs", Purpose: "Elsewhere."})
	if err != nil {
		t.Fatal(err)
	}
	ranker, err := f.Components.CreateComponent(ctx, acme.ID, component.ComponentFields{Kind: "model", Name: "ranker", ComponentVersion: "2"})
	if err != nil {
		t.Fatal(err)
	}
	b := browserAs(t, f, priya, acme)
	sysPath := "/systems/" + talent.ID
	mustContain(t, b.get(sysPath), "Linked records", "No record is linked to this one.", "Find a record to link")

	found := b.get(sysPath + "?" + url.Values{"link_type": {"control"}, "link_find": {"A.6.2.4"}}.Encode())
	if !strings.Contains(found.Body, `value="control:iso42001-2023/A.6.2.4"`) {
		t.Fatalf("the search for A.6.2.4 does not offer it:\n%s", excerpt(found))
	}
	mustContain(t, found, "implements", "depends on")

	before := activityCount(t, f, acme.ID)
	p := b.post("/links", url.Values{"self": {"system:" + talent.ID}, "relationship": {"implements:from"},
		"target": {"control:iso42001-2023/A.6.2.4"}, "note": {"Release checks run in CI."}})
	expect(t, p, http.StatusSeeOther, sysPath+"#record-links-title")
	if n := activityCount(t, f, acme.ID); n != before+1 {
		t.Errorf("linking wrote %d activity entries, want 1", n-before)
	}
	mustContain(t, b.get(sysPath), "Linked: AI system TalentMatch implements Control A.6.2.4", "TalentMatch implements", "Release checks run in CI.")
	ctl := b.get("/controls/iso42001-2023/A.6.2.4")
	mustContain(t, ctl, "is implemented by", "TalentMatch")
	if !strings.Contains(ctl.Body, `href="/systems/`+talent.ID+`"`) {
		t.Errorf("the control's page does not lead to the system")
	}

	// The ranker's page links it the other way round: the system depends on it.
	p = b.post("/links", url.Values{"self": {"component:" + ranker.ID}, "relationship": {"depends-on:to"}, "target": {"system:" + talent.ID}})
	expect(t, p, http.StatusSeeOther, "/components/"+ranker.ID+"#record-links-title")
	mustContain(t, b.get("/components/"+ranker.ID), "ranker 2 is depended on by", "TalentMatch")
	mustContain(t, b.get(sysPath), "TalentMatch depends on", "ranker 2")

	// Refusals.
	before = activityCount(t, f, acme.ID)
	p = b.post("/links", url.Values{"self": {"system:" + talent.ID}, "relationship": {"implements:from"}, "target": {"component:" + ranker.ID}})
	expect(t, p, http.StatusSeeOther, sysPath+"#record-links-title")
	mustContain(t, b.get(sysPath), "Not linked: A link that implements ends at: Control")
	p = b.post("/links", url.Values{"self": {"system:" + theirs.ID}, "relationship": {"relates-to:from"}, "target": {"system:" + talent.ID}})
	if p.Status != http.StatusNotFound {
		t.Errorf("linking from another organization's system: %d, want 404", p.Status)
	}
	p = b.post("/links", url.Values{"self": {"system:" + talent.ID}, "relationship": {"relates-to:from"}, "target": {"system:" + theirs.ID}})
	mustContain(t, b.get(sysPath), "Not linked: No ai system")
	if n := activityCount(t, f, acme.ID); n != before {
		t.Errorf("refused links wrote %d activity entries", n-before)
	}

	// The auditor reads and cannot link or remove.
	a := browserAs(t, f, audrey, acme)
	sp := a.get(sysPath)
	mustContain(t, sp, "TalentMatch implements", "A.6.2.4")
	if strings.Contains(sp.Body, `action="/links`) {
		t.Errorf("the auditor is offered the link forms")
	}
	if strings.Contains(sp.Body, "Find a record to link") {
		t.Errorf("the auditor is offered the search")
	}

	// Removing.
	ls, _, err := f.Records.List(f.Ctx, acme.ID, recordFilter(t, "system:"+talent.ID), aims.Page{})
	if err != nil || len(ls) != 2 {
		t.Fatalf("links of TalentMatch: %d, %v", len(ls), err)
	}
	for _, l := range ls {
		expect(t, b.post("/links/"+l.ID+"/remove", url.Values{"self": {"system:" + talent.ID}}), http.StatusSeeOther, sysPath+"#record-links-title")
	}
	mustContain(t, b.get(sysPath), "No record is linked to this one.")
	if strings.Contains(text(b.get("/controls/iso42001-2023/A.6.2.4").Body), "is implemented by") {
		t.Errorf("the control still lists the removed link")
	}
}

func recordFilter(t *testing.T, s string) record.Filter {
	t.Helper()
	r, err := record.ParseRef(s, "record")
	if err != nil {
		t.Fatal(err)
	}
	return record.Filter{Record: &r}
}
