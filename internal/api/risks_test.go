package api_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/risk"
)

// TestRisksThroughTheAPI: the default criteria before any risk; a contributor registers rated risks of a
// system and of the organization; the register lists them highest level first, filtered; a PATCH
// replaces a rating whole and is guarded by If-Match; the heat maps count them (JSON and SVG); a manager
// saves new criteria, which gives the owner a reassessment task; bad input is a problem naming the field
// and writes nothing; another organization sees none of it.
func TestRisksThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, other := e.org(t, "acme"), e.org(t, "other")
	maya := e.member(t, acme, aims.RoleManager)
	priya := e.member(t, acme, aims.RoleContributor)
	stranger := e.member(t, other, aims.RoleOwner)
	s := e.seedSystem(t, acme.ID)

	var c risk.Criteria
	e.do(t, "GET", "/api/v1/risk-criteria", priya.Token, nil).want(t, 200).decode(t, &c)
	if c.Version != 0 || len(c.Levels) != 4 || c.Sources[3].Key != "C.3.4" {
		t.Fatalf("the default criteria: %+v", c)
	}
	var bias, halluc risk.Risk
	res := e.do(t, "POST", "/api/v1/risks", priya.Token, map[string]any{"title": "The ranker favours one group", "system_id": s.ID,
		"source": "C.3.4", "objective": "C.2.5", "owner_id": priya.User.ID,
		"inherent": map[string]any{"likelihood": 4, "consequences": map[string]int{"individuals": 5}},
		"residual": map[string]any{"likelihood": 2, "consequences": map[string]int{"individuals": 4}}}).want(t, 201)
	res.decode(t, &bias)
	if bias.Ref != "R-1" || bias.Inherent.Level != "critical" || bias.Residual.Level != "medium" || res.header.Get("ETag") != `"1"` ||
		res.header.Get("Location") != "/api/v1/risks/"+bias.ID || bias.CriteriaVersion != 1 {
		t.Fatalf("registered %+v (headers %v)", bias, res.header)
	}
	e.do(t, "POST", "/api/v1/risks", priya.Token, map[string]any{"title": "Assistants state false facts", "source": "C.3.2", "genai_risk": "2",
		"inherent": map[string]any{"likelihood": 5, "consequences": map[string]int{"organization": 3}}}).want(t, 201).decode(t, &halluc)

	var list struct{ Items []risk.Risk }
	e.do(t, "GET", "/api/v1/risks", maya.Token, nil).want(t, 200).decode(t, &list)
	if len(list.Items) != 2 || list.Items[0].ID != halluc.ID || list.Items[1].ID != bias.ID {
		t.Errorf("the register: %+v", list.Items)
	}
	for query, want := range map[string]string{
		"system_id=" + s.ID: bias.ID, "org_wide=true": halluc.ID, "owner=me": bias.ID, "level=medium": bias.ID,
		"source=C.3.2": halluc.ID, "q=" + url.QueryEscape("false FACTS"): halluc.ID, "sort=ref&limit=1": bias.ID,
	} {
		e.do(t, "GET", "/api/v1/risks?"+query, priya.Token, nil).want(t, 200).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != want {
			t.Errorf("?%s: %+v", query, list.Items)
		}
	}

	var changed risk.Risk
	e.do(t, "PATCH", "/api/v1/risks/"+halluc.ID, priya.Token, map[string]any{"residual": map[string]any{"likelihood": 2,
		"consequences": map[string]int{"organization": 2}}, "status": "treating", "treatment_option": "modify",
		"treatment_plan": "Answers cite their sources."}, "If-Match", `"1"`).want(t, 200).decode(t, &changed)
	if changed.Residual.Level != "low" || changed.Status != risk.StatusTreating || changed.TreatmentOption != risk.TreatModify || changed.Inherent.Level != halluc.Inherent.Level || changed.Version != 2 {
		t.Errorf("patched: %+v", changed)
	}
	changed = risk.Risk{} // decoding into the previous answer would merge the maps
	e.do(t, "PATCH", "/api/v1/risks/"+halluc.ID, priya.Token, map[string]any{"inherent": map[string]any{"likelihood": 5,
		"consequences": map[string]int{"society": 1}}}, "If-Match", `"2"`).want(t, 200).decode(t, &changed)
	if len(changed.Inherent.Consequences) != 1 || changed.Inherent.Consequences["society"] != 1 {
		t.Errorf("a rating given replaces the stored one whole: %+v", changed.Inherent)
	}
	e.do(t, "PATCH", "/api/v1/risks/"+halluc.ID, priya.Token, map[string]any{"status": "closed"}, "If-Match", `"1"`).wantProblem(t, 412, "precondition", "")

	var hm struct {
		Counts [][]int
		Total  int
	}
	e.do(t, "GET", "/api/v1/risks/heatmap", priya.Token, nil).want(t, 200).decode(t, &hm)
	if hm.Total != 2 || hm.Counts[3][4] != 1 || hm.Counts[4][0] != 1 {
		t.Errorf("inherent heat map: %+v", hm)
	}
	svg := e.do(t, "GET", "/api/v1/risks/heatmap?rating=residual&format=svg", priya.Token, nil).want(t, 200)
	if svg.header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(string(svg.body), "<svg") || !strings.Contains(string(svg.body), "Residual risk") {
		t.Errorf("the SVG heat map: %s %s", svg.header.Get("Content-Type"), svg.body)
	}

	csv := e.do(t, "GET", "/api/v1/risks/export?sort=ref", priya.Token, nil).want(t, 200)
	lines := strings.Split(strings.TrimSpace(string(csv.body)), "\n")
	if csv.header.Get("Content-Type") != "text/csv; charset=utf-8" || len(lines) != 3 ||
		!strings.HasPrefix(lines[0], "ref,title,system,source,objective,genai_risk,owner,level,status,review_due,inherent_likelihood,inherent_organization") ||
		!strings.HasPrefix(lines[1], "R-1,The ranker favours one group,") || !strings.Contains(lines[1], ",Likely,,Severe,") {
		t.Errorf("the CSV export: %s\n%s", csv.header.Get("Content-Type"), csv.body)
	}
	e.send(t, call{method: "GET", path: "/api/v1/risks/export?format=docx", token: priya.Token, offContract: true}).wantProblem(t, 400, "invalid", "format")

	c = *risk.Default()
	c.Levels[0].Name = "Tolerable"
	body := map[string]any{"likelihood": c.Likelihood, "consequence": c.Consequence, "axes": c.Axes, "levels": c.Levels, "matrix": c.Matrix,
		"acceptable": c.Acceptable, "sources": c.Sources, "objectives": c.Objectives, "note": "Low is tolerable.", "based_on": 1}
	var re struct {
		Criteria risk.Criteria
		Risks    []risk.Risk
		Tasks    []record.Task
	}
	res = e.do(t, "POST", "/api/v1/risk-criteria/versions", maya.Token, body).want(t, 201)
	res.decode(t, &re)
	if re.Criteria.Version != 2 || len(re.Risks) != 2 || len(re.Tasks) != 1 || re.Tasks[0].OwnerID != priya.User.ID ||
		res.header.Get("Location") != "/api/v1/risk-criteria/versions/2" {
		t.Errorf("new criteria: %+v (headers %v)", re, res.header)
	}
	e.do(t, "POST", "/api/v1/risk-criteria/versions", maya.Token, body).wantProblem(t, 409, "conflict", "")
	var versions struct{ Items []risk.Criteria }
	e.do(t, "GET", "/api/v1/risk-criteria/versions", priya.Token, nil).want(t, 200).decode(t, &versions)
	if len(versions.Items) != 2 || versions.Items[0].Levels[0].Name != "Tolerable" {
		t.Errorf("versions: %+v", versions.Items)
	}
	e.do(t, "GET", "/api/v1/risk-criteria/versions/1", priya.Token, nil).want(t, 200).decode(t, &c)
	if c.Version != 1 || c.Levels[0].Name != "Low" {
		t.Errorf("version 1: %+v", c)
	}

	before := e.counts(t, acme, other)
	e.do(t, "POST", "/api/v1/risks", priya.Token, map[string]any{"title": "x", "source": "C.9"}).wantProblem(t, 400, "invalid", "source")
	e.do(t, "POST", "/api/v1/risks", priya.Token, map[string]any{"title": "x", "source": "C.3.1",
		"inherent": map[string]any{"likelihood": 7, "consequences": map[string]int{"society": 1}}}).wantProblem(t, 400, "invalid", "inherent.likelihood")
	e.send(t, call{method: "POST", path: "/api/v1/risks", token: priya.Token, body: `{"title": "x", "source": "C.3.1"}`,
		header: map[string][]string{"Content-Type": {"text/plain"}}, offContract: true}).wantProblem(t, 415, "media_type", "")
	e.send(t, call{method: "POST", path: "/api/v1/risk-criteria/versions", token: maya.Token, body: map[string]any{"likelihood": c.Likelihood[:1],
		"consequence": c.Consequence, "axes": c.Axes, "levels": c.Levels, "matrix": c.Matrix, "acceptable": c.Acceptable, "sources": c.Sources,
		"objectives": c.Objectives, "based_on": 2}, offContract: true}).wantProblem(t, 400, "invalid", "likelihood")
	e.send(t, call{method: "GET", path: "/api/v1/risks/heatmap?rating=worst", token: priya.Token, offContract: true}).wantProblem(t, 400, "invalid", "rating")
	e.send(t, call{method: "GET", path: "/api/v1/risks?status=gone", token: priya.Token, offContract: true}).wantProblem(t, 400, "invalid", "status")
	e.do(t, "GET", "/api/v1/risks/"+bias.ID, stranger.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "GET", "/api/v1/risk-criteria/versions/9", priya.Token, nil).wantProblem(t, 404, "not_found", "")
	e.do(t, "DELETE", "/api/v1/systems/"+s.ID, maya.Token, nil).wantProblem(t, 409, "conflict", "")
	e.unchanged(t, before)
	e.do(t, "GET", "/api/v1/risks", stranger.Token, nil).want(t, 200).decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("another organization lists %+v", list.Items)
	}
	e.do(t, "DELETE", "/api/v1/risks/"+bias.ID, maya.Token, nil).want(t, 204)
	e.do(t, "DELETE", "/api/v1/systems/"+s.ID, maya.Token, nil).want(t, 204)
}

