package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/impact"
	"github.com/aimsproject/aims/internal/system"
)

// prepareImpacts fills in the matrix's requests of the impact assessment pages: a fresh system of target,
// with a draft assessment ready for approval where the page needs one.
func prepareImpacts(t *testing.T, f *apptest.Fixture, r *matrixRequest, route string, target *account.Organization) {
	t.Helper()
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: target.ID})
	newSystem := func() *system.System {
		s, err := f.Systems.Create(ctx, target.ID, system.Fields{Name: "Matrix system " + aims.NewID(), Purpose: "Answers questions."})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	newImpact := func() *impact.Assessment {
		a, err := f.Impacts.Create(ctx, target.ID, newSystem().ID, impact.Fields{Scope: "Answers.", Affected: []impact.Party{{Name: "Customers"}},
			Impacts: []impact.Impact{{Area: "wellbeing", Description: "Wrong advice.", Likelihood: 2, Severity: 2}}})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	switch route {
	case "GET /impact-assessments/{id}":
		a := newImpact()
		r.path = "/impact-assessments/" + a.ID
		r.okStatus, r.okLocation = http.StatusSeeOther, "/systems/"+a.SystemID+"/impact"
	case "GET /systems/{id}/impact", "GET /systems/{id}/impact/edit":
		r.path = fmt.Sprintf("/systems/%s/impact%s", newSystem().ID, map[string]string{"GET /systems/{id}/impact/edit": "/edit"}[route])
	case "GET /systems/{id}/impact/export":
		r.path = "/systems/" + newImpact().SystemID + "/impact/export?format=md"
	case "POST /systems/{id}/impact":
		s := newSystem()
		r.path = "/systems/" + s.ID + "/impact"
		r.form.Set("scope", "Matrix scope")
		r.okLocation = r.path
	case "POST /systems/{id}/impact/approve":
		a := newImpact()
		r.path = "/systems/" + a.SystemID + "/impact/approve"
		r.form.Set("assessment_version", "1")
		r.form.Set("version", fmt.Sprint(a.Rev))
		r.okLocation = "/systems/" + a.SystemID + "/impact"
	}
}
