package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/evidence"
)

// seedEvidence adds a file of org as draft evidence awaiting review, owned by a fresh contributor.
func seedEvidence(t *testing.T, f *apptest.Fixture, org *account.Organization) *evidence.Evidence {
	t.Helper()
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: org.ID})
	owner := newUser(t, f, "ev-"+aims.NewID()+"@example.com", org, aims.RoleContributor)
	e, err := f.Evidence.Create(ctx, org.ID, evidence.New{Fields: evidence.Fields{Title: "Eval " + aims.NewID(), OwnerID: owner.ID},
		File: strings.NewReader("accuracy " + aims.NewID()), FileName: "eval.txt", Review: true})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// prepareEvidence fills in the matrix's requests of the evidence pages.
func prepareEvidence(t *testing.T, f *apptest.Fixture, r *matrixRequest, route string, target *account.Organization) {
	t.Helper()
	switch route {
	case "POST /evidence":
		r.form.Set("kind", "link")
		r.form.Set("title", "Matrix policy")
		r.form.Set("url", "https://intranet.example/policy")
	case "GET /evidence/{id}", "GET /evidence/{id}/download":
		r.path = strings.Replace(r.path, "{id}", seedEvidence(t, f, target).ID, 1)
	case "POST /evidence/{id}/approve":
		e := seedEvidence(t, f, target)
		r.path = "/evidence/" + e.ID + "/approve"
		r.form.Set("version", fmt.Sprint(e.Rev))
		r.okLocation = "/evidence/" + e.ID
	case "POST /evidence/{id}/edit":
		e := seedEvidence(t, f, target)
		r.path = "/evidence/" + e.ID + "/edit"
		r.form.Set("version", fmt.Sprint(e.Rev))
		r.form.Set("title", "Renamed by the matrix")
		r.okLocation = "/evidence/" + e.ID
	case "POST /evidence/{id}/delete":
		e := seedEvidence(t, f, target)
		r.path = "/evidence/" + e.ID + "/delete"
		r.form.Set("version", fmt.Sprint(e.Rev))
		r.okLocation = "/evidence"
	}
	_ = http.StatusOK
}
