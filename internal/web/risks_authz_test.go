package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/risk"
)

// prepareRisks fills in the matrix's requests of the risk pages: a fresh risk of target for those of one
// risk, and forms that the handlers accept.
func prepareRisks(t *testing.T, f *apptest.Fixture, r *matrixRequest, route string, target *account.Organization) {
	t.Helper()
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: target.ID})
	newRisk := func() *risk.Risk {
		rk, err := f.Risks.Create(ctx, target.ID, risk.Fields{Title: "Matrix risk " + aims.NewID(), Source: "C.3.1",
			Inherent: risk.RatingInput{Likelihood: 2, Consequences: map[string]int{"organization": 2}}})
		if err != nil {
			t.Fatal(err)
		}
		return rk
	}
	switch route {
	case "POST /risks/import":
		// The matrix posts a plain form, which the handler refuses for want of a file: reaching it is what
		// "allowed" means here; the scenario tests upload files.
		r.okStatus = http.StatusBadRequest
	case "POST /risks":
		r.form.Set("title", "Matrix risk "+aims.NewID())
		r.form.Set("source", "C.3.2")
	case "POST /risks/criteria":
		newRisk() // the criteria are saved: the change is made from version 1 or later
		c, err := f.Risks.Criteria(ctx, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		r.form.Set("criteria", string(b))
		r.okLocation = "/risks/criteria"
	case "GET /risks/{id}", "GET /risks/{id}/edit":
		r.path = fmt.Sprintf("/risks/%s%s", newRisk().ID, map[string]string{"GET /risks/{id}": "", "GET /risks/{id}/edit": "/edit"}[route])
	case "POST /risks/{id}":
		rk := newRisk()
		r.path = "/risks/" + rk.ID
		r.form.Set("version", fmt.Sprint(rk.Version))
		r.form.Set("title", rk.Title+" (changed)")
		r.form.Set("source", rk.Source)
		r.form.Set("inherent_likelihood", "2")
		r.form.Set("inherent_organization", "2")
		r.okLocation = "/risks/" + rk.ID
	case "POST /risks/{id}/delete":
		r.path = "/risks/" + newRisk().ID + "/delete"
		r.okLocation = "/risks"
	case "POST /risks/{id}/accept":
		rk, err := f.Risks.Create(ctx, target.ID, risk.Fields{Title: "Matrix risk " + aims.NewID(), Source: "C.3.1", TreatmentOption: risk.TreatRetain,
			Inherent: risk.RatingInput{Likelihood: 2, Consequences: map[string]int{"organization": 2}}})
		if err != nil {
			t.Fatal(err)
		}
		r.path = "/risks/" + rk.ID + "/accept"
		r.form.Set("version", fmt.Sprint(rk.Version))
		r.okLocation = "/risks/" + rk.ID
	}
}
