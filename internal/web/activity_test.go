package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/surface"
	"github.com/aimsproject/aims/internal/web"
)

func TestActivityTrail(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	auditor := newUser(t, f, "auditor@example.com", org, aims.RoleAuditor)
	dev := newUser(t, f, "dev@example.com", org, aims.RoleContributor)
	ctx := f.Member(t, dev, org)
	for i := 1; i <= 55; i++ {
		if _, _, err := f.Accounts.CreateToken(ctx, fmt.Sprintf("token %02d", i), aims.RoleViewer, 0); err != nil {
			t.Fatal(err)
		}
	}
	total := activityCount(t, f, org.ID)
	b := browserAs(t, f, auditor, org)

	seqs := regexp.MustCompile(`<span class="trail-seq">#(\d+)</span>`)
	first := b.get("/activity")
	expect(t, first, http.StatusOK, "")

	t.Run("the banner says the trail is intact", func(t *testing.T) {
		mustContain(t, first, fmt.Sprintf("The trail is intact. All %d entries verify", total))
	})
	t.Run("the first page has the newest 50 entries, newest first", func(t *testing.T) {
		got := seqs.FindAllStringSubmatch(first.Body, -1)
		if len(got) != 50 {
			t.Fatalf("%d entries on the first page, want 50", len(got))
		}
		if got[0][1] != fmt.Sprint(total) || got[49][1] != fmt.Sprint(total-49) {
			t.Errorf("the first page runs from #%s to #%s, want #%d to #%d", got[0][1], got[49][1], total, total-49)
		}
		mustContain(t, first, "Create API token token 55", "by dev@example.com")
	})
	t.Run("the next page has the older entries", func(t *testing.T) {
		next := regexp.MustCompile(`href="(/activity\?cursor=[^"]+)"`).FindStringSubmatch(first.Body)
		if next == nil {
			t.Fatal("no link to older entries")
		}
		p := b.get(strings.ReplaceAll(next[1], "&amp;", "&"))
		expect(t, p, http.StatusOK, "")
		got := seqs.FindAllStringSubmatch(p.Body, -1)
		if len(got) != int(total-50) || got[len(got)-1][1] != "1" {
			t.Errorf("the second page has %d entries ending at #%s, want %d ending at #1", len(got), got[len(got)-1][1], total-50)
		}
		if !strings.Contains(p.Body, `href="/activity"`) {
			t.Error("no link back to the newest entries")
		}
	})
	t.Run("before and after are in a details element", func(t *testing.T) {
		if !strings.Contains(first.Body, "<details class=\"trail-details\">") || !strings.Contains(first.Body, "&#34;name&#34;: &#34;token 55&#34;") {
			t.Error("the entry's after state is not shown")
		}
	})
	t.Run("the export link is offered", func(t *testing.T) {
		if !strings.Contains(first.Body, `href="/api/v1/activity/export"`) {
			t.Error("no export link")
		}
		p := b.get("/api/v1/activity/export")
		if p.Status != http.StatusOK || strings.Count(p.Body, "\n") != int(total) {
			t.Errorf("the export with the session cookie: %d with %d lines", p.Status, strings.Count(p.Body, "\n"))
		}
	})
	t.Run("a bad cursor is refused", func(t *testing.T) {
		expect(t, b.get("/activity?cursor=!!!"), http.StatusBadRequest, "")
	})
}

// brokenTrail is the store's trail, but one that reports a break when verified.
type brokenTrail struct{ account.ActivityStore }

func (brokenTrail) VerifyActivityWith(ctx context.Context, orgID string, v *activity.Verifier) error {
	v.Count = 6
	return &activity.Break{OrgID: orgID, Seq: 7, Reason: "its content does not match its hash (the entry was altered)"}
}

func TestActivityTrailShowsABreak(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	owner := newUser(t, f, "owner@example.com", org, aims.RoleOwner)
	w, err := web.New(surface.Deps{Accounts: f.Accounts, Activity: brokenTrail{f.DB}, Auth: f.Auth, Frameworks: f.Frameworks, Controls: f.Controls, Systems: f.Systems, Components: f.Components, Records: f.Records, Notify: f.Notify, Risks: f.Risks, Impacts: f.Impacts, Evidence: f.Evidence, Evaluations: f.Evaluations, Gate: f.Gate, Readiness: f.Readiness, Pack: f.Pack})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(f.DB, slog.New(slog.DiscardHandler), w))
	t.Cleanup(srv.Close)
	b := browserAs(t, f, owner, org)
	b.f = &apptest.Fixture{App: f.App, Srv: srv, Ctx: f.Ctx}
	p := b.get("/activity")
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "The trail is broken at entry 7.", "its content does not match its hash", "6 entries before it verify")
}

// actorsRefused is the store's trail, but one whose ActivityActors (a query over the whole trail) fails.
type actorsRefused struct{ account.ActivityStore }

func (actorsRefused) ActivityActors(context.Context, string) ([]activity.Actor, error) {
	return nil, fmt.Errorf("ActivityActors reads the whole trail")
}

// TestTheActivityPageNamesWhoAppearsWithoutReadingTheTrailAgain checks that the filter's people come from
// the verifying pass, which reads a view's new entries only, rather than from a query over the whole trail.
func TestTheActivityPageNamesWhoAppearsWithoutReadingTheTrailAgain(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	owner := newUser(t, f, "owner@example.com", org, aims.RoleOwner)
	dev := newUser(t, f, "dev@example.com", org, aims.RoleContributor)
	if _, _, err := f.Accounts.CreateToken(f.Member(t, dev, org), "ci", aims.RoleViewer, 0); err != nil {
		t.Fatal(err)
	}
	w, err := web.New(surface.Deps{Accounts: f.Accounts, Activity: actorsRefused{f.DB}, Auth: f.Auth, Frameworks: f.Frameworks, Controls: f.Controls, Systems: f.Systems, Components: f.Components, Records: f.Records, Notify: f.Notify, Risks: f.Risks, Impacts: f.Impacts, Evidence: f.Evidence, Evaluations: f.Evaluations, Gate: f.Gate, Readiness: f.Readiness, Pack: f.Pack})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(f.DB, slog.New(slog.DiscardHandler), w))
	t.Cleanup(srv.Close)
	b := browserAs(t, f, owner, org)
	b.f = &apptest.Fixture{App: f.App, Srv: srv, Ctx: f.Ctx}
	for _, view := range []string{"first", "second"} {
		p := b.get("/activity")
		expect(t, p, http.StatusOK, "")
		if !strings.Contains(p.Body, fmt.Sprintf(`<option value="%s">dev@example.com</option>`, dev.ID)) {
			t.Errorf("the %s view does not offer dev@example.com to filter by:\n%s", view, excerpt(p))
		}
	}
}

// TestTheUIRefusesAMissingDependencyAtStart: New names every dependency it lacks instead of serving
// pages that fail on first use.
func TestTheUIRefusesAMissingDependencyAtStart(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	_, err := web.New(surface.Deps{Accounts: f.Accounts, Activity: f.DB, Auth: f.Auth, Frameworks: f.Frameworks})
	if err == nil || !strings.Contains(err.Error(), "missing dependencies: Components, Controls, Evaluations, Evidence, Gate, Impacts, Notify, Pack, Readiness, Records, Risks, Systems") {
		t.Fatalf("New without the controls and systems services = %v", err)
	}
}
