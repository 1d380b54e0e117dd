package api_test

import (
	"strings"
	"testing"

	"github.com/aimsproject/aims"
)

// TestTheProfileAndObligationsSayWhichDatesAreInForce: a new organization plans against the amended
// dates, in force since July 2026, and both answers say so; one that plans against the published dates
// (as organizations older than migration 0026 do) is told they are superseded, and switches with the
// profile's PUT and If-Match, recorded in the activity trail. An auditor cannot switch.
func TestTheProfileAndObligationsSayWhichDatesAreInForce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	owner := e.member(t, acme, aims.RoleOwner)
	auditor := e.member(t, acme, aims.RoleAuditor)

	type profile struct {
		EUDates string `json:"eu_dates"`
		InForce bool   `json:"eu_dates_in_force"`
		Version int64  `json:"version"`
	}
	type dateSet struct {
		Key     string `json:"key"`
		Status  string `json:"status"`
		InForce bool   `json:"in_force"`
	}
	type obligations struct {
		DateSet  dateSet   `json:"date_set"`
		DateSets []dateSet `json:"date_sets"`
	}
	var p profile
	e.do(t, "GET", "/api/v1/context/ai-roles", auditor.Token, nil).want(t, 200).decode(t, &p)
	if p.EUDates != "amended" || !p.InForce || p.Version != 1 {
		t.Fatalf("a new organization's profile: %+v", p)
	}
	var ob obligations
	e.do(t, "GET", "/api/v1/context/eu-obligations", auditor.Token, nil).want(t, 200).decode(t, &ob)
	if ob.DateSet.Key != "amended" || !ob.DateSet.InForce || !strings.HasPrefix(ob.DateSet.Status, "In force") {
		t.Fatalf("a new organization's date set: %+v", ob.DateSet)
	}
	for _, ds := range ob.DateSets {
		if ds.InForce != (ds.Key == "amended") {
			t.Errorf("date set %+v", ds)
		}
		if ds.Key == "published" && !strings.HasPrefix(ds.Status, "Superseded") {
			t.Errorf("the published dates' status: %q", ds.Status)
		}
	}

	body := func(dates string) map[string]any {
		return map[string]any{"ai_roles": []string{}, "eu_roles": []string{"deployer"}, "eu_dates": dates}
	}
	e.do(t, "PUT", "/api/v1/context/ai-roles", owner.Token, body("published"), "If-Match", `"1"`).want(t, 200).decode(t, &p)
	if p.EUDates != "published" || p.InForce {
		t.Fatalf("the profile on the published dates: %+v", p)
	}
	e.do(t, "GET", "/api/v1/context/eu-obligations", auditor.Token, nil).want(t, 200).decode(t, &ob)
	if ob.DateSet.Key != "published" || ob.DateSet.InForce || !strings.Contains(ob.DateSet.Status, "kept for comparison") {
		t.Fatalf("the published date set: %+v", ob.DateSet)
	}

	e.do(t, "PUT", "/api/v1/context/ai-roles", auditor.Token, body("amended"), "If-Match", `"2"`).wantProblem(t, 403, "forbidden", "")
	e.do(t, "PUT", "/api/v1/context/ai-roles", owner.Token, body("amended"), "If-Match", `"1"`).wantProblem(t, 412, "precondition", "")
	res := e.do(t, "PUT", "/api/v1/context/ai-roles", owner.Token, body("amended"), "If-Match", `"2"`).want(t, 200)
	res.decode(t, &p)
	if p.EUDates != "amended" || !p.InForce || res.header.Get("ETag") != `"3"` {
		t.Fatalf("the profile after the switch: %+v, ETag %s", p, res.header.Get("ETag"))
	}

	var trail struct {
		Items []struct {
			Before struct {
				EUDates string `json:"eu_dates"`
			} `json:"before"`
			After struct {
				EUDates string `json:"eu_dates"`
			} `json:"after"`
		} `json:"items"`
	}
	e.do(t, "GET", "/api/v1/activity?record_type=org_profile", auditor.Token, nil).want(t, 200).decode(t, &trail)
	if len(trail.Items) != 2 || trail.Items[0].Before.EUDates != "published" || trail.Items[0].After.EUDates != "amended" {
		t.Errorf("the trail of the profile: %+v", trail.Items)
	}
}
