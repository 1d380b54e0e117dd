package api_test

import (
	"net/url"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/gate"
)

// TestTheGateThroughTheAPI: a CI token (a contributor) checks a system by id and by name; the answer is
// 200 whether it passes or not, every unmet condition saying what would satisfy it; an unknown stage is
// 400, an unknown name or another organization's system 404; a manager saves a policy (201) that the next
// check follows, a save from an old version is 409 and a bad condition 400 naming its field.
func TestTheGateThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	other := e.org(t, "other")
	maya := e.member(t, acme, aims.RoleManager)
	ci := e.member(t, acme, aims.RoleContributor)
	s := e.seedSystem(t, acme.ID)
	theirs := e.seedSystem(t, other.ID)

	var res gate.Result
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/gate?stage=deployment", ci.Token, nil).want(t, 200).decode(t, &res)
	if res.Pass || res.SystemName != s.Name || len(res.Conditions) != 6 || res.Conditions[0].Fix == "" {
		t.Fatalf("the check: %+v", res)
	}
	e.do(t, "GET", "/api/v1/gate?system="+url.QueryEscape(s.Name)+"&stage=inception", ci.Token, nil).want(t, 200).decode(t, &res)
	if !res.Pass || res.Stage != "inception" || len(res.Conditions) != 0 {
		t.Errorf("a stage with no conditions: %+v", res)
	}
	e.send(t, call{method: "GET", path: "/api/v1/gate?system=" + url.QueryEscape(s.Name) + "&stage=launch", token: ci.Token, offContract: true}).
		wantProblem(t, 400, "invalid", "stage")
	e.do(t, "GET", "/api/v1/gate?system=Nobody", ci.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", "/api/v1/gate", ci.Token, nil).wantProblem(t, 400, "invalid", "system")
	e.do(t, "GET", "/api/v1/gate?system="+url.QueryEscape(theirs.Name), ci.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", "/api/v1/systems/"+theirs.ID+"/gate", ci.Token, nil).wantProblem(t, 404, "not_found", "")
	e.send(t, call{method: "GET", path: "/api/v1/systems/" + s.ID + "/gate?stage=shipping", token: ci.Token, offContract: true}).
		wantProblem(t, 400, "invalid", "stage")

	var p struct {
		gate.Policy
		Conditions []gate.ConditionInfo `json:"conditions"`
		AllStages  []string             `json:"all_stages"`
	}
	e.do(t, "GET", "/api/v1/gate-policy", ci.Token, nil).want(t, 200).decode(t, &p)
	if p.Version != 0 || len(p.Conditions) != len(gate.Conditions) || len(p.AllStages) != 7 || !p.Requires("deployment", gate.CondSoA) {
		t.Fatalf("the default policy: %+v", p)
	}
	body := map[string]any{"stages": []map[string]any{{"stage": "deployment", "require": []string{"risks", "vibes"}}}, "based_on": 0}
	e.do(t, "POST", "/api/v1/gate-policy/versions", maya.Token, body).wantProblem(t, 400, "invalid", "stages[0].require[1]")
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/gate?stage=retirement", ci.Token, nil).want(t, 200)
	body["stages"] = []map[string]any{{"stage": "deployment", "require": []string{"classification"}}}
	r := e.do(t, "POST", "/api/v1/gate-policy/versions", maya.Token, body).want(t, 201)
	r.decode(t, &p)
	if p.Version != 1 || r.header.Get("Location") != "/api/v1/gate-policy?version=1" || r.header.Get("ETag") != `"1"` {
		t.Errorf("saved %+v (headers %v)", p, r.header)
	}
	e.do(t, "POST", "/api/v1/gate-policy/versions", maya.Token, body).wantProblem(t, 409, "conflict", "")
	e.do(t, "GET", "/api/v1/systems/"+s.ID+"/gate?stage=deployment", ci.Token, nil).want(t, 200).decode(t, &res)
	if res.PolicyVersion != 1 || len(res.Conditions) != 1 || res.Conditions[0].Key != gate.CondClassification {
		t.Errorf("checked against the saved policy: %+v", res)
	}
}
