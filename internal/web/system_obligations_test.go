package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/system"
)

// A classified system's own page shows the obligations that follow for the organization's role, with
// their dates; an unclassified one shows none.
func TestTheSystemPageShowsItsEUAIActObligations(t *testing.T) {
	t.Parallel()
	f := newFixtureForObligations(t)
	b, sysPath, classPath := f.b, f.sysPath, f.classPath

	p := b.get(sysPath)
	expect(t, p, http.StatusOK, "")
	if strings.Contains(p.Body, "EU AI Act obligations") {
		t.Errorf("an unclassified system shows obligations:\n%s", excerpt(p))
	}
	expect(t, b.post(classPath, screeningForm(0)), http.StatusSeeOther, classPath)
	p = b.get(sysPath)
	expect(t, p, http.StatusOK, "")
	mustContain(t, p, "EU AI Act obligations", "as its Provider", "because it is High-risk", "Art. 9",
		"Run a risk management system", "The classification and its reasoning")
	if !strings.Contains(p.Body, `<time datetime="20`) {
		t.Errorf("the obligations carry no date:\n%s", excerpt(p))
	}
}

type obligationsFixture struct {
	b                  *browser
	sysPath, classPath string
}

func newFixtureForObligations(t *testing.T) obligationsFixture {
	t.Helper()
	f := apptest.New(t)
	org := f.Org(t, "lumen")
	priya := newUser(t, f, "priya@lumen.example", org, aims.RoleContributor)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: org.ID})
	s, err := f.Systems.Create(ctx, org.ID, system.Fields{Name: "TalentMatch", Purpose: "Ranks CVs.", EURole: "provider"})
	if err != nil {
		t.Fatal(err)
	}
	return obligationsFixture{b: browserAs(t, f, priya, org), sysPath: "/systems/" + s.ID, classPath: "/systems/" + s.ID + "/classification"}
}
