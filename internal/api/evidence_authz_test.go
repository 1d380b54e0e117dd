package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evidence"
	"github.com/aimsproject/aims/internal/record"
)

// seedEvidence adds a file of orgID, owned by the member owner, as draft evidence awaiting review.
func (e *env) seedEvidence(t *testing.T, orgID, owner string) *evidence.Evidence {
	t.Helper()
	ctx := aims.WithActor(e.Ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test setup", OrgID: orgID})
	ev, err := e.Evidence.Create(ctx, orgID, evidence.New{Fields: evidence.Fields{Title: "Eval " + aims.NewID(), OwnerID: owner},
		File: strings.NewReader("accuracy " + aims.NewID()), FileName: "eval.txt", Review: true})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// evidenceMatrixCall returns the matrix's call of an evidence route, and true, or false for other routes.
func (e *env) evidenceMatrixCall(t *testing.T, method, path string, caller *member, tg *matrixTargets) (call, func(*testing.T, *response, bool), bool) {
	t.Helper()
	if !strings.HasPrefix(path, "/api/v1/evidence") {
		return call{}, nil, false
	}
	c := call{method: method, path: path, token: caller.Token}
	callerOrg := caller.Org.ID
	switch method + " " + path {
	case "GET /api/v1/evidence":
		other := e.seedEvidence(t, tg.org.ID, tg.members[aims.RoleContributor].User.ID)
		return c, func(t *testing.T, res *response, _ bool) {
			if res.status != 200 {
				return
			}
			var got struct{ Items []evidence.Evidence }
			res.decode(t, &got)
			for _, x := range got.Items {
				if x.ID == other.ID && callerOrg != tg.org.ID {
					t.Errorf("listed evidence %s of another organization", x.ID)
				}
			}
		}, true
	case "POST /api/v1/evidence":
		title := "Pushed by " + string(caller.Role) + " " + aims.NewID()
		c.path += "?title=" + strings.ReplaceAll(title, " ", "+")
		c.body, c.header = "eval output "+title, http.Header{"Content-Type": {"application/octet-stream"}}
		return c, func(t *testing.T, _ *response, changed bool) {
			es, _, err := e.Evidence.List(e.Ctx, callerOrg, evidence.Filter{}, aims.Page{Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, x := range es {
				found = found || x.Title == title
			}
			if found != changed {
				t.Errorf("the evidence was stored: %v (changed %v)", found, changed)
			}
		}, true
	}
	ev := e.seedEvidence(t, tg.org.ID, tg.members[aims.RoleContributor].User.ID)
	c.path = strings.Replace(path, "{id}", ev.ID, 1)
	tag := `"` + strconv.FormatInt(ev.Rev, 10) + `"`
	switch method + " " + path {
	case "PUT /api/v1/evidence/{id}":
		c.body, c.header = map[string]any{"title": "Changed by " + string(caller.Role), "collected_on": ev.CollectedOn}, http.Header{"If-Match": {tag}}
	case "PUT /api/v1/evidence/{id}/content":
		c.body, c.header = "new output by "+string(caller.Role), http.Header{"Content-Type": {"application/octet-stream"}, "If-Match": {tag}}
	case "DELETE /api/v1/evidence/{id}", "POST /api/v1/evidence/{id}/approve":
		c.header = http.Header{"If-Match": {tag}}
	}
	return c, func(t *testing.T, res *response, changed bool) {
		now, err := e.Evidence.Get(e.Ctx, tg.org.ID, ev.ID)
		switch {
		case method == "DELETE":
			if changed != (aims.ErrorCode(err) == aims.ENOTFOUND) {
				t.Errorf("the evidence after the call: %v (changed %v)", err, changed)
			}
		case err != nil:
			t.Errorf("the evidence after the call: %v", err)
		case method == "GET":
			if path == "/api/v1/evidence/{id}/content" && res.status == 200 && !strings.HasPrefix(string(res.body), "accuracy ") {
				t.Errorf("content = %q", res.body)
			}
		case changed != (now.Rev == ev.Rev+1):
			t.Errorf("the evidence after the call: rev %d (changed %v)", now.Rev, changed)
		case strings.HasSuffix(path, "/approve") && changed && now.ApprovedBy != caller.User.ID:
			t.Errorf("approved by %q, want the caller", now.ApprovedBy)
		}
	}, true
}

func recordLink(evidenceID, to string) record.NewLink {
	return record.NewLink{Relationship: "evidences", From: "evidence:" + evidenceID, To: to}
}
