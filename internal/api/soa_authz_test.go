package api_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/system"
)

// soaReady makes org's SoA approvable: AI roles declared and every Annex A control decided. It acts as
// the system, before the matrix counts the activity trails.
func (e *env) soaReady(t *testing.T, orgID string) context.Context {
	t.Helper()
	ctx := aims.WithActor(e.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "matrix", Name: "matrix setup", OrgID: orgID})
	p, err := e.Controls.Profile(ctx, orgID)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.AIRoles) == 0 {
		if _, err := e.Controls.UpdateProfile(ctx, orgID, control.ProfileUpdate{AIRoles: []string{"ai_provider"}, EURoles: []string{"provider"},
			EUDates: control.DatesPublished}, 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Controls.ApplyProposals(ctx, orgID); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// soaMatrixCall is matrixCall for the routes of the AI roles, controls and the SoA. Routes without an
// {id} act on the caller's own organization, wherever the matrix's records are.
func (e *env) soaMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	c := call{method: method, path: path, token: caller.Token}
	callerOrg := caller.Org.ID
	none := func(*testing.T, *response, bool) {}
	control0 := func(ref string) *control.Control {
		t.Helper()
		cc, err := e.Controls.Control(e.Ctx, callerOrg, framework.ISO42001, ref)
		if err != nil {
			t.Fatal(err)
		}
		return cc
	}
	switch method + " " + path {
	case "GET /api/v1/context/ai-roles", "GET /api/v1/context/eu-obligations", "GET /api/v1/soa/versions":
		return c, none, true
	case "PUT /api/v1/context/ai-roles":
		p, err := e.Controls.Profile(e.Ctx, callerOrg)
		if err != nil {
			t.Fatal(err)
		}
		c.body = map[string]any{"ai_roles": []string{"ai_provider", "ai_partner"}, "eu_roles": []string{"provider"}, "eu_dates": "amended"}
		return c, func(t *testing.T, _ *response, changed bool) {
			now, err := e.Controls.Profile(e.Ctx, callerOrg)
			if err != nil || changed != (now.Version == p.Version+1) {
				t.Errorf("the caller's profile went from version %d to %d (changed %v)", p.Version, now.Version, changed)
			}
		}, true
	case "GET /api/v1/controls/{framework}/{ref}":
		c.path = "/api/v1/controls/iso42001-2023/A.6.2.4"
		return c, none, true
	case "PUT /api/v1/controls/{framework}/{ref}":
		marker := "Matrix " + aims.NewID()
		c.path = "/api/v1/controls/iso42001-2023/A.6.2.4"
		c.body = map[string]any{"applicability": "applicable", "justification": marker, "status": "planned"}
		return c, func(t *testing.T, _ *response, changed bool) {
			if got := control0("A.6.2.4").Justification; changed != (got == marker) {
				t.Errorf("A.6.2.4 of the caller's organization says %q (changed %v)", got, changed)
			}
		}, true
	case "POST /api/v1/controls/{framework}/{ref}/links":
		title := "Matrix link " + aims.NewID()
		c.path = "/api/v1/controls/iso42001-2023/A.6.2.5/links"
		c.body = map[string]any{"kind": "document", "title": title}
		return c, func(t *testing.T, _ *response, changed bool) {
			found := false
			for _, l := range control0("A.6.2.5").Links {
				found = found || l.Title == title
			}
			if found != changed {
				t.Errorf("the link is on the caller's A.6.2.5: %v (changed %v)", found, changed)
			}
		}, true
	case "DELETE /api/v1/controls/{framework}/{ref}/links/{id}":
		// A link of the matrix's organization: the caller's own, or another's that it must not reach.
		ctx := aims.WithActor(e.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "matrix", Name: "matrix setup", OrgID: tg.org.ID})
		l, err := e.Controls.AddLink(ctx, tg.org.ID, framework.ISO42001, "A.6.2.6", control.LinkDocument, "Matrix", "")
		if err != nil {
			t.Fatal(err)
		}
		c.path = "/api/v1/controls/iso42001-2023/A.6.2.6/links/" + l.ID
		return c, func(t *testing.T, _ *response, changed bool) {
			cc, err := e.Controls.Control(e.Ctx, tg.org.ID, framework.ISO42001, "A.6.2.6")
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, x := range cc.Links {
				found = found || x.ID == l.ID
			}
			if found == changed {
				t.Errorf("the link is still there: %v (changed %v)", found, changed)
			}
		}, true
	case "GET /api/v1/coverage":
		c.path = "/api/v1/coverage?framework=nist-ai-rmf-1.0"
		return c, none, true
	case "GET /api/v1/soa":
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status == 200 {
				var s control.SoA
				res.decode(t, &s)
				if s.Organization.Slug != caller.Org.Slug {
					t.Errorf("read the SoA of %s, want the caller's %s", s.Organization.Slug, caller.Org.Slug)
				}
			}
		}, true
	case "POST /api/v1/soa/proposals":
		// Exactly one control is undecided, so that an allowed call writes one activity entry.
		ctx := e.soaReady(t, callerOrg)
		if _, err := e.Controls.UpdateControl(ctx, callerOrg, framework.ISO42001, "A.2.2", control.Update{Applicability: control.Undecided,
			Status: control.NotStarted}, 0); err != nil {
			t.Fatal(err)
		}
		return c, func(t *testing.T, _ *response, changed bool) {
			if got := control0("A.2.2").Applicability; changed != (got != control.Undecided) {
				t.Errorf("A.2.2 of the caller's organization is %s (changed %v)", got, changed)
			}
		}, true
	case "GET /api/v1/soa/system-proposals":
		return c, func(t *testing.T, _ *response, _ bool) {}, true
	case "POST /api/v1/soa/system-proposals":
		// Exactly one control a deployed system suggests is undecided, so that an allowed call writes one
		// activity entry.
		ctx := e.soaReady(t, callerOrg)
		if _, err := e.Controls.UpdateControl(ctx, callerOrg, framework.ISO42001, "A.6.2.5", control.Update{Applicability: control.Undecided,
			Status: control.NotStarted}, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Systems.Create(e.Ctx, callerOrg, system.Fields{Name: "Deployed " + aims.NewID(), Purpose: "p", Stage: "deployment"}); err != nil {
			t.Fatal(err)
		}
		return c, func(t *testing.T, _ *response, changed bool) {
			if got := control0("A.6.2.5").Applicability; changed != (got == control.Applicable) {
				t.Errorf("A.6.2.5 of the caller's organization is %s (changed %v)", got, changed)
			}
		}, true
	case "POST /api/v1/soa/controls":
		ref := "M-" + aims.NewID()
		c.body = map[string]any{"framework": control.OwnKey, "ref": ref, "title": "Matrix control"}
		return c, func(t *testing.T, _ *response, changed bool) {
			cc, err := e.Controls.Control(e.Ctx, callerOrg, control.OwnKey, ref)
			if changed != (err == nil && cc.InSoA) {
				t.Errorf("the own control %s in the caller's SoA: %+v, %v (changed %v)", ref, cc, err, changed)
			}
		}, true
	case "DELETE /api/v1/soa/controls/{framework}/{ref}":
		ref := "M-" + aims.NewID()
		ctx := aims.WithActor(e.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "matrix", Name: "matrix setup", OrgID: callerOrg})
		if _, err := e.Controls.AddToSoA(ctx, callerOrg, control.OwnKey, ref, "Matrix control"); err != nil {
			t.Fatal(err)
		}
		c.path = "/api/v1/soa/controls/own-controls/" + ref
		return c, func(t *testing.T, _ *response, changed bool) {
			cc, err := e.Controls.Control(e.Ctx, callerOrg, control.OwnKey, ref)
			if err != nil || changed == cc.InSoA {
				t.Errorf("the own control %s after the call: %+v, %v (changed %v)", ref, cc, err, changed)
			}
		}, true
	case "POST /api/v1/soa/versions":
		e.soaReady(t, callerOrg)
		vs, _, err := e.Controls.Versions(e.Ctx, callerOrg, pageOfVersions())
		if err != nil {
			t.Fatal(err)
		}
		c.body = map[string]any{"note": "matrix"}
		return c, func(t *testing.T, _ *response, changed bool) {
			now, _, err := e.Controls.Versions(e.Ctx, callerOrg, pageOfVersions())
			if err != nil || changed != (len(now) == len(vs)+1) {
				t.Errorf("the caller's organization has %d versions after the call, %d before (changed %v)", len(now), len(vs), changed)
			}
		}, true
	case "GET /api/v1/soa/versions/{number}", "GET /api/v1/soa/diff":
		ctx := e.soaReady(t, callerOrg)
		if vs, _, err := e.Controls.Versions(e.Ctx, callerOrg, pageOfVersions()); err != nil {
			t.Fatal(err)
		} else if len(vs) == 0 {
			if _, err := e.Controls.Approve(ctx, callerOrg, "matrix setup"); err != nil {
				t.Fatal(err)
			}
		}
		c.path = "/api/v1/soa/versions/1"
		if path == "/api/v1/soa/diff" {
			c.path = "/api/v1/soa/diff?from=1&to=live"
		}
		return c, none, true
	case "GET /api/v1/soa/export":
		c.path = "/api/v1/soa/export?format=csv"
		return c, none, true
	}
	return c, nil, false
}

func pageOfVersions() aims.Page { return aims.Page{Limit: 200} }
