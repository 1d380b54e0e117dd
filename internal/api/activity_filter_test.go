package api_test

import (
	"net/http"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
)

// TestTheActivityTrailFiltersAndNamesRecords lists the trail through the API filtered by person, record
// type, action and days, page by page, each entry with what its record is called; bad filters are 400
// problems naming the parameter.
func TestTheActivityTrailFiltersAndNamesRecords(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	admin := e.member(t, acme, aims.RoleAdmin)
	alice := e.member(t, acme, aims.RoleContributor)
	auditor := e.member(t, acme, aims.RoleAuditor)
	for _, name := range []string{"Lumen Assist", "Lumen Search", "Lumen Voice"} {
		e.do(t, "POST", "/api/v1/systems", alice.Token, map[string]any{"name": name, "purpose": "Helps."}).want(t, 201)
	}
	e.do(t, "PATCH", "/api/v1/organization", admin.Token, map[string]any{"name": "Acme"}).want(t, http.StatusOK)

	type item struct {
		activity.Entry
		Record activity.Record `json:"record"`
	}
	type list struct {
		Items      []item `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	// Alice acts through her token: the entries' actor is the token.
	var first list
	e.do(t, "GET", "/api/v1/activity?limit=1&record_type=system", auditor.Token, nil).want(t, http.StatusOK).decode(t, &first)
	if len(first.Items) != 1 || first.Items[0].ActorName == "" {
		t.Fatalf("no system entry: %+v", first.Items)
	}
	actor := first.Items[0].ActorID
	var names []string
	cursor := ""
	for range 10 {
		path := "/api/v1/activity?limit=2&record_type=system&action=create&actor_id=" + actor
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		var page list
		e.do(t, "GET", path, auditor.Token, nil).want(t, http.StatusOK).decode(t, &page)
		for _, it := range page.Items {
			if it.RecordType != "system" || it.Action != "create" || it.ActorID != actor {
				t.Fatalf("the filter let through %+v", it.Entry)
			}
			names = append(names, it.Record.Name)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(names) != 3 || names[0] != "Lumen Voice" || names[2] != "Lumen Assist" {
		t.Errorf("the systems' entries name %q, want the three systems newest first", names)
	}

	// One record's history: the entries of that system alone.
	var history list
	e.do(t, "GET", "/api/v1/activity?record_type=system&record_id="+first.Items[0].RecordID, auditor.Token, nil).want(t, http.StatusOK).decode(t, &history)
	if len(history.Items) == 0 {
		t.Errorf("no history of system %s", first.Items[0].RecordID)
	}
	for _, it := range history.Items {
		if it.RecordID != first.Items[0].RecordID {
			t.Errorf("the history of system %s holds %+v", first.Items[0].RecordID, it.Entry)
		}
	}
	e.do(t, "GET", "/api/v1/activity?record_id="+first.Items[0].RecordID, auditor.Token, nil).wantProblem(t, http.StatusBadRequest, "invalid", "record_id")

	today := e.DB.Now().UTC().Format("2006-01-02")
	var page list
	e.do(t, "GET", "/api/v1/activity?from="+today+"&to="+today+"&record_type=organization", auditor.Token, nil).want(t, http.StatusOK).decode(t, &page)
	if len(page.Items) == 0 || page.Items[0].Record.Name != "Acme" {
		t.Errorf("today's organization entries: %+v", page.Items)
	}
	e.do(t, "GET", "/api/v1/activity?to=2000-01-01", auditor.Token, nil).want(t, http.StatusOK).decode(t, &page)
	if len(page.Items) != 0 {
		t.Errorf("entries before 2000: %d", len(page.Items))
	}

	for _, bad := range []struct{ query, field string }{
		{"action=burn", "action"},
		{"record_type=DROP%20TABLE", "record_type"},
		{"from=yesterday", "from"},
		{"from=2026-02-01&to=2026-01-01", "to"},
	} {
		// Values the OpenAPI document rules out are sent anyway, as a careless client would.
		e.send(t, call{method: "GET", path: "/api/v1/activity?" + bad.query, token: auditor.Token, offContract: bad.field != "to"}).
			wantProblem(t, http.StatusBadRequest, "invalid", bad.field)
	}
}
