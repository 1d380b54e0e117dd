package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
)

// TestTheHomePageShowsReadiness: the home page opens with how far the organization is from its audit,
// the charts by clause and Annex A group and the trend, what to do next with owners, and the documented
// information; implementing and evidencing a clause item moves the figure.
func TestTheHomePageShowsReadiness(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	acme := f.Org(t, "acme")
	maya := newUser(t, f, "maya@acme.example", acme, aims.RoleManager)
	p := browserAs(t, f, maya, acme)
	home := p.get("/")
	mustContain(t, home, "0% ready for the audit", "What to do next", "Name a member who answers for 4.1", "By clause", "By Annex A group",
		"Documented information an auditor asks for", "missing 6.1.3 Statement of Applicability")
	for _, svg := range []string{`class="readiness-bars"`, `class="readiness-trend"`, `<a href="/soa">`} {
		if !strings.Contains(home.Body, svg) {
			t.Errorf("the home page lacks %s", svg)
		}
	}
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorUser, ID: maya.ID, UserID: maya.ID, Name: maya.Name, OrgID: acme.ID, Role: aims.RoleManager})
	clauses, err := f.Controls.Clauses(ctx, acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range clauses[:10] {
		if _, err := f.Controls.UpdateControl(ctx, acme.ID, framework.ISO42001, c.Ref, control.Update{Applicability: control.Applicable,
			Status: control.Implemented, OwnerID: maya.ID}, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Controls.AddLink(ctx, acme.ID, framework.ISO42001, c.Ref, control.LinkDocument, "Procedure", "DOC-1"); err != nil {
			t.Fatal(err)
		}
	}
	r, err := f.Readiness.Compute(ctx, acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, p.get("/"), "10 of "+strconv.Itoa(r.Overall.Items)+" clause items and controls are decided", "Download the audit pack")
	pack := p.get("/audit-pack/export")
	if pack.Status != 200 || pack.Header.Get("Content-Type") != "application/zip" || !strings.HasPrefix(pack.Body, "PK") ||
		!strings.Contains(pack.Header.Get("Content-Disposition"), "aims-audit-pack-acme-") {
		t.Errorf("the audit pack button: %d %v", pack.Status, pack.Header)
	}
}
