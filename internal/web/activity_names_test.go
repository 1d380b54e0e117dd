package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/framework"
)

// TestTheTrailNamesAndLinksRecordsAndFilters checks the activity trail of the demo: an entry names its
// record by reference and name ("control A.6.2.6 …", "AI system Lumen Assist") and links to it, and the
// trail filters by person, record type, action and days, with the filter kept in the pager's links and
// bad values refused beside their field.
func TestTheTrailNamesAndLinksRecordsAndFilters(t *testing.T) {
	t.Parallel()
	f, org, owner := demoFixture(t)
	b := browserAs(t, f, owner, org)
	c, err := f.Controls.Control(f.Ctx, org.ID, framework.ISO42001, "A.6.2.6")
	if err != nil {
		t.Fatal(err)
	}

	p := b.get("/activity?record_type=control")
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "control A.6.2.6 "+c.Title)
	if !strings.Contains(p.Body, `<a href="/controls/iso42001-2023/A.6.2.6"><span class="trail-ref">A.6.2.6</span> `+c.Title+`</a>`) {
		t.Errorf("the control's entry does not link to it:\n%s", excerpt(p))
	}
	heads := regexp.MustCompile(`<span class="trail-record">([^ <]+)`)
	for _, m := range heads.FindAllStringSubmatch(p.Body, -1) {
		if m[1] != "control" {
			t.Errorf("the control filter shows a %s entry", m[1])
		}
	}
	if regexp.MustCompile(`<code>06[0-9a-z]{24}</code>`).MatchString(p.Body) {
		t.Error("an entry shows a record id instead of its name")
	}

	// Comments, tasks and links are named by what they say and the record they are about, and lead to it.
	p = b.get("/activity?record_type=comment")
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "comment on TalentMatch", "where is the bias evaluation of the ranker")
	if !regexp.MustCompile(`<a href="/systems/[0-9a-z]{26}#comment-[0-9a-z]{26}">`).MatchString(p.Body) {
		t.Errorf("a comment's entry does not lead to it:\n%s", excerpt(p))
	}
	// Maya's links: the newest page of all links is the evidence's and the risks'.
	p = b.get("/activity?record_type=link&actor_id=" + owner.ID)
	mustContain(t, p, "link Lumen Assist implements A.6.2.6")
	p = b.get("/activity?record_type=task")
	mustContain(t, p, "task on TalentMatch Link the bias evaluation of ranker 2.3 to TalentMatch")

	p = b.get("/activity?record_type=system&action=create")
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "AI system Lumen Assist")
	if !regexp.MustCompile(`<a href="/systems/[0-9a-z]+">Lumen Assist</a>`).MatchString(p.Body) {
		t.Errorf("the system's entry does not link to it:\n%s", excerpt(p))
	}
	if strings.Contains(p.Body, `action-update`) {
		t.Error("the create filter shows an update")
	}

	daniel, err := f.DB.UserByEmail(f.Ctx, "daniel.reyes@lumenlabs.example")
	if err != nil {
		t.Fatal(err)
	}
	p = b.get("/activity?actor_id=" + daniel.ID)
	expect(t, p, http.StatusOK, "")
	if n, by := strings.Count(p.Body, `class="trail-entry"`), strings.Count(p.Body, "by Daniel Reyes"); n == 0 || n != by {
		t.Errorf("filtered by Daniel Reyes, %d entries, %d of them his", n, by)
	}
	mustContain(t, p, "Approve SoA version version 1")

	today := f.DB.Now().UTC().Format("2006-01-02")
	p = b.get("/activity?from=" + today + "&to=" + today)
	if strings.Count(p.Body, `class="trail-entry"`) == 0 {
		t.Error("nothing happened today, says the day filter")
	}
	p = b.get("/activity?from=2000-01-01&to=2000-01-31")
	mustContain(t, p, "No entry matches the filter.")

	// A filter that keeps more than a page pages with the filter.
	p = b.get("/activity?action=create")
	next := regexp.MustCompile(`href="(/activity\?[^"]*cursor=[^"]+)"`).FindStringSubmatch(p.Body)
	if next == nil {
		t.Fatal("no link to older entries")
	}
	u, _ := url.Parse(strings.ReplaceAll(next[1], "&amp;", "&"))
	if u.Query().Get("action") != "create" {
		t.Errorf("the older entries' link %s loses the filter", next[1])
	}

	for _, bad := range []struct{ query, field string }{
		{"action=burn", "filter-action-error"},
		{"from=31/01/2026", "filter-from-error"},
		{"from=2026-02-01&to=2026-01-01", "filter-to-error"},
	} {
		p := b.get("/activity?" + bad.query)
		expect(t, p, http.StatusBadRequest, "")
		if !strings.Contains(p.Body, `id="`+bad.field+`"`) {
			t.Errorf("?%s: the error is not beside the field:\n%s", bad.query, excerpt(p))
		}
	}
}