// TestRiskAcceptanceThroughTheAPI: a manager accepts a treated medium risk; a contributor may not; an
// untreated risk, a second acceptance and a stale If-Match are refused; a change of the residual level
// voids the acceptance, which the history keeps with its reason.
func TestRiskAcceptanceThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	maya := e.member(t, acme, aims.RoleManager)
	priya := e.member(t, acme, aims.RoleContributor)
	var r risk.Risk
	e.do(t, "POST", "/api/v1/risks", priya.Token, map[string]any{"title": "Chatbot leaks order data", "source": "C.3.4", "owner_id": priya.User.ID,
		"inherent": map[string]any{"likelihood": 3, "consequences": map[string]int{"individuals": 4}},
		"residual": map[string]any{"likelihood": 2, "consequences": map[string]int{"individuals": 3}}}).want(t, 201).decode(t, &r)
	path := "/api/v1/risks/" + r.ID + "/acceptance"
	e.do(t, "POST", path, maya.Token, map[string]any{"note": "ok"}).want(t, 409)
	e.do(t, "PATCH", "/api/v1/risks/"+r.ID, priya.Token, map[string]any{"treatment_option": "modify", "treatment_plan": "Filter outputs."}).
		want(t, 200).decode(t, &r)
	e.do(t, "POST", path, priya.Token, map[string]any{"note": "ok"}).want(t, 403)
	e.do(t, "POST", path, maya.Token, map[string]any{"note": "ok"}, "If-Match", `"1"`).want(t, 412)
	e.send(t, call{method: "POST", path: path, token: maya.Token, body: map[string]any{"note": 5}, offContract: true}).want(t, 400)
	e.do(t, "POST", "/api/v1/risks/"+aims.NewID()+"/acceptance", maya.Token, map[string]any{}).want(t, 404)
	var a risk.Acceptance
	res := e.do(t, "POST", path, maya.Token, map[string]any{"note": "Filtered; residual medium accepted."}, "If-Match", `"`+strconv.FormatInt(r.Version, 10)+`"`).
		want(t, 201)
	res.decode(t, &a)
	if a.Level != "medium" || a.AcceptedByID != maya.User.ID || a.Role != aims.RoleManager || a.CriteriaVersion != 1 || !a.Standing() {
		t.Errorf("acceptance: %+v", a)
	}
	e.do(t, "POST", path, maya.Token, map[string]any{}).want(t, 409)
	e.do(t, "GET", "/api/v1/risks/"+r.ID, priya.Token, nil).want(t, 200).decode(t, &r)
	if !r.Accepted || r.Acceptance == nil || r.Acceptance.ID != a.ID {
		t.Errorf("the accepted risk: %+v", r)
	}
	e.do(t, "PATCH", "/api/v1/risks/"+r.ID, priya.Token, map[string]any{"residual": map[string]any{"likelihood": 1,
		"consequences": map[string]int{"individuals": 3}}}).want(t, 200).decode(t, &r)
	e.send(t, call{method: "GET", path: "/api/v1/risks/" + r.ID + "/acceptances?cursor=%21", token: priya.Token, offContract: true}).want(t, 400)
	var list struct{ Items []risk.Acceptance }
	e.do(t, "GET", "/api/v1/risks/"+r.ID+"/acceptances?limit=5", priya.Token, nil).want(t, 200).decode(t, &list)
	if r.Accepted || len(list.Items) != 1 || list.Items[0].Standing() || !strings.Contains(list.Items[0].VoidReason, "residual level medium → low") {
		t.Errorf("after the residual level changed: accepted %v, history %+v", r.Accepted, list.Items)
	}
}
