package web_test

import (
	"fmt"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
)

// soaReady declares org an AI provider, decides every Annex A control and makes sure version 1 is
// approved, acting as the system.
func soaReady(t testing.TB, f *apptest.Fixture, org *account.Organization) {
	t.Helper()
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: org.ID})
	p, err := f.Controls.Profile(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.AIRoles) == 0 {
		if _, err := f.Controls.UpdateProfile(ctx, org.ID, control.ProfileUpdate{AIRoles: []string{"ai_provider"},
			EURoles: []string{"provider"}, EUDates: control.DatesPublished}, 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.Controls.ApplyProposals(ctx, org.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Controls.SoAAt(ctx, org.ID, "1", "version"); aims.ErrorCode(err) == aims.ENOTFOUND {
		if _, err := f.Controls.Approve(ctx, org.ID, "test setup"); err != nil {
			t.Fatal(err)
		}
	} else if err != nil {
		t.Fatal(err)
	}
}

// prepareSoA fills in the matrix's request for the routes of the AI roles, controls and the SoA: own is
// the visitor's organization, target the one whose records a route with an {id} addresses.
func prepareSoA(t *testing.T, f *apptest.Fixture, r *matrixRequest, route string, own, target *account.Organization) {
	t.Helper()
	sys := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup"})
	switch route {
	case "GET /soa/versions/{number}", "GET /soa/diff", "GET /soa/export", "POST /soa/versions", "POST /soa/proposals":
		soaReady(t, f, own)
		switch route {
		case "GET /soa/versions/{number}":
			r.path = "/soa/versions/1"
		case "GET /soa/diff":
			r.path = "/soa/diff?from=1&to=live"
		case "GET /soa/export":
			r.path = "/soa/export?format=csv"
		case "POST /soa/versions":
			r.form.Set("note", "matrix")
		case "POST /soa/proposals":
			r.okLocation = "/soa"
		}
	case "POST /soa/system-proposals":
		r.okLocation = "/soa#system-proposals"
	case "POST /context/ai-roles":
		p, err := f.Controls.Profile(sys, own.ID)
		if err != nil {
			t.Fatal(err)
		}
		r.form["ai_roles"] = []string{"ai_provider", "ai_producer"}
		r.form.Set("eu_dates", "published")
		r.form.Set("version", fmt.Sprint(p.Version))
		r.okLocation = "/context/ai-roles"
	case "POST /context/ai-roles/dates":
		// The organization plans against the published dates, as one older than migration 0026 does.
		p, err := f.Controls.UpdateProfile(sys, own.ID, control.ProfileUpdate{AIRoles: []string{}, EURoles: []string{},
			EUDates: control.DatesPublished}, 0)
		if err != nil {
			t.Fatal(err)
		}
		r.form.Set("version", fmt.Sprint(p.Version))
		r.form.Set("next", "/context/ai-roles")
		r.okLocation = "/context/ai-roles"
	case "POST /soa/controls":
		ref := "M-" + aims.NewID()
		r.form.Set("framework", control.OwnKey)
		r.form.Set("ref", ref)
		r.form.Set("title", "Matrix control")
		r.okLocation = "/controls/own-controls/" + ref
	case "POST /soa/controls/{framework}/{ref}/remove":
		ref := "M-" + aims.NewID()
		if _, err := f.Controls.AddToSoA(sys, own.ID, control.OwnKey, ref, "Matrix control"); err != nil {
			t.Fatal(err)
		}
		r.path = "/soa/controls/own-controls/" + ref + "/remove"
		r.okLocation = "/soa"
	case "GET /controls/{framework}/{ref}":
		r.path = "/controls/iso42001-2023/A.6.2.4"
	case "POST /controls/{framework}/{ref}":
		c, err := f.Controls.Control(sys, own.ID, framework.ISO42001, "A.6.2.4")
		if err != nil {
			t.Fatal(err)
		}
		r.path = "/controls/iso42001-2023/A.6.2.4"
		r.form.Set("applicability", "applicable")
		r.form.Set("justification", "Matrix "+aims.NewID())
		r.form.Set("status", "planned")
		r.form.Set("version", fmt.Sprint(c.Version))
		r.okLocation = r.path
	case "POST /controls/{framework}/{ref}/links":
		r.path = "/controls/iso42001-2023/A.6.2.5/links"
		r.form.Set("kind", "document")
		r.form.Set("title", "Matrix link")
		r.okLocation = "/controls/iso42001-2023/A.6.2.5#links"
	case "POST /controls/{framework}/{ref}/links/{id}/remove":
		l, err := f.Controls.AddLink(sys, target.ID, framework.ISO42001, "A.6.2.6", control.LinkDocument, "Matrix", "")
		if err != nil {
			t.Fatal(err)
		}
		r.path = "/controls/iso42001-2023/A.6.2.6/links/" + l.ID + "/remove"
		r.okLocation = "/controls/iso42001-2023/A.6.2.6#links"
	}
}
