package api_test

import (
	"testing"

	"github.com/aimsproject/aims"
)

// TestNotificationSettingsThroughTheAPI: a member reads immediate by default, chooses the daily digest,
// and an unknown mode is 400 naming the field; another member's setting is not theirs.
func TestNotificationSettingsThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	priya := e.member(t, acme, aims.RoleContributor)
	tom := e.member(t, acme, aims.RoleContributor)
	var p struct{ Email string }
	e.do(t, "GET", "/api/v1/me/notifications", priya.Token, nil).want(t, 200).decode(t, &p)
	if p.Email != "immediate" {
		t.Errorf("the default: %q", p.Email)
	}
	e.do(t, "PUT", "/api/v1/me/notifications", priya.Token, map[string]any{"email": "digest"}).want(t, 200)
	e.do(t, "GET", "/api/v1/me/notifications", priya.Token, nil).want(t, 200).decode(t, &p)
	if p.Email != "digest" {
		t.Errorf("after choosing the digest: %q", p.Email)
	}
	e.do(t, "GET", "/api/v1/me/notifications", tom.Token, nil).want(t, 200).decode(t, &p)
	if p.Email != "immediate" {
		t.Errorf("another member's setting changed: %q", p.Email)
	}
	e.send(t, call{method: "PUT", path: "/api/v1/me/notifications", token: priya.Token, offContract: true,
		body: map[string]any{"email": "weekly"}}).wantProblem(t, 400, "invalid", "email")
}
